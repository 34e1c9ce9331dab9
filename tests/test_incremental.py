"""Incremental builds: a rebuild re-renders only the pages whose inputs changed, skips everything
when nothing changed, and is never stale — after any kind of change, its output is byte for byte the
output of a fresh build with no cache."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssk_report import background, i18n, opendata, pagecache, plan, render
from ssk_report.build import Settings, build, load_content
from ssk_report.demo import write_demo
from ssk_report.diff import ChangeLog
from ssk_report.history import History

from .conftest import CONTENT, TEMPLATES

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


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A website-only build of a copy of the bundled content (outside git, like `content_dir`), with
    its cache."""
    root = tmp_path_factory.mktemp("warm")
    shutil.copytree(CONTENT, root / "content")
    build(Settings(root / "content", TEMPLATES, root / "output", pdf=False, cache_dir=root / "cache"))
    return root


def rebuild_after(warm: Path, tmp_path: Path, content: Path, templates: Path = TEMPLATES) -> tuple[Path, object]:
    """Rebuild from the warm build's cache into a fresh folder, then build once more with no cache."""
    shutil.copytree(warm / "cache", tmp_path / "cache")
    summary = build(Settings(content, templates, tmp_path / "incremental", pdf=False, cache_dir=tmp_path / "cache"))
    build(Settings(content, templates, tmp_path / "fresh", pdf=False, cache_dir=tmp_path / "empty"))
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


@pytest.mark.parametrize(("relative", "old", "new", "kept"), [
    ("clinics/2025-cc7.md", "Coaching Clinic 7 Implementasi", "Coaching Clinic 7 (uji) Implementasi", True),
    ("regencies/kapuas.yaml", "capital: Kuala Kapuas", "capital: Kuala Kapuas (uji)", False)])
def test_the_workbook_is_kept_while_its_tables_are_unchanged(
        warm: Path, tmp_path: Path, content_dir: Path, relative: str, old: str, new: str, kept: bool) -> None:
    """The XLSX workbook, the slowest open data file, comes from the cache when what it is made of
    (its tables, the site's title and date) is unchanged: a clinic's narrative is not in it."""
    shutil.copytree(warm / "cache", tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "opendata").glob("*.xlsx")
    assert cached.read_bytes() == (warm / "output" / "data" / "ssk-report.xlsx").read_bytes()
    cached.write_bytes(b"the kept workbook")  # so that the output shows where its workbook came from
    path = content_dir / relative
    path.write_text(path.read_text().replace(old, new, 1))
    build(Settings(content_dir, TEMPLATES, tmp_path / "out", pdf=False, cache_dir=tmp_path / "cache"))
    workbook = (tmp_path / "out" / "data" / "ssk-report.xlsx").read_bytes()
    assert (workbook == b"the kept workbook") is kept
    assert workbook.startswith(b"PK") is not kept  # made anew: a zip file


def test_unchanged_downloads_are_linked_from_the_last_output(tmp_path: Path, content_dir: Path) -> None:
    """Creating a file costs far more than linking one on some file systems: a rebuild links each
    open data file whose bytes are those of the output it replaces, and writes the others."""
    settings = Settings(content_dir, TEMPLATES, tmp_path / "output", pdf=False, cache_dir=tmp_path / "cache")
    build(settings)
    data = tmp_path / "output" / "data"
    before = {name: (data / name).stat().st_ino for name in ("sumber.csv", "kabupaten.csv")}
    (data / "target.csv").write_bytes((data / "target.csv").read_bytes() + b"changed by hand\n")
    regency = content_dir / "regencies" / "kapuas.yaml"
    regency.write_text(regency.read_text().replace("capital: Kuala Kapuas", "capital: Kuala Kapuas (uji)", 1))
    build(settings)
    assert (data / "sumber.csv").stat().st_ino == before["sumber.csv"]  # the same bytes: linked
    assert (data / "kabupaten.csv").stat().st_ino != before["kabupaten.csv"]  # the capital is in it
    build(Settings(content_dir, TEMPLATES, tmp_path / "fresh", pdf=False, cache_dir=tmp_path / "empty"))
    assert files(tmp_path / "output") == files(tmp_path / "fresh")  # the file changed by hand was not kept


def test_a_template_change_rerenders_every_page_that_uses_it(warm: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    base = templates / "site" / "base.html.j2"
    base.write_text(base.read_text().replace('<footer class="site-footer">', '<footer class="site-footer" data-x="1">'))
    incremental, summary = rebuild_after(warm, tmp_path, warm / "content", templates)
    assert files(incremental) == files(tmp_path / "fresh")
    assert summary.rendered == summary.pages
    assert 'data-x="1"' in (incremental / "index.html").read_text()


def test_code_digest_covers_templates_code_and_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "package"
    shutil.copytree(Path(pagecache.__file__).parent, package)
    monkeypatch.setattr(pagecache, "_PACKAGE", package)
    before = pagecache.code_digest(TEMPLATES)
    po = package / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Home"', 'msgstr "Start"', 1))
    after_po = pagecache.code_digest(TEMPLATES)
    (package / "render.py").write_text((package / "render.py").read_text() + "\n# changed\n")
    assert len({before, after_po, pagecache.code_digest(TEMPLATES)}) == 3


def test_one_changed_regency_rerenders_its_pages_and_the_overviews_only(
        warm: Path, tmp_path: Path, content_dir: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik (uji)"))
    shutil.copytree(warm / "cache", tmp_path / "cache")
    before = {p: (warm / "output" / p).read_bytes() for p in ("kabupaten/kapuas.html", "en/kabupaten/kapuas.html")}
    summary = build(Settings(content_dir, TEMPLATES, tmp_path / "out", pdf=False, cache_dir=tmp_path / "cache"))
    manifest = (tmp_path / "cache" / "html" / "site" / "manifest.json").read_text()
    assert summary.rendered is not None and summary.rendered <= summary.pages // 3
    for relative, data in before.items():  # another regency's page came from the cache, unchanged
        assert (tmp_path / "out" / relative).read_bytes() == data
    assert '"kabupaten/lamandau.html"' in manifest


def test_nothing_changed_means_nothing_is_done(warm: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(warm / "output", out)
    shutil.copytree(warm / "cache", tmp_path / "cache")
    stamp = os.stat(out / "index.html").st_mtime_ns
    summary = build(Settings(warm / "content", TEMPLATES, out, pdf=False, cache_dir=tmp_path / "cache"))
    assert summary.unchanged and "tidak ada perubahan" in str(summary)
    assert os.stat(out / "index.html").st_mtime_ns == stamp
    # Other settings are a different build: it runs.
    strict = build(Settings(warm / "content", TEMPLATES, out, pdf=False, strict=True, cache_dir=tmp_path / "cache"))
    assert not strict.unchanged and os.stat(out / "index.html").st_mtime_ns != stamp


def test_pages_rendered_in_parallel_are_the_pages_rendered_one_by_one(tmp_path: Path) -> None:
    content_dir = write_demo(tmp_path / "content", 100)  # 224 pages: above render.PARALLEL_PAGES
    parallel = build(Settings(content_dir, TEMPLATES, tmp_path / "parallel", pdf=False, workers=2,
                              cache_dir=tmp_path / "c1"))
    assert parallel.pages >= render.PARALLEL_PAGES
    build(Settings(content_dir, TEMPLATES, tmp_path / "serial", pdf=False, workers=1, cache_dir=tmp_path / "c2"))
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")
    # What each page read came back from the workers: a second build redoes nothing.
    shutil.rmtree(tmp_path / "parallel")
    again = build(Settings(content_dir, TEMPLATES, tmp_path / "parallel", pdf=False, workers=2,
                           cache_dir=tmp_path / "c1"))
    assert again.rendered == 0


def test_a_website_only_build_never_loads_weasyprint(tmp_path: Path) -> None:
    """WeasyPrint takes a second or more to import: a website-only build (the preview) must not pay it."""
    script = (f"import sys; from pathlib import Path; from ssk_report.build import Settings, build; "
              f"build(Settings(Path({str(CONTENT)!r}), Path({str(TEMPLATES)!r}), Path({str(tmp_path / 'out')!r}), "
              f"pdf=False, cache_dir=Path({str(tmp_path / 'cache')!r}))); "
              f"print(sorted(m for m in sys.modules if m.startswith(('weasyprint', 'pypdf'))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "index.html").is_file()


def test_the_data_page_renders_before_the_sizes_it_shows_are_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """The open data files are made by another process while the pages render: forked workers render
    the Data pages with a mark for each size, and filling the marks in once the sizes are known gives
    the page as rendered with the sizes at hand."""
    monkeypatch.setattr(render, "PARALLEL_PAGES", 10)  # the 54 Kalteng pages count as a big site
    content = load_content(Settings(CONTENT, TEMPLATES, Path("unused")))
    site_plan = plan.plan(content, with_pdf=False)
    sizes = {path: len(data) for path, data in opendata.data_files(content).items()}
    assert list(sizes) == opendata.paths(content)  # the paths are known before the files are made
    envs = render.environments(TEMPLATES)
    pages = [p for p in site_plan.pages if p.key in ("data.html", "index.html", "kabupaten/kapuas.html")]
    made: list[int] = []
    pending = render.Sizes(opendata.paths(content), background.Later(lambda: made.append(1) or sizes))
    with render.rendering(envs, pages, content, site_plan, History(), ChangeLog(), pending, workers=2) as results:
        parallel = {page.path: (html, reads) for page, html, reads in results}
    assert made == []  # nothing waited for the sizes
    assert b"\x00filesize" in parallel["data.html"][0] and b"\x00filesize" in parallel["en/data.html"][0]
    with render.rendering(envs, pages, content, site_plan, History(), ChangeLog(), sizes, workers=1) as results:
        serial = {page.path: (html, reads) for page, html, reads in results}
    filled = {path: pending.fill(html) for path, (html, _) in parallel.items()}
    assert made == [1]
    assert filled == {path: html for path, (html, _) in serial.items()}
    assert {p: r.names for p, (_, r) in parallel.items()} == {p: r.names for p, (_, r) in serial.items()}
    shown = i18n.format_size(sizes["data/sumber.csv"], "id").encode()
    assert b"\x00" not in filled["data.html"] and shown in filled["data.html"]


def test_a_page_missing_from_the_cache_is_rendered_again(warm: Path, tmp_path: Path) -> None:
    """The manifest still lists the pages, but another build pruned their files meanwhile."""
    shutil.copytree(warm / "cache", tmp_path / "cache")
    for page in (tmp_path / "cache" / "html" / "site").glob("*.html"):
        page.unlink()
    summary = build(Settings(warm / "content", TEMPLATES, tmp_path / "out", pdf=False, cache_dir=tmp_path / "cache"))
    assert summary.rendered == summary.pages
    assert files(tmp_path / "out") == files(warm / "output")
