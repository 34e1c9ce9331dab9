"""Site search: Pagefind indexes the built pages (both languages, each its own index, from
`<html lang>`) into pagefind/, a static index that the search page queries in the browser.

The PyPI package `pagefind[extended]` carries the binary, so this works offline; its output is the
same for the same pages, so builds stay byte-identical. Indexing takes seconds on a national site,
so it runs beside the rest of the build, and an index made from exactly the same pages is reused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

FOLDER = "pagefind"


@contextmanager
def indexing(root: Path, cache: Path, pages: str) -> Iterator[None]:
    """Index the HTML pages already written under `root` into root/pagefind/ while the body runs.
    `pages` is a hash of those pages: the index last made from the same hash is copied instead."""
    key = f"{version('pagefind')}-{pages}"
    kept = cache / key
    if kept.is_dir():
        shutil.copytree(kept, root / FOLDER)
        yield
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", str(root), "--output-subdir", FOLDER, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with process:  # closes its pipes however the body ends
        try:
            yield
        except BaseException:  # the build failed or was interrupted: stop indexing too
            process.kill()
            raise
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"pagefind failed ({process.returncode}): {stderr.strip() or stdout.strip()}")
    _sort_entry(root / FOLDER / "pagefind-entry.json")
    _keep(root / FOLDER, cache, key)


def _keep(index: Path, cache: Path, key: str) -> None:
    """Keep one index, the latest, for the next build. Best effort: when another build (of another
    output folder beside this one) stores its own at the same moment, this one is simply not kept."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{cache.name}-", dir=cache.parent))
    try:
        shutil.copytree(index, temporary / key)
        shutil.rmtree(cache, ignore_errors=True)
        temporary.rename(cache)
    except OSError:
        pass
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _sort_entry(entry: Path) -> None:
    """Pagefind writes its languages in hash-map order, which changes from run to run; the browser
    reads the file as JSON, so sorted keys keep the build byte-identical without changing meaning."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
