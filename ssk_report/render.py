"""Stage 4: Jinja turns each planned output into HTML; WeasyPrint turns print HTML into PDF bytes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import posixpath
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jinja2
from markupsafe import Markup, escape

from . import background, diff, i18n, plan
from .diff import ChangeLog
from .errors import ContentError, Problem
from .history import History
from .markup import render_markdown
from .model import Clinic, Content, Lang, Regency, Text
from .pagecache import Reads, Recorder
from .plan import Output, Plan

if TYPE_CHECKING:
    from . import chunked


class SiteEnvironment(jinja2.Environment):
    """Jinja's environment, able to record what a page's templates read (for the page cache):
    `recorder` is set only while a page renders."""

    recorder: Recorder | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.recorder is not None and obj is self.recorder.content:
            self.recorder.reads.content.add(attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recorder is not None and obj is self.recorder.content and isinstance(argument, str):
            self.recorder.reads.content.add(argument)
        return super().getitem(obj, argument)


class _RecordingContext(jinja2.runtime.Context):
    """Notes each variable a template (or a macro module imported with context) looks up."""

    environment: SiteEnvironment

    def resolve_or_missing(self, key: str) -> Any:
        if self.environment.recorder is not None:
            self.environment.recorder.reads.names.add(key)
        return super().resolve_or_missing(key)


SiteEnvironment.context_class = _RecordingContext


def environment(templates: Path, lang: Lang = i18n.DEFAULT_LANGUAGE,
                bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The one Jinja environment factory: autoescape for every file name, undefined names are errors,
    UI strings and formatting in `lang`. `bytecode` keeps compiled templates between builds."""
    env = SiteEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=bytecode,
        autoescape=True,  # select_autoescape() would skip our .j2 names
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # text files (robots.txt) end with a newline
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    translate = _translator(lang)
    env.globals.update(_=translate, gettext=translate)
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
            return Markup(untranslated.render(body=body, block=markdown, lang=lang))  # noqa: S704 - autoescaped
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
        name=lambda regency: (i18n.regency_name(regency.type, regency.name, lang)
                              if isinstance(regency, Regency) else ""),
        fullname=lambda regency: (i18n.regency_full_name(regency.type, regency.name, lang)
                                  if isinstance(regency, Regency) else ""),
        clinic_title=lambda clinic: i18n.clinic_title(clinic.number, clinic.cycle_year, lang)
        if isinstance(clinic, Clinic) else "",
        clinic_short=lambda clinic: i18n.clinic_short(clinic.number, clinic.cycle_year, lang)
        if isinstance(clinic, Clinic) else "",
        number=lambda value, digits=0: i18n.format_number(value, lang, digits),
        percent=lambda value, digits=2: i18n.format_percent(value, lang, digits),
        money=lambda value: i18n.format_money(value, lang),
        day=lambda value: i18n.format_day(value, lang),
        month=lambda year, month: i18n.format_month(year, month, lang),
        filesize=lambda size: _filesize(size, lang),
        period=lambda start, end: i18n.format_period(start, end, lang),
    )
    return env


def _translator(lang: Lang) -> Callable[..., Markup]:
    """`_()` for templates, as Jinja's newstyle gettext behaves (the message is trusted markup, its
    %(name)s values are escaped) but a few times cheaper: a page calls it hundreds of times, and
    the extension's version goes through two context calls per message."""
    catalogue = i18n.translations(lang)

    @cache
    def message(text: str) -> Markup:
        return Markup(catalogue.gettext(text))  # noqa: S704 - our own reviewed catalogue, as Jinja's i18n does

    def translate(text: str, **values: Any) -> Markup:
        return message(text) % values if values else message(text)

    return translate


def environments(templates: Path, languages: tuple[Lang, ...] = i18n.LANGUAGES,
                 cache_dir: Path | None = None) -> dict[Lang, jinja2.Environment]:
    """One environment per language; with `cache_dir`, they share compiled templates kept in that folder
    (checked against each template's source, and kept apart per Jinja version)."""
    bytecode = None
    if cache_dir is not None:
        folder = cache_dir / f"jinja-{version('jinja2')}"
        folder.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    return {lang: environment(templates, lang, bytecode) for lang in languages}


# Paths that are the same file for every language: shared assets, the open data downloads and the
# (already localised) PDFs.
_UNPREFIXED = ("assets/", "pagefind/", "data/",  # open data (issue 5)
               *(f"{folder}/" for folder in plan.REPORTS.values()))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link from the page being rendered to `target`, kept relative so the site works from file://
    and from any sub-path. `target` is a page as in the Indonesian edition ("kabupaten/index.html"):
    the link goes to the same page in the current page's language. The 404 page is served at any
    depth, so it links absolutely when the site's address is known."""
    output: Output = context["output"]
    if not target.startswith(_UNPREFIXED):
        target = plan.PREFIX[output.lang] + target
    base_url: str | None = context["content"].site.base_url
    if output.key == "404.html" and base_url:
        return base_url.rstrip("/") + "/" + target
    return _relative(target, posixpath.dirname(output.path))


def _relative(target: str, here: str) -> str:
    """posixpath.relpath(target, here or "."), in a fraction of its time for the plain relative paths
    of our pages (a national site's pages link tens of thousands of times); a path with an empty,
    "." or ".." part, or a target that holds `here`, goes to relpath itself."""
    parts, base = target.split("/"), here.split("/") if here else []
    if not _PLAIN.isdisjoint(parts) or not _PLAIN.isdisjoint(base) or f"{here}/".startswith(f"{target}/"):
        return posixpath.relpath(target, here or ".")
    common = 0
    while common < len(base) and common < len(parts) - 1 and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:])


_PLAIN = frozenset(("", ".", ".."))


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
                downloads: Mapping[str, int | Pending] | None = None, reads: Reads | None = None) -> str:
    """`downloads`: the open data files (output path -> size in bytes) that the Data page lists.
    `reads`, if given, collects what the templates read (see pagecache)."""
    env = envs[output.lang]
    template = env.get_template(output.template)
    if (view := plan.content_for(output, content)) is not content and reads is not None:
        reads.content.add("as_of")  # a view made from all of the content: any change renders it again
    content = view
    recording = env if isinstance(env, SiteEnvironment) else None
    if recording is not None and reads is not None:
        recording.recorder = Recorder(content, reads)
    try:
        return template.render(content=content, output=output, subject=output.subject, plan=site_plan,
                               history=history or History(), changes=changes or ChangeLog(),
                               downloads={} if downloads is None else downloads)  # open data (issue 5)
    finally:
        if recording is not None:
            recording.recorder = None


# A site this big renders its pages in parallel (below it, starting processes costs more than it saves).
PARALLEL_PAGES = 200
_shared: tuple[dict[Lang, jinja2.Environment], list[Output], tuple[Any, ...]] | None = None


def _render_recorded(envs: dict[Lang, jinja2.Environment], page: Output, args: tuple[Any, ...]) -> tuple[bytes, Reads]:
    """One page's bytes, and what its templates read."""
    reads = Reads()
    content, site_plan, history, changes, downloads = args
    return render_html(envs, page, content, site_plan, history, changes, downloads, reads).encode(), reads


def _render_some(indices: list[int]) -> list[tuple[int, bytes, Reads]]:
    """In a forked worker: render the pages at `indices`."""
    assert _shared is not None
    envs, pages, args = _shared
    return [(index, *_render_recorded(envs, pages[index], args)) for index in indices]


@contextmanager
def rendering(envs: dict[Lang, jinja2.Environment], pages: list[Output], content: Content, site_plan: Plan,
              history: History, changes: ChangeLog, downloads: Mapping[str, int | Pending],
              workers: int | None = None) -> Iterator[Iterator[tuple[Output, bytes, Reads]]]:
    """Start rendering `pages`; yields an iterator of each page with what its templates read (for
    the page cache), in no set order.

    On a big site, pages are shared out to forked processes, one per core: they inherit the loaded
    content and compiled templates instead of receiving them. Even a few pages are worth it there,
    since the overviews each present every regency. The workers start on entry, so the body may do
    other work (link the cached pages) before it takes their results. Forking is safe only when
    this process runs no other thread (the preview server has some), so then the pages render
    here, one by one, as the iterator is read."""
    workers = workers or worker_count()
    args = (content, site_plan, history, changes, downloads)
    big = len(pages) >= PARALLEL_PAGES or (len(pages) > 1 and len(site_plan.pages) >= PARALLEL_PAGES)
    if workers < 2 or not big or threading.active_count() > 1:
        yield ((page, *_render_recorded(envs, page, args)) for page in pages)
        return
    global _shared
    _shared = (envs, pages, args)
    # Many pages go out in a few batches, each taking every n-th page (a mix of kinds, so that the
    # workers finish together); a few pages go one by one, in order, so that the first come back
    # first (a changed regency's pages: its search part waits for them).
    count = workers * 8 if len(pages) > workers * 32 else len(pages)
    batches = [list(range(start, len(pages), count)) for start in range(count)]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = pool.map(_render_some, batches)  # submitted (and the workers forked) now
            _shared = None
            yield ((pages[index], html, reads) for batch in done for index, html, reads in batch)
    finally:
        _shared = None


# ---- The open data files' sizes, on the Data page --------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """The size of a download still being made when its page renders."""

    path: str


class Sizes(Mapping[str, "int | Pending"]):
    """The Data page's `downloads`: each open data file's size by output path, in the order they
    are made. Another process makes the files while the pages render (see build.py); until it is
    done, a size is Pending, which the `filesize` filter writes as a mark. `fill` replaces the marks
    once the sizes are known, so no page waits for them to render, and no worker for its parent."""

    def __init__(self, paths: list[str], later: background.Later[dict[str, int]]) -> None:
        self._paths, self._known, self._later = paths, set(paths), later

    def __getitem__(self, path: str) -> int | Pending:
        if self._later.done:
            return self._later.get()[path]
        if path not in self._known:
            raise KeyError(path)
        return Pending(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def fill(self, html: bytes) -> bytes:
        """`html` with each size mark replaced by the size, waiting for the sizes if it has any."""
        if _MARK not in html:
            return html
        sizes = self._later.get()

        def size(found: re.Match[bytes]) -> bytes:
            lang = cast(Lang, found[1].decode())
            return str(escape(i18n.format_size(sizes.get(found[2].decode()), lang))).encode()

        return _MARKS.sub(size, html)


_MARK = b"\x00filesize\x00"
_MARKS = re.compile(re.escape(_MARK) + rb"(id|en)\x00([^\x00]*)\x00")


def _filesize(size: int | Pending | None, lang: Lang) -> str | Markup:
    if isinstance(size, Pending):  # a mark for Sizes.fill (the path is ours: no NUL, and escaped here)
        return Markup(f"{_MARK.decode()}{lang}\x00{escape(size.path)}\x00")  # noqa: S704 - escaped
    return i18n.format_size(size, lang)


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
    from weasyprint import HTML, Attachment  # imported here: an HTML-only build never pays its second of start-up

    from .fetcher import ContentFetcher

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


def render_pdfs(jobs: list[PdfJob], workers: int | None = None,
                chunks: Callable[[PdfJob], chunked.Store] | None = None) -> Iterator[tuple[str, bytes]]:
    """PDFs in parallel, one process per core; yields (path, bytes) as they finish.

    WeasyPrint is pure Python on one core per document, so processes (not threads) scale it. The
    slowest documents (tagged reports) start first so that no core idles at the end; a long report
    is cut into chunks rendered side by side (ssk_report/chunked.py), each kept in `chunks(job)`
    if given."""
    if not jobs:  # a website-only build: never import WeasyPrint (a second or more of start-up)
        return
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
            # Their chunks queue behind the other PDFs in the same pool, every report's before the
            # first is merged.
            started = [(job.path, chunked.start(job, pool, workers, chunks(job) if chunks else None)) for job in long]
            for path, finish in started:
                yield path, finish()
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # every PDF and chunk not started yet
            raise
