"""The website: every planned page exists, parses, links only to files that exist, and says what it must."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest

from ssk_report.model import Content
from ssk_report.plan import plan

from .conftest import run_build, site_pages


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text())
    return links


def html_files(root: Path) -> list[Path]:
    return site_pages(root)


def test_one_page_per_regency_clinic_and_content_page_in_each_language(site: Path, content: Content) -> None:
    expected = {o.path for o in plan(content, with_pdf=False).pages}
    assert {p.relative_to(site).as_posix() for p in html_files(site)} == expected
    assert len([p for p in expected if p.startswith("kabupaten/") and p != "kabupaten/index.html"]) == 14
    assert len(expected) == 2 * len([o for o in plan(content, with_pdf=False).pages if o.lang == "id"])
    assert {"klinik/2025-cc6.html", "klinik/2025-cc7.html", "tentang.html", "metodologi.html",
            "sumber-data.html", "tahapan.html", "404.html"} <= expected


@pytest.mark.parametrize("name", ["index.html", "kabupaten/lamandau.html", "klinik/2025-cc7.html", "tahapan.html"])
def test_pages_are_valid_html5(site: Path, name: str) -> None:
    parser = html5lib.HTMLParser(strict=True)
    parser.parse((site / name).read_text())  # raises on any parse error


def test_every_internal_link_and_asset_resolves(site: Path) -> None:
    broken = []
    for page in html_files(site):
        here = page.relative_to(site).parent.as_posix()
        info = parsed(page)
        for link in info.links:
            if re.match(r"^(https?:|mailto:)", link):
                continue
            # The 404 page is sent for a missing path at any depth: only links from the server's
            # root reach the site from there (without base_url, the site is taken to be there).
            if page.name == "404.html" and not link.startswith("#"):
                assert link.startswith("/"), f"{page}: {link} is lost below the first folder"
                link, here = link.removeprefix("/"), ""
            else:
                assert not link.startswith("/"), f"{page}: root-absolute link {link} breaks sub-path hosting"
            target, _, fragment = link.partition("#")
            if not target:
                if fragment and fragment not in info.ids:
                    broken.append(f"{page.name}: #{fragment}")
                continue
            resolved = posixpath.normpath(posixpath.join(here, target))
            if not (site / resolved).is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


def test_pages_declare_language_title_description_and_no_script(site: Path) -> None:
    for page in html_files(site):
        text = page.read_text()
        info = parsed(page)
        assert info.html_lang == ("en" if page.is_relative_to(site / "en") else "id"), page
        assert info.tags.count("h1") == 1, page
        assert re.search(r"<title>[^<]+</title>", text), page
        assert re.search(r'<meta name="description" content="[^"]+"', text), page
        if page.name != "cari.html":  # only the search page runs a script (Pagefind)
            assert "<script" not in text, page


def test_home_lists_every_regency_and_the_latest_clinic(site: Path, content: Content) -> None:
    home = (site / "index.html").read_text()
    for regency in content.regencies:
        assert f'href="kabupaten/{regency.slug}.html"' in home
    assert 'href="klinik/2025-cc7.html"' in home


def test_missing_data_is_said_plainly(site: Path) -> None:
    pulang_pisau = (site / "kabupaten" / "pulang-pisau.html").read_text()
    assert "belum ada data" in pulang_pisau.lower()
    assert "62.11" in pulang_pisau and "6210" in pulang_pisau  # both codes shown


def test_regency_page_shows_derived_progress_year(site: Path) -> None:
    page = (site / "kabupaten" / "kotawaringin-barat.html").read_text()
    assert "Tahun ke-5" in page
    assert "294.602" in page  # population, Indonesian number format


def test_pdf_links_only_when_pdfs_are_built(site: Path, full_build: Path) -> None:
    assert ".pdf" not in (site / "kabupaten" / "lamandau.html").read_text()
    assert "laporan/kabupaten/lamandau.pdf" in (full_build / "kabupaten" / "lamandau.html").read_text()
    assert "laporan/2025-cc7.pdf" in (full_build / "klinik" / "2025-cc7.html").read_text()


def test_stylesheet_is_small_and_there_is_a_favicon(site: Path) -> None:
    css = list((site / "assets").glob("*.css"))
    assert len(css) == 1 and css[0].stat().st_size < 20_000
    assert (site / "assets" / "favicon.svg").is_file()


def test_markdown_is_sanitised(tmp_path: Path, content_dir: Path) -> None:
    notes = content_dir / "regencies" / "lamandau.yaml"
    text = notes.read_text().replace(
        "notes: |\n", "notes: |\n  <script>alert(1)</script> [klik](javascript:alert(1)) <b onclick=x>tebal</b>\n", 1)
    notes.write_text(text)
    out = run_build(tmp_path, content_dir, pdf=False)
    page = (out / "kabupaten" / "lamandau.html").read_text()
    assert "<script" not in page and "javascript:" not in page and "onclick" not in page
