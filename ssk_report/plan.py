"""Stage 3: the content model -> the list of pages and documents to produce, in every language.
No I/O here."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .model import (
    AreaStatus,
    Clinic,
    Content,
    Lang,
    Page,
    Participant,
    Province,
    RegencyStatus,
    Text,
    detailed_sections,
)

# Where each language's edition lives. Indonesian is the site root; the English edition mirrors its
# page structure under en/, with its reports under en/report/.
PREFIX: dict[Lang, str] = {"id": "", "en": "en/"}
REPORTS: dict[Lang, str] = {"id": "laporan", "en": "en/report"}


@dataclass(frozen=True)
class Volume:
    """One province's volume of a clinic's report whose regencies lie in several provinces (see
    Content.report_volumes): the clinic, the province and its regencies' sections as they stood at
    the clinic. Everything the volume shows of its regencies is here, so that a change to another
    province's regency leaves this volume as it was."""

    clinic: Clinic
    province: Province
    sections: tuple[tuple[RegencyStatus, Participant | None], ...]

    @property
    def detailed(self) -> list[tuple[RegencyStatus, Participant | None]]:
        """Its regencies that get a section of their own (model.detailed_sections)."""
        return detailed_sections(self.clinic, self.sections)

    @property
    def sources(self) -> tuple[str, ...]:
        """The clinic's sources and those of this volume's regencies, each once."""
        cited = [*self.clinic.sources, *(s for status, _ in self.sections for s in status.sources)]
        return tuple(dict.fromkeys(cited))


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, which template makes it, in which language, about what."""

    path: str  # relative to the output root, always with "/" separators
    template: str
    # The RegencyStatus, Clinic or Page the file presents, if any. Not part of the plan's digest: a
    # template reads a subject through its own `subject` or `content`, never through the plan, so that
    # a change to one regency does not change every page that links to the plan's other outputs.
    subject: Any = field(default=None, metadata={"key": False})
    kind: str = "page"  # "page" (HTML) or "pdf"
    lang: Lang = DEFAULT_LANGUAGE
    key: str = ""  # the same for a page in every language: the language switcher's link
    # PDF conformance: every PDF is tagged PDF/UA-1 (screen readers); a clinic report also has an
    # archival copy, PDF/A-3a (tagged too) with the content it was built from attached, made from the
    # same layout.
    variant: str | None = None
    archive: str | None = None

    @property
    def shows(self) -> tuple[str, ...] | None:
        """The content files (relative to the content folder) whose data this page presents, as its
        "last updated" line counts them (the sitemap's lastmod); None for a page drawn from the
        whole content (the home page and the other overviews)."""
        subject = self.subject
        if isinstance(subject, RegencyStatus):
            return (f"regencies/{subject.regency.slug}.yaml",)
        if isinstance(subject, AreaStatus):  # a province, its values and targets, and its regencies
            return ("provinces.yaml", "indicators.yaml",
                    *(f"regencies/{s.regency.slug}.yaml" for s in subject.statuses))
        if isinstance(subject, Volume):
            subject = subject.clinic
        if isinstance(subject, Clinic):
            return tuple(f"clinics/{subject.file_stem}{end}" for end in (".yaml", ".md", ".en.md"))
        if isinstance(subject, Page):
            return (f"pages/{subject.slug}.md", f"pages/{subject.slug}.en.md")
        return None


class MenuEntry(NamedTuple):
    """A content page as every page's menu and footer link to it: its title, not its text."""

    slug: str
    title: Text
    layout: str


@dataclass(frozen=True)
class Plan:
    pages: tuple[Output, ...]
    documents: tuple[Output, ...]
    menu: tuple[MenuEntry, ...] = ()

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(path for o in self.pages + self.documents for path in (o.path, o.archive) if path)

    @cached_property
    def by_path(self) -> dict[str, Output]:
        return {o.path: o for o in self.pages + self.documents}

    @cached_property
    def _by_key(self) -> dict[tuple[str, Lang], str]:
        return {(o.key, o.lang): o.path for o in self.pages + self.documents}

    @cached_property
    def search_bundles(self) -> dict[str, str]:
        """Which search bundle indexes each page: output path -> folder inside pagefind/ ("" for the
        main bundle). A site of many regencies is indexed in parts: its regency pages are shared out
        over parts by a hash of their key (both languages of a regency in the same part, so that a
        change to it re-indexes one part), every other page is in the main bundle."""
        slugs = {o.key for o in self.pages if o.template == REGENCY_TEMPLATE}
        count = math.ceil(len(slugs) / SEARCH_PER_PART) if len(slugs) >= SEARCH_PARTS_FROM else 0
        return {o.path: search_part(o.key, count) if count and o.template == REGENCY_TEMPLATE else ""
                for o in self.pages if o.path.endswith(".html")}

    @cached_property
    def search_parts(self) -> tuple[str, ...]:
        """The folders inside pagefind/ that the search page merges with the main index (none on a
        province's site)."""
        return tuple(sorted(set(self.search_bundles.values()) - {""}))

    def path_in(self, output: Output, lang: Lang) -> str | None:
        """The path of the same page in another language, if that edition is built."""
        return self._by_key.get((output.key, lang))

    def path_of(self, key: str, lang: Lang) -> str | None:
        """The path of a page (by its key, the path in the Indonesian edition) in `lang`, if built."""
        return self._by_key.get((key, lang))


REGENCY_TEMPLATE = "site/regency.html.j2"
PROVINCE_TEMPLATE = "site/province.html.j2"
VOLUME_TEMPLATE = "print/volume.html.j2"
SEARCH_PARTS_FROM = 150  # regencies; a smaller site's search index is one bundle
SEARCH_PER_PART = 64  # regencies (each with a page per language) in one part of the search index


def search_part(key: str, count: int) -> str:
    return f"part-{zlib.crc32(key.encode()) % count + 1:02d}"


def content_for(output: Output, content: Content) -> Content:
    """The content an output shows. A clinic's page and report show the data as it stood on the
    clinic's last day, dated to it (Content.as_of), so that nothing that happened later appears in
    them; every other output shows the current content."""
    subject = output.subject.clinic if isinstance(output.subject, Volume) else output.subject
    return content.as_of(subject.end) if isinstance(subject, Clinic) else content


def province_path(code: str) -> str:
    """A province's page on a national site, as in the Indonesian edition."""
    return f"provinsi/{code}.html"


def clinic_report_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/{slug}.pdf"


def volume_path(slug: str, province: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    """A province's volume of a clinic's report, beside the report (its national summary)."""
    return f"{REPORTS[lang]}/{slug}/{province}.pdf"


def handout_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/kabupaten/{slug}.pdf"


def archive_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/{ARCHIVE[lang]}/{slug}.pdf"


ARCHIVE: dict[Lang, str] = {"id": "arsip", "en": "archive"}


# The pages the site makes itself at its root: a content page (content/pages/<slug>.md) cannot take
# their names (validate.py says so), or two pages would be written to one file.
SITE_PAGES = ("index", "tahapan", "perubahan", "cari", "data", "aksesibilitas", "404")


def _pages(content: Content, lang: Lang) -> list[Output]:
    # A national site's home page compares its provinces, each of which has a page; a province's
    # site is its own province page.
    national = content.site.scope == "nation"
    specs: list[tuple[str, str, Any]] = [
        ("index.html", "site/national.html.j2" if national else "site/index.html.j2", None),
        *((province_path(a.code), PROVINCE_TEMPLATE, a) for a in content.province_statuses),
        ("kabupaten/index.html", "site/regencies.html.j2", None),
        *((f"kabupaten/{s.regency.slug}.html", "site/regency.html.j2", s) for s in content.statuses),
        ("tahapan.html", "site/milestones.html.j2", None),
        ("klinik/index.html", "site/clinics.html.j2", None),
        *((f"klinik/{c.slug}.html", "site/clinic.html.j2", c) for c in content.clinics_by_date),
        ("indikator/index.html", "site/indicators.html.j2", None),  # issue 24: a page per indicator
        *((f"indikator/{r.indicator.id}.html", "site/indicator.html.j2", r) for r in content.rankings),
        *((f"{p.slug}.html", f"site/{p.layout}.html.j2", p) for p in content.pages),
        ("perubahan.html", "site/changes.html.j2", None),
        ("cari.html", "site/search.html.j2", None),
        ("data.html", "site/data.html.j2", None),  # open data (issue 5)
        ("aksesibilitas.html", "site/accessibility.html.j2", None),  # accessibility statement (issue 24)
        ("404.html", "site/404.html.j2", None),
    ]
    return [Output(PREFIX[lang] + path, template, subject, "page", lang, path) for path, template, subject in specs]


def _documents(content: Content, lang: Lang) -> list[Output]:
    """A clinic's report, with its archival copy; where its regencies lie in several provinces, it is a
    summary and one volume per province, each an ordinary tagged PDF of its own (laid out side by side,
    kept apart in the store: an edit lays out only the volumes that show it); a handout per regency."""
    reports = []
    for c in content.clinics_by_date:
        reports.append(Output(clinic_report_path(c.slug, lang), "print/report.html.j2", c, "pdf", lang,
                              f"report:{c.slug}", "pdf/ua-1", archive_path(c.slug, lang)))
        for province, sections in content.as_of(c.end).report_volumes(c):
            code, volume = province.kemendagri_code, Volume(c, province, tuple(sections))
            reports.append(Output(volume_path(c.slug, code, lang), VOLUME_TEMPLATE, volume, "pdf", lang,
                                  f"report:{c.slug}:{code}", "pdf/ua-1"))
    handouts = [Output(handout_path(s.regency.slug, lang), "print/handout.html.j2", s, "pdf", lang,
                       f"handout:{s.regency.slug}", "pdf/ua-1") for s in content.statuses]
    return reports + handouts


def _feeds(content: Content, languages: tuple[Lang, ...]) -> list[Output]:
    """sitemap.xml, robots.txt and the Atom feeds of coaching clinics (one per edition, each in its
    language) need absolute addresses, so they exist only when site.yaml sets base_url."""
    if not content.site.base_url:
        return []
    return [*(Output(path, f"site/{path}.j2", None, "page", DEFAULT_LANGUAGE, path)
              for path in ("sitemap.xml", "robots.txt")),
            *(Output(f"{PREFIX[lang]}feed.xml", "site/feed.xml.j2", None, "page", lang, "feed.xml")
              for lang in languages)]


def plan(content: Content, with_pdf: bool = True, languages: tuple[Lang, ...] = LANGUAGES) -> Plan:
    pages = [o for lang in languages for o in _pages(content, lang)] + _feeds(content, languages)
    documents = [o for lang in languages for o in _documents(content, lang)] if with_pdf else []
    return Plan(tuple(pages), tuple(documents), tuple(MenuEntry(p.slug, p.title, p.layout) for p in content.pages))
