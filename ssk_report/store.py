"""The build store: one content-addressed cache for every product.

Layout, under the cache folder (see `default_folder`: outside the repository, so nothing a pull request
carries can be read as cache):

    blobs/ab/abcdef…   file contents, named by the SHA-256 of their bytes
    index/<product>.json   per unit of the product: the key it was made with, what it read, its files

A blob is checked against its name whenever it is read: a damaged or truncated entry is treated as
missing, so its unit is made again, never published. An index is plain JSON, checked for its shape;
nothing here can run code on load. After a build, `save` writes the indexes of the products that ran
and deletes every blob that no index refers to: one pruning for everything.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One unit of a product as last made: its key, what it read (for the next key) and its files."""

    key: str
    reads: tuple[str, ...]
    files: dict[str, str]  # output path -> blob (SHA-256 of the bytes)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "reads": list(self.reads), "files": self.files}

    @classmethod
    def from_json(cls, value: Any) -> Entry | None:
        """An entry from an index, or None where its shape is wrong (a damaged index)."""
        try:
            key, reads, files = value["key"], value["reads"], value["files"]
        except (KeyError, TypeError):
            return None
        if (isinstance(key, str) and isinstance(reads, list) and all(isinstance(r, str) for r in reads)
                and isinstance(files, dict) and all(isinstance(p, str) and _is_blob(b) for p, b in files.items())):
            return cls(key, tuple(reads), files)
        return None


class Store:
    """Made outputs by key, kept between builds in `folder` (None: kept in memory for this process
    only, as tests and a throw-away build may want)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._indexes: dict[str, dict[str, Entry]] = {}
        self._memory: dict[str, bytes] = {}  # blobs, when there is no folder

    def entry(self, product: str, unit: str) -> Entry | None:
        return self._index(product).get(unit)

    def files(self, entry: Entry) -> dict[str, bytes] | None:
        """The entry's files, each checked against its hash; None if any is missing or damaged."""
        found = {}
        for path, blob in entry.files.items():
            data = self._read(blob)
            if data is None:
                return None
            found[path] = data
        return found

    def put(self, product: str, unit: str, key: str, reads: tuple[str, ...], files: dict[str, bytes]) -> None:
        blobs = {}
        for path, data in files.items():
            blobs[path] = blob = hashlib.sha256(data).hexdigest()
            self._write(blob, data)
        self._index(product)[unit] = Entry(key, reads, blobs)

    def keep_only(self, product: str, units: set[str]) -> None:
        """Forget the units of `product` that this build no longer makes."""
        index = self._index(product)
        for unit in set(index) - units:
            del index[unit]

    def save(self) -> None:
        """Write every index this build used, then delete the blobs no index refers to."""
        if self.folder is None:
            used = {blob for index in self._indexes.values() for entry in index.values()
                    for blob in entry.files.values()}
            self._memory = {blob: data for blob, data in self._memory.items() if blob in used}
            return
        for product, index in self._indexes.items():
            # Not sort_keys: a unit's files keep the order they were made in (the Data page lists them so).
            text = json.dumps({"format": FORMAT, "units": {u: e.as_json() for u, e in sorted(index.items())}})
            _replace(self.folder / "index" / f"{product}.json", text.encode())
        used = set()
        for path in (self.folder / "index").glob("*.json"):
            used |= {blob for entry in self._index(path.stem).values() for blob in entry.files.values()}
        for folder in (self.folder / "blobs").glob("??"):
            for blob in folder.iterdir():
                if blob.name not in used:
                    blob.unlink(missing_ok=True)

    def _index(self, product: str) -> dict[str, Entry]:
        if product not in self._indexes:
            self._indexes[product] = self._load(product)
        return self._indexes[product]

    def _load(self, product: str) -> dict[str, Entry]:
        if self.folder is None:
            return {}
        try:
            saved = json.loads((self.folder / "index" / f"{product}.json").read_text(encoding="utf-8"))
            units = saved["units"] if saved.get("format") == FORMAT else {}
            return {unit: entry for unit, value in units.items() if (entry := Entry.from_json(value)) is not None}
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            return {}  # no index yet, or a damaged one: everything of this product is made again

    def _read(self, blob: str) -> bytes | None:
        if self.folder is None:
            return self._memory.get(blob)
        try:
            data = (self.folder / "blobs" / blob[:2] / blob).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == blob else None

    def _write(self, blob: str, data: bytes) -> None:
        if self.folder is None:
            self._memory[blob] = data
            return
        path = self.folder / "blobs" / blob[:2] / blob
        if self._read(blob) is None:  # absent, or damaged: written anew
            _replace(path, data)


def _is_blob(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _replace(path: Path, data: bytes) -> None:
    """Write `path` whole under a temporary name, then rename it into place: never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def default_folder(content_dir: Path, out_dir: Path) -> Path:
    """The store of one project: in the user's cache folder (never inside the repository or beside the
    output, where a repository could place a cache of its own), one folder per content and output
    folder pair. SSK_REPORT_CACHE overrides the base folder."""
    root = Path(os.environ.get("SSK_REPORT_CACHE") or platformdirs.user_cache_dir("ssk-report", appauthor=False))
    project = f"{content_dir.resolve()}\0{out_dir.resolve()}"
    name = f"{out_dir.resolve().name or 'output'}-{hashlib.sha256(project.encode()).hexdigest()[:16]}"
    return root / name
