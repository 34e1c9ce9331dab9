"""Stage 5: write into a temporary folder beside the output, then swap it into place.

A failing, interrupted or concurrent build never leaves a half-written or missing `output/`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .errors import BuildLockedError, UsageError

MARKER = ".ssk-report"  # marks a folder as ours, so we never replace someone's documents


def up_to_date(out: Path, fingerprint: str) -> bool:
    """Whether `out` is a complete build made from exactly these inputs (see build._fingerprint)."""
    try:
        return (out / MARKER).read_text(encoding="utf-8").splitlines()[-1] == f"{_FINGERPRINT}{fingerprint}"
    except (OSError, IndexError):
        return False


_FINGERPRINT = "fingerprint: "


@contextmanager
def staging(out: Path, fingerprint: str = "") -> Iterator[Path]:
    """Yield an empty folder to write the build into; on success it becomes `out`, marked with the
    `fingerprint` of its inputs."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: bukan folder; pilih folder keluaran lain dengan --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(f"{out}: folder ini berisi berkas yang bukan hasil ssk-report; "
                         "pilih folder kosong atau folder keluaran sebelumnya dengan --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out.parent / f".{out.name}.lock"):
        _remove_leftovers(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            marker = "Folder ini dibuat oleh ssk-report dan diganti pada setiap build.\n"
            yield tmp
            (tmp / MARKER).write_text(marker + (f"{_FINGERPRINT}{fingerprint}\n" if fingerprint else ""),
                                      encoding="utf-8")
            _swap(tmp, out)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLockedError(f"build lain sedang menulis ke folder yang sama ({path.parent}); "
                                   "tunggu sampai selesai lalu coba lagi") from None
        yield


def _remove_leftovers(out: Path) -> None:
    """Temporary folders of a build that was killed outright (SIGKILL, power loss)."""
    for stray in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stray, ignore_errors=True)
    for stray in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stray, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "previous")
    os.rename(new, out)
    _remove_later(old)


def _remove_later(folder: Path) -> None:
    """Delete the previous output in a process of its own: the new output is already in place, and
    deleting a national site's thousands of files would hold the build up for a quarter of a second.
    Should that process not finish, the next build removes the folder (see `_remove_leftovers`)."""
    try:  # the shell returns at once and leaves `rm` to the system (no child of ours to wait for)
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" &', "sh", str(folder)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, check=True)
    except (OSError, subprocess.CalledProcessError):  # no POSIX shell here
        shutil.rmtree(folder, ignore_errors=True)


def write_file(root: Path, relative: str, data: bytes, previous: Path | None = None) -> None:
    """Write one output file, refusing any path that would land outside `root` (see `_target`).
    Where `previous` (the output of the last build) holds the same bytes at the same path, that
    file is linked instead: on some file systems creating a file costs ten times as much as reading
    one and linking it (0.7 ms against 0.07 ms, seen on this project's build machine)."""
    target = _target(root, relative)
    if previous is not None:
        before = previous / target.relative_to(root)
        try:
            found = before.lstat()
            if stat.S_ISREG(found.st_mode) and found.st_size == len(data) and before.read_bytes() == data:
                link_or_copy(before, target)
                return
        except OSError:  # not there (a new file), or gone meanwhile: written below
            pass
    target.write_bytes(data)


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole under a temporary name, then rename it into place (its folder made): a
    cache file another process reads is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def link_file(root: Path, relative: str, source: Path) -> None:
    """Put a file from the build cache into the output (see `link_or_copy`); raises
    FileNotFoundError if `source` is gone."""
    link_or_copy(source, _target(root, relative))


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link where the file system allows (creating thousands of files anew is most of the cost
    of an incremental build), else a copy. Files in the cache are never changed in place, only
    replaced, so the two names stay the same bytes."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:  # another file system, one without hard links, or the target exists
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Every file under `source` into `target`, at the same relative path (see `link_or_copy`)."""
    for folder, _, files in os.walk(source):
        into = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(into, exist_ok=True)
        for name in files:
            link_or_copy(os.path.join(folder, name), os.path.join(into, name))


def _target(root: Path, relative: str) -> Path:
    """The output path of `relative`, its folder made, refusing an absolute path or one with a `..`
    part. (The staging folder is new and holds no symlinks, so the path's parts are all there is to
    check; resolving every path on disk cost seconds on a national site.)"""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative or not path.parts:
        raise ValueError(f"output path escapes the output folder: {relative}")
    target = root.joinpath(*path.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def copy_static(source: Path, root: Path, prefix: str = "assets") -> int:
    """Copy the theme's static files (CSS, icons) as they are; returns how many."""
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            write_file(root, f"{prefix}/{path.relative_to(source).as_posix()}", path.read_bytes())
            count += 1
    return count
