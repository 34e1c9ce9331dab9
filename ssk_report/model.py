"""The content model: typed, frozen, and the one place where derived figures are computed.

Templates read these objects; they never recompute a progress year or a completeness figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Patterns are matched by pydantic-core's Rust engine, where "$" is the very end of the text (in
# Python's re it would also accept a final line break). Digits are ASCII: "\d" takes any script's.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
IndicatorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
MilestoneId = Annotated[str, StringConstraints(pattern=r"^M[1-4]$")]
Year = Annotated[int, Field(ge=1990, le=2100)]
PpspYear = Annotated[int, Field(ge=2010, le=2035)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
# The site's own address goes into the feeds, the sitemap, robots.txt and every page's head: only
# characters that mean the same, unescaped, in all of them (no quotes, spaces, "&", "<", "?" or "#").
BASE_URL_PATTERN = r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]*)?$"
BaseUrl = Annotated[str, StringConstraints(pattern=BASE_URL_PATTERN)]
# Numbers have bounds that every later stage can show, sum and write (Babel, the workbook, JSON):
# no infinity or NaN. A quantity (people, km²) is at most ten billion, more than any population or
# area on Earth; indicator values and targets are percentages, checked 0-100 in validate.py.
MAX_QUANTITY = 10_000_000_000
Number = Annotated[float, Field(allow_inf_nan=False)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Lang = Literal["id", "en"]


class Record(BaseModel):
    """Base of every content record: immutable, and unknown keys (typos) are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Text(Record):
    """Text people read, Indonesian first; a plain string in YAML means Indonesian only."""

    id: NonEmpty
    en: NonEmpty | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        return {"id": value} if isinstance(value, str) else value

    def get(self, lang: Lang = "id") -> str:
        return self.en if lang == "en" and self.en else self.id

    def __str__(self) -> str:
        return self.id


class Source(Record):
    id: Slug
    title: NonEmpty
    publisher: NonEmpty
    year: Year | None = None
    date: dt.date | None = None
    url: Url | None = None
    note: Text | None = None


class Quantity(Record):
    """A figure with the year it describes and where it comes from."""

    value: float = Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)
    year: Year
    source: Slug


class Province(Record):
    name: NonEmpty
    kemendagri_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
    bps_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
    capital: NonEmpty
    population: Quantity | None = None
    area_km2: Quantity | None = None
    sources: list[Slug] = []


class Site(Record):
    title: Text
    description: Text
    organisation: NonEmpty
    secretariat: NonEmpty | None = None
    as_of: dt.date
    base_url: BaseUrl | None = None
    licence: str | None = None
    # "province": one province's site (content/regencies/ under `province`); "nation": regencies of
    # many provinces, listed in content/provinces.yaml, with `province` describing the whole area.
    scope: Literal["province", "nation"] = "province"
    province: Province
    # The "Perubahan data" page compares these git revisions (tags such as cc6-2025); without them,
    # it shows what changed since the latest coaching clinic.
    changes_since: NonEmpty | None = None
    changes_until: NonEmpty | None = None
    # Whom a reader who meets a barrier may contact, named on the accessibility statement (issue 24);
    # None leaves that line out.
    accessibility_contact: Text | None = None


class Milestone(Record):
    id: MilestoneId
    name: Text
    description: Text
    output: Text


class Subsector(Record):
    id: IndicatorId
    name: Text
    description: Text | None = None


class Indicator(Record):
    id: IndicatorId
    subsector: IndicatorId
    name: Text
    description: Text | None = None
    unit: Literal["percent"]
    better: Literal["up", "down"]

    def meets(self, value: float, target: float) -> bool:
        return value >= target if self.better == "up" else value <= target


class Target(Record):
    indicator: IndicatorId
    scope: Literal["national", "province"]
    start: Year
    end: Year
    value: Number
    source: Slug

    @model_validator(mode="after")
    def _period_in_order(self) -> Target:
        if self.end < self.start:
            raise ValueError(f"periode terbalik (tertulis {self.start}–{self.end}, seharusnya start ≤ end)")
        return self

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end


class Observation(Record):
    """One measured value of an indicator for a year."""

    year: Year
    value: Number
    source: Slug


class Actual(Observation):
    """A province-level observation, as listed in indicators.yaml."""

    indicator: IndicatorId


class Cohort(Record):
    """When a regency went through the PPSP milestones; None where no source says."""

    m1_m3_year: PpspYear | None = None
    m4_year: PpspYear | None = None
    source: Slug | None = None

    @model_validator(mode="after")
    def _m4_after_m1_m3(self) -> Cohort:
        if self.m1_m3_year is not None and self.m4_year is not None and self.m4_year <= self.m1_m3_year:
            raise ValueError(
                f"m4_year harus sesudah m1_m3_year (tertulis M1–M3 {self.m1_m3_year}, M4 {self.m4_year})"
            )
        if (self.m1_m3_year or self.m4_year) and not self.source:
            raise ValueError("tahun tahapan perlu sumber: isi ppsp.source dengan id dari sources.yaml")
        return self

    def progress_year(self, year: int) -> int | None:
        """'Progres tahun ke-N': the M4 year is year 1; None before M4 or when M4 is unknown."""
        if self.m4_year is None or self.m4_year > year:
            return None
        return year - self.m4_year + 1

    def stage(self, year: int) -> Stage:
        if self.m4_year is not None and self.m4_year <= year:
            return Stage.M4
        if self.m1_m3_year is not None and self.m1_m3_year <= year:
            return Stage.M1_M3
        return Stage.UNKNOWN


class Stage(StrEnum):
    """Where a regency stands in PPSP at a given year."""

    UNKNOWN = "unknown"
    M1_M3 = "m1_m3"
    M4 = "m4"


class Pokja(Record):
    chair: str | None = None
    secretariat: str | None = None
    decree: str | None = None
    source: Slug


class Document(Record):
    kind: Literal["ssk", "buku_putih", "memorandum", "kerangka_logis", "lainnya"]
    title: NonEmpty
    year: Year | None = None
    url: Url | None = None
    source: Slug


class Regency(Record):
    slug: Slug
    name: NonEmpty
    type: Literal["kabupaten", "kota"]
    kemendagri_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}\.[0-9]{2}$")]
    bps_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
    capital: NonEmpty | None = None
    sources: list[Slug] = []
    population: Quantity | None = None
    area_km2: Quantity | None = None
    ppsp: Cohort = Cohort()
    pokja: Pokja | None = None
    documents: list[Document] = []
    indicators: dict[IndicatorId, list[Observation]] = {}
    notes: Text | None = None

    @property
    def cited_sources(self) -> tuple[str, ...]:
        """Every source this regency's facts rest on, each once, in the order first cited."""
        cited = [*self.sources, self.ppsp.source]
        cited += [q.source for q in (self.population, self.area_km2, self.pokja, *self.documents) if q is not None]
        cited += [o.source for observations in self.indicators.values() for o in observations]
        return _unique_ids(cited)


    def completeness(self, catalogue: list[Indicator]) -> Completeness:
        """Which catalogue indicators and key fields have a value (missing data becomes a to-do)."""
        checks = {
            "population": self.population is not None,
            "area_km2": self.area_km2 is not None,
            "m1_m3_year": self.ppsp.m1_m3_year is not None,
            "m4_year": self.ppsp.m4_year is not None,
            "pokja": self.pokja is not None,
            "ssk": any(d.kind == "ssk" for d in self.documents),
        }
        checks |= {f"indicator:{i.id}": bool(self.indicators.get(i.id)) for i in catalogue}
        return Completeness(
            filled=tuple(k for k, ok in checks.items() if ok),
            missing=tuple(k for k, ok in checks.items() if not ok),
        )


@dataclass(frozen=True)
class Completeness:
    filled: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ratio(self) -> float:
        total = len(self.filled) + len(self.missing)
        return len(self.filled) / total if total else 0.0


class ActionItem(Record):
    id: Slug
    title: Text
    owner: NonEmpty
    due: dt.date
    status: Literal["open", "in_progress", "done", "dropped"]
    regency: Slug | None = None
    note: Text | None = None


class WorkPlan(Record):
    year: Year
    items: list[ActionItem] = []


class Participant(Record):
    regency: Slug
    progress_year: Annotated[int, Field(ge=1, le=30)] | None = None  # as recorded at the clinic


class Clinic(Record):
    slug: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-cc[0-9]+$")]
    number: Annotated[int, Field(ge=1, le=99)]
    cycle_year: Year
    start: dt.date
    end: dt.date
    venue: Text
    city: NonEmpty
    organiser: NonEmpty
    opened_by: Text | None = None
    milestone_focus: MilestoneId | None = None
    scope: list[IndicatorId] = []
    participant_count: Annotated[int, Field(ge=0, le=9999)] | None = None
    participants: list[Participant] = []
    agenda: list[Text] = []
    findings: list[Text] = []
    outcomes: list[Text] = []
    action_items: list[ActionItem] = []
    work_plan: WorkPlan | None = None
    sources: list[Slug] = []
    narrative: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Clinic:
        if self.end < self.start:
            raise ValueError(f"tanggal selesai sebelum tanggal mulai (tertulis {self.start} s.d. {self.end})")
        if self.slug != f"{self.cycle_year}-cc{self.number}":
            raise ValueError(
                f"nama berkas harus {self.cycle_year}-cc{self.number}.yaml sesuai cycle_year dan number"
                f" (tertulis {self.slug}.yaml)"
            )
        if (self.participant_count is not None and self.participants
                and self.participant_count != len(self.participants)):
            raise ValueError(
                f"participant_count tidak cocok dengan daftar peserta"
                f" (tertulis {self.participant_count}, daftar berisi {len(self.participants)})"
            )
        return self

    @property
    def attendance(self) -> int | None:
        """How many regencies took part, from the list or, where unnamed, the stated count."""
        return len(self.participants) if self.participants else self.participant_count


class Page(Record):
    slug: Slug
    title: Text
    description: Text
    order: Annotated[int, Field(ge=-9999, le=9999)] = 100
    layout: Literal["page", "sources"] = "page"
    body: Text


class MenuEntry(NamedTuple):
    slug: str
    title: Text
    layout: str


class TargetCheck(Record):
    target: Target
    status: Literal["met", "behind", "no_data"]


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's latest value judged against the targets that apply in a given year."""

    indicator: Indicator
    latest: Observation | None
    checks: tuple[TargetCheck, ...]
    # For charts and open data (issue 5): every value by year, and every target of the indicator
    # (all periods and scopes), so a chart draws the history against each target it had.
    series: tuple[Observation, ...] = ()
    targets: tuple[Target, ...] = ()

    @property
    def status(self) -> Literal["met", "behind", "no_data", "no_target"]:
        """Against the most specific target: the province's where it has one, else the nation's."""
        if not self.checks:
            return "no_data" if self.latest is None else "no_target"
        return min(self.checks, key=lambda c: c.target.scope != "province").status

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the latest value and of the targets it is judged against."""
        latest = (self.latest.source,) if self.latest else ()
        return _unique_ids(latest + tuple(c.target.source for c in self.checks))


def assess(indicator: Indicator, observations: list[Observation], targets: list[Target], year: int) -> IndicatorStatus:
    latest = max(observations, key=lambda o: o.year, default=None)
    checks = []
    for scope in ("province", "national"):
        own = [t for t in targets if t.indicator == indicator.id and t.scope == scope]
        # The period that contains `year`, else the one that ended last before it.
        current = [t for t in own if t.covers(year)] or sorted(
            (t for t in own if t.end < year), key=lambda t: t.end)[-1:]
        for target in current:
            status = "no_data" if latest is None else (
                "met" if indicator.meets(latest.value, target.value) else "behind")
            checks.append(TargetCheck(target=target, status=status))
    series = tuple(sorted(observations, key=lambda o: o.year))
    every = tuple(sorted((t for t in targets if t.indicator == indicator.id), key=lambda t: (t.start, t.scope, t.end)))
    return IndicatorStatus(indicator, latest, tuple(checks), series, every)


@dataclass(frozen=True)
class RegencyStatus:
    """Everything derived about one regency at the report's as-of date."""

    regency: Regency
    stage: Stage
    progress_year: int | None
    completeness: Completeness
    indicators: tuple[IndicatorStatus, ...]
    clinics: tuple[Clinic, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return _unique_ids(list(self.regency.cited_sources) + [s for i in self.indicators for s in i.sources])


@dataclass(frozen=True)
class Ranked:
    """A regency's value in an indicator's ranking, and its place (equal values share a place)."""

    regency: Regency
    observation: Observation
    rank: int


@dataclass(frozen=True)
class Unranked:
    """A regency without a value for the ranking's year, with its latest earlier value if it has one."""

    regency: Regency
    latest: Observation | None


@dataclass(frozen=True)
class Ranking:
    """One indicator's values of every regency for the latest year in which any regency has one, best
    first by the indicator's better direction. Equal values share a place (1, 2, 2, 4) and keep the
    order of the Kemendagri codes. The regencies without a value for that year are listed apart, in
    code order: they are not ranked last, their value is unknown."""

    indicator: Indicator
    year: int | None  # None: no regency has a value yet
    ranked: tuple[Ranked, ...]
    unranked: tuple[Unranked, ...]
    targets: tuple[Target, ...] = ()  # the indicator's targets whose period holds `year`

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the ranked values, then of the latest earlier values of the others."""
        return _unique_ids([e.observation.source for e in self.ranked]
                           + [u.latest.source for u in self.unranked if u.latest])


def rank(indicator: Indicator, regencies: Sequence[Regency], targets: Sequence[Target] = ()) -> Ranking:
    """Each regency in the ranking is named by its identity only (see _identity)."""
    ordered = [_identity(r, indicator) for r in sorted(regencies, key=lambda r: r.kemendagri_code)]
    values = {r.slug: r.indicators.get(indicator.id, []) for r in ordered}
    year = max((o.year for observations in values.values() for o in observations), default=None)
    measured = [(r, o) for r in ordered for o in values[r.slug] if o.year == year]
    # Python's sort is stable: equal values keep the code order.
    measured.sort(key=lambda pair: -pair[1].value if indicator.better == "up" else pair[1].value)
    ranked: list[Ranked] = []
    for place, (regency, observation) in enumerate(measured, start=1):
        tied = bool(ranked) and ranked[-1].observation.value == observation.value
        ranked.append(Ranked(regency, observation, ranked[-1].rank if tied else place))
    placed = {r.slug for r, _ in measured}
    unranked = tuple(Unranked(r, max(values[r.slug], key=lambda o: o.year, default=None))
                     for r in ordered if r.slug not in placed)
    applying = tuple(sorted((t for t in targets if t.indicator == indicator.id and year is not None
                             and t.covers(year)), key=lambda t: (t.scope != "province", t.start)))
    return Ranking(indicator, year, tuple(ranked), unranked, applying)


def _identity(regency: Regency, indicator: Indicator) -> Regency:
    """A regency as a ranking shows it: its name, kind, codes and this indicator's values, none of its
    other facts (they stay unset). An indicator's page is made again when one of these changes, not
    when a regency's notes or population do."""
    return Regency.model_construct(slug=regency.slug, name=regency.name, type=regency.type,
                                   kemendagri_code=regency.kemendagri_code, bps_code=regency.bps_code,
                                   indicators={k: v for k, v in regency.indicators.items() if k == indicator.id})


class MapLayout(Record):
    """content/map.yaml: where each regency's tile sits on the province's schematic tile-grid map.

    Positions are a drawing, not geography: one cell per regency in its rough place, north at the top.
    """

    layout: Literal["tile-grid"] = "tile-grid"
    note: Text | None = None
    tiles: dict[Slug, tuple[Annotated[int, Field(ge=0, le=49)], Annotated[int, Field(ge=0, le=49)]]]

    @property
    def columns(self) -> int:
        return max((column for column, _ in self.tiles.values()), default=-1) + 1

    @property
    def rows(self) -> int:
        return max((row for _, row in self.tiles.values()), default=-1) + 1


class Content(Record):
    """The whole validated content tree."""

    site: Site
    sources: list[Source]
    milestones: list[Milestone]
    subsectors: list[Subsector]
    indicators: list[Indicator]
    targets: list[Target]
    actuals: list[Actual]
    regencies: list[Regency]
    clinics: list[Clinic]
    pages: list[Page]
    map: MapLayout | None = None  # the schematic map (issue 5); content/map.yaml is optional
    provinces: list[Province] = []  # content/provinces.yaml, for a national site

    def province_of(self, regency: Regency) -> Province:
        """The province a regency belongs to: the one whose code starts its Kemendagri code."""
        code = regency.kemendagri_code.split(".")[0]
        return next((p for p in self.provinces if p.kemendagri_code == code), self.site.province)

    @property
    def statuses_by_province(self) -> list[tuple[Province, list[RegencyStatus]]]:
        """Regencies grouped by province in code order (one group on a provincial site)."""
        groups: dict[str, list[RegencyStatus]] = {}
        for status in self.statuses:
            groups.setdefault(self.province_of(status.regency).kemendagri_code, []).append(status)
        return [(self.province_of(members[0].regency), members) for _, members in sorted(groups.items())]

    @property
    def year(self) -> int:
        return self.site.as_of.year

    @property
    def menu(self) -> list[MenuEntry]:
        """The pages as every page's menu and footer link to them: not their text, so that editing a
        page's body re-renders that page only (see pagecache)."""
        return [MenuEntry(p.slug, p.title, p.layout) for p in self.pages]

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def regency_by_slug(self) -> dict[str, Regency]:
        return {r.slug: r for r in self.regencies}

    @cached_property
    def subsector_by_id(self) -> dict[str, Subsector]:
        return {s.id: s for s in self.subsectors}

    @cached_property
    def milestone_by_id(self) -> dict[str, Milestone]:
        return {m.id: m for m in self.milestones}

    @cached_property
    def clinics_by_date(self) -> list[Clinic]:
        return sorted(self.clinics, key=lambda c: (c.start, c.number))

    @property
    def latest_clinic(self) -> Clinic | None:
        return self.clinics_by_date[-1] if self.clinics else None

    def previous_clinic(self, clinic: Clinic) -> Clinic | None:
        ordered = self.clinics_by_date
        index = ordered.index(clinic)
        return ordered[index - 1] if index > 0 else None

    @cached_property
    def statuses(self) -> list[RegencyStatus]:
        """One status per regency, in the order of their Kemendagri codes."""
        result = []
        attended = {c.slug: {p.regency for p in c.participants} for c in self.clinics}
        for regency in sorted(self.regencies, key=lambda r: r.kemendagri_code):
            result.append(RegencyStatus(
                regency=regency,
                stage=regency.ppsp.stage(self.year),
                progress_year=regency.ppsp.progress_year(self.year),
                completeness=regency.completeness(self.indicators),
                indicators=tuple(
                    assess(i, regency.indicators.get(i.id, []), self.targets, self.year) for i in self.indicators
                ),
                clinics=tuple(
                    c for c in self.clinics_by_date if regency.slug in attended[c.slug]
                ),
            ))
        return result

    def status_of(self, slug: str) -> RegencyStatus:
        return self._status_by_slug[slug]

    @cached_property
    def _status_by_slug(self) -> dict[str, RegencyStatus]:
        return {s.regency.slug: s for s in self.statuses}

    @cached_property
    def province_indicators(self) -> list[IndicatorStatus]:
        return [
            assess(i, [a for a in self.actuals if a.indicator == i.id], self.targets, self.year)
            for i in self.indicators
        ]

    @cached_property
    def rankings(self) -> list[Ranking]:
        """Per catalogue indicator, the regencies ranked by their latest year's values (issue 24)."""
        return [rank(i, self.regencies, self.targets) for i in self.indicators]

    @property
    def stage_counts(self) -> dict[Stage, int]:
        counts = Counter(s.stage for s in self.statuses)
        return {stage: counts[stage] for stage in (Stage.M4, Stage.M1_M3, Stage.UNKNOWN)}

    @property
    def progress_year_counts(self) -> dict[int, int]:
        counts = Counter(s.progress_year for s in self.statuses if s.progress_year is not None)
        return dict(sorted(counts.items()))

    @property
    def population_total(self) -> Quantity | None:
        """The province's stated population, else the sum of its regencies when all are known."""
        return self.site.province.population or _sum([r.population for r in self.regencies])

    @property
    def area_total(self) -> Quantity | None:
        return self.site.province.area_km2 or _sum([r.area_km2 for r in self.regencies])

    def report_sections(self, clinic: Clinic) -> list[tuple[RegencyStatus, Participant | None]]:
        """The regencies a clinic's report covers: its named participants, or every regency when the
        participants were not named (the report then says so)."""
        if clinic.participants:
            return [(self.status_of(p.regency), p) for p in clinic.participants]
        return [(status, None) for status in self.statuses]

    def report_sources(self, clinic: Clinic) -> tuple[str, ...]:
        cited = [*clinic.sources, *self.site.province.sources]
        cited += [s for i in self.province_indicators for s in i.sources]
        cited += [s for status, _ in self.report_sections(clinic) for s in status.sources]
        return _unique_ids(cited)

    def progress_at(self, clinic: Clinic, slug: str) -> int | None:
        """Progress year of a regency in the clinic's cycle year, derived from its M4 year."""
        return self.regency_by_slug[slug].ppsp.progress_year(clinic.cycle_year)


def _sum(quantities: list[Quantity | None]) -> Quantity | None:
    known = [q for q in quantities if q is not None]
    if not known or len(known) < len(quantities) or len({(q.year, q.source) for q in known}) != 1:
        return None
    return Quantity(value=round(sum(q.value for q in known), 2), year=known[0].year, source=known[0].source)


def _unique_ids(ids: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in ids if i))
