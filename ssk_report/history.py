"""Git, through its command line: provenance of a build, when each content file last changed, and
the content folder as it was at a revision. Without git or a repository, everything here is absent.

git runs here as a reader of the repository, never as a host for its commands. A repository's own
configuration (`.git/config`, in a checkout others can write to) can name commands for git to run:
`core.fsmonitor` (run by every command that reads the index, `git status` among them), filters and
`textconv` (run on file contents), hooks, a pager, an external diff, gpg (`log.showSignature`), the
transport of a partial clone's lazy fetch. So only plumbing that reads objects is used (rev-parse,
log without patches, ls-tree, cat-file without --filters or --textconv), with each of those settings
overridden on the command line and every transport disabled; uncommitted changes are found by
hashing the work tree's files as git hashes blobs, not by `git status`; a revision's content is
read from git's objects into memory, never through `git archive` (which applies filters) or tarfile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .loader import MAX_FILE_BYTES, Kind, display_path

# Settings given on the command line win over the repository's own.
_READER = ("--no-pager", "-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}",
           "-c", "core.pager=cat", "-c", "log.showSignature=false", "-c", "core.quotePath=false",
           "-c", "core.untrackedCache=false", "-c", "protocol.allow=never")
_ENVIRONMENT = {
    "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "PAGER": "cat", "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": "",  # no transport at all, whatever protocol.<name>.allow the repository sets
}


@dataclass(frozen=True)
class Provenance:
    """Which commit a build came from, and whether the content or templates had uncommitted edits."""

    commit: str
    date: dt.datetime
    dirty: bool

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True)
class History:
    provenance: Provenance | None = None
    # Content file (relative to the content folder, "/" separators) -> date of its last commit.
    last_changed: dict[str, dt.date] = field(default_factory=dict)

    def changed(self, *relative: str) -> dt.date | None:
        """The latest commit date among the given content files (a clinic and its narratives)."""
        dates = [self.last_changed[r] for r in relative if r in self.last_changed]
        return max(dates) if dates else None

    @property
    def source_date(self) -> dt.datetime | None:
        """SOURCE_DATE_EPOCH if set, else the HEAD commit's time: the date a build stamps on files."""
        epoch = source_date_epoch(self)
        return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def _git(repo: Path, *args: str, binary: bool = False, stdin: bytes | None = None) -> str | bytes:
    result = subprocess.run(["git", *_READER, "-C", str(repo), *args], capture_output=True, check=True,
                            input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                            env={**os.environ, **_ENVIRONMENT})
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")


def repository_of(path: Path) -> Path | None:
    """The top folder of the git work tree that holds `path`, or None."""
    if shutil.which("git") is None:
        return None
    try:
        top = Path(str(_git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")).strip())
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    # core.worktree may name another folder: then `path` is not in the work tree git describes.
    return top if path.resolve().is_relative_to(top.resolve()) else None


def _relative(repo: Path, path: Path) -> str:
    """`path` inside the repository, as git names it ("" for the top folder)."""
    relative = path.resolve().relative_to(repo.resolve()).as_posix()
    return "" if relative == "." else relative


def read_history(content: Path, templates: Path | None = None) -> History:
    """Provenance and last-change dates for `content`; empty when it is not in a repository."""
    repo = repository_of(content)
    if repo is None:
        return History()
    try:
        head = str(_git(repo, "log", "-1", "--no-show-signature", "--format=%H %cI")).split()
    except subprocess.CalledProcessError:  # a repository with no commit yet
        return History()
    watched = [p for p in (content, templates) if p is not None and p.resolve().is_relative_to(repo.resolve())]
    dirty = _uncommitted(repo, head[0], watched)
    provenance = Provenance(commit=head[0], date=dt.datetime.fromisoformat(head[1]), dirty=dirty)
    return History(provenance, _last_changed(repo, content.resolve()))


def _last_changed(repo: Path, content: Path) -> dict[str, dt.date]:
    """One `git log` over the whole content folder (not one call per file: 514 regencies)."""
    log = str(_git(repo, "log", "--no-show-signature", "--no-ext-diff", "--no-textconv", "--format=@%cI",
                   "--name-only", "--no-renames", "--", str(content)))
    prefix = _relative(repo, content)
    prefix = prefix + "/" if prefix else ""
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in log.splitlines():
        if line.startswith("@"):
            current = dt.datetime.fromisoformat(line[1:]).date()
        elif line and current is not None and line.startswith(prefix):
            dates.setdefault(line[len(prefix):], current)  # newest first: keep the first date seen
    return dates


# ---- Uncommitted changes, without `git status` ----------------------------------------------------------

def _blob_id(data: bytes) -> str:
    """The id git gives these bytes as a file's content (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _tree(repo: Path, commit: str, relative: list[str]) -> Iterator[tuple[str, str, str, int, str]]:
    """(mode, type, object id, size, path) of every entry under the `relative` folders at `commit`,
    folders included; sizes are -1 for what is not a blob."""
    listing = _git(repo, "ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit, "--", *relative, binary=True)
    assert isinstance(listing, bytes)
    for record in listing.split(b"\0"):
        if record:
            meta, path = record.split(b"\t", 1)
            mode, kind, oid, size = meta.decode().split()
            yield mode, kind, oid, int(size) if size.isdigit() else -1, path.decode("utf-8", "surrogateescape")


def _uncommitted(repo: Path, commit: str, folders: list[Path]) -> bool:
    """Whether any file in `folders` differs from `commit`, is missing, or is new. Each file in the
    work tree is hashed as git hashes a blob and compared with the commit's tree; hidden files (a
    name starting with ".") are not counted, and .gitignore is not read (an ignored file counts as
    new: in doubt, the build says it was made from uncommitted files)."""
    relative = [_relative(repo, folder) for folder in folders]
    committed = {path: (mode, oid) for mode, kind, oid, _, path in _tree(repo, commit, [r or "." for r in relative])
                 if kind != "tree"}
    submodules = {path for path, (mode, _) in committed.items() if mode == "160000"}  # their own repositories
    found = set()
    for folder, prefix in zip(folders, relative, strict=True):
        for name, path in _work_tree(folder, prefix, submodules):
            found.add(name)
            mode, oid = committed.get(name, ("", ""))
            if not _same(path, mode, oid):
                return True
    return not set(committed) - submodules <= found  # else a committed file was deleted


def _work_tree(folder: Path, prefix: str, skip: set[str]) -> Iterator[tuple[str, Path]]:
    """Every file and link under `folder`, by its name in the repository (`prefix` is the folder's),
    never entering a linked folder or one of `skip`; hidden names are left out."""
    for top, folders, files in os.walk(folder):
        here = Path(top).relative_to(folder).as_posix()
        base = "/".join(part for part in (prefix, "" if here == "." else here) if part)
        links = [f for f in folders if os.path.islink(os.path.join(top, f))]
        folders[:] = [f for f in folders if f not in links and not f.startswith(".")
                      and f"{base}/{f}".lstrip("/") not in skip]
        yield from ((f"{base}/{f}".lstrip("/"), Path(top, f)) for f in [*files, *links] if not f.startswith("."))


def _same(path: Path, mode: str, oid: str) -> bool:
    """A work-tree file has the content committed as `oid`: its bytes, a link's target, or its bytes
    with Windows line ends made Unix ones (what core.autocrlf does to a file when it is committed)."""
    if not oid:
        return False
    try:
        if path.is_symlink():
            return mode == "120000" and _blob_id(os.fsencode(os.readlink(path))) == oid
        data = path.read_bytes()
    except OSError:
        return False
    return _blob_id(data) == oid or (b"\r\n" in data and _blob_id(data.replace(b"\r\n", b"\n")) == oid)


def source_date_epoch(history: History) -> int | None:
    """SOURCE_DATE_EPOCH if set, else the HEAD commit's time: a build of a commit is reproducible."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return int(history.provenance.date.timestamp()) if history.provenance else None


def resolve(repo: Path, revision: str) -> str:
    """The commit a revision names (a tag, a branch, a hash); a UsageError if it names none."""
    unknown = UsageError(f"revisi git tidak dikenal: {revision!r} (pakai tag, cabang atau hash commit)")
    if not revision or revision.startswith("-"):  # never read as an option of git
        raise unknown
    try:
        return str(_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")).strip()
    except subprocess.CalledProcessError:
        raise unknown from None


def revision_at(repo: Path, when: dt.date) -> str | None:
    """The last commit on HEAD's history made on or before the end of `when`, if any."""
    out = str(_git(repo, "rev-list", "-1", f"--before={when.isoformat()} 23:59:59", "HEAD")).strip()
    return out or None


# ---- The content folder at a revision --------------------------------------------------------------------

_KINDS: dict[str, Kind] = {"040000": "folder", "100644": "file", "100755": "file", "120000": "symlink"}


class Revision:
    """The content folder as it was at a commit, read from git's objects into memory: what the
    loader reads (a `loader.Tree`). Nothing is written to disk; a link (mode 120000) or a submodule
    is an entry of its own kind, reported by the loader and never followed."""

    def __init__(self, repo: Path, revision: str, content: Path) -> None:
        self.revision = revision
        self.shown = display_path(content)  # messages name the user's folder, not a temporary one
        prefix = _relative(repo, content)
        commit = resolve(repo, revision)
        self._entries: dict[str, tuple[Kind, str, int]] = {}
        self._folders: dict[str, list[str]] = {"": []}
        for mode, _, oid, size, path in _tree(repo, commit, [prefix or "."]):
            if prefix and not path.startswith(prefix + "/"):
                continue  # the folder itself
            relative = path[len(prefix) + 1:] if prefix else path
            kind = _KINDS.get(mode, "other")
            self._entries[relative] = (kind, oid, size)
            parent, _, name = relative.rpartition("/")
            self._folders.setdefault(parent, []).append(name)
            if kind == "folder":
                self._folders.setdefault(relative, [])
        if not self._entries:
            raise UsageError(f"folder {prefix or '.'!r} tidak ada pada revisi {revision!r}")
        wanted = [oid for kind, oid, size in self._entries.values() if kind == "file" and size <= MAX_FILE_BYTES]
        self._blobs = _blobs(repo, wanted)

    def kind(self, relative: str) -> Kind | None:
        return "folder" if not relative else self._entries.get(relative, (None, "", 0))[0]

    def names(self, relative: str) -> list[str]:
        return sorted(self._folders.get(relative, [])) if self.kind(relative) == "folder" else []

    def walk(self) -> Iterator[tuple[str, Kind]]:
        yield from ((relative, kind) for relative, (kind, _, _) in sorted(self._entries.items()))

    def size(self, relative: str) -> int:
        return self._entries[relative][2]

    def read(self, relative: str, limit: int) -> bytes:
        kind, oid, _ = self._entries[relative]
        if kind != "file":
            raise OSError(f"bukan berkas biasa pada revisi {self.revision}")
        return self._blobs[oid][: limit + 1]


def _blobs(repo: Path, ids: list[str]) -> dict[str, bytes]:
    """The content of each blob, by id, in one `git cat-file --batch` (no filters, no textconv)."""
    if not ids:
        return {}
    out = _git(repo, "cat-file", "--batch", binary=True, stdin="".join(f"{i}\n" for i in ids).encode())
    assert isinstance(out, bytes)
    blobs, at = {}, 0
    while at < len(out):
        end = out.index(b"\n", at)
        oid, _, size = out[at:end].decode().split()
        blobs[oid] = out[end + 1:end + 1 + int(size)]
        at = end + 1 + int(size) + 1
    return blobs
