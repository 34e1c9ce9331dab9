"""Every output format escapes content by its own rules (issue 18): the feeds and the sitemap are
XML, the open data JSON is JSON, and a CSV or workbook text cell never becomes a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ssk_report import opendata
from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT, run_build, site_pages, xml_root
from .test_opendata import read_xlsx

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://ppsp.example.go.id/progres"
TITLE = "Sanitasi A & B </title><entry><title>palsu</title></entry> ]]> &amp;"
VENUE = "Hotel A & B"
CITY = "Palangka</summary></entry><entry><id>palsu</id></entry><summary>"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"klik\")"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose title, clinic venue and city and regency capital are hostile to XML and CSV."""
    content_dir = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(CONTENT, content_dir)

    def edit(relative: str, old: str, new: str) -> None:
        path = content_dir / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new, 1))

    edit("site.yaml", "base_url: null", f"base_url: {BASE}/")
    edit("site.yaml", "id: Progres Sanitasi Permukiman Kalimantan Tengah", f"id: {json.dumps(TITLE)}")
    edit("site.yaml", "en: PPSP Sanitation Progress — Central Kalimantan", f"en: {json.dumps(TITLE)}")
    edit("site.yaml", "id: Pokja PPSP Provinsi Kalimantan Tengah", "id: \"Pokja <b>&\"")
    edit("site.yaml", "en: Kalimantan Tengah Provincial PPSP Working Group (Pokja PPSP)", "en: \"Pokja <b>&\"")
    edit("clinics/2025-cc7.yaml", "id: Aula Bapperida Provinsi Kalimantan Tengah", f"id: {VENUE}")
    edit("clinics/2025-cc7.yaml", "en: Bapperida Hall, Kalimantan Tengah Province", f"en: {VENUE}")
    edit("clinics/2025-cc7.yaml", "city: Palangka Raya", f"city: {json.dumps(CITY)}")
    edit("regencies/lamandau.yaml", "capital: Nanga Bulik", f"capital: {json.dumps(FORMULA)}")
    edit("regencies/kapuas.yaml", "capital: Kuala Kapuas", "capital: \"-2+3\"")
    return run_build(content_dir.parent, content_dir, pdf=False)


@pytest.mark.parametrize(("feed", "lang"), [("feed.xml", "id"), ("en/feed.xml", "en")])
def test_each_feed_is_valid_xml_holding_the_values_as_written(hostile: Path, feed: str, lang: str) -> None:
    root = xml_root(hostile / feed)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert root.findtext(f"{ATOM}title", "").startswith(f"{TITLE} — ")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Pokja <b>&"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3  # no entry injected: one per clinic
    summary = entries[0].findtext(f"{ATOM}summary", "")
    assert f"{VENUE}, {CITY}." in summary


def test_the_sitemap_and_robots_are_valid_with_hostile_values(hostile: Path) -> None:
    urls = xml_root(hostile / "sitemap.xml").findall(f"{SITEMAP}url")
    assert len(urls) == len([p for p in site_pages(hostile) if p.name != "404.html"])
    assert (hostile / "robots.txt").read_text().splitlines()[-1] == f"Sitemap: {BASE}/sitemap.xml"


def test_open_data_json_holds_the_values_as_written(hostile: Path) -> None:
    everything = json.loads((hostile / "data" / "ssk-report.json").read_bytes())
    assert everything["content"]["site"]["title"]["id"] == TITLE
    package = json.loads((hostile / "data" / "datapackage.json").read_bytes())
    assert package["title"] == TITLE
    for schema in (hostile / "data" / "schema").iterdir():
        json.loads(schema.read_bytes())


def test_csv_text_cells_that_a_spreadsheet_would_run_are_neutralised(hostile: Path) -> None:
    regencies = {row["slug"]: row for row in csv.DictReader(io.StringIO((hostile / "data/kabupaten.csv").read_text()))}
    assert regencies["lamandau"]["capital"] == "'" + FORMULA
    assert regencies["kapuas"]["capital"] == "'-2+3"
    assert regencies["lamandau"]["population"] == "114257"  # numbers stay numbers
    package = json.loads((hostile / "data" / "datapackage.json").read_bytes())
    assert "tanda petik tunggal" in package["description"] and "CSV injection" in package["description"]


def test_workbook_text_cells_are_neutralised_too(hostile: Path) -> None:
    sheets = read_xlsx((hostile / "data" / "ssk-report.xlsx").read_bytes())
    header, *rows = sheets["kabupaten"]
    capitals = {row[0]: row[header.index("capital")] for row in rows}
    assert capitals["lamandau"] == "'" + FORMULA and capitals["kapuas"] == "'-2+3"
    about = {row[0]: row[1] for row in sheets["tentang"]}
    assert about["Rumus"] == opendata.NEUTRALISED


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+62 811", "'+62 811"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (-5.0, "-5"), (-2, "-2"), (12.5, "12.5"), (None, ""),
])
def test_only_text_cells_are_neutralised(cell: opendata.Cell, written: str) -> None:
    assert opendata._text(cell) == written


@pytest.mark.parametrize("base_url", [
    'https://ppsp.example.go.id/a"b', "https://ppsp.example.go.id/?a=1&b=2", "https://ppsp.example.go.id/#x",
    "https://ppsp.example.go.id/<b>", "https://ppsp example.go.id/", "javascript:alert(1)//https://x",
])
def test_a_site_address_that_would_need_escaping_anywhere_is_refused(
        base_url: str, content_dir: Path, edit: Callable[[str, str, str], None]) -> None:
    edit("site.yaml", "base_url: null", f"base_url: {json.dumps(base_url)}")
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    assert [p.field for p in caught.value.problems] == ["base_url"]
    assert "alamat situs yang diawali http:// atau https://" in caught.value.problems[0].message
