"""The last stage: write the build into a staging folder beside the output, then swap it into place.

A failing, interrupted or concurrent build never leaves a half-written or missing output folder. The
published folders and files get the modes the user's umask gives (normally 0755 and 0644), so a web
server running as another user can read a copy of them. Only folders this module made are ever
deleted: each carries a marker file, checked before anything is removed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath

import filelock

from .errors import BuildLockedError, UsageError

MARKER = ".ssk-report"  # in an output folder: ours, replaced by every build; its last line is the fingerprint
STAGING_MARKER = ".ssk-staging"  # in a staging folder, until it becomes the output
_FINGERPRINT = "fingerprint: "


class Staging:
    """The folder a build writes into, and the SHA-256 of every file written (for the search index)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, str] = {}

    def write(self, relative: str, data: bytes) -> None:
        """Write one output file, refusing any path that would land outside the folder."""
        path = PurePosixPath(relative)
        if path.is_absolute() or ".." in path.parts or "\\" in relative or not path.parts or relative in self.written:
            raise ValueError(f"bad or repeated output path: {relative!r}")
        target = self.root.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[relative] = hashlib.sha256(data).hexdigest()

    def read(self, relative: str) -> bytes:
        if relative not in self.written:
            raise KeyError(relative)
        return self.root.joinpath(*PurePosixPath(relative).parts).read_bytes()


def up_to_date(out: Path, fingerprint: str) -> bool:
    """Whether `out` is a complete build made from exactly these inputs."""
    try:
        return (out / MARKER).read_text(encoding="utf-8").splitlines()[-1] == f"{_FINGERPRINT}{fingerprint}"
    except (OSError, IndexError, UnicodeDecodeError):
        return False


@contextmanager
def staging(out: Path, fingerprint: str) -> Iterator[Staging]:
    """Yield an empty staging folder; when the body succeeds it becomes `out`, marked with `fingerprint`."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: bukan folder; pilih folder keluaran lain dengan --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"{out}: folder ini berisi berkas yang bukan hasil ssk-report; "
                         "pilih folder kosong atau folder keluaran sebelumnya dengan --out")
    with ExitStack() as stack:
        with _writable(out):
            out.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(_locked(out.parent / f".{out.name}.lock"))
            _remove_leftovers(out)
            folder = out.parent / f".{out.name}.ssk-staging-{secrets.token_hex(6)}"
            folder.mkdir()
            stack.callback(_remove, folder)  # gone once it is the output; removed if the build fails
            (folder / STAGING_MARKER).write_bytes(b"")
        yield Staging(folder)
        (folder / MARKER).write_text("Folder ini dibuat oleh ssk-report dan diganti pada setiap build.\n"
                                     f"{_FINGERPRINT}{fingerprint}\n", encoding="utf-8")
        (folder / STAGING_MARKER).unlink()
        with _writable(out):
            _swap(folder, out)


@contextmanager
def _writable(out: Path) -> Iterator[None]:
    """A folder the build may not write is a usage error (exit 2), not a traceback."""
    try:
        yield
    except PermissionError as error:
        where = error.filename or out.parent
        raise UsageError(f"{where}: tidak dapat ditulis (izin ditolak); folder keluaran tetap seperti sebelumnya."
                         " Pilih folder lain dengan --out atau perbaiki izinnya.") from None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = filelock.FileLock(path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise BuildLockedError(f"build lain sedang menulis ke folder yang sama ({path.parent}); "
                               "tunggu sampai selesai lalu coba lagi") from None
    try:
        yield
    finally:
        lock.release()


def _swap(new: Path, out: Path) -> None:
    """`new` becomes `out`; the previous output is deleted once the new one is in place."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.parent / f".{out.name}.ssk-old-{secrets.token_hex(6)}"
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    _remove(old)


def _remove_leftovers(out: Path) -> None:
    """Folders of a build that was killed outright (SIGKILL, power loss): ours only, by their marker."""
    for prefix, marker in ((f".{out.name}.ssk-staging-", STAGING_MARKER), (f".{out.name}.ssk-old-", MARKER)):
        for stray in out.parent.glob(f"{prefix}*"):
            if stray.is_dir() and not stray.is_symlink() and (stray / marker).is_file():
                _remove(stray)


def _remove(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
