"""Open data downloads: they round-trip to the model's values, the data package validates with
Frictionless, every file is byte-reproducible, and the JSON Schemas describe the real content files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from frictionless import validate

from ssk_report import editors, opendata
from ssk_report.model import Content

from .conftest import CONTENT, run_build


def write(files: dict[str, bytes], root: Path) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root / "data"


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture(scope="module")
def files(content: Content) -> dict[str, bytes]:
    return opendata.data_files(content)


def test_every_download_is_in_the_built_site(site: Path, files: dict[str, bytes]) -> None:
    assert {p.relative_to(site).as_posix() for p in (site / "data").rglob("*") if p.is_file()} == set(files)
    for path, data in files.items():
        assert (site / path).read_bytes() == data, path


def test_csv_files_are_utf8_comma_separated_with_a_header_and_newlines(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if path.endswith(".csv"):
            text = data.decode("utf-8")
            assert "\r" not in text and text.endswith("\n") and not text.startswith("\ufeff"), path
            starts = ("area_level,", "slug,", "indicator,", "id,", "stage,", "progress_year,", "year,")
            assert text.splitlines()[0].startswith(starts), path


def test_indicator_csv_round_trips_to_the_province_actuals(files: dict[str, bytes], content: Content) -> None:
    table = rows(files["data/indikator.csv"])
    got = [(r["area_level"], r["area_code_kemendagri"], r["area_code_bps"], r["indicator"], int(r["year"]),
            float(r["value"]), r["unit"], r["source_id"]) for r in table]
    catalogue = [i.id for i in content.indicators]
    expected = [("province", "62", "62", a.indicator, a.year, a.value, "percent", a.source)
                for a in sorted(content.actuals, key=lambda a: (catalogue.index(a.indicator), a.year))]
    assert got == expected
    assert ("ald_aman", 2024, 11.07) in [(r[3], r[4], r[5]) for r in got]
    assert {r["source_title"] for r in table} == {content.source_by_id[a.source].title for a in content.actuals}


def test_regency_values_appear_in_both_indicator_files(content_dir: Path, tmp_path: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace(
        "indicators: {}", "indicators:\n  babs:\n    - {year: 2024, value: 3.25, source: kaltengsatunusantara-2024}"))
    out = run_build(tmp_path, content_dir, pdf=False)
    own = rows((out / "data" / "kabupaten" / "lamandau.csv").read_bytes())
    assert [(r["area_level"], r["area_code_kemendagri"], r["area_code_bps"], r["area_name"], r["indicator"],
             r["year"], r["value"]) for r in own] == [
        ("regency", "62.09", "6207", "Kab. Lamandau", "babs", "2024", "3.25")]
    everything = rows((out / "data" / "indikator.csv").read_bytes())
    assert everything[-1] == own[0]  # province rows first, then regencies by Kemendagri code


def test_per_regency_csv_has_its_header_even_when_empty(files: dict[str, bytes], content: Content) -> None:
    header = files["data/indikator.csv"].split(b"\n")[0] + b"\n"
    for regency in content.regencies:
        assert files[f"data/kabupaten/{regency.slug}.csv"] == header


def test_regency_csv_round_trips_to_the_statuses(files: dict[str, bytes], content: Content) -> None:
    table = rows(files["data/kabupaten.csv"])
    assert [r["slug"] for r in table] == [s.regency.slug for s in content.statuses]
    for row, status in zip(table, content.statuses, strict=True):
        r = status.regency
        assert (row["kemendagri_code"], row["bps_code"], row["name"], row["type"]) == (
            r.kemendagri_code, r.bps_code, r.name, r.type)
        assert row["stage"] == status.stage.value
        assert row["progress_year"] == ("" if status.progress_year is None else str(status.progress_year))
        assert row["m4_year"] == ("" if r.ppsp.m4_year is None else str(r.ppsp.m4_year))
        assert int(row["population"]) == r.population.value  # type: ignore[union-attr]
        assert float(row["area_km2"]) == r.area_km2.value  # type: ignore[union-attr]
        assert float(row["completeness_percent"]) == round(status.completeness.ratio * 100, 1)
        assert (int(row["completeness_filled"]), int(row["completeness_applicable"])) == (
            len(status.completeness.filled), status.completeness.applicable)
        assert row["missing_data"].split(";") == list(status.completeness.missing)
        assert row["not_applicable_data"] == ";".join(status.completeness.not_applicable)
    kapuas = next(r for r in table if r["slug"] == "kapuas")  # in M1–M3: the M4 year does not count
    assert (kapuas["completeness_filled"], kapuas["completeness_applicable"], kapuas["completeness_percent"],
            kapuas["not_applicable_data"]) == ("3", "11", "27.3", "m4_year")
    sukamara = next(r for r in table if r["slug"] == "sukamara")
    assert (sukamara["kemendagri_code"], sukamara["bps_code"], sukamara["progress_year"]) == ("62.08", "6206", "4")


def test_json_holds_the_whole_validated_content_and_the_derived_figures(files: dict[str, bytes],
                                                                         content: Content) -> None:
    data = json.loads(files["data/ssk-report.json"])
    assert Content.model_validate(data["content"]).model_dump() == content.model_dump()
    derived = data["derived"]
    assert derived["province"]["stage_counts"] == {"m4": 10, "m1_m3": 2, "unknown": 2}
    assert derived["province"]["population_total"]["value"] == content.population_total.value  # type: ignore[union-attr]
    assert [(r["slug"], r["stage"], r["progress_year"]) for r in derived["regencies"]] == [
        (s.regency.slug, s.stage.value, s.progress_year) for s in content.statuses]
    aman = next(i for i in derived["province"]["indicators"] if i["indicator"] == "ald_aman")
    assert (aman["latest"]["value"], aman["status"]) == (11.07, "not_assessable")
    assert [(c["reason"], c["value_year"], c["pace_points_per_year"]) for c in aman["checks"]] == [
        ("before_period", 2024, 1.79), ("before_period", 2024, 3.79)]


def xml(book: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(book.read(name))  # noqa: S314 - our own workbook, never outside input


def read_xlsx(data: bytes) -> dict[str, list[list[Any]]]:
    """A minimal XLSX reader (shared strings, numbers, inline strings) so the test needs no openpyxl."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        strings = [("".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")))
                   for si in xml(book, "xl/sharedStrings.xml").findall("m:si", ns)]
        targets = {r.get("Id"): r.get("Target") for r in xml(book, "xl/_rels/workbook.xml.rels")}
        sheets = {}
        for sheet in xml(book, "xl/workbook.xml").find("m:sheets", ns):  # type: ignore[union-attr]
            grid: list[list[Any]] = []
            for row in xml(book, f"xl/{targets[sheet.get(rel)]}").iter(f"{{{ns['m']}}}row"):
                cells: list[Any] = []
                for cell in row.findall("m:c", ns):
                    column = re.match(r"[A-Z]+", cell.get("r") or "").group(0)  # type: ignore[union-attr]
                    index = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(column))) - 1
                    cells += [None] * (index - len(cells))
                    value = cell.find("m:v", ns)
                    text = value.text if value is not None else None
                    cells.append(strings[int(text)] if cell.get("t") == "s" and text else
                                 float(text) if text is not None else None)
                grid.append(cells)
            sheets[sheet.get("name")] = grid
    return sheets


def test_xlsx_round_trips_to_the_csv_tables(files: dict[str, bytes], content: Content) -> None:
    sheets = read_xlsx(files["data/ssk-report.xlsx"])
    assert list(sheets) == ["tentang", "indikator", "kabupaten", "target", "sumber"]
    for name in ("kabupaten", "target", "sumber"):
        table = list(csv.reader(io.StringIO(files[f"data/{name}.csv"].decode())))
        sheet = sheets[name]
        assert sheet[0] == table[0], name
        for got, want in zip(sheet[1:], table[1:], strict=True):
            got += [None] * (len(want) - len(got))
            assert [("" if v is None else v) for v in got] == [
                (float(w) if isinstance(g, float) else w) for g, w in zip(got, want, strict=True)], name
    # The indicator values, one row per area and year and two columns per indicator, are the tidy
    # CSV's values, each with its source, once each.
    header, *rows = sheets["indikator"]
    areas = len(opendata.AREA_COLUMNS)
    assert header[:areas] == ["area_level", "province_code", "province_name", "area_code_kemendagri", "area_code_bps",
                              "area_name", "year"]
    assert header[areas:] == [name for i in content.indicators for name in (i.id, f"{i.id}_source")]
    code, name, year = header.index("area_code_kemendagri"), header.index("area_name"), header.index("year")
    melted = []
    for row in rows:
        row += [None] * (len(header) - len(row))
        assert any(value is not None for value in row[areas::2])  # no row without a value
        assert row[1:3] == ["62", "Kalimantan Tengah"]  # every area lies in the province
        for at in range(areas, len(header), 2):
            assert (row[at] is None) == (row[at + 1] is None)
            if row[at] is not None:
                melted.append((row[code], row[name], header[at], int(row[year]), row[at], row[at + 1]))
    tidy = csv.DictReader(io.StringIO(files["data/indikator.csv"].decode()))
    assert sorted(melted) == sorted((r["area_code_kemendagri"], r["area_name"], r["indicator"], int(r["year"]),
                                     float(r["value"]), r["source_id"]) for r in tidy)
    aman = header.index("ald_aman")
    assert [(r[year], r[aman]) for r in rows if r[code] == "62"] == [(2023.0, 11.16), (2024.0, 11.07)]
    about = {row[0]: row[1] for row in sheets["tentang"]}
    assert about["indikator: ald_aman"].startswith(next(i.name.id for i in content.indicators if i.id == "ald_aman"))
    assert about["kabupaten: capital"] == "Ibu kota"


def test_xlsx_and_every_other_file_are_the_same_bytes_every_time(content: Content, files: dict[str, bytes]) -> None:
    time.sleep(1.1)  # a clock read anywhere would now show in the bytes
    assert opendata.data_files(content) == files
    with zipfile.ZipFile(io.BytesIO(files["data/ssk-report.xlsx"])) as book:
        core = book.read("docProps/core.xml").decode()
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert f"{content.site.as_of.isoformat()}T00:00:00Z" in core


def test_data_package_validates_with_frictionless(tmp_path: Path, files: dict[str, bytes]) -> None:
    folder = write(files, tmp_path)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    package = json.loads(files["data/datapackage.json"])
    described = {r["path"] for r in package["resources"]}
    # Every file but the package itself and the ZIP that bundles them all.
    assert described == {p.removeprefix("data/") for p in files} - {"datapackage.json", "ssk-report-data.zip"}
    indicators = next(r for r in package["resources"] if r["name"] == "indikator")
    fields = [(f["name"], f["type"]) for f in indicators["schema"]["fields"]]
    assert fields[10:12] == [("year", "integer"), ("value", "number")]
    assert "licenses" not in package and "Lisensi data belum ditentukan" in package["description"]


def test_data_package_notices_a_changed_file(tmp_path: Path, files: dict[str, bytes]) -> None:
    folder = write(files, tmp_path)
    (folder / "ssk-report.json").write_bytes(files["data/ssk-report.json"] + b" ")
    assert not validate(str(folder / "datapackage.json")).valid


def test_data_package_states_the_licence_once_decided(tmp_path: Path, content: Content) -> None:
    decided = content.model_copy(update={"site": content.site.model_copy(update={"licence": "CC-BY-4.0"})})
    files = opendata.data_files(decided)
    package = json.loads(files["data/datapackage.json"])
    assert package["licenses"] == [{"name": "CC-BY-4.0", "title": "CC-BY-4.0"}]
    assert validate(str(write(files, tmp_path) / "datapackage.json")).valid


def plain(value: Any) -> Any:
    """YAML values as JSON has them: dates become YYYY-MM-DD strings."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


CONTENT_FILES = {kind: [p.relative_to(CONTENT).as_posix() for p in sorted(CONTENT.glob(where))]
                 for kind, where in editors.CONTENT_FILES.items()}


# provinces.yaml is a national site's: tests/test_national.py checks the demo's against its schema.
@pytest.mark.parametrize("kind", sorted(set(opendata.schemas()) - {"provinces"}))
def test_json_schemas_are_valid_and_the_real_content_files_conform(kind: str, files: dict[str, bytes]) -> None:
    schema = json.loads(files[f"data/schema/{kind}.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator(schema)
    if kind == "page":
        documents = [p.read_text().split("---\n")[1] for p in sorted((CONTENT / "pages").glob("*.md"))
                     if not p.stem.endswith(".en")]
    else:
        documents = [(CONTENT / name).read_text() for name in CONTENT_FILES[kind]]
    assert documents
    for text in documents:
        errors = [e.message for e in checker.iter_errors(plain(yaml.safe_load(text)))]
        assert errors == [], kind


def test_json_schema_rejects_a_typo_and_a_bad_code(files: dict[str, bytes]) -> None:
    checker = jsonschema.Draft202012Validator(json.loads(files["data/schema/regency.schema.json"]))
    lamandau = plain(yaml.safe_load((CONTENT / "regencies" / "lamandau.yaml").read_text()))
    assert not list(checker.iter_errors(lamandau))
    assert list(checker.iter_errors({**lamandau, "capitol": "Nanga Bulik"}))
    assert list(checker.iter_errors({**lamandau, "kemendagri_code": "6209"}))
    assert list(checker.iter_errors({**lamandau, "slug": "lamandau"}))  # the slug is the file name


def test_data_page_lists_each_download_with_format_size_and_licence(site: Path, files: dict[str, bytes]) -> None:
    text = (site / "data.html").read_text()
    english = (site / "en" / "data.html").read_text()
    for path in files:
        if path.startswith("data/schema/"):  # for whoever edits the content (see the README), not this page
            assert path not in text and path not in english, path
            continue
        if path.startswith("data/grafik/kabupaten/"):
            continue  # a regency's chart data: linked from its page (and in the ZIP)
        assert f'href="{path}"' in text, path
        assert f'href="../{path}"' in english, path  # one set of files for both languages
    assert "<h1>Unduh Data</h1>" in text and "<h1>Download Data</h1>" in english  # no licence: not "open" data
    small = len(files["data/kabupaten/lamandau.csv"])
    assert small < 1024 and f"{small} byte" in text and f"{small} bytes" in english
    size = len(files["data/ssk-report.json"]) / 1024
    assert f"{size:.1f}".replace(".", ",") + " KB" in text
    assert f"{size:.1f} KB" in english
    assert "belum ditentukan" in text and "not decided yet" in english
    assert 'href="data.html"' in (site / "index.html").read_text()  # in the menu and on the home page
