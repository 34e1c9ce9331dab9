"""Site search: Pagefind indexes the built pages (both languages, each its own index, from
`<html lang>`) into pagefind/, a static index that the search page queries in the browser.

The PyPI package `pagefind[extended]` carries the binary, so this works offline; its output is the
same for the same pages, so builds stay byte-identical.

Pagefind has no incremental mode, and indexing a national site takes seconds. So a site with many
regencies is indexed in parts: the regency pages are shared out over a few bundles by a hash of
their slug (pagefind/part-NN/), the other pages (home, lists, clinics) make the main bundle
(pagefind/), and the search page merges them in the browser (Pagefind's mergeIndex; its
WebAssembly is loaded once, from the main bundle). Every bundle is indexed in its own process,
beside the rest of the build, and kept in the cache under a hash of its pages: after one regency
changes, only its part and the main bundle are indexed again. A province's site is one bundle.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from . import write

if TYPE_CHECKING:
    from .plan import Output

FOLDER = "pagefind"
REGENCY_TEMPLATE = "site/regency.html.j2"
PARTS_FROM = 150  # regencies; a smaller site is one bundle
PER_PART = 64  # regencies (each with a page per language) in one part
# What a merged part needs in the browser: the rest (UI scripts, WebAssembly) comes from the main bundle.
PART_FILES = ("pagefind-entry.json", "index", "fragment", "filter")
LAYOUT = "3"  # bumped when what goes into a kept bundle changes


def bundles(pages: Iterable[Output]) -> dict[str, str]:
    """Which bundle indexes each page: output path -> folder inside pagefind/ ("" for the main bundle).
    Both languages of a regency go to the same part, so a change to it re-indexes one part."""
    pages = list(pages)
    slugs = {o.key for o in pages if o.template == REGENCY_TEMPLATE}
    count = math.ceil(len(slugs) / PER_PART) if len(slugs) >= PARTS_FROM else 0
    return {o.path: _part(o.key, count) if count and o.template == REGENCY_TEMPLATE else "" for o in pages}


def parts(pages: Iterable[Output]) -> tuple[str, ...]:
    """The part folders the search page merges, in order."""
    return tuple(sorted(set(bundles(pages).values()) - {""}))


def _part(key: str, count: int) -> str:
    return f"part-{zlib.crc32(key.encode()) % count + 1:02d}"


class Indexer:
    """Indexes the pages of a build as they are written: a bundle starts as soon as its last page is
    in the output, so the search parts are indexed while the other pages still render."""

    def __init__(self, root: Path, cache: Path, where: Mapping[str, str]) -> None:
        self.root, self.cache = root, cache
        self.pages = cache / ".pages"  # each page as Pagefind gets it, by the hash of the page
        self.waiting: dict[str, set[str]] = defaultdict(set)  # bundle -> its pages not written yet
        for path, name in where.items():
            self.waiting[name].add(path)
        self.where = dict(where)
        self.groups: dict[str, dict[str, bytes]] = defaultdict(dict)
        cache.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=".run-", dir=cache))
        self.runs: list[tuple[str, str, Path, subprocess.Popen[str]]] = []

    def add(self, path: str, digest: bytes) -> None:
        """Page `path` (with a hash of its bytes) is written under the root."""
        name = self.where.get(path, "")
        self.groups[name][path] = digest
        waiting = self.waiting[name]
        waiting.discard(path)
        if not waiting:
            self._start(name)

    def _start(self, name: str) -> None:
        """Index bundle `name`, or copy it from the cache if it was made from exactly these pages."""
        members = self.groups[name]
        key = _key(members)
        kept = self.cache / (name or "main") / key
        if kept.is_dir():
            write.link_tree(kept, self.root / FOLDER / name)
            return
        source, out = self.work / f"{name or 'main'}-site", self.work / f"{name or 'main'}-index"
        for path, digest in members.items():
            self._source(source, path, digest)
        self.runs.append((name, key, out, subprocess.Popen(
            [*_pagefind(), "--site", str(source), "--output-path", str(out), "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))

    def _source(self, folder: Path, path: str, digest: bytes) -> None:
        """Page `path` into `folder` as Pagefind gets it (see `_searchable`): linked from the cache
        of such pages, where it is put the first time. After a regency changes, its part has one
        page of its own that is new and a hundred that are not, and a link is ten times cheaper than
        making a file."""
        kept = self.pages / f"{digest.hex()}.html"
        if not kept.is_file():
            write.replace_file(kept, _searchable((self.root / path).read_bytes()))
        try:
            write.link_file(folder, path, kept)
        except FileNotFoundError:  # removed by another build meanwhile
            write.write_file(folder, path, _searchable((self.root / path).read_bytes()))

    def finish(self) -> None:
        """Wait for every bundle and put it into the output (and the cache)."""
        unwritten = sorted(path for paths in self.waiting.values() for path in paths)
        if unwritten:
            raise RuntimeError(f"pages never written, so never indexed: {', '.join(unwritten[:5])}")
        for name, key, out, process in self.runs:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"pagefind failed ({process.returncode}): {stderr.strip() or stdout.strip()}")
            _sort_entry(out / "pagefind-entry.json")
            if name:
                _strip(out)
            write.link_tree(out, self.root / FOLDER / name)
            _keep(out, self.cache / (name or "main"), key)
        _prune(self.cache, {name or "main" for name in self.groups})
        pages = {f"{digest.hex()}.html" for members in self.groups.values() for digest in members.values()}
        for kept in self.pages.iterdir() if self.pages.is_dir() else ():
            if kept.name not in pages:
                kept.unlink(missing_ok=True)

    def stop(self) -> None:
        for *_, process in self.runs:
            if process.poll() is None:
                process.kill()
            process.communicate()
        shutil.rmtree(self.work, ignore_errors=True)


@contextmanager
def indexing(root: Path, cache: Path, where: Mapping[str, str]) -> Iterator[Indexer]:
    """Index into root/pagefind/ the HTML pages the body writes under `root` and hands to the
    Indexer's `add`; `where`: each page's bundle (see `bundles`), every page of the site. A bundle
    made from exactly the same pages before is copied from `cache` instead. If the body fails,
    indexing stops too."""
    indexer = Indexer(root, cache, where)
    try:
        yield indexer
        indexer.finish()
    finally:
        indexer.stop()


def _pagefind() -> list[str]:
    """The Pagefind binary that `pagefind[extended]` installs, run directly: `python -m pagefind`
    would start an interpreter first, a fifth of a second for each bundle."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


_DRAWINGS = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)


def _searchable(page: bytes) -> bytes:
    """A page as Pagefind gets it: without its SVG charts. Pagefind indexes no text of theirs (each
    chart's figures are in the table beside it) but spends a quarter of its time parsing them."""
    return _DRAWINGS.sub(b"", page)


def _key(members: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256(f"{version('pagefind')}\0{LAYOUT}".encode())
    for path in sorted(members):
        digest.update(b"\0" + path.encode() + b"\0" + members[path])
    return digest.hexdigest()


def _strip(bundle: Path) -> None:
    for item in bundle.iterdir():
        if item.name not in PART_FILES and not item.name.endswith(".pf_meta"):
            shutil.rmtree(item) if item.is_dir() else item.unlink()


def _keep(index: Path, cache: Path, key: str) -> None:
    """Move `index` into the cache: one index per bundle, the latest, for the next build. Best effort:
    when another build (of another output folder beside this one) stores its own at the same moment,
    this one is not kept."""
    temporary = Path(tempfile.mkdtemp(prefix=f".{cache.name}-", dir=cache.parent))
    try:
        index.rename(temporary / key)
        shutil.rmtree(cache, ignore_errors=True)
        temporary.rename(cache)
    except OSError:
        pass
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _prune(cache: Path, names: set[str]) -> None:
    """Drop kept bundles the site no longer has (another number of parts, an older cache layout)."""
    for item in cache.iterdir():
        if not item.name.startswith(".") and item.name not in names:
            shutil.rmtree(item, ignore_errors=True)


def _sort_entry(entry: Path) -> None:
    """Pagefind writes its languages in hash-map order, which changes from run to run; the browser
    reads the file as JSON, so sorted keys keep the build byte-identical without changing meaning."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
