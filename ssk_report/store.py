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

FORMAT = 2


@dataclass(frozen=True)
class Entry:
    """One unit of a product as last made: its key, what it read (for the next key) and its files,
    kept together as one blob (the SHA-256 of the packed files)."""

    key: str
    reads: tuple[str, ...]
    blob: str

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "reads": list(self.reads), "blob": self.blob}

    @classmethod
    def from_json(cls, value: Any) -> Entry | None:
        """An entry from an index, or None where its shape is wrong (a damaged index)."""
        try:
            key, reads, blob = value["key"], value["reads"], value["blob"]
        except (KeyError, TypeError):
            return None
        if (isinstance(key, str) and isinstance(reads, list) and all(isinstance(r, str) for r in reads)
                and _is_blob(blob)):
            return cls(key, tuple(reads), blob)
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
        """The entry's files, checked against the blob's hash; None if it is missing or damaged."""
        data = self._read(entry.blob)
        return None if data is None else _unpack(data)

    def put(self, product: str, unit: str, key: str, reads: tuple[str, ...], files: dict[str, bytes]) -> None:
        data = _pack(files)
        blob = hashlib.sha256(data).hexdigest()
        self._write(blob, data)
        self._index(product)[unit] = Entry(key, reads, blob)

    def keep_only(self, product: str, units: set[str]) -> None:
        """Forget the units of `product` that this build no longer makes."""
        index = self._index(product)
        for unit in set(index) - units:
            del index[unit]

    def save(self) -> None:
        """Write every index this build used, then delete the blobs no index refers to."""
        if self.folder is None:
            used = {entry.blob for index in self._indexes.values() for entry in index.values()}
            self._memory = {blob: data for blob, data in self._memory.items() if blob in used}
            return
        for product, index in self._indexes.items():
            text = json.dumps({"format": FORMAT, "units": {u: e.as_json() for u, e in sorted(index.items())}})
            _replace(self.folder / "index" / f"{product}.json", text.encode())
        used = set()
        for path in (self.folder / "index").glob("*.json"):
            used |= {entry.blob for entry in self._index(path.stem).values()}
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


# A unit's files in one blob (creating a file is most of what storing costs: a national site's open
# data alone is 1,500 files): a JSON list of [path, size] in the order the files were made, a newline,
# then their bytes one after another.
def _pack(files: dict[str, bytes]) -> bytes:
    header = json.dumps([[path, len(data)] for path, data in files.items()]).encode()
    return b"".join([header, b"\n", *files.values()])


def _unpack(data: bytes) -> dict[str, bytes] | None:
    try:
        end = data.index(b"\n")
        listing = json.loads(data[:end])
        files, at = {}, end + 1
        for path, size in listing:
            files[path], at = data[at:at + size], at + size
    except (ValueError, TypeError):
        return None
    return files if at == len(data) else None


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
