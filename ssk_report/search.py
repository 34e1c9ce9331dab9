"""Site search: Pagefind indexes the built pages (both languages, each its own index, from
`<html lang>`) into pagefind/, a static index that the search page queries in the browser.

The PyPI package `pagefind[extended]` carries the binary, so this works offline; its output is the
same for the same pages (with its entry file's keys sorted), so builds stay byte-identical.

Pagefind has no incremental mode, and indexing a national site takes seconds, so a site with many
regencies is indexed in parts (plan.search_bundles): every bundle is a unit, keyed by the pages in it,
indexed in its own Pagefind process beside the others; after one regency changes, only its part and
the main bundle are indexed again. The search page merges the parts in the browser (Pagefind's
mergeIndex; its WebAssembly is loaded once, from the main bundle).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import keys
from .pages import flavour
from .products import RenderContext, Tally, Units
from .publish import Staging
from .store import Store

FOLDER = "pagefind"
# What a merged part needs in the browser: the rest (UI scripts, WebAssembly) comes from the main bundle.
PART_FILES = ("pagefind-entry.json", "index", "fragment", "filter")


class SearchIndex:
    def __init__(self, context: RenderContext) -> None:
        self.context = context

    def publish(self, out: Staging, store: Store) -> Tally:
        """Index the pages already written to `out` (the Pages product runs first)."""
        members: dict[str, dict[str, str]] = defaultdict(dict)  # bundle -> page path -> SHA-256 of its bytes
        for path, bundle in self.context.plan.search_bundles.items():
            members[bundle][path] = out.written[path]
        code = self.context.code
        units = Units(store, flavour("search", self.context), lambda name, reads: keys.combine([code, name, *sorted(
            f"{path}={digest}" for path, digest in members[name].items())]))
        found: dict[str, dict[str, bytes]] = {}
        with tempfile.TemporaryDirectory(prefix="ssk-search-") as work:
            runs = []
            for name in sorted(members):
                files = units.reuse(name)
                if files is None:
                    runs.append((name, _start(Path(work), name, members[name], out)))
                else:
                    found[name] = files
            try:
                for name, (index, process) in runs:
                    files = _finish(name, index, process)
                    units.keep(name, (), files)
                    found[name] = files
            finally:  # on an error, no Pagefind process outlives the build
                for _, (_, process) in runs:
                    if process.poll() is None:
                        process.kill()
                        process.communicate()
        units.close()
        for name in sorted(found):
            for relative, data in found[name].items():
                out.write(f"{FOLDER}/{name + '/' if name else ''}{relative}", data)
        return Tally(len(members), len(runs))


def _start(work: Path, name: str, pages: dict[str, str], out: Staging) -> tuple[Path, subprocess.Popen[str]]:
    """Pagefind, on a copy of the bundle's pages without their charts, in a process of its own."""
    source, index = work / f"{name or 'main'}-site", work / f"{name or 'main'}-index"
    for path in pages:
        target = source.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(searchable(out.read(path)))
    process = subprocess.Popen([*_pagefind(), "--site", str(source), "--output-path", str(index), "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return index, process


def _finish(name: str, index: Path, process: subprocess.Popen[str]) -> dict[str, bytes]:
    """The bundle's files by their path inside it, once its Pagefind process is done."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"pagefind failed ({process.returncode}): {stderr.strip() or stdout.strip()}")
    _stable_filters(index)
    files = {}
    for path in sorted(p for p in index.rglob("*") if p.is_file()):
        relative = path.relative_to(index).as_posix()
        if name and not (relative.split("/")[0] in PART_FILES or relative.endswith(".pf_meta")):
            continue  # a part carries its index only
        files[relative] = _sorted_entry(path.read_bytes()) if relative == "pagefind-entry.json" else path.read_bytes()
    return files


def _pagefind() -> list[str]:
    """The Pagefind binary that `pagefind[extended]` installs, run directly: `python -m pagefind`
    would start an interpreter first, a fifth of a second for each bundle."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


_DRAWINGS = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)


def searchable(page: bytes) -> bytes:
    """A page as Pagefind gets it: without its SVG charts. Pagefind indexes no text of theirs (each
    chart's figures are in the table beside it) but spends a quarter of its time parsing them."""
    return _DRAWINGS.sub(b"", page)


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind writes its languages in hash-map order, which changes from run to run; the browser
    reads the file as JSON, so sorted keys keep the build byte-identical without changing meaning."""
    return json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# ---- Filters, made stable ---------------------------------------------------------------------------------
#
# Pagefind (1.5) writes the values of each filter (a regency's province and stage, for the search
# page's filters) in hash-map order, which changes from run to run, and names each filter file, and the
# metadata file that lists them, after their bytes; its maintainer says so (Pagefind issue 638: "the
# filter/metadata indexes" still change). So every filter file is written again with its values in
# order, and both kinds of file renamed after their new bytes: the same pages give the same index.
# Both are gzip'd CBOR after a "pagefind_dcd" signature: a filter is [name, [[value, [page, ...]], ...]];
# the metadata [version, pages, index chunks, filters ([name, file]), sorts, ...].

_SIGNATURE = b"pagefind_dcd"
_FILTERS = 3  # where the metadata lists its filters


def _stable_filters(index: Path) -> None:
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_bytes())
    for lang, info in sorted(entry["languages"].items()):
        meta_path = index / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(meta_path)
        listed = []
        for name, file in meta[_FILTERS]:
            path = index / "filter" / f"{file}.pf_filter"
            found = _read_cbor(path)
            found[1] = sorted(found[1], key=lambda value: value[0])
            listed.append([name, _rewrite(path, found, lang, 7, lambda new: index / "filter" / f"{new}.pf_filter")])
        meta[_FILTERS] = sorted(listed)
        info["hash"] = _rewrite(meta_path, meta, lang, 10, lambda new: index / f"pagefind.{new}.pf_meta")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False))


def _read_cbor(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise RuntimeError(f"pagefind wrote an index file of an unknown kind: {path.name}")
    value, end = cbor_decode(data, len(_SIGNATURE))
    if end != len(data):
        raise RuntimeError(f"pagefind wrote an index file of an unknown kind: {path.name}")
    return value


def _rewrite(old: Path, value: Any, lang: str, digits: int, path_of: Callable[[str], Path]) -> str:
    """`value` written as Pagefind writes it, in place of the file `old`, under a name made of its
    language and a digest of its bytes (as Pagefind names it); that name."""
    data = _SIGNATURE + cbor_encode(value)
    name = f"{lang}_{hashlib.sha256(data).hexdigest()[:digits]}"
    old.unlink()
    path_of(name).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def cbor_decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """One CBOR item (RFC 8949) of the kinds Pagefind writes: unsigned integers, texts and arrays."""
    head, at = data[at], at + 1
    kind, extra = head >> 5, head & 31
    if extra < 24:
        size = extra
    elif extra <= 27:
        width = 1 << (extra - 24)
        size, at = int.from_bytes(data[at:at + width], "big"), at + width
    else:
        raise ValueError(f"CBOR item {head:#04x} not expected in a Pagefind index")
    if kind == 0:
        return size, at
    if kind == 3:
        return data[at:at + size].decode(), at + size
    if kind == 4:
        items = []
        for _ in range(size):
            item, at = cbor_decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR item {head:#04x} not expected in a Pagefind index")


def cbor_encode(value: Any) -> bytes:
    """`value` in CBOR's shortest form, as Pagefind's encoder writes it."""
    if isinstance(value, bool) or not isinstance(value, int | str | list):
        raise TypeError(f"not in a Pagefind index: {type(value).__name__}")
    if isinstance(value, int):
        return _cbor_head(0, value)
    if isinstance(value, str):
        text = value.encode()
        return _cbor_head(3, len(text)) + text
    return _cbor_head(4, len(value)) + b"".join(cbor_encode(item) for item in value)


def _cbor_head(kind: int, size: int) -> bytes:
    if size < 24:
        return bytes([kind << 5 | size])
    width = next(w for w in (1, 2, 4, 8) if size < 1 << (8 * w))
    return bytes([kind << 5 | (24 + width.bit_length() - 1)]) + size.to_bytes(width, "big")
