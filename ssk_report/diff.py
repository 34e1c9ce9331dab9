"""What changed in the content between two revisions: the question asked at every coaching clinic."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from . import history, i18n, loader
from .errors import ContentError, UsageError
from .i18n import N_
from .model import Clinic, Content, Lang, Stage
from .validate import validate

Judgement = Literal["good", "bad", "neutral"]
# Moving up this scale is progress; dropping an item is a setback.
STATUS_RANK = {"dropped": -1, "open": 0, "in_progress": 1, "done": 2}


@dataclass(frozen=True)
class Change:
    """One difference, described by data; `describe` turns it into a sentence."""

    area: Literal["regency", "province", "clinic", "action_item"]
    subject: str  # regency slug, indicator id, clinic slug or action item id
    name: str  # what people call the subject
    what: str  # "added", "removed", "stage", "progress_year", "m1_m3_year", "m4_year", "indicator", "status", ...
    old: Any = None
    new: Any = None
    judgement: Judgement = "neutral"
    detail: str = ""  # e.g. the indicator's name and year
    detail_en: str = ""  # the same in English, where it differs
    kind: str = ""  # "kabupaten" or "kota" for a regency, whose name is then shown in the reader's language


def _value(observations: list[Any]) -> dict[int, float]:
    return {o.year: o.value for o in observations}


def _indicator_changes(area: Literal["regency", "province"], subject: str, name: str, a: Content, b: Content,
                       old: dict[str, dict[int, float]], new: dict[str, dict[int, float]]) -> list[Change]:
    changes = []
    for indicator in b.indicators:
        before, after = old.get(indicator.id, {}), new.get(indicator.id, {})
        for year in sorted(set(before) | set(after)):
            if before.get(year) == after.get(year):
                continue
            judgement: Judgement = "neutral"
            if year in before and year in after:
                improved = indicator.meets(after[year], before[year])
                judgement = "good" if improved else "bad"
            changes.append(Change(area, subject, name, "indicator", before.get(year), after.get(year), judgement,
                                  f"{indicator.name.id} {year}", f"{indicator.name.get('en')} {year}"))
    return changes


def compare(a: Content, b: Content) -> list[Change]:
    """Every change from content `a` (older) to `b` (newer), regencies in code order first."""
    changes: list[Change] = []
    old_regencies, new_regencies = a.regency_by_slug, b.regency_by_slug
    for slug in sorted(set(old_regencies) - set(new_regencies)):
        changes.append(Change("regency", slug, old_regencies[slug].name, "removed"))
    for status in b.statuses:
        regency, slug = status.regency, status.regency.slug
        if slug not in old_regencies:
            changes.append(Change("regency", slug, regency.name, "added"))
            continue
        before = a.status_of(slug)
        if before.stage != status.stage:
            order = [Stage.UNKNOWN, Stage.M1_M3, Stage.M4]
            good = order.index(status.stage) > order.index(before.stage)
            changes.append(Change("regency", slug, regency.name, "stage", before.stage.value,
                                  status.stage.value, "good" if good else "bad"))
        if before.progress_year != status.progress_year and before.stage == status.stage:
            changes.append(Change("regency", slug, regency.name, "progress_year", before.progress_year,
                                  status.progress_year))
        for key in ("m1_m3_year", "m4_year"):
            old_year, new_year = getattr(before.regency.ppsp, key), getattr(regency.ppsp, key)
            if old_year != new_year:
                changes.append(Change("regency", slug, regency.name, key, old_year, new_year))
        for key in ("population", "area_km2"):
            old_q, new_q = getattr(before.regency, key), getattr(regency, key)
            if (old_q and old_q.value) != (new_q and new_q.value):
                changes.append(Change("regency", slug, regency.name, key, old_q and old_q.value,
                                      new_q and new_q.value))
        if (before.regency.pokja is None) != (regency.pokja is None):
            changes.append(Change("regency", slug, regency.name, "pokja", before.regency.pokja is not None,
                                  regency.pokja is not None, "good" if regency.pokja else "bad"))
        old_docs = {d.title for d in before.regency.documents}
        changes += [Change("regency", slug, regency.name, "document", None, d.title, "good")
                    for d in regency.documents if d.title not in old_docs]
        changes += _indicator_changes("regency", slug, regency.name, a, b,
                                      {k: _value(v) for k, v in before.regency.indicators.items()},
                                      {k: _value(v) for k, v in regency.indicators.items()})
    province = b.site.province.name
    changes += _indicator_changes(
        "province", b.site.province.kemendagri_code, province, a, b,
        {i.id: _value([x for x in a.actuals if x.indicator == i.id]) for i in a.indicators},
        {i.id: _value([x for x in b.actuals if x.indicator == i.id]) for i in b.indicators})
    old_clinics = {c.slug: c for c in a.clinics}
    new_clinics = {c.slug: c for c in b.clinics}
    changes += [Change("clinic", s, i18n.clinic_short(old_clinics[s].number, old_clinics[s].cycle_year, "id"),
                       "removed")
                for s in sorted(set(old_clinics) - set(new_clinics))]
    changes += [Change("clinic", c.slug, i18n.clinic_short(c.number, c.cycle_year, "id"), "added")
                for c in b.clinics_by_date if c.slug not in old_clinics]
    changes += _action_item_changes(a, b)
    kinds = {r.slug: r.type for r in [*a.regencies, *b.regencies]}
    return [replace(c, kind=kinds[c.subject]) if c.area == "regency" else c for c in changes]


def _items(content: Content) -> dict[str, Any]:
    items = {}
    for clinic in content.clinics_by_date:
        for item in [*clinic.action_items, *(clinic.work_plan.items if clinic.work_plan else [])]:
            items[item.id] = item
    return items


def _action_item_changes(a: Content, b: Content) -> list[Change]:
    old, new = _items(a), _items(b)
    changes = []
    for item_id, item in new.items():
        if item_id not in old:
            changes.append(Change("action_item", item_id, item.title.id, "added", None, item.status))
        elif old[item_id].status != item.status:
            better = STATUS_RANK[item.status] > STATUS_RANK[old[item_id].status]
            changes.append(Change("action_item", item_id, item.title.id, "status", old[item_id].status, item.status,
                                  "good" if better else "bad"))
    changes += [Change("action_item", i, old[i].title.id, "removed") for i in old if i not in new]
    return changes


STAGE_NAMES = {"unknown": N_("belum diketahui"), "m1_m3": N_("M1–M3"), "m4": N_("M4")}
STATUS_NAMES = {"open": N_("belum dimulai"), "in_progress": N_("berjalan"), "done": N_("selesai"),
                "dropped": N_("dibatalkan")}
FIELD_NAMES = {"m1_m3_year": N_("tahun M1–M3"), "m4_year": N_("tahun mulai M4"), "population": N_("jumlah penduduk"),
               "area_km2": N_("luas wilayah (km²)")}
JUDGEMENT_NAMES = {"good": N_("membaik"), "bad": N_("memburuk"), "neutral": ""}


def describe(change: Change, lang: Lang = "id") -> str:
    """One change as a sentence in `lang` (UI words go through the translation function)."""
    _ = lambda text: i18n.gettext(text, lang)  # noqa: E731 - a local alias, as gettext is used everywhere
    empty = _("belum ada data")

    def show(value: Any) -> str:
        if value is None:
            return empty
        if isinstance(value, float) and change.what == "indicator":
            return i18n.format_percent(value, lang)
        if isinstance(value, float):
            return i18n.format_number(value, lang, 2 if value % 1 else 0)
        return str(value)

    name = i18n.regency_name(change.kind, change.name, lang) if change.kind else change.name
    what = change.what
    if what == "added":
        return {"regency": _("%(name)s ditambahkan"), "clinic": _("%(name)s tercatat"),
                "action_item": _("Butir tindak lanjut baru: %(name)s")}[change.area] % {"name": name}
    if what == "removed":
        return _("%(name)s dihapus") % {"name": name}
    if what == "stage":
        return _("%(name)s: tahap %(old)s → %(new)s") % {
            "name": name, "old": _(STAGE_NAMES[change.old]), "new": _(STAGE_NAMES[change.new])}
    if what == "progress_year":
        return _("%(name)s: tahun tahap M4 ke-%(old)s → ke-%(new)s") % {
            "name": name, "old": show(change.old), "new": show(change.new)}
    if what == "pokja":
        return (_("%(name)s: susunan Pokja ditambahkan") if change.new
                else _("%(name)s: susunan Pokja dihapus")) % {"name": name}
    if what == "document":
        return _("%(name)s: dokumen baru “%(title)s”") % {"name": name, "title": change.new}
    if what == "status":
        sentence = _("%(name)s: %(old)s → %(new)s") % {
            "name": name, "old": _(STATUS_NAMES[change.old]), "new": _(STATUS_NAMES[change.new])}
    else:
        label = (change.detail_en if lang == "en" and change.detail_en else change.detail) if what == "indicator" \
            else _(FIELD_NAMES[what])
        sentence = _("%(name)s: %(label)s %(old)s → %(new)s") % {
            "name": name, "label": label, "old": show(change.old), "new": show(change.new)}
    verdict = JUDGEMENT_NAMES[change.judgement]
    return f"{sentence} ({_(verdict)})" if verdict else sentence


def as_text(changes: list[Change], title: str) -> str:
    if not changes:
        return f"{title}\n\nTidak ada perubahan data.\n"
    return f"{title}\n\n" + "".join(f"- {describe(c)}\n" for c in changes)


def as_markdown(changes: list[Change], title: str) -> str:
    sections = {"regency": "Kabupaten/kota", "province": "Provinsi", "clinic": "Coaching clinic",
                "action_item": "Butir tindak lanjut"}
    lines = [f"# {title}", ""]
    if not changes:
        return "\n".join([*lines, "Tidak ada perubahan data.", ""])
    for area, heading in sections.items():
        own = [c for c in changes if c.area == area]
        if own:
            lines += [f"## {heading}", "", *(f"- {describe(c)}" for c in own), ""]
    return "\n".join(lines)


def as_json(changes: list[Change]) -> str:
    return json.dumps([asdict(c) | {"text": describe(c)} for c in changes], ensure_ascii=False, indent=2, default=str)


def load_content(folder: Path) -> Content:
    return validate(*loader.load(folder))


def content_at(repo: Path, revision: str, content: Path) -> Content:
    """The content folder as it was at `revision`, read and checked as the build reads it; its
    problems name the user's files and the revision (`content/x.yaml:3:1 (at HEAD): ...`)."""
    try:
        return validate(*loader.load(history.Revision(repo, revision, content)))
    except ContentError as exc:
        problems = "\n".join(str(replace(p, revision=revision)) for p in exc.problems)
        raise UsageError(f"konten pada revisi {revision!r} tidak valid, tidak dapat dibandingkan:\n"
                         f"{problems}") from None


def diff_revisions(content: Path, rev_a: str, rev_b: str | None) -> tuple[list[Change], str]:
    """Changes from `rev_a` to `rev_b` (the working tree when None), with a title naming both."""
    repo = history.repository_of(content)
    if repo is None:
        raise UsageError(f"{content} tidak berada di dalam repositori git; perbandingan revisi tidak bisa dibuat")
    old = content_at(repo, rev_a, content)
    new = load_content(content) if rev_b is None else content_at(repo, rev_b, content)
    return compare(old, new), f"Perubahan data: {rev_a} → {rev_b or 'salinan kerja'}"


@dataclass(frozen=True)
class ChangeLog:
    """The changes shown on the site's "Perubahan data" page and in each clinic report's annex.
    A value of None means there is no earlier state to compare with."""

    since: str | None = None  # what the site page compares from: a revision or a clinic's slug
    site: tuple[Change, ...] | None = None
    clinics: dict[str, tuple[Change, ...] | None] = field(default_factory=dict)


def change_log(content_dir: Path, content: Content, since: str | None = None, until: str | None = None) -> ChangeLog:
    """Changes for the site (from `since`, else from the latest clinic to the current content) and for
    each clinic report (from the previous clinic of its series to this one).

    The content as it stood at a clinic is, in this order: the state tagged with the clinic's name
    (`cc7-2025` or `2025-cc7`, set once the clinic's data are in); the last state recorded on or
    before its last day; and where the history holds no state that old, the content as of that day
    (Content.as_of: the facts whose sources are dated by then). So the page shows what changed even
    when every recorded state postdates the data, and a clinic's report, dated to its clinic, lists
    nothing that changed after it."""
    repo = history.repository_of(content_dir)
    latest = content.latest_clinic
    states: dict[str, Content | None] = {}

    def state(revision: str | None) -> Content | None:
        if revision is None or repo is None:
            return None
        if revision not in states:
            try:
                states[revision] = content_at(repo, revision, content_dir)
            except UsageError:
                states[revision] = None
        return states[revision]

    def between(old: Content | None, new: Content | None) -> tuple[Change, ...] | None:
        return None if old is None or new is None else tuple(compare(old, new))

    def at(clinic: Clinic) -> Content:
        recorded = None
        if repo is not None:
            # A province's clinic on a national site by its id only: "cc1-2025" would name another's.
            tags = (clinic.slug,) if clinic.province else (f"cc{clinic.number}-{clinic.cycle_year}", clinic.slug)
            recorded = next((found for tag in tags if (found := state(tag)) is not None), None) or state(
                history.revision_at(repo, clinic.end))
        return recorded if recorded is not None else content.as_of(clinic.end)

    clinics: dict[str, tuple[Change, ...] | None] = {}
    for clinic in content.clinics_by_date:
        previous = content.previous_clinic(clinic)
        if previous is not None:
            clinics[clinic.slug] = between(at(previous), at(clinic))
    if since is not None and repo is not None:
        history.resolve(repo, since)
        site = between(state(since), state(until) if until else content)
        return ChangeLog(since, site, clinics)
    if latest is None:
        return ChangeLog(None, None, clinics)
    return ChangeLog(latest.slug, between(at(latest), content), clinics)
