"""Keys: what an output is made from, as one hash.

Every product keys its outputs the same way: the code (the whole package and the templates, with the
versions of the libraries that shape output), the output's own identity, and a digest of each input it
read while it was made (see templating.Reads). A value of the model is hashed once per build, however
many outputs read it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pydantic_core
from pydantic import BaseModel

FORMAT = "ssk-report keys 3"  # bumped when what a key covers changes
PACKAGE = Path(__file__).parent
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "babel", "pydantic", "pyyaml", "weasyprint", "pydyf",
             "pagefind", "xlsxwriter")


def code_digest(templates: Path) -> str:
    """Everything that shapes every output: this package's files (code, translations, scaffolds), the
    templates and the libraries' versions. Computed per build, never memoised: a long-running preview
    server sees template edits."""
    libraries = [f"{name}={version(name)}" for name in LIBRARIES]
    return combine([FORMAT, *libraries, files_digest(PACKAGE), files_digest(templates)])


def files_digest(folder: Path) -> str:
    """A hash of every entry under `folder`, names and bytes (compiled bytecode left out). Nothing is
    followed: a symbolic link counts by its target's name, a device or a pipe by its kind, so that a
    hostile content folder cannot make the build read outside it (or forever) before the loader refuses
    it with a located message."""
    digest = hashlib.sha256()
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names + [f for f in folders if os.path.islink(os.path.join(top, f))]):
            path = os.path.join(top, name)
            found = os.lstat(path)
            if stat.S_ISREG(found.st_mode):
                with open(path, "rb") as handle:
                    data = handle.read()
            elif stat.S_ISLNK(found.st_mode):
                data = b"link:" + os.fsencode(os.readlink(path))
            else:
                data = f"kind:{stat.S_IFMT(found.st_mode)}".encode()
            digest.update(Path(path).relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def combine(parts: Iterable[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Hasher:
    """Digests of model values, each object hashed once (remembered by identity for this build).

    A dataclass (a derived status) is hashed field by field, so that objects it shares with others
    (the clinics every regency status refers to) are hashed once, not once per status; a pydantic
    record is serialised whole by pydantic-core, which is fast. A dataclass field declared with
    `metadata={"key": False}` is left out (an output's subject, which its key covers apart)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, str]] = {}  # the object is kept, so that its id stays its own

    def digest(self, value: Any) -> str:
        """Raises TypeError for what cannot be hashed (a method)."""
        if isinstance(value, set | frozenset):  # in the order of its items' hashes: a string's differs by process
            value = sorted(value, key=repr)
        if isinstance(value, list | tuple) and any(_composite(item) or isinstance(item, list | tuple)
                                                   for item in value):
            return combine(self.digest(item) for item in value)
        if not _composite(value):
            return _serialised(value)
        known = self._known.get(id(value))
        if known is None:
            if isinstance(value, BaseModel):
                found = _serialised(value)
            else:
                found = combine(f"{f.name}={self.digest(getattr(value, f.name))}" for f in dataclasses.fields(value)
                                if f.metadata.get("key", True))
            known = self._known[id(value)] = (value, found)
        return known[1]


def _composite(value: Any) -> bool:
    """A record hashed once and remembered: a pydantic model or a dataclass instance."""
    return isinstance(value, BaseModel) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def _serialised(value: Any) -> str:
    def refuse(unknown: Any) -> Any:
        raise TypeError(type(unknown).__name__)

    try:
        return hashlib.sha256(pydantic_core.to_json(value, fallback=refuse)).hexdigest()
    except pydantic_core.PydanticSerializationError as error:
        raise TypeError(str(error)) from None
