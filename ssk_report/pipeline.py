"""The pipeline in one function: load -> validate -> plan -> products -> publish."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import admin, diff, history, keys, loader, parallel, plan, publish
from .errors import ContentError
from .loader import RawContent
from .model import Content, Lang
from .opendata import OpenData
from .pages import Pages
from .pdfs import Pdfs, Progress
from .products import Attached, RenderContext, replace_downloads
from .search import SearchIndex
from .store import Store, default_folder
from .templating import SiteEnvironment, environments
from .validate import missing_translations, validate


@dataclass(frozen=True)
class Settings:
    content_dir: Path = Path("content")
    templates_dir: Path = Path("templates")
    out_dir: Path = Path("output")
    pdf: bool = True
    strict: bool = False  # a missing English text is an error, not a marked fallback
    workers: int = 0  # processes for the PDFs; 0: one per core
    start_method: str | None = None  # multiprocessing's; None: the platform's default
    cache_dir: Path | None = None  # the store; None: the user's cache folder (store.default_folder)
    cms_dir: Path = Path("cms")  # the browser editor's files, installed from npm by scripts/setup.sh


@dataclass(frozen=True)
class Summary:
    pages: int = 0
    pdfs: int = 0
    seconds: float = 0.0
    untranslated: int = 0
    rendered: int = 0  # pages made anew (the others came from the store)
    printed: int = 0  # PDFs laid out anew
    unchanged: bool = False  # nothing changed since the last build: the output was left as it was
    blanks: tuple[str, ...] = ()  # the reports' front-matter values printed as lines to fill in (report_blanks)

    @property
    def reused(self) -> int:
        """PDFs taken from the store, their inputs unchanged."""
        return self.pdfs - self.printed

    def __str__(self) -> str:
        if self.unchanged:
            return f"tidak ada perubahan sejak build terakhir; output tetap ({self.seconds:.1f} detik)"
        fresh = f" ({self.rendered} dibuat ulang)" if self.rendered < self.pages else ""
        cached = f" ({self.reused} dari cache)" if self.reused else ""
        return f"{self.pages} halaman HTML{fresh}, {self.pdfs} PDF{cached}, {self.seconds:.1f} detik"


def load_content(settings: Settings) -> Content:
    """Read and check every content file; raises ContentError listing every problem."""
    return validate(*loader.load(settings.content_dir))


@dataclass(frozen=True)
class Prepared:
    """A build's content, checked and planned, before any product is made."""

    context: RenderContext
    fingerprint: str
    untranslated: int
    blanks: tuple[str, ...] = ()


class Session:
    """What a long-running process (the preview server) keeps from one build to the next: the compiled
    templates, for as long as the code and templates are unchanged."""

    def __init__(self) -> None:
        self._environments: dict[tuple[str, str], dict[Lang, SiteEnvironment]] = {}
        self.downloads: dict[str, int] = {}  # the open data files' sizes, as last made

    def environments(self, context: RenderContext, purpose: str = "build") -> dict[Lang, SiteEnvironment]:
        """`purpose`: environments record what a template reads while the build renders with them, so
        another thread rendering at the same time needs environments of its own."""
        if (context.code, purpose) not in self._environments:
            self._environments = {k: v for k, v in self._environments.items() if k[0] == context.code}
            self._environments[(context.code, purpose)] = environments(context.templates)
        return self._environments[(context.code, purpose)]


def build(settings: Settings, progress: Progress | None = None, session: Session | None = None) -> Summary:
    started = time.perf_counter()
    prepared = prepare(settings)
    if prepared is None:
        return Summary(seconds=time.perf_counter() - started, unchanged=True)
    return produce(settings, prepared, progress, session, started)


def prepare(settings: Settings) -> Prepared | None:
    """Load, check and plan the content; None when the output is already made from exactly these inputs."""
    code = keys.code_digest(settings.templates_dir)
    past = history.read_history(settings.content_dir, settings.templates_dir)
    fingerprint = _fingerprint(settings, code, past)
    if publish.up_to_date(settings.out_dir, fingerprint):
        return None
    raw, problems = loader.load(settings.content_dir)
    content = validate(raw, problems)
    untranslated = missing_translations(raw, content)
    if settings.strict and untranslated:
        raise ContentError(untranslated)
    changes = diff.change_log(settings.content_dir, content, content.site.changes_since, content.site.changes_until)
    context = RenderContext(content, plan.plan(content, with_pdf=settings.pdf), past, changes, settings.templates_dir,
                            code, loader.display_path(settings.content_dir),
                            attachments=_attachments(raw, content, past) if settings.pdf else ())
    return Prepared(context, fingerprint, len(untranslated), _blanks(content) if settings.pdf else ())


def produce(settings: Settings, prepared: Prepared, progress: Progress | None = None,
            session: Session | None = None, started: float | None = None) -> Summary:
    """Make every product and publish them together."""
    started = time.perf_counter() if started is None else started
    context = prepared.context
    store = Store(settings.cache_dir or default_folder(settings.content_dir, settings.out_dir))
    with _saved(store), publish.staging(settings.out_dir, prepared.fingerprint) as out:
        data = OpenData(context)
        data.publish(out, store)
        context = replace_downloads(context, data.sizes)  # the Data page lists them
        if session is not None:
            session.downloads = data.sizes
        with parallel.Pool(settings.workers or parallel.worker_count(), context, settings.start_method) as pool:
            documents = Pdfs(context, pool, progress).start(store)  # laid out beside the pages
            pages = Pages(context, (session or Session()).environments(context)).publish(out, store)
            SearchIndex(context).publish(out, store)
            admin.Admin(context, settings.cms_dir).publish(out, store)
            printed = documents.publish(out, store)
    return Summary(pages.units, printed.units, time.perf_counter() - started, prepared.untranslated, pages.made,
                   printed.made, blanks=prepared.blanks)


def _blanks(content: Content) -> tuple[str, ...]:
    """What each clinic report prints as a line to fill in by hand, one line per set of reports that
    lack the same values: "2025-cc6, 2025-cc7: signatory.name, signatory.nip"."""
    reports: dict[tuple[str, ...], list[str]] = {}
    for clinic in content.clinics_by_date:
        if missing := content.report_blanks(clinic):
            reports.setdefault(missing, []).append(clinic.slug)
    return tuple(f"{', '.join(slugs)}: {', '.join(missing)}" for missing, slugs in reports.items())


@contextmanager
def _saved(store: Store) -> Iterator[None]:
    """The store keeps what this build made even when the build fails (each entry is whole): an
    interrupted build of a national site starts again where it stopped."""
    try:
        yield
    finally:
        store.save()


def _fingerprint(settings: Settings, code: str, past: history.History) -> str:
    """What the whole output is made from: when it matches the last build's, there is nothing to do."""
    return keys.combine([code, keys.files_digest(settings.content_dir), repr(past),
                         repr((settings.pdf, settings.strict, os.environ.get("SOURCE_DATE_EPOCH"))),
                         admin.installed_versions(settings.cms_dir) or ""])


def _attachments(raw: RawContent, content: Content, past: history.History) -> tuple[Attached, ...]:
    """The content files the build read (each checked by the loader), plus the commit, to attach to the
    archival reports."""
    when = past.source_date or dt.datetime.combine(content.site.as_of, dt.time(), dt.UTC)
    attached = [Attached(f"content/{file.path}", file.data, "Berkas konten / content file", when)
                for file in raw.files]
    provenance = {"commit": past.provenance.commit if past.provenance else None,
                  "modified": past.provenance.dirty if past.provenance else None,
                  "as_of": content.site.as_of.isoformat()}
    attached.append(Attached("provenance.json", json.dumps(provenance, indent=2).encode() + b"\n",
                             "Asal build / build provenance", when))
    return tuple(attached)
