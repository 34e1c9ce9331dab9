"""The pipeline in one function: load -> validate -> plan -> render -> write."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import background, cache, diff, history, loader, opendata, pagecache, plan, render, search, write
from .errors import ContentError
from .model import Content, Lang
from .pagecache import Reads
from .validate import missing_translations, validate


@dataclass(frozen=True)
class Settings:
    content_dir: Path = Path("content")
    templates_dir: Path = Path("templates")
    out_dir: Path = Path("output")
    pdf: bool = True
    strict: bool = False  # a missing English text is an error, not a marked fallback
    workers: int | None = None  # PDF processes; None: one per core
    cache_dir: Path | None = None  # rendered pages and PDFs by content hash; None: .ssk-cache beside the output


@dataclass(frozen=True)
class Summary:
    pages: int
    pdfs: int
    seconds: float
    untranslated: int = 0
    reused: int = 0  # PDFs taken from the cache, their inputs unchanged
    rendered: int | None = None  # HTML pages rendered anew (the others came from the page cache)
    unchanged: bool = False  # nothing changed since the last build: output/ was left as it was

    def __str__(self) -> str:
        if self.unchanged:
            return f"tidak ada perubahan sejak build terakhir; output tetap ({self.seconds:.1f} detik)"
        fresh = f" ({self.rendered} dibuat ulang)" if self.rendered is not None and self.rendered < self.pages else ""
        cached = f" ({self.reused} dari cache)" if self.reused else ""
        return f"{self.pages} halaman HTML{fresh}, {self.pdfs} PDF{cached}, {self.seconds:.1f} detik"


def load_content(settings: Settings) -> Content:
    """Read and check every content file; raises ContentError listing every problem."""
    raw, problems = loader.load(settings.content_dir)
    return validate(raw, problems)


Progress = Callable[[int, int, str], None]  # (done, total, path) after each PDF


def build(settings: Settings, progress: Progress | None = None) -> Summary:
    started = time.perf_counter()
    caches = settings.cache_dir or settings.out_dir.absolute().parent / ".ssk-cache"
    past = history.read_history(settings.content_dir, settings.templates_dir)
    code = pagecache.code_digest(settings.templates_dir)
    content_files = pagecache.files_digest(settings.content_dir)
    fingerprint = _fingerprint(settings, code, content_files, past)
    if write.up_to_date(settings.out_dir, fingerprint):  # nothing changed since the last build
        return Summary(0, 0, time.perf_counter() - started, unchanged=True)
    parsed = loader.ParseCache(caches / "yaml" / "parsed.pickle")
    raw, problems = loader.load(settings.content_dir, parsed)
    content = validate(raw, problems)
    content.statuses  # derived here, once: the open data process forked below inherits it  # noqa: B018
    with write.staging(settings.out_dir, fingerprint) as root, \
            background.forked(opendata.write_files, content, root, caches / "opendata",
                              settings.out_dir.absolute()) as downloads:
        # The open data files (issue 5) are made and written by a forked process while the pages
        # render here; it hands back their sizes. (Forked first: the XLSX workbook is the longest job.)
        parsed.save()
        untranslated = missing_translations(raw, content)
        if settings.strict and untranslated:
            raise ContentError(untranslated)
        changes = diff.change_log(settings.content_dir, content, content.site.changes_since,
                                  content.site.changes_until)
        # Only the archival PDFs carry the content files; a website-only build need not read them twice.
        snapshot = _snapshot(settings.content_dir, content, past) if settings.pdf else ()
        site_plan = plan.plan(content, with_pdf=settings.pdf)
        # The Data page lists the files' sizes: it renders with marks in their place, filled in when
        # it is written. For its cache key, the sizes (which no template can hash) count as all of
        # the content, of which they are made.
        sizes = render.Sizes(opendata.paths(content), downloads)
        envs = render.environments(settings.templates_dir, cache_dir=caches)
        page_cache = pagecache.PageCache(caches / "html" / ("full" if settings.pdf else "site"))
        inputs = pagecache.Inputs(content, {"history": past, "changes": changes, "downloads": sizes},
                                  everything=content_files,
                                  always=_shared_digest(code, content, site_plan))
        # Pagefind indexes the pages in its own processes, each bundle once its pages are written.
        with search.indexing(root, caches / "search", search.bundles(site_plan.pages)) as index:
            rendered = _write_pages(root, settings, envs, page_cache, inputs, site_plan, past, changes, index.add)
            write.copy_static(settings.templates_dir / "static", root)
            downloads.get()  # every file written
            jobs = [render.PdfJob(document.path,
                                  render.render_html(envs, document, content, site_plan, past, changes),
                                  settings.templates_dir, _source_of(settings, document), document.variant,
                                  snapshot if document.variant == "pdf/a-3b" else ())
                    for document in site_plan.documents]
            reused = _write_pdfs(root, jobs, cache.PdfCache(caches / "pdf"), settings, progress)
    return Summary(len(site_plan.pages), len(site_plan.documents), time.perf_counter() - started, len(untranslated),
                   reused, rendered=rendered)


def _write_pages(root: Path, settings: Settings, envs: dict[Lang, jinja2.Environment],
                 page_cache: pagecache.PageCache, inputs: pagecache.Inputs, site_plan: plan.Plan,
                 past: history.History, changes: diff.ChangeLog, written: Callable[[str, bytes], None]) -> int:
    """Every HTML page, from the page cache where its inputs are unchanged, else rendered; each is
    handed to `written` with a hash of its bytes once it is in the output (for the search index).
    Returns how many were rendered."""
    stale, found = [], []
    for page in site_plan.pages:
        entry = page_cache.get(page, inputs)
        if entry is None:
            stale.append(page)
        else:
            found.append((page, *entry))
    # Regency pages first: each search part is indexed (half a second) as soon as its pages are in.
    stale.sort(key=lambda page: page.template != search.REGENCY_TEMPLATE)
    missing = []  # removed from the cache since its manifest was read (another build pruned it)
    sizes = inputs.variables["downloads"]

    def rendering(pages: list[plan.Output]) -> AbstractContextManager[Iterator[tuple[plan.Output, bytes, Reads]]]:
        return render.rendering(envs, pages, inputs.content, site_plan, past, changes, sizes, settings.workers)

    with rendering(stale) as fresh:
        for page, file, digest in found:  # linked while the workers render the others
            try:
                write.link_file(root, page.path, file)
                written(page.path, digest)
            except FileNotFoundError:
                page_cache.forget(page)
                missing.append(page)
        with rendering(missing) as again:  # (one by one, here, while a pool of workers runs)
            for page, html, reads in itertools.chain(fresh, again):
                html = sizes.fill(html)  # the Data page's sizes, if it shows any
                write.write_file(root, page.path, html)
                written(page.path, page_cache.put(page, inputs, reads, html))
    page_cache.save()
    return len(stale) + len(missing)


def _write_pdfs(root: Path, jobs: list[render.PdfJob], pdf_cache: cache.PdfCache, settings: Settings,
                progress: Progress | None) -> int:
    """Every PDF, from the PDF cache where its inputs are unchanged, else rendered in parallel.
    Returns how many came from the cache."""
    reused, pending = cache.split(jobs, pdf_cache)
    by_path = {job.path: job for job in jobs}
    for path, file in reused:  # linked: a national site reuses a thousand PDFs, and making files is slow
        try:
            write.link_file(root, path, file)
        except FileNotFoundError:  # removed from the cache since (another build pruned it): rendered again
            pending.append(by_path[path])
    linked = len(jobs) - len(pending)
    for done, (path, pdf) in enumerate(render.render_pdfs(pending, settings.workers, pdf_cache.chunks),
                                       start=linked + 1):
        write.write_file(root, path, pdf)
        pdf_cache.put(by_path[path], pdf)
        if progress:
            progress(done, len(jobs), path)
    if settings.pdf:  # a website-only build keeps the cached PDFs for the next full one
        pdf_cache.prune()
    return linked if settings.pdf else 0


def _fingerprint(settings: Settings, code: str, content_files: str, past: history.History) -> str:
    """What the whole output is made from: when it matches the last build's, there is nothing to do."""
    return pagecache.digest_of({
        "code": code,
        "content": content_files,
        "history": past,
        "settings": [settings.pdf, settings.strict, os.environ.get("SOURCE_DATE_EPOCH")],
    })


def _shared_digest(code: str, content: Content, site_plan: plan.Plan) -> str:
    """What every page depends on: code and templates, the list of pages (links), the site settings."""
    return pagecache.digest_of({
        "code": code,
        "plan": [(o.path, o.key, o.lang, o.kind) for o in site_plan.pages + site_plan.documents],
        "site": content.site,
    })


def _source_of(settings: Settings, document: plan.Output) -> str:
    """The content file a document is made from, for error messages."""
    folder = "clinics" if document.template.endswith("report.html.j2") else "regencies"
    slug = getattr(document.subject, "slug", None) or document.subject.regency.slug
    return os.path.relpath(settings.content_dir / folder / f"{slug}.yaml")


def _snapshot(content_dir: Path, content: Content, past: history.History) -> tuple[render.Attached, ...]:
    """The content files an archival report was built from, plus the commit, to attach to it."""
    when = past.source_date or dt.datetime.combine(content.site.as_of, dt.time(), dt.UTC)
    files = sorted(p for p in content_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    attached = [render.Attached(f"content/{p.relative_to(content_dir).as_posix()}", p.read_bytes(),
                                "Berkas konten / content file", when) for p in files]
    provenance = {"commit": past.provenance.commit if past.provenance else None,
                  "modified": past.provenance.dirty if past.provenance else None,
                  "as_of": content.site.as_of.isoformat()}
    attached.append(render.Attached("provenance.json", json.dumps(provenance, indent=2).encode() + b"\n",
                                    "Asal build / build provenance", when))
    return tuple(attached)
