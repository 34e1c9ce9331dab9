"""A content-hash cache of rendered PDFs: a PDF is reused only when everything it is made from is the
same — its HTML (which carries every content value it shows), its variant and attachments, every file
of the templates folder, WeasyPrint's version and the code that calls it. Anything else changed makes
a new key, so the cache cannot serve a stale PDF; entries the last build did not use are removed.

A long report rendered in chunks (ssk_report/chunked.py) also keeps each document it is merged from,
keyed the same way, in a folder of its own under chunks/: a change to one regency then renders one
chunk again, not the whole national report."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from . import write
from .pagecache import files_digest
from .render import Attached, PdfJob

if TYPE_CHECKING:
    from .chunked import Rendered

FORMAT = b"ssk-report pdf cache 2"


def _environment_digest(templates: Path) -> bytes:
    """Not memoised across builds: a long-running preview server sees template edits."""
    digest = hashlib.sha256(FORMAT)
    for package in ("weasyprint", "pydyf"):
        digest.update(f"{package}={version(package)}".encode())
    for module in ("render.py", "chunked.py", "fetcher.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(files_digest(templates).encode())
    return digest.digest()


def key(job: PdfJob, environment: bytes | None = None) -> str:
    """`environment`: the job's _environment_digest, when the caller has it already."""
    return _key(environment or _environment_digest(job.templates.resolve()), job.path, job.variant, job.html,
                job.attachments)


def _key(environment: bytes, identifier: str, variant: str | None, html: str,
         attachments: tuple[Attached, ...]) -> str:
    digest = hashlib.sha256(environment)
    for part in (identifier, variant or "", html):
        digest.update(part.encode() + b"\0")
    for attached in attachments:
        digest.update(f"{attached.name}\0{attached.description}\0{attached.date.isoformat()}\0".encode())
        digest.update(attached.data)
    return digest.hexdigest()


class ChunkStore:
    """The documents one long report is merged from (chunked.Store): <key>.pdf and, beside it,
    <key>.json with where its anchors, bookmarks and links are."""

    def __init__(self, folder: Path, environment: bytes) -> None:
        self.folder = folder
        self.environment = environment
        self.used: set[str] = set()

    def key(self, html: str, identifier: str, variant: str | None, attachments: tuple[Attached, ...]) -> str:
        return _key(self.environment, identifier, variant, html, attachments)

    def get(self, key: str) -> Rendered | None:
        from .chunked import Rendered  # only a long report, which imports it anyway, comes here

        self.used.add(key)
        try:
            return Rendered.read((self.folder / f"{key}.pdf").read_bytes(), (self.folder / f"{key}.json").read_text())
        except FileNotFoundError:
            return None

    def put(self, key: str, rendered: Rendered) -> None:
        self.used.add(key)
        write.replace_file(self.folder / f"{key}.json", rendered.facts().encode())
        write.replace_file(self.folder / f"{key}.pdf", rendered.pdf)  # last: get() finds both, or no PDF

    def prune(self) -> None:
        for entry in self.folder.iterdir() if self.folder.is_dir() else ():
            if entry.stem not in self.used:
                entry.unlink()


class PdfCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self._environments: dict[Path, bytes] = {}  # once per build, not once per PDF
        self._reports: set[str] = set()  # the chunk folders of this build's PDFs (looked up with get)
        self._stores: dict[str, ChunkStore] = {}  # of the reports it renders in chunks

    def _environment(self, job: PdfJob) -> bytes:
        templates = job.templates.resolve()
        if templates not in self._environments:
            self._environments[templates] = _environment_digest(templates)
        return self._environments[templates]

    def _key(self, job: PdfJob) -> str:
        return key(job, self._environment(job))

    def get(self, job: PdfJob) -> Path | None:
        """The file of the PDF rendered before from exactly this job's inputs, if there is one."""
        entry = self.folder / f"{self._key(job)}.pdf"
        self.used.add(entry.name)
        self._reports.add(_folder(job))  # its chunks are kept for the next change, if it has any
        return entry if entry.is_file() else None

    def chunks(self, job: PdfJob) -> ChunkStore:
        """The documents a long report is merged from, kept between builds."""
        name = _folder(job)
        if name not in self._stores:
            self._stores[name] = ChunkStore(self.folder / "chunks" / name, self._environment(job))
        return self._stores[name]

    def put(self, job: PdfJob, pdf: bytes) -> None:
        entry = self.folder / f"{self._key(job)}.pdf"
        self.used.add(entry.name)
        write.replace_file(entry, pdf)

    def prune(self) -> None:
        """Forget PDFs this build did not use, so the cache does not grow forever; and chunks no
        longer part of a report rendered in chunks, or of a PDF still made."""
        for entry in self.folder.glob("*.pdf") if self.folder.is_dir() else ():
            if entry.name not in self.used:
                entry.unlink()
        chunks = self.folder / "chunks"
        for folder in chunks.iterdir() if chunks.is_dir() else ():
            if folder.name in self._stores:
                self._stores[folder.name].prune()
            elif folder.name not in self._reports:
                shutil.rmtree(folder)


def _folder(job: PdfJob) -> str:
    return hashlib.sha256(job.path.encode()).hexdigest()[:24]


def split(jobs: Iterable[PdfJob], pdf_cache: PdfCache) -> tuple[list[tuple[str, Path]], list[PdfJob]]:
    """(cached PDF files by output path, jobs still to render)."""
    hits, misses = [], []
    for job in jobs:
        found = pdf_cache.get(job)
        if found is None:
            misses.append(job)
        else:
            hits.append((job.path, found))
    return hits, misses
