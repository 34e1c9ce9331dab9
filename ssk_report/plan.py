"""Stage 3: the content model -> the list of pages and documents to produce, in every language.
No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import search
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .model import Clinic, Content, Lang

# Where each language's edition lives. Indonesian is the site root; the English edition mirrors its
# page structure under en/, with its reports under en/report/.
PREFIX: dict[Lang, str] = {"id": "", "en": "en/"}
REPORTS: dict[Lang, str] = {"id": "laporan", "en": "en/report"}


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, which template makes it, in which language, about what."""

    path: str  # relative to the output root, always with "/" separators
    template: str
    subject: Any = None  # the RegencyStatus, Clinic or Page the file presents, if any
    kind: str = "page"  # "page" (HTML) or "pdf"
    lang: Lang = DEFAULT_LANGUAGE
    key: str = ""  # the same for a page in every language: the language switcher's link
    # PDF conformance: clinic reports are tagged PDF/UA-1 (screen readers); their archival copy is
    # PDF/A-3b with the content it was built from attached.
    variant: str | None = None


@dataclass(frozen=True)
class Plan:
    pages: tuple[Output, ...]
    documents: tuple[Output, ...]

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(o.path for o in self.pages + self.documents)

    @cached_property
    def _by_key(self) -> dict[tuple[str, Lang], str]:
        return {(o.key, o.lang): o.path for o in self.pages + self.documents}

    @cached_property
    def search_parts(self) -> tuple[str, ...]:
        """The folders inside pagefind/ that the search page merges with the main index (none on a
        province's site)."""
        return search.parts(self.pages)

    def path_in(self, output: Output, lang: Lang) -> str | None:
        """The path of the same page in another language, if that edition is built."""
        return self._by_key.get((output.key, lang))


def content_for(output: Output, content: Content) -> Content:
    """The content an output shows. A clinic's page and report show the data as it stood on the
    clinic's last day, dated to it (Content.as_of), so that nothing that happened later appears in
    them; every other output shows the current content."""
    return content.as_of(output.subject.end) if isinstance(output.subject, Clinic) else content


def clinic_report_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/{slug}.pdf"


def handout_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/kabupaten/{slug}.pdf"


def archive_path(slug: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return f"{REPORTS[lang]}/{ARCHIVE[lang]}/{slug}.pdf"


ARCHIVE: dict[Lang, str] = {"id": "arsip", "en": "archive"}


def _pages(content: Content, lang: Lang) -> list[Output]:
    specs: list[tuple[str, str, Any]] = [
        ("index.html", "site/index.html.j2", None),
        ("kabupaten/index.html", "site/regencies.html.j2", None),
        *((f"kabupaten/{s.regency.slug}.html", "site/regency.html.j2", s) for s in content.statuses),
        ("tahapan.html", "site/milestones.html.j2", None),
        ("klinik/index.html", "site/clinics.html.j2", None),
        *((f"klinik/{c.slug}.html", "site/clinic.html.j2", c) for c in content.clinics_by_date),
        *((f"{p.slug}.html", f"site/{p.layout}.html.j2", p) for p in content.pages),
        ("perubahan.html", "site/changes.html.j2", None),
        ("cari.html", "site/search.html.j2", None),
        ("data.html", "site/data.html.j2", None),  # open data (issue 5)
        ("404.html", "site/404.html.j2", None),
    ]
    return [Output(PREFIX[lang] + path, template, subject, "page", lang, path) for path, template, subject in specs]


def _documents(content: Content, lang: Lang) -> list[Output]:
    reports = [Output(clinic_report_path(c.slug, lang), "print/report.html.j2", c, "pdf", lang, f"report:{c.slug}",
                      "pdf/ua-1") for c in content.clinics_by_date]
    reports += [Output(archive_path(c.slug, lang), "print/report.html.j2", c, "pdf", lang, f"archive:{c.slug}",
                       "pdf/a-3b") for c in content.clinics_by_date]
    handouts = [Output(handout_path(s.regency.slug, lang), "print/handout.html.j2", s, "pdf", lang,
                       f"handout:{s.regency.slug}") for s in content.statuses]
    return reports + handouts


def _feeds(content: Content) -> list[Output]:
    """sitemap.xml, robots.txt and the Atom feed of coaching clinics need absolute addresses, so they
    exist only when site.yaml sets base_url."""
    if not content.site.base_url:
        return []
    return [Output(path, f"site/{path}.j2", None, "page", DEFAULT_LANGUAGE, path)
            for path in ("sitemap.xml", "robots.txt", "feed.xml")]


def plan(content: Content, with_pdf: bool = True, languages: tuple[Lang, ...] = LANGUAGES) -> Plan:
    pages = [o for lang in languages for o in _pages(content, lang)] + _feeds(content)
    documents = [o for lang in languages for o in _documents(content, lang)] if with_pdf else []
    return Plan(tuple(pages), tuple(documents))
