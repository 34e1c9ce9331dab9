"""Site search: Pagefind indexes the built pages (both languages, each its own index, from
`<html lang>`) into pagefind/, a static index that the search page queries in the browser.

The PyPI package `pagefind[extended]` carries the binary, so this works offline; its output is the
same for the same pages, so builds stay byte-identical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FOLDER = "pagefind"


def index(root: Path) -> None:
    """Index the HTML pages written under `root` into root/pagefind/."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(root), "--output-subdir", FOLDER, "--quiet"],
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    # Pagefind writes its languages in hash-map order, which changes from run to run; the browser
    # reads the file as JSON, so sorted keys keep the build byte-identical without changing meaning.
    entry = root / FOLDER / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
