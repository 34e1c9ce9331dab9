"""Git, through its command line: provenance of a build, when each content file last changed, and
the content tree as it was at a revision. Without git or a repository, everything here is absent."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError


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


def _git(repo: Path, *args: str, binary: bool = False) -> str | bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True,
                            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    return result.stdout if binary else result.stdout.decode("utf-8", "replace")


def repository_of(path: Path) -> Path | None:
    """The top folder of the git work tree that holds `path`, or None."""
    if shutil.which("git") is None:
        return None
    try:
        top = str(_git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    return Path(top)


def read_history(content: Path, templates: Path | None = None) -> History:
    """Provenance and last-change dates for `content`; empty when it is not in a repository."""
    repo = repository_of(content)
    if repo is None:
        return History()
    try:
        head = str(_git(repo, "log", "-1", "--format=%H %cI")).split()
    except subprocess.CalledProcessError:  # a repository with no commit yet
        return History()
    watched = [str(p.resolve()) for p in (content, templates)
               if p is not None and p.resolve().is_relative_to(repo.resolve())]
    dirty = bool(str(_git(repo, "status", "--porcelain", "--untracked-files=normal", "--", *watched)).strip())
    provenance = Provenance(commit=head[0], date=dt.datetime.fromisoformat(head[1]), dirty=dirty)
    return History(provenance, _last_changed(repo, content.resolve()))


def _last_changed(repo: Path, content: Path) -> dict[str, dt.date]:
    """One `git log` over the whole content folder (not one call per file: 514 regencies)."""
    log = str(_git(repo, "log", "--format=@%cI", "--name-only", "--no-renames", "--", str(content)))
    prefix = content.relative_to(repo.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in log.splitlines():
        if line.startswith("@"):
            current = dt.datetime.fromisoformat(line[1:]).date()
        elif line and current is not None and line.startswith(prefix):
            dates.setdefault(line[len(prefix):], current)  # newest first: keep the first date seen
    return dates


def source_date_epoch(history: History) -> int | None:
    """SOURCE_DATE_EPOCH if set, else the HEAD commit's time: a build of a commit is reproducible."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return int(history.provenance.date.timestamp()) if history.provenance else None


def resolve(repo: Path, revision: str) -> str:
    try:
        return str(_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")).strip()
    except subprocess.CalledProcessError:
        raise UsageError(f"revisi git tidak dikenal: {revision!r} (pakai tag, cabang atau hash commit)") from None


def revision_at(repo: Path, when: dt.date) -> str | None:
    """The last commit on HEAD's history made on or before the end of `when`, if any."""
    out = str(_git(repo, "rev-list", "-1", f"--before={when.isoformat()} 23:59:59", "HEAD")).strip()
    return out or None


def extract(repo: Path, revision: str, content: Path, into: Path) -> Path:
    """Write the content folder as it was at `revision` into `into`; returns the extracted folder."""
    relative = content.resolve().relative_to(repo.resolve()).as_posix()
    commit = resolve(repo, revision)
    try:
        archive = _git(repo, "archive", "--format=tar", commit, "--", relative, binary=True)
    except subprocess.CalledProcessError:
        raise UsageError(f"folder {relative!r} tidak ada pada revisi {revision!r}") from None
    assert isinstance(archive, bytes)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")  # "data": no links out, no absolute paths, no devices
        else:  # no extraction filters before Python 3.11.4 (Debian 12 has 3.11.2): files and folders only
            safe = [m for m in tar.getmembers() if (m.isfile() or m.isdir())
                    and not m.name.startswith("/") and ".." not in m.name.split("/")]
            tar.extractall(into, members=safe)  # noqa: S202 - the members are checked just above
    return into / relative
