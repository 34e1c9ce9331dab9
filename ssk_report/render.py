"""Stage 4: Jinja turns each planned output into HTML; WeasyPrint turns print HTML into PDF bytes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import posixpath
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import diff, i18n, plan
from .diff import ChangeLog
from .errors import ContentError, Problem
from .history import History
from .markup import render_markdown
from .model import Clinic, Content, Lang, Regency, Text
from .plan import Output, Plan


def environment(templates: Path, lang: Lang = i18n.DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The one Jinja environment factory: autoescape for every file name, undefined names are errors,
    UI strings and formatting in `lang`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # select_autoescape() would skip our .j2 names
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # text files (robots.txt) end with a newline
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    untranslated = env.get_template("partials/_untranslated.html.j2")

    def text(value: Text | str | None, markdown: bool = False) -> Markup | str:
        """A content text in `lang`; Indonesian, visibly marked, where the translation is missing."""
        if value is None:
            return Markup("") if markdown else ""
        if isinstance(value, str):
            return render_markdown(value) if markdown else value
        shown = value.get(lang)
        body = render_markdown(shown) if markdown else shown
        if lang != i18n.DEFAULT_LANGUAGE and value.en is None:
            return Markup(untranslated.render(body=body, block=markdown, lang=lang))
        return body

    env.globals.update(
        lang=lang,
        languages=i18n.LANGUAGES,
        url=_url,
        alternate=_alternate,
        clinic_report_path=lambda slug: plan.clinic_report_path(slug, lang),
        handout_path=lambda slug: plan.handout_path(slug, lang),
    )
    env.filters.update(
        describe=lambda change: diff.describe(change, lang),
        t=text,
        md=lambda value: text(value, markdown=True),
        name=lambda regency: i18n.regency_name(regency.type, regency.name, lang) if isinstance(regency, Regency) else "",
        clinic_title=lambda clinic: i18n.clinic_title(clinic.number, clinic.cycle_year, lang)
        if isinstance(clinic, Clinic) else "",
        number=lambda value, digits=0: i18n.format_number(value, lang, digits),
        percent=lambda value, digits=2: i18n.format_percent(value, lang, digits),
        money=lambda value: i18n.format_money(value, lang),
        day=lambda value: i18n.format_day(value, lang),
        period=lambda start, end: i18n.format_period(start, end, lang),
    )
    return env


def environments(templates: Path, languages: tuple[Lang, ...] = i18n.LANGUAGES) -> dict[Lang, jinja2.Environment]:
    return {lang: environment(templates, lang) for lang in languages}


# Paths that are the same file for every language: shared assets, the open data downloads and the
# (already localised) PDFs.
_UNPREFIXED = ("assets/", "pagefind/", "data/", *(f"{folder}/" for folder in plan.REPORTS.values()))  # open data (issue 5)


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link from the page being rendered to `target`, kept relative so the site works from file://
    and from any sub-path. `target` is a page as in the Indonesian edition ("kabupaten/index.html"):
    the link goes to the same page in the current page's language. The 404 page is served at any
    depth, so it links absolutely when the site's address is known."""
    output: Output = context["output"]
    if not target.startswith(_UNPREFIXED):
        target = plan.PREFIX[output.lang] + target
    base_url = context["content"].site.base_url
    if output.key == "404.html" and base_url:
        return base_url.rstrip("/") + "/" + target
    here = posixpath.dirname(output.path)
    return posixpath.relpath(target, here or ".")


@jinja2.pass_context
def _alternate(context: jinja2.runtime.Context, lang: Lang) -> str | None:
    """A link to this same page in `lang`, or None when that edition is not built."""
    output: Output = context["output"]
    target = context["plan"].path_in(output, lang)
    if target is None:
        return None
    return posixpath.relpath(target, posixpath.dirname(output.path) or ".")


def render_html(envs: dict[Lang, jinja2.Environment], output: Output, content: Content, site_plan: Plan,
                history: History | None = None, changes: ChangeLog | None = None,
                downloads: dict[str, int] | None = None) -> str:
    """`downloads`: the open data files (output path -> size in bytes) that the Data page lists."""
    template = envs[output.lang].get_template(output.template)
    return template.render(content=content, output=output, subject=output.subject, plan=site_plan,
                           history=history or History(), changes=changes or ChangeLog(),
                           downloads=downloads or {})  # open data (issue 5)


class ContentFetcher(URLFetcher):
    """Lets WeasyPrint read files inside the allowed folders and data: URLs, nothing else.

    Refusals are collected so the build can report them, instead of WeasyPrint's silent skip.
    """

    def __init__(self, allowed: list[Path], source: str) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        self.source = source
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0].split("#")[0]).resolve()
            if any(path.is_relative_to(root) for root in self.allowed) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused: {url}")


@dataclass(frozen=True)
class Attached:
    """A file embedded in an archival PDF, dated so that the PDF stays byte-identical."""

    name: str
    data: bytes
    description: str
    date: dt.datetime


def render_pdf(html: str, templates: Path, source: str, identifier: str = "", variant: str | None = None,
               attachments: tuple[Attached, ...] = ()) -> bytes:
    """Print HTML -> PDF bytes; relative links resolve inside `templates`, nothing outside it is read.
    `identifier` (the output path) makes the PDF's /ID stable, so rebuilds are byte-identical.
    `variant` is a WeasyPrint PDF variant ("pdf/ua-1", "pdf/a-3b")."""
    fetcher = ContentFetcher([templates], source)
    document = HTML(string=html, base_url=str(templates.resolve()) + "/", url_fetcher=fetcher)
    # WeasyPrint stamps an attachment with the current time unless given one.
    files = [Attachment(string=a.data, name=a.name, description=a.description, created=a.date, modified=a.date,
                        relationship="Source") for a in attachments]
    pdf = document.write_pdf(pdf_identifier=(identifier or source).encode(), custom_metadata=False,
                             pdf_variant=variant, attachments=files or None)
    if fetcher.refused:
        raise ContentError([Problem(source, 1, 1, "", f"sumber daya di luar folder templat ditolak: {url}")
                            for url in fetcher.refused])
    return bytes(pdf)


@dataclass(frozen=True)
class PdfJob:
    """Everything a worker process needs to make one PDF (HTML is rendered in the main process)."""

    path: str
    html: str
    templates: Path
    source: str
    variant: str | None = None
    attachments: tuple[Attached, ...] = ()


def _run(job: PdfJob) -> tuple[str, bytes]:
    return job.path, render_pdf(job.html, job.templates, job.source, job.path, job.variant, job.attachments)


def worker_count() -> int:
    """One WeasyPrint process per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def render_pdfs(jobs: list[PdfJob], workers: int | None = None) -> Iterator[tuple[str, bytes]]:
    """PDFs in parallel, one process per core; yields (path, bytes) as they finish.

    WeasyPrint is pure Python on one core per document, so processes (not threads) scale it. The
    slowest documents (tagged reports) start first so that no core idles at the end; a long report
    is cut into chunks rendered side by side (ssk_report/chunked.py)."""
    from . import chunked  # long reports (issue 7); imported here as it imports this module

    workers = workers or worker_count()
    ordered = sorted(jobs, key=lambda j: (j.variant is None, -len(j.html)))
    long = [job for job in ordered if workers > 1 and chunked.is_long(job)]
    if workers == 1 or (len(ordered) < 2 and not long):
        yield from map(_run, ordered)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_run, job) for job in ordered if job not in long]
        try:
            for job in long:  # its chunks queue behind the other PDFs in the same pool
                yield job.path, chunked.render_chunked(job, pool, workers)
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
