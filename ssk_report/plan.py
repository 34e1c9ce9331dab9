"""Stage 3: the content model -> the list of pages and documents to produce. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Content

REPORTS = "laporan"


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, which template makes it, and what it is about."""

    path: str  # relative to the output root, always with "/" separators
    template: str
    subject: Any = None  # the RegencyStatus, Clinic or Page the file presents, if any
    kind: str = "page"  # "page" (HTML) or "pdf"


@dataclass(frozen=True)
class Plan:
    pages: tuple[Output, ...]
    documents: tuple[Output, ...]

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(o.path for o in self.pages + self.documents)


def clinic_report_path(slug: str) -> str:
    return f"{REPORTS}/{slug}.pdf"


def handout_path(slug: str) -> str:
    return f"{REPORTS}/kabupaten/{slug}.pdf"


def plan(content: Content, with_pdf: bool = True) -> Plan:
    pages = [
        Output("index.html", "site/index.html.j2"),
        Output("kabupaten/index.html", "site/regencies.html.j2"),
        *(Output(f"kabupaten/{s.regency.slug}.html", "site/regency.html.j2", s) for s in content.statuses),
        Output("tahapan.html", "site/milestones.html.j2"),
        Output("klinik/index.html", "site/clinics.html.j2"),
        *(Output(f"klinik/{c.slug}.html", "site/clinic.html.j2", c) for c in content.clinics_by_date),
        *(Output(f"{p.slug}.html", f"site/{p.layout}.html.j2", p) for p in content.pages),
        Output("404.html", "site/404.html.j2"),
    ]
    documents = []
    if with_pdf:
        documents += [Output(clinic_report_path(c.slug), "print/report.html.j2", c, "pdf") for c in content.clinics_by_date]
        documents += [Output(handout_path(s.regency.slug), "print/handout.html.j2", s, "pdf") for s in content.statuses]
    return Plan(tuple(pages), tuple(documents))
