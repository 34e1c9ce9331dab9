"""Incremental HTML: a page is re-rendered only when something it read last time has changed.

While a page renders, the Jinja environment records what the templates read: which of the render
variables (`content`, `history`, `changes`, `downloads`, …) and which attributes of `content`
(`statuses`, `clinics_by_date`, `site`, …). The page's key is a hash of everything it read — each
value serialised whole — plus what every page depends on: the code, the templates, the UI
translations, library versions, the page's own identity and subject, the plan (links) and the site
settings. Templates are deterministic, so a page whose recorded inputs are all unchanged would read
the same things and produce the same bytes: it is copied from the cache instead. A content method
called from a template (`content.status_of(…)`) counts as reading all of the content.

So a regency page, which reads its own status and the shared catalogues, is re-rendered when its
regency changes; the home page, which reads every status, whenever any regency changes; and every
page when a template, the code or the site settings change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, is_dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pydantic_core
from pydantic import BaseModel

from . import write

FORMAT = "ssk-report page cache 2"
_PACKAGE = Path(__file__).parent


def code_digest(templates: Path) -> str:
    """Everything that shapes every page: our code and translations, the templates, the libraries.
    Computed per build, never memoised: a long-running preview server sees template edits."""
    libraries = [f"{package}={version(package)}" for package in ("jinja2", "markupsafe", "markdown", "nh3", "babel",
                                                                   "pydantic")]
    return digest_of([FORMAT, *libraries, files_digest(_PACKAGE, (".py", ".po")), files_digest(templates)])


def digest_of(value: Any, exclude: set[str] | None = None) -> str:
    """A stable hash of a model value (less its `exclude` fields); raises TypeError for what cannot
    be serialised (a method)."""
    def refuse(unknown: Any) -> Any:
        raise TypeError(type(unknown).__name__)

    try:
        return hashlib.sha256(pydantic_core.to_json(value, exclude=exclude, fallback=refuse)).hexdigest()
    except pydantic_core.PydanticSerializationError as error:
        raise TypeError(str(error)) from None


@dataclass
class Reads:
    """What one page's templates read while it rendered."""

    names: set[str] = field(default_factory=set)  # render variables
    content: set[str] = field(default_factory=set)  # attributes of the Content object


@dataclass
class Recorder:
    """Installed on a Jinja environment (see render.SiteEnvironment) while one page renders."""

    content: Any
    reads: Reads


@dataclass
class Inputs:
    """This build's values, hashed lazily and once: what a page's key is made of."""

    content: Any
    variables: dict[str, Any]  # render variables other than content and the page's own output/subject
    everything: str  # hash of every content file: what a page that calls a content method depends on
    always: str  # code, templates, plan and site settings: part of every key
    _memo: dict[str, str] = field(default_factory=dict)
    _objects: dict[int, tuple[Any, str]] = field(default_factory=dict)

    def _hash(self, label: str, make: Callable[[], Any]) -> str:
        if label not in self._memo:
            try:
                self._memo[label] = self.digest(make())
            except TypeError:
                self._memo[label] = self.everything
        return self._memo[label]

    def digest(self, value: Any) -> str:
        """digest_of(value), reusing the hash of every model object already hashed in this build. A
        value is serialised whole in one call (pydantic-core's serialiser, fast), except the fields a
        dataclass names in HASHED_APART: values shared by many objects, hashed once and remembered —
        the 514 regency statuses of a national site share their clinics, each listing 514
        participants, which would otherwise be serialised once per status, and again per page."""
        if isinstance(value, list | tuple):
            if not any(_nested(item) for item in value):
                return digest_of(value)
            return _combine(self.digest(item) for item in value)
        if not _model(value):
            return digest_of(value)
        known = self._objects.get(id(value))
        if known is None:
            apart: tuple[str, ...] = getattr(value, "HASHED_APART", ())
            found = digest_of(value, set(apart) or None)
            if apart:
                found = _combine([found, *(f"{name}={self.digest(getattr(value, name))}" for name in apart)])
            known = self._objects[id(value)] = (value, found)  # the value is kept, so its id stays its own
        return known[1]

    def key(self, output: Any, reads: Reads) -> str:
        parts = [self.always, repr((output.path, output.template, output.lang, output.key, output.kind)),
                 self.digest(output.subject)]
        for name in sorted(reads.names & self.variables.keys()):
            parts.append(f"{name}={self._hash(name, partial(self.variables.__getitem__, name))}")
        for attribute in sorted(reads.content):
            parts.append(f"content.{attribute}="
                         f"{self._hash('content.' + attribute, partial(getattr, self.content, attribute))}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _model(value: Any) -> bool:
    return isinstance(value, BaseModel) or (is_dataclass(value) and not isinstance(value, type))


def _nested(value: Any) -> bool:
    """Hashed on its own (and remembered): a model object, or a list or tuple that may hold some."""
    return isinstance(value, list | tuple) or _model(value)


def _combine(parts: Iterable[str]) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class PageCache:
    """Rendered pages by key in `folder`, with a manifest of what each page read last time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest: dict[str, dict[str, Any]] = {}
        self.used: dict[str, dict[str, Any]] = {}
        try:
            saved = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if saved.get("format") == FORMAT:
                self.manifest = saved["pages"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass  # no cache yet, or an unreadable one: render everything

    def get(self, output: Any, inputs: Inputs) -> tuple[Path, bytes] | None:
        """The file of the page as rendered before, and the SHA-256 of its bytes, if nothing it read
        has changed since."""
        entry = self.manifest.get(output.path)
        if entry is None:
            return None
        reads = Reads(set(entry["names"]), set(entry["content"]))
        key = inputs.key(output, reads)
        if key != entry["key"]:
            return None
        self.used[output.path] = entry
        return self.folder / f"{key}.html", bytes.fromhex(entry["sha256"])

    def forget(self, output: Any) -> None:
        """A page whose cached file turned out to be missing: it is rendered and put again."""
        self.used.pop(output.path, None)

    def put(self, output: Any, inputs: Inputs, reads: Reads, data: bytes) -> bytes:
        """Keep a rendered page; returns the SHA-256 of its bytes."""
        key = inputs.key(output, reads)
        write.replace_file(self.folder / f"{key}.html", data)
        sha = hashlib.sha256(data)
        self.used[output.path] = {"key": key, "names": sorted(reads.names), "content": sorted(reads.content),
                                  "sha256": sha.hexdigest()}
        return sha.digest()

    def save(self) -> None:
        """Write the manifest of this build's pages and forget every page it did not use."""
        manifest = json.dumps({"format": FORMAT, "pages": self.used}, sort_keys=True)
        write.replace_file(self.folder / "manifest.json", manifest.encode("utf-8"))
        keep = {f"{entry['key']}.html" for entry in self.used.values()}
        for entry in self.folder.glob("*.html"):
            if entry.name not in keep:
                entry.unlink()


def files_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """A hash of every file under `folder` (names and bytes), or of those ending in `suffixes`."""
    digest = hashlib.sha256()
    files = (p for p in folder.rglob("*") if suffixes is None or p.name.endswith(suffixes))
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
