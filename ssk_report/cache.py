"""A content-hash cache of rendered PDFs: a PDF is reused only when everything it is made from is the
same — its HTML (which carries every content value it shows), its variant and attachments, every file
of the templates folder, WeasyPrint's version and the code that calls it. Anything else changed makes
a new key, so the cache cannot serve a stale PDF; entries the last build did not use are removed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from . import write
from .pagecache import files_digest
from .render import PdfJob

FORMAT = b"ssk-report pdf cache 1"


def _environment_digest(templates: Path) -> bytes:
    """Not memoised across builds: a long-running preview server sees template edits."""
    digest = hashlib.sha256(FORMAT)
    for package in ("weasyprint", "pydyf"):
        digest.update(f"{package}={version(package)}".encode())
    for module in ("render.py", "chunked.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(files_digest(templates).encode())
    return digest.digest()


def key(job: PdfJob, environment: bytes | None = None) -> str:
    """`environment`: the job's _environment_digest, when the caller has it already."""
    digest = hashlib.sha256(environment or _environment_digest(job.templates.resolve()))
    for part in (job.path, job.variant or "", job.html):
        digest.update(part.encode() + b"\0")
    for attached in job.attachments:
        digest.update(f"{attached.name}\0{attached.description}\0{attached.date.isoformat()}\0".encode())
        digest.update(attached.data)
    return digest.hexdigest()


class PdfCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self._environments: dict[Path, bytes] = {}  # once per build, not once per PDF

    def _key(self, job: PdfJob) -> str:
        templates = job.templates.resolve()
        if templates not in self._environments:
            self._environments[templates] = _environment_digest(templates)
        return key(job, self._environments[templates])

    def get(self, job: PdfJob) -> Path | None:
        """The file of the PDF rendered before from exactly this job's inputs, if there is one."""
        entry = self.folder / f"{self._key(job)}.pdf"
        self.used.add(entry.name)
        return entry if entry.is_file() else None

    def put(self, job: PdfJob, pdf: bytes) -> None:
        entry = self.folder / f"{self._key(job)}.pdf"
        self.used.add(entry.name)
        write.replace_file(entry, pdf)

    def prune(self) -> None:
        """Forget PDFs this build did not use, so the cache does not grow forever."""
        for entry in self.folder.glob("*.pdf") if self.folder.is_dir() else ():
            if entry.name not in self.used:
                entry.unlink()


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
