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

import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

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
