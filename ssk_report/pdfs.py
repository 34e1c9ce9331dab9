"""The PDFs: each planned document's HTML rendered by its template and laid out by WeasyPrint, in the
worker pool (parallel.py), one document per task.

Every PDF is tagged (PDF/UA-1: structure tree, /Lang, title, XMP). A clinic report also has an archival
copy, PDF/A-3a, tagged as well, with the content files it was built from attached: both files are
written from one layout, so the archival copy costs the writing only. WeasyPrint reads nothing but
files inside the templates folder and data: URLs (ContentFetcher); anything else it is asked for is an
error that names the content file.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, as_completed
from functools import cache
from pathlib import Path
from typing import Any

from . import keys, parallel
from .errors import ContentError, Problem
from .model import Clinic
from .plan import Output, Volume
from .products import RenderContext, Tally, Units, template_key
from .publish import Staging
from .store import Store
from .templating import SiteEnvironment, environments, render

ARCHIVE_VARIANT = "pdf/a-3a"
Progress = Callable[[int, int, str], None]  # (done, total, path) after each PDF


class Pdfs:
    """Started first (the documents render in the pool while this process makes the pages), published
    last."""

    def __init__(self, context: RenderContext, pool: parallel.Pool, progress: Progress | None = None) -> None:
        self.context, self.pool, self.progress = context, pool, progress
        self.reused: dict[str, dict[str, bytes]] = {}
        self.pending: dict[Future[tuple[dict[str, bytes], tuple[str, ...]]], Output] = {}
        self.units: Units | None = None

    def start(self, store: Store) -> Pdfs:
        context, hasher = self.context, keys.Hasher()
        self.units = Units(store, "pdfs", lambda unit, reads: template_key(context, hasher,
                                                                           context.plan.by_path[unit], reads))
        # The longest documents first, so that no worker waits alone at the end.
        for document in sorted(context.plan.documents, key=lambda d: (d.archive is None, d.path)):
            files = self.units.reuse(document.path)
            if files is None:
                self.pending[self.pool.submit(make, document.path)] = document
            else:
                self.reused[document.path] = files
        return self

    def publish(self, out: Staging, store: Store) -> Tally:
        assert self.units is not None, "start() first"
        total = len(self.context.plan.documents)
        for files in self.reused.values():
            for path, data in files.items():
                out.write(path, data)
        for done, future in enumerate(as_completed(self.pending), start=len(self.reused) + 1):
            document = self.pending[future]
            files, reads = future.result()
            self.units.keep(document.path, reads, files)
            for path, data in files.items():
                out.write(path, data)
            if self.progress:
                self.progress(done, total, document.path)
        self.units.close()
        return Tally(total, len(self.pending))


def make(path: str) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """In a worker: one document's PDF files, and what its templates read."""
    context: RenderContext = parallel.state()
    document = context.plan.by_path[path]
    reads: set[str] = set()
    html = render(_environments(context.templates)[document.lang], document, context.variables(document), reads)
    return to_pdf(html, context, document), tuple(sorted(reads))


@cache
def _environments(templates: Path) -> dict[Any, SiteEnvironment]:
    return environments(templates)


def _listed_once(layout: Any, pdf: Any) -> None:
    """WeasyPrint (70) lists each attachment twice in the catalog's /AF array: once from the embedded
    files' name tree and once from their file specifications. Each is listed once, in order."""
    listed = pdf.catalog.get("AF")
    if listed is not None:
        unique = list(dict.fromkeys(listed))
        listed.clear()
        listed.extend(unique)


def source_of(context: RenderContext, document: Output) -> str:
    """The content file a document is made from, for error messages."""
    subject = document.subject.clinic if isinstance(document.subject, Volume) else document.subject
    if isinstance(subject, Clinic):
        return f"{context.content_label}/clinics/{subject.file_stem}.yaml"
    slug = getattr(subject, "slug", None) or subject.regency.slug
    return f"{context.content_label}/regencies/{slug}.yaml"


def to_pdf(html: str, context: RenderContext, document: Output) -> dict[str, bytes]:
    """The document's PDF files from its print HTML: relative links resolve inside the templates folder.
    The output path is the PDF's /ID, so that a rebuild is byte-identical."""
    # Imported here: a website-only build never pays WeasyPrint's second of start-up.
    from weasyprint import HTML, Attachment

    from .fetcher import ContentFetcher

    source = source_of(context, document)
    fetcher = ContentFetcher([context.templates], source)
    layout = HTML(string=html, base_url=str(context.templates.resolve()) + "/", url_fetcher=fetcher).render()
    files = {document.path: bytes(layout.write_pdf(pdf_identifier=document.path.encode(), custom_metadata=False,
                                                   pdf_variant=document.variant))}
    if document.archive:  # second: writing PDF/A adds its colour profile to the layout
        # WeasyPrint stamps an attachment with the current time unless given one.
        attached = [Attachment(string=a.data, name=a.name, description=a.description, created=a.date,
                               modified=a.date, relationship="Source") for a in context.attachments]
        files[document.archive] = bytes(layout.write_pdf(pdf_identifier=document.archive.encode(),
                                                         custom_metadata=False, pdf_variant=ARCHIVE_VARIANT,
                                                         attachments=attached or None, finisher=_listed_once))
    if fetcher.refused:
        raise ContentError([Problem(source, 1, 1, "", f"sumber daya di luar folder templat ditolak: {url}")
                            for url in fetcher.refused])
    return files
