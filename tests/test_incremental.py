"""Incremental builds: a rebuild makes again only the units whose inputs changed, skips everything when
nothing changed, and is never stale — after any kind of change, its output is byte for byte the output
of a fresh build with an empty store; a damaged store entry is made again, never published."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssk_report import keys, products
from ssk_report.pipeline import Settings, Summary, build

from .conftest import CONTENT, ROOT, TEMPLATES

# (what changes, file, text before, text after) — one of each kind of content input.
CHANGES = [
    ("regency", "regencies/kapuas.yaml", "capital: Kuala Kapuas", "capital: Kuala Kapuas (uji)"),
    ("clinic", "clinics/2025-cc7.yaml", "city: Palangka Raya", "city: Palangka Raya (uji)"),
    ("clinic narrative", "clinics/2025-cc7.md", "Coaching Clinic 7 Implementasi",
     "Coaching Clinic 7 (uji) Implementasi"),
    ("catalogue", "indicators.yaml", "id: Air limbah domestik", "id: Air limbah domestik (uji)"),
    ("sources", "sources.yaml", "  id: Kementerian Dalam Negeri", "  id: Kementerian Dalam Negeri (uji)"),
    ("site", "site.yaml", "  id: Bapperida Provinsi", "  id: Bapperida (uji) Provinsi"),
    ("page", "pages/tentang.md", "## PPSP dan SSK", "## PPSP dan SSK (uji)"),
    ("translation", "pages/tentang.en.md", "## PPSP and SSK", "## PPSP and SSK (test)"),
    ("page title", "pages/tentang.md", "title: Tentang Situs Ini", "title: Tentang Situs Ini (uji)"),
]


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def site_build(content: Path, out: Path, store: Path, templates: Path = TEMPLATES) -> Summary:
    return build(Settings(content, templates, out, pdf=False, cache_dir=store))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A website-only build of a copy of the bundled content (outside git, like `content_dir`), with
    its store."""
    root = tmp_path_factory.mktemp("warm")
    shutil.copytree(CONTENT, root / "content")
    site_build(root / "content", root / "output", root / "store")
    return root


def rebuild_after(warm: Path, tmp_path: Path, content: Path, templates: Path = TEMPLATES) -> tuple[Path, Summary]:
    """Rebuild with a copy of the warm build's store, then build once more with an empty store."""
    shutil.copytree(warm / "store", tmp_path / "store")
    summary = site_build(content, tmp_path / "incremental", tmp_path / "store", templates)
    site_build(content, tmp_path / "fresh", tmp_path / "empty", templates)
    return tmp_path / "incremental", summary


@pytest.mark.parametrize(("kind", "relative", "old", "new"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_kind_of_content_change_gives_a_fresh_build_output(
        warm: Path, tmp_path: Path, content_dir: Path, kind: str, relative: str, old: str, new: str) -> None:
    path = content_dir / relative
    assert old in path.read_text(), f"{old!r} not in {relative}"
    path.write_text(path.read_text().replace(old, new, 1))
    incremental, summary = rebuild_after(warm, tmp_path, content_dir)
    assert files(incremental) == files(tmp_path / "fresh")  # never stale
    assert files(incremental) != files(warm / "output")
    if kind in ("site", "page title"):  # site settings and page titles (the menu) are on every page
        assert summary.rendered == summary.pages
    else:
        assert 0 < summary.rendered < summary.pages
    marker = "(test)" if "(test)" in new else "(uji)"
    assert any(marker in p.read_text() for p in incremental.rglob("*.html"))


def test_a_template_change_rerenders_every_page_that_uses_it(warm: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    base = templates / "site" / "base.html.j2"
    base.write_text(base.read_text().replace('<footer class="site-footer">', '<footer class="site-footer" data-x="1">'))
    incremental, summary = rebuild_after(warm, tmp_path, warm / "content", templates)
    assert files(incremental) == files(tmp_path / "fresh")
    assert summary.rendered == summary.pages
    assert 'data-x="1"' in (incremental / "index.html").read_text()


def test_the_code_digest_covers_every_file_of_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No module is named by hand: renaming or adding one changes every key, and so does a translation."""
    package = tmp_path / "package"
    shutil.copytree(keys.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE", package)
    digests = [keys.code_digest(TEMPLATES)]
    po = package / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Home"', 'msgstr "Start"', 1))
    digests.append(keys.code_digest(TEMPLATES))
    (package / "pdfs.py").rename(package / "printing.py")
    digests.append(keys.code_digest(TEMPLATES))
    (package / "new_module.py").write_text("# new\n")
    digests.append(keys.code_digest(TEMPLATES))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")  # not code we wrote: no new key
    digests.append(keys.code_digest(TEMPLATES))
    assert len(set(digests)) == 4 and digests[-1] == digests[-2]


def test_one_changed_regency_rerenders_its_pages_and_the_overviews_only(
        warm: Path, tmp_path: Path, content_dir: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik (uji)"))
    shutil.copytree(warm / "store", tmp_path / "store")
    before = {p: (warm / "output" / p).read_bytes() for p in ("kabupaten/kapuas.html", "en/kabupaten/kapuas.html")}
    summary = site_build(content_dir, tmp_path / "out", tmp_path / "store")
    assert 0 < summary.rendered <= summary.pages // 3
    for relative, data in before.items():  # another regency's page came from the store, unchanged
        assert (tmp_path / "out" / relative).read_bytes() == data
    assert "Nanga Bulik (uji)" in (tmp_path / "out" / "kabupaten" / "lamandau.html").read_text()


def test_nothing_changed_means_nothing_is_done(warm: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(warm / "output", out)
    shutil.copytree(warm / "store", tmp_path / "store")
    stamp = os.stat(out / "index.html").st_mtime_ns
    summary = site_build(warm / "content", out, tmp_path / "store")
    assert summary.unchanged and "tidak ada perubahan" in str(summary)
    assert os.stat(out / "index.html").st_mtime_ns == stamp
    # Other settings are a different build: it runs.
    strict = build(Settings(warm / "content", TEMPLATES, out, pdf=False, strict=True, cache_dir=tmp_path / "store"))
    assert not strict.unchanged and os.stat(out / "index.html").st_mtime_ns != stamp


@pytest.mark.parametrize("damage", ["truncated", "emptied", "removed", "index"])
def test_a_damaged_store_entry_is_made_again_never_published(warm: Path, tmp_path: Path, damage: str) -> None:
    """Truncated or missing entries (a full disk, another process, a hand edit) are noticed by their hash."""
    shutil.copytree(warm / "store", tmp_path / "store")
    blobs = sorted((tmp_path / "store" / "blobs").rglob("*"))
    blobs = [b for b in blobs if b.is_file()]
    assert len(blobs) > 50  # a unit each: every page, the open data, the search bundle
    for blob in blobs:
        if damage == "truncated":
            blob.write_bytes(blob.read_bytes()[: max(1, blob.stat().st_size // 2)])
        elif damage == "emptied":
            blob.write_bytes(b"")
        elif damage == "removed":
            blob.unlink()
    if damage == "index":
        for index in (tmp_path / "store" / "index").glob("*.json"):
            index.write_text(index.read_text()[:100])
    summary = site_build(warm / "content", tmp_path / "out", tmp_path / "store")
    assert summary.rendered == summary.pages
    assert files(tmp_path / "out") == files(warm / "output")
    again = site_build(warm / "content", tmp_path / "again", tmp_path / "store")  # the store was mended
    assert again.rendered == 0 and files(tmp_path / "again") == files(warm / "output")


def test_the_store_forgets_what_no_build_uses(warm: Path, tmp_path: Path, content_dir: Path) -> None:
    shutil.copytree(warm / "store", tmp_path / "store")
    count = len([b for b in (tmp_path / "store" / "blobs").rglob("*") if b.is_file()])
    for _ in range(3):  # three edits: the store does not grow with each
        path = content_dir / "regencies" / "lamandau.yaml"
        path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik X"))
        site_build(content_dir, tmp_path / "out", tmp_path / "store")
    assert len([b for b in (tmp_path / "store" / "blobs").rglob("*") if b.is_file()]) == count


def test_a_website_only_build_never_loads_weasyprint(tmp_path: Path) -> None:
    """WeasyPrint takes a second or more to import: a website-only build (the preview) must not pay it."""
    script = (f"import sys; from pathlib import Path; from ssk_report.pipeline import Settings, build; "
              f"build(Settings(Path({str(CONTENT)!r}), Path({str(TEMPLATES)!r}), Path({str(tmp_path / 'out')!r}), "
              f"pdf=False, cache_dir=Path({str(tmp_path / 'cache')!r}))); "
              f"print(sorted(m for m in sys.modules if m.startswith(('weasyprint', 'pypdf'))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "index.html").is_file()


def test_content_handed_whole_to_python_code_counts_as_reading_all_of_it(tmp_path: Path) -> None:
    """Python code called from a template reads attributes Jinja cannot see: its page depends on all of it."""
    from ssk_report.plan import Output
    from ssk_report.templating import CONTENT, environment, render

    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "_untranslated.html.j2").write_text("{{ body }}")
    (tmp_path / "parts.html.j2").write_text("{{ content.site }}{{ m(content) }}{{ f(content.year) }}")
    (tmp_path / "whole.html.j2").write_text("{{ content.site }}{{ m(content) }}{{ f(content.year) }}{{ g(content) }}")
    env = environment(tmp_path)
    env.globals.update(f=str, g=lambda whole: "")
    env.globals["m"] = env.from_string("{% macro m(c) %}{{ c.pages|length }}{% endmacro %}").module.m
    content = type("Whole", (), {"site": "s", "year": 2025, "pages": [1]})()
    for template, whole in (("parts.html.j2", False), ("whole.html.j2", True)):
        reads: set[str] = set()
        render(env, Output("t.html", template), {CONTENT: content}, reads)
        assert {"content.site", "content.year", "content.pages"} <= reads
        assert (CONTENT in reads) is whole  # g() got the whole content; m (a macro) and f did not


def test_indicator_pages_are_made_again_only_when_what_they_show_changes(
        warm: Path, tmp_path: Path, content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An indicator's page (issue 24) shows each regency's name and that indicator's values: a
    regency's capital does not make it again; a new value for it does, and only for its indicator."""
    made: list[str] = []
    keep = products.Units.keep
    monkeypatch.setattr(products.Units, "keep", lambda self, unit, reads, files: (
        made.append(unit), keep(self, unit, reads, files))[1])
    path = content_dir / "regencies" / "lamandau.yaml"
    shutil.copytree(warm / "store", tmp_path / "store")
    path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik (uji)"))
    site_build(content_dir, tmp_path / "out", tmp_path / "store")
    assert "kabupaten/lamandau.html" in made and not [u for u in made if "indikator/" in u]
    made.clear()
    path.write_text(path.read_text().replace(
        "indicators: {}", "indicators:\n  babs:\n    - {year: 2024, value: 3.25, source: kepmendagri-2025}"))
    site_build(content_dir, tmp_path / "out", tmp_path / "store")
    assert sorted(u for u in made if "indikator/" in u) == [
        "en/indikator/babs.html", "en/indikator/index.html", "indikator/babs.html", "indikator/index.html"]
def test_a_build_in_a_new_process_reuses_what_the_last_one_made(tmp_path: Path, content_dir: Path) -> None:
    """Keys are the same in every process: a set (the sources a reader can open, which nearly every
    page reads) is hashed in sorted order, not in the order of its strings' hashes, which Python draws
    anew for each process."""
    made = []
    for seed in ("1", "2"):
        script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path;"
                  " from ssk_report.pipeline import Settings, build;"
                  f" print(build(Settings(Path({str(content_dir)!r}), Path({str(TEMPLATES)!r}),"
                  f" Path({str(tmp_path / seed)!r}), pdf=False,"
                  f" cache_dir=Path({str(tmp_path / 'store')!r}))).rendered)")
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        made.append(int(done.stdout.split()[-1]))
    assert made[0] > 0 and made[1] == 0
