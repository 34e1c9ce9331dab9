"""Site search on a national site: the index comes in parts, one change re-indexes only the parts
whose pages changed, the result is the index a fresh build makes, and the search page finds pages
in every part. The thresholds are lowered so that the 14 Kalteng regencies are shared out over
four parts."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ssk_report import plan, search
from ssk_report.pipeline import Settings, build

from .conftest import CONTENT, TEMPLATES
from .test_browser import QuietHandler, Watch, browser  # noqa: F401 (a fixture)
from .test_incremental import files


@pytest.fixture(scope="module")
def parted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A website-only build of the bundled content, indexed in four parts, with its cache."""
    root = tmp_path_factory.mktemp("parted")
    shutil.copytree(CONTENT, root / "content")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan, "SEARCH_PARTS_FROM", 4)
        patch.setattr(plan, "SEARCH_PER_PART", 4)
        build(Settings(root / "content", TEMPLATES, root / "output", pdf=False, cache_dir=root / "cache"))
    return root


def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundles Pagefind is run on from now on, by the name of their source folder."""
    started: list[str] = []
    real = subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
        if "--site" in args:  # (the module is shared: git runs through it too)
            started.append(Path(args[args.index("--site") + 1]).name.removesuffix("-site"))
        return real(args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(search.subprocess, "Popen", spy)  # type: ignore[attr-defined]
    return started


def test_a_big_site_is_indexed_in_parts_that_the_search_page_merges(parted: Path) -> None:
    index = parted / "output" / "pagefind"
    parts = sorted(p.name for p in index.iterdir() if p.name.startswith("part-"))
    slugs = [p.stem for p in (parted / "content" / "regencies").glob("*.yaml")]
    assert parts == sorted({plan.search_part(f"kabupaten/{slug}.html", 4) for slug in slugs})
    assert len(parts) >= 3
    for part in parts:  # a part carries its index only; the scripts and WebAssembly come from the main bundle
        names = {p.name for p in (index / part).iterdir()}
        assert {"pagefind-entry.json", "index", "fragment"} <= names
        assert not any(n.endswith((".js", ".css")) or n.startswith("wasm.") for n in names), names
    assert (index / "pagefind-ui.js").is_file() and (index / "wasm.id.pagefind").is_file()
    for page, prefix in (("cari.html", "pagefind"), ("en/cari.html", "../pagefind")):
        listed = re.search(r"var parts = \[(.*?)\]", (parted / "output" / page).read_text()).group(1)
        assert listed == ", ".join(f'"{prefix}/{part}"' for part in parts)


def test_a_province_site_is_one_bundle(site: Path) -> None:
    assert not [p for p in (site / "pagefind").iterdir() if p.name.startswith("part-")]
    assert re.search(r"var parts = \[\]", (site / "cari.html").read_text())


def test_one_changed_regency_reindexes_its_part_only(
        parted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan, "SEARCH_PARTS_FROM", 4)
    monkeypatch.setattr(plan, "SEARCH_PER_PART", 4)
    content = tmp_path / "content"
    shutil.copytree(parted / "content", content)
    path = content / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik (uji)"))
    shutil.copytree(parted / "cache", tmp_path / "cache")
    started = runs(monkeypatch)
    build(Settings(content, TEMPLATES, tmp_path / "incremental", pdf=False, cache_dir=tmp_path / "cache"))
    assert started == [plan.search_part("kabupaten/lamandau.html", 4)]  # the capital is on its own page only
    started.clear()
    build(Settings(content, TEMPLATES, tmp_path / "fresh", pdf=False, cache_dir=tmp_path / "empty"))
    assert len(started) == 1 + len({plan.search_part(f"kabupaten/{p.stem}.html", 4)
                                    for p in (content / "regencies").glob("*.yaml")})
    assert files(tmp_path / "incremental") == files(tmp_path / "fresh")  # never stale
    changed = {p for p, h in files(tmp_path / "incremental").items() if files(parted / "output").get(p) != h}
    assert {p.split("/")[1] for p in changed if p.startswith("pagefind/part-")} == {
        plan.search_part("kabupaten/lamandau.html", 4)}


def test_a_failing_indexer_fails_the_build_and_keeps_the_output(
        parted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    shutil.copytree(parted / "output", out)
    before = files(out)
    monkeypatch.setattr(search, "_pagefind", lambda: ["/bin/false"])
    content = tmp_path / "content"
    shutil.copytree(parted / "content", content)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + "\n")  # not a no-op
    with pytest.raises(RuntimeError, match="pagefind failed"):
        build(Settings(content, TEMPLATES, out, pdf=False, cache_dir=tmp_path / "empty"))
    assert files(out) == before
    assert not list(Path(tempfile.gettempdir()).glob("ssk-search-*"))


@pytest.mark.parametrize(("path", "expected"), [
    ("cari.html", "kabupaten/lamandau.html"), ("en/cari.html", "en/kabupaten/lamandau.html")])
def test_the_search_page_finds_a_regency_in_its_part(parted: Path, browser: Browser,  # noqa: F811 (the fixture)
                                                     path: str, expected: str) -> None:
    handler = functools.partial(QuietHandler, directory=str(parted))  # served one folder up: a sub-path
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    page = browser.new_page(viewport={"width": 360, "height": 800})
    watch = Watch(page, base)
    part = plan.search_part("kabupaten/lamandau.html", 4)
    try:
        with page.expect_response(lambda r: f"/output/pagefind/{part}/" in r.url):
            page.goto(base + "output/" + path)
            page.fill("#cari input", "Lamandau")
        page.locator(f"#cari a[href='/output/{expected}']").first.wait_for(timeout=10_000)
        assert watch.problems == []
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()


def test_pages_without_their_charts_give_pagefind_the_same_index(site: Path, tmp_path: Path) -> None:
    """Pagefind is given each page without its SVG charts (a quarter of its time is spent parsing
    them): the index it makes is the one it makes from the pages as published."""
    pages = sorted(p.relative_to(site) for p in site.glob("**/kabupaten/*.html"))
    assert any(b"<svg" in (site / page).read_bytes() for page in pages)
    indexes = []
    for name, prepare in (("as-published", lambda data: data), ("searchable", search.searchable)):
        source = tmp_path / name
        for page in pages:
            (source / page).parent.mkdir(parents=True, exist_ok=True)
            (source / page).write_bytes(prepare((site / page).read_bytes()))
        subprocess.run([*search._pagefind(), "--site", str(source), "--output-path", str(tmp_path / f"{name}-index"),
                        "--quiet"], check=True, capture_output=True)
        search._stable_filters(tmp_path / f"{name}-index")  # as the build writes it
        entry = tmp_path / f"{name}-index" / "pagefind-entry.json"
        entry.write_bytes(search._sorted_entry(entry.read_bytes()))
        indexes.append(files(tmp_path / f"{name}-index"))
    assert b"<svg" not in search.searchable((site / pages[-1]).read_bytes())
    assert indexes[0] == indexes[1]


def test_filters_are_written_in_order_whatever_order_pagefind_chose(site: Path, tmp_path: Path) -> None:
    """Pagefind writes a filter's values in hash-map order (a new order each run); the build writes
    them sorted, under names made from their bytes, so the index is the same bytes every time."""
    index = site / "pagefind"
    entry = json.loads((index / "pagefind-entry.json").read_bytes())
    shutil.copytree(index, tmp_path / "index")
    copy = tmp_path / "index"
    for lang, info in entry["languages"].items():
        meta = search._read_cbor(index / f"pagefind.{info['hash']}.pf_meta")
        assert meta[search._FILTERS] == sorted(meta[search._FILTERS]) and meta[search._FILTERS]
        for _, name in meta[search._FILTERS]:
            found = search._read_cbor(index / "filter" / f"{name}.pf_filter")
            values = [value for value, _ in found[1]]
            assert values == sorted(values) and len(values) > 1
            assert name.startswith(f"{lang}_")
            # Shuffled, as another run of Pagefind may write it: the build writes it back the same.
            data = search._SIGNATURE + search.cbor_encode([found[0], found[1][::-1]])
            (copy / "filter" / f"{name}.pf_filter").write_bytes(gzip.compress(data))
    search._stable_filters(copy)
    (copy / "pagefind-entry.json").write_bytes(search._sorted_entry((copy / "pagefind-entry.json").read_bytes()))
    assert files(copy) == files(index)


def test_cbor_round_trips_what_pagefind_writes() -> None:
    value = ["1.5.2", [["id_2af76b4", 107], ["id_1161b1b", 65536]], [["0", "lip", "id_4816b36"]], [], ["title"],
             [23, 24, 255, 256, 2**32], ["M1–M3", ""]]
    data = search.cbor_encode(value)
    assert search.cbor_decode(data) == (value, len(data))
    assert search.cbor_encode(23) == b"\x17" and search.cbor_encode(24) == b"\x18\x18"
    assert search.cbor_encode(256) == b"\x19\x01\x00" and search.cbor_encode("é") == b"\x62\xc3\xa9"
    with pytest.raises(ValueError, match="not expected"):
        search.cbor_decode(b"\xa0")  # a map: Pagefind writes none
