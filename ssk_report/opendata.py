"""Open data: every download of the site's data folder, as bytes by output path (no I/O here).

Tidy CSV (one row per area × indicator × year, each value with its source), the whole validated
content as JSON, an XLSX workbook of the same tables, a Frictionless data package describing them,
and a JSON Schema of each content file type generated from the model. Every file is the same bytes
for the same content: rows in a fixed order, no clock read (the workbook's date is `as_of`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pydantic_core
from pydantic import BaseModel, Field

from . import chartdata, keys
from .i18n import regency_name
from .model import (
    Actual,
    AreaStatus,
    Clinic,
    Content,
    IndicatorStatus,
    MapLayout,
    Milestone,
    Page,
    Province,
    Quantity,
    Record,
    Regency,
    RegencyStatus,
    Site,
    Source,
    SourceId,
    Subsector,
    Target,
)
from .model import Indicator as IndicatorModel
from .products import RenderContext, Tally, Units
from .publish import Staging
from .store import Store
from .tabular import Cell, Column, Table, number_text

FOLDER = "data"


@dataclass(frozen=True)
class Sheet:
    """One sheet of the XLSX workbook."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


INDICATOR_COLUMNS = (
    Column("area_level", "string",
           "Tingkat wilayah: national (nasional), province (provinsi) atau regency (kabupaten/kota)"),
    Column("province_code", "string", "Kode Kemendagri provinsi wilayah itu (provinsi itu sendiri, atau provinsi"
                                      " kabupaten/kota itu); kosong untuk tingkat nasional"),
    Column("province_name", "string", "Nama provinsi itu; kosong untuk tingkat nasional"),
    Column("area_code_kemendagri", "string", "Kode wilayah Kemendagri, mis. 62 atau 62.09"),
    Column("area_code_bps", "string", "Kode wilayah BPS, mis. 62 atau 6207"),
    Column("area_slug", "string", "Pengenal halaman kabupaten/kota di situs; kosong untuk provinsi"),
    Column("area_name", "string", "Nama wilayah"),
    Column("indicator", "string", "Id indikator dari katalog indikator (target.csv)"),
    Column("indicator_name", "string", "Nama indikator"),
    Column("subsector", "string", "Id subsektor"),
    Column("year", "integer", "Tahun yang digambarkan nilai"),
    Column("value", "number", "Nilai indikator"),
    Column("unit", "string", "Satuan: percent (persen, 0-100)"),
    Column("better", "string", "Arah yang lebih baik: up (makin tinggi) atau down (makin rendah)"),
    Column("source_id", "string", "Id sumber (sumber.csv)"),
    Column("source_title", "string", "Judul sumber"),
)
INDICATOR_KEY = ("area_code_kemendagri", "indicator", "year")

REGENCY_COLUMNS = (
    Column("slug", "string", "Pengenal kabupaten/kota (nama berkas dan halaman)"),
    Column("province_code", "string", "Kode Kemendagri provinsi kabupaten/kota itu"),
    Column("province_name", "string", "Nama provinsi kabupaten/kota itu"),
    Column("kemendagri_code", "string", "Kode wilayah Kemendagri"),
    Column("bps_code", "string", "Kode wilayah BPS (dapat berbeda dari kode Kemendagri)"),
    Column("name", "string", "Nama tanpa 'Kab.'/'Kota'"),
    Column("type", "string", "kabupaten atau kota"),
    Column("capital", "string", "Ibu kota"),
    Column("population", "integer", "Jumlah penduduk (jiwa)"),
    Column("population_year", "integer", "Tahun data penduduk"),
    Column("population_source", "string", "Id sumber data penduduk"),
    Column("area_km2", "number", "Luas wilayah (km²)"),
    Column("area_km2_year", "integer", "Tahun data luas"),
    Column("area_km2_source", "string", "Id sumber data luas"),
    Column("m1_m3_year", "integer", "Tahun tahap M1-M3"),
    Column("m4_year", "integer", "Tahun mulai tahap M4"),
    Column("ppsp_source", "string", "Id sumber tahun mulai M4 (dan tahun M1-M3, kecuali tercatat sumber lain)"),
    Column("as_of", "date", "Tanggal acuan data; tahap dan tahun tahap M4 dihitung untuk tahun tanggal ini"),
    Column("stage", "string", "Tahap pada tahun acuan: m4, m1_m3 atau unknown (belum diketahui)"),
    Column("progress_year", "integer", "Tahun ke-N tahap M4 (tahun mulai M4 = 1); kosong sebelum M4"),
    Column("completeness_filled", "integer", "Jumlah butir yang berlaku pada tahap daerah ini dan sudah terisi"),
    Column("completeness_applicable", "integer", "Jumlah butir yang berlaku pada tahap daerah ini"),
    Column("completeness_percent", "number",
           "Kelengkapan data: completeness_filled dibagi completeness_applicable, dalam persen"),
    Column("missing_data", "string", "Butir yang berlaku tetapi belum terisi, dipisah titik koma"),
    Column("not_applicable_data", "string", "Butir yang tidak berlaku pada tahap daerah ini, dipisah titik koma"),
)

TARGET_COLUMNS = (
    Column("indicator", "string", "Id indikator"),
    Column("indicator_name", "string", "Nama indikator"),
    Column("scope", "string", "national (nasional) atau province (provinsi)"),
    Column("province_code", "string", "Kode Kemendagri provinsi sebuah target provinsi; kosong untuk target nasional"),
    Column("start", "integer", "Tahun awal periode target"),
    Column("end", "integer", "Tahun akhir periode target"),
    Column("value", "number", "Nilai target"),
    Column("unit", "string", "Satuan: percent (persen, 0-100)"),
    Column("source_id", "string", "Id sumber"),
    Column("source_title", "string", "Judul sumber"),
)

SOURCE_COLUMNS = (
    Column("id", "string", "Id sumber, dirujuk oleh kolom source_id"),
    Column("title", "string", "Judul"),
    Column("publisher", "string", "Penerbit"),
    Column("year", "integer", "Tahun terbit"),
    Column("date", "date", "Tanggal terbit"),
    Column("url", "string", "Alamat web"),
)


def data_files(content: Content) -> dict[str, bytes]:
    """Every download by its path in the output folder (shared by both languages), in a stable order."""
    tables = _tables(content)
    book = _sheets(content, tables)
    files = _csv_files(tables)
    files[f"{FOLDER}/ssk-report.json"] = json_bytes(_everything(content))
    files |= {f"{FOLDER}/schema/{name}.schema.json": json_bytes(schema) for name, schema in schemas().items()}
    files[f"{FOLDER}/ssk-report.xlsx"] = _workbook(content, book)
    files[f"{FOLDER}/datapackage.json"] = json_bytes(_package(content, tables, [sheet.name for sheet in book], files))
    files[ZIP] = _zip(content, files)
    return files


ZIP = f"{FOLDER}/ssk-report-data.zip"  # every other download in one file (issue 24)


def _zip(content: Content, files: dict[str, bytes]) -> bytes:
    """Every file of the data folder, by its path in the site, in path order, each dated `as_of` and
    written as a Unix system writes it wherever the build runs: the same bytes for the same content."""
    when = max(content.site.as_of, dt.date(1980, 1, 1))  # the earliest date a ZIP entry can hold
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, date_time=(when.year, when.month, when.day, 0, 0, 0))
            entry.create_system = 3  # Unix, also on Windows (where zipfile would write 0)
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, files[path], compresslevel=9)
    return buffer.getvalue()


class OpenData:
    """The product: one unit, made from the whole content (any change to it may change a figure).
    It runs first: the Data page lists the files' sizes."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.sizes: dict[str, int] = {}

    def publish(self, out: Staging, store: Store) -> Tally:
        hasher, context = keys.Hasher(), self.context
        units = Units(store, "opendata",
                      lambda unit, reads: keys.combine([context.code, hasher.digest(context.content)]))
        files = units.reuse(FOLDER)
        made = files is None
        if files is None:
            files = data_files(context.content)
            units.keep(FOLDER, (), files)
        units.close()
        for path, data in files.items():
            out.write(path, data)
            self.sizes[path] = len(data)
        return Tally(1, int(made))


# ---- Tables ------------------------------------------------------------------------------------------


def _tables(content: Content) -> list[Table]:
    """The whole-site tables, then one indicator table per regency and, on a national site, per province.
    Indicator rows follow the hierarchy: the site's own area, then each province (its own values, then
    its regencies'), in Kemendagri code order."""
    own = content.area_status
    own_rows = tuple(_area_rows(content, own))
    per_regency = {s.regency.slug: tuple(_regency_indicator_rows(content, s)) for s in content.statuses}
    per_province = {a.code: (*_area_rows(content, a), *(row for s in a.statuses for row in per_regency[s.regency.slug]))
                    for a in content.province_statuses}
    below = per_province.values() if content.province_statuses else per_regency.values()
    all_rows = (*own_rows, *(row for rows in below for row in rows))
    tables = [
        Table("indikator", "indikator.csv", "Nilai indikator sanitasi per wilayah dan tahun", INDICATOR_COLUMNS,
              all_rows, INDICATOR_KEY),
        Table("kabupaten", "kabupaten.csv", "Kabupaten/kota: identitas, tahap PPSP, tahun tahap M4, kelengkapan data",
              REGENCY_COLUMNS, tuple(_regency_row(content, s) for s in content.statuses), ("slug",)),
        Table("target", "target.csv", "Target indikator nasional dan provinsi", TARGET_COLUMNS,
              tuple(_target_row(content, t) for t in content.targets)),
        Table("sumber", "sumber.csv", "Sumber yang dirujuk", SOURCE_COLUMNS,
              tuple((s.id, s.title, s.publisher.id, s.year, _iso(s.date), s.url) for s in content.sources), ("id",)),
    ]
    for slug, rows in per_regency.items():
        regency = content.regency_by_slug[slug]
        tables.append(Table(f"kabupaten-{slug}", f"kabupaten/{slug}.csv",
                            f"Nilai indikator {regency_name(regency.type, regency.name, 'id')}",
                            INDICATOR_COLUMNS, rows, INDICATOR_KEY))
    for area in content.province_statuses:
        tables.append(Table(f"provinsi-{area.code}", f"provinsi/{area.code}.csv",
                            f"Nilai indikator Provinsi {area.area.name} dan kabupaten/kotanya", INDICATOR_COLUMNS,
                            per_province[area.code], INDICATOR_KEY))
    return tables + chartdata.tables(content)  # the figures beside each chart (issue 24)


# The indicator values in the workbook: per area and year, one row.
AREA_COLUMNS = ("area_level", "province_code", "province_name", "area_code_kemendagri", "area_code_bps", "area_name",
                "year")


def _sheets(content: Content, tables: list[Table]) -> list[Sheet]:
    """The workbook's sheets: the indicator values laid out for reading (see below), then the other
    whole-site tables as they are."""
    return [_by_area_and_year(content, t) if t.name == "indikator" else Sheet(t.name, t.title, t.columns, t.rows)
            for t in tables if "/" not in t.path]


def _by_area_and_year(content: Content, tidy: Table) -> Sheet:
    """The indicator table as a spreadsheet reads best: one row per area and year, and for each
    indicator two columns, its value and that value's source. The same values as indikator.csv, in
    a third of the cells (the tidy table repeats every name on every row), so it is also made in a
    third of the time."""
    at = {c.name: n for n, c in enumerate(tidy.columns)}
    slot = {i.id: len(AREA_COLUMNS) + 2 * n for n, i in enumerate(content.indicators)}
    areas: dict[Cell, int] = {}  # in the table's order: the province, then regencies by code
    rows: dict[tuple[int, Cell], list[Cell]] = {}
    for values in tidy.rows:
        key = (areas.setdefault(values[at["area_code_kemendagri"]], len(areas)), values[at["year"]])
        if key not in rows:
            rows[key] = [values[at[name]] for name in AREA_COLUMNS] + [None] * (2 * len(slot))
        here = slot[str(values[at["indicator"]])]
        rows[key][here:here + 2] = values[at["value"]], values[at["source_id"]]
    better = {"up": "makin tinggi", "down": "makin rendah"}
    columns = (*(tidy.columns[at[name]] for name in AREA_COLUMNS), *(column for i in content.indicators for column in (
        Column(i.id, "number", f"{i.name.id} (persen, 0-100; {better[i.better]} makin baik)"),
        Column(f"{i.id}_source", "string", f"Id sumber nilai {i.id} (lihat lembar 'sumber')"))))
    return Sheet("indikator", "Nilai indikator per wilayah dan tahun: per indikator, nilai dan sumbernya",
                 columns, tuple(tuple(rows[key]) for key in sorted(rows)))


def _regency_indicator_rows(content: Content, status: RegencyStatus) -> Iterator[tuple[Cell, ...]]:
    r, province = status.regency, content.province_of(status.regency)
    return _indicator_rows(content, status.indicators, "regency", province, r.kemendagri_code, r.bps_code, r.slug,
                           regency_name(r.type, r.name, "id"))


def _area_rows(content: Content, area: AreaStatus) -> Iterator[tuple[Cell, ...]]:
    """An area's own values: the nation's (no province) or a province's."""
    province = area.area if area.level == "province" else None
    name = f"Provinsi {area.area.name}" if province else area.area.name
    return _indicator_rows(content, area.indicators, area.level, province, area.code, area.area.bps_code, "", name)


def _indicator_rows(content: Content, statuses: tuple[IndicatorStatus, ...] | list[IndicatorStatus], level: str,
                    province: Province | None, kemendagri: str, bps: str, slug: str,
                    name: str) -> Iterator[tuple[Cell, ...]]:
    where = (province.kemendagri_code, province.name) if province else (None, None)
    for status in statuses:  # catalogue order, then year
        i = status.indicator
        for o in status.series:
            yield (level, *where, kemendagri, bps, slug, name, i.id, i.name.id, i.subsector, o.year, o.value, i.unit,
                   i.better, o.source, content.source_by_id[o.source].title)


def _regency_row(content: Content, status: RegencyStatus) -> tuple[Cell, ...]:
    r, province = status.regency, content.province_of(status.regency)
    return (r.slug, province.kemendagri_code, province.name, r.kemendagri_code, r.bps_code, r.name, r.type, r.capital,
            *_quantity(r.population, whole=True), *_quantity(r.area_km2),
            r.ppsp.m1_m3_year, r.ppsp.m4_year, r.ppsp.source, content.site.as_of.isoformat(),
            status.stage.value, status.progress_year, len(status.completeness.filled),
            status.completeness.applicable, round(status.completeness.ratio * 100, 1),
            ";".join(status.completeness.missing), ";".join(status.completeness.not_applicable))


def _target_row(content: Content, t: Target) -> tuple[Cell, ...]:
    indicator = next(i for i in content.indicators if i.id == t.indicator)
    # A province target names its province; on a province's site, that is the site's own.
    province = (t.area or content.site.province.kemendagri_code) if t.scope == "province" else None
    return (t.indicator, indicator.name.id, t.scope, province, t.start, t.end, t.value, indicator.unit, t.source,
            content.source_by_id[t.source].title)


def _quantity(q: Quantity | None, whole: bool = False) -> tuple[Cell, Cell, Cell]:
    if q is None:
        return (None, None, None)
    return (round(q.value) if whole else q.value, q.year, q.source)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _text(value: Cell) -> str:
    """A CSV cell: numbers as Python writes them (76.31, 294602), without a trailing `.0`; text
    that a spreadsheet would run as a formula, neutralised."""
    if value is None:
        return ""
    return neutral(value) if isinstance(value, str) else number_text(value)


# OWASP's rule against CSV injection: a text cell starting with one of these is a live formula (or
# turns into one) when a spreadsheet opens the file, so it is written with a single quote before
# it. Only text: a negative number stays a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = ("Sel teks yang diawali =, +, -, @, tab atau carriage return ditulis dengan tanda petik tunggal (')"
               " di depannya, agar aplikasi spreadsheet tidak menjalankannya sebagai rumus (aturan OWASP tentang"
               " CSV injection); angka, termasuk angka negatif, tetap ditulis sebagai angka.")


def neutral(text: str) -> str:
    """A text cell as the CSV files and the workbook write it (see FORMULA_START)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_files(tables: list[Table]) -> dict[str, bytes]:
    """Each table as CSV, by its path in the output. The indicator rows are in two files each (the
    whole table and their regency's own), so each row's line is written once and reused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lines: dict[tuple[Cell, ...], str] = {}

    def line(row: tuple[Cell, ...]) -> str:
        if row not in lines:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([_text(v) for v in row])
            lines[row] = buffer.getvalue()
        return lines[row]

    return {f"{FOLDER}/{t.path}": "".join([line(tuple(c.name for c in t.columns)), *map(line, t.rows)]).encode()
            for t in tables}


# ---- JSON ----------------------------------------------------------------------------------------------


def json_bytes(value: Any) -> bytes:
    """Indented UTF-8 JSON, as json.dumps(value, ensure_ascii=False, indent=2) writes it, but written
    by pydantic-core's serialiser: Python's indenting encoder takes a second and a half at 514 regencies."""
    return pydantic_core.to_json(value, indent=2) + b"\n"


def _everything(content: Content) -> dict[str, Any]:
    """The validated content as it is, plus every figure the site derives from it."""

    def indicator(s: IndicatorStatus) -> dict[str, Any]:
        return {"indicator": s.indicator.id, "status": s.status,
                "latest": s.latest.model_dump(mode="json") if s.latest else None,
                "checks": [{"target": c.target.model_dump(mode="json"), "status": c.status, "reason": c.reason,
                            "value_year": c.value_year, "pace_points_per_year": c.pace} for c in s.checks]}

    def quantity(q: Quantity | None) -> dict[str, Any] | None:
        return q.model_dump(mode="json") if q else None

    def area(a: AreaStatus) -> dict[str, Any]:
        """What the site derives about an area: its regencies reported of those expected, at M4, …"""
        met, judged = a.targets_met
        spread = a.progress_spread
        return {"area_level": a.level, "kemendagri_code": a.code, "expected": a.expected, "reported": a.reported,
                "stage_counts": {stage.value: n for stage, n in a.stage_counts.items()},
                "progress_year_counts": {str(year): n for year, n in a.progress_year_counts.items()},
                "m4_share": None if a.m4_share is None else round(a.m4_share, 4),
                "progress_spread": None if spread is None else {"min": spread[0], "median": spread[1],
                                                                "max": spread[2]},
                "completeness": None if a.completeness is None else round(a.completeness, 4),
                "targets_met": {"met": met, "judged": judged},
                "indicators": [indicator(s) for s in a.indicators]}

    return {
        "generator": "ssk-report",
        "as_of": content.site.as_of.isoformat(),
        "licence": content.site.licence,
        "content": content.model_dump(mode="json", exclude={"emblem"}),  # the covers' image: no data
        "derived": {
            "year": content.year,
            # The site's own area: a province, or on a national site the nation (the key keeps its name).
            "province": {
                "population_total": quantity(content.population_total),
                "area_km2_total": quantity(content.area_total),
                **area(content.area_status),
            },
            "provinces": [area(a) for a in content.province_statuses],  # a national site's, every one
            "regencies": [{
                "slug": s.regency.slug,
                "stage": s.stage.value,
                "progress_year": s.progress_year,
                "completeness": {"ratio": round(s.completeness.ratio, 4), "filled": list(s.completeness.filled),
                                 "missing": list(s.completeness.missing),
                                 "not_applicable": list(s.completeness.not_applicable)},
                "indicators": [indicator(i) for i in s.indicators],
                "clinics": [c.slug for c in s.clinics],
                "province_code": content.province_of(s.regency).kemendagri_code,
            } for s in content.statuses],
        },
    }


# ---- XLSX ----------------------------------------------------------------------------------------------


def _workbook(content: Content, sheets: list[Sheet]) -> bytes:
    """The sheets, after one that says what they hold and what each column means. XlsxWriter
    stamps its zip entries with a fixed date; the document's own date is `as_of`, so the bytes
    depend on the content only."""
    # Imported here, by the process that makes the workbook, so that a build does not wait for it (40 ms).
    import xlsxwriter  # type: ignore[import-untyped]  # no type information published

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties({
        "title": content.site.title.id,
        "author": content.site.organisation.id,
        "comments": "Dibuat oleh ssk-report; sel kosong berarti belum ada data.",
        "created": dt.datetime.combine(content.site.as_of, dt.time()),
    })
    bold = book.add_format({"bold": True, "bg_color": "#E9EDF0", "bottom": 1})
    about = book.add_worksheet("tentang")
    lines = [("Judul", content.site.title.id), ("Penyusun", content.site.organisation.id),
             ("Data per", content.site.as_of.isoformat()),
             ("Lisensi", content.site.licence or "belum ditentukan"),
             ("Catatan", "Sel kosong berarti belum ada data; tidak ada angka yang diperkirakan."),
             ("Rumus", NEUTRALISED)]
    lines += [(f"Lembar '{t.name}'", t.title) for t in sheets]
    lines += [(f"{t.name}: {c.name}", c.description) for t in sheets for c in t.columns]
    for row, (key, text) in enumerate(lines):
        about.write_string(row, 0, neutral(key), bold)
        about.write_string(row, 1, neutral(text))
    about.set_column(0, 0, 32)
    about.set_column(1, 1, 90)
    for table in sheets:
        sheet = book.add_worksheet(table.name)
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.name, bold)
            sheet.set_column(col, col, max(12, min(40, len(column.name) + 4)))
        for row, values in enumerate(table.rows, start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, int | float):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, neutral(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.columns) - 1)
    book.close()
    return buffer.getvalue()


# ---- Data package --------------------------------------------------------------------------------------


def _package(content: Content, tables: list[Table], sheets: list[str], files: dict[str, bytes]) -> dict[str, Any]:
    """A Frictionless data package (v1) describing every file of the data folder."""
    site = content.site

    def described(path: str) -> dict[str, Any]:
        data = files[f"{FOLDER}/{path}"]
        return {"path": path, "bytes": len(data), "hash": hashlib.md5(data, usedforsecurity=False).hexdigest()}

    resources: list[dict[str, Any]] = [{
        "name": t.name, "type": "table", **described(t.path), "title": t.title, "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {"fields": [{"name": c.name, "type": c.type, "description": c.description} for c in t.columns],
                   **({"primaryKey": list(t.primary_key)} if t.primary_key else {})},
    } for t in tables]
    # Not tables: "type": "file" has Frictionless check their size and hash, not read them as rows.
    resources.append({"name": "ssk-report-json", "type": "file", **described("ssk-report.json"),
                      "profile": "data-resource",
                      "format": "json", "mediatype": "application/json", "encoding": "utf-8",
                      "title": "Seluruh konten tervalidasi dan angka turunannya (JSON)"})
    resources.append({"name": "ssk-report-xlsx", "type": "file", **described("ssk-report.xlsx"),
                      "profile": "data-resource", "format": "xlsx",
                      "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "title": "Tabel indikator, kabupaten, target dan sumber dalam satu buku kerja (XLSX)",
                      "description": "Lembar 'tentang': isi buku kerja dan arti setiap kolom. Lembar 'indikator':"
                                     " nilai-nilai indikator.csv, satu baris per wilayah dan tahun, dua kolom per"
                                     " indikator (nilai, id sumber). Lembar lainnya: kolomnya sama dengan sumber"
                                     " daya CSV yang bernama sama.",
                      "sheets": sheets})
    resources += [{"name": f"schema-{name}", "type": "file", **described(f"schema/{name}.schema.json"),
                   "profile": "data-resource",
                   "format": "json", "mediatype": "application/schema+json", "encoding": "utf-8",
                   "title": f"JSON Schema berkas konten: {name}"} for name in schemas()]
    # licence as written in site.yaml: a web address is the licence's "path", anything else its name
    key = "path" if site.licence and site.licence.startswith(("http://", "https://")) else "name"
    licence = {"licenses": [{key: site.licence, "title": site.licence}]} if site.licence else {}
    return {
        "profile": "data-package",
        "name": f"ssk-report-{site.province.kemendagri_code}",
        "title": site.title.id,
        "description": (f"{site.description.id} Data per {site.as_of.isoformat()}."
                        + ("" if site.licence else " Lisensi data belum ditentukan.") + f" {NEUTRALISED}"),
        "created": f"{site.as_of.isoformat()}T00:00:00Z",
        **({"homepage": site.base_url} if site.base_url else {}),
        **licence,
        "contributors": [{"title": site.organisation.id, "role": "author"}],
        "sources": [{"title": s.title, **({"path": s.url} if s.url else {})} for s in content.sources],
        "resources": resources,
    }


# ---- JSON Schemas of the content files ---------------------------------------------------------------


class SourcesFile(Record):
    """content/sources.yaml"""

    sources: list[Source] = Field(description="Sumber: daftar pustaka; setiap kolom source, sources dan via di"
                                  " berkas lain merujuk id di sini. Catat penerbit, tanggal dan alamat web bila"
                                  " diketahui; jangan ditebak.")


class ProvincesFile(Record):
    """content/provinces.yaml (a national site)"""

    provinces: list[Province] = Field(description="Provinsi: provinsi yang dicakup situs nasional; kabupaten/kota"
                                      " termasuk provinsi yang kodenya mengawali kode Kemendagri-nya.")


class MilestonesFile(Record):
    """content/milestones.yaml"""

    source: SourceId | None = Field(None, description="Sumber: id sumber uraian tahapan; kosong bila uraiannya"
                                    " ditulis untuk situs ini (penjelasan, bukan angka).")
    milestones: list[Milestone] = Field(description="Tahapan: M1 sampai M4.")


class IndicatorsFile(Record):
    """content/indicators.yaml"""

    source: SourceId | None = Field(None, description="Sumber: id sumber katalog indikator.")
    subsectors: list[Subsector] = Field(description="Subsektor: bidang sanitasi.")
    indicators: list[IndicatorModel] = Field(description="Indikator: katalog indikator; nilai dalam persen.")
    targets: list[Target] = Field(description="Target: target nasional dan provinsi per periode.")
    actuals: list[Actual] = Field(description="Nilai provinsi: nilai indikator tingkat provinsi; nilai"
                                  " kabupaten/kota ditulis di berkas kabupaten/kota masing-masing.")


# file type -> (model, fields the build takes from elsewhere: the file's name, a Markdown body)
_FILE_TYPES: dict[str, tuple[type[BaseModel], tuple[str, ...], str]] = {
    "site": (Site, (), "content/site.yaml"),
    "sources": (SourcesFile, (), "content/sources.yaml"),
    "provinces": (ProvincesFile, (), "content/provinces.yaml"),
    "milestones": (MilestonesFile, (), "content/milestones.yaml"),
    "indicators": (IndicatorsFile, (), "content/indicators.yaml"),
    "regency": (Regency, ("slug",), "content/regencies/<slug>.yaml"),
    "clinic": (Clinic, ("slug", "narrative", "foreword", "province"),
               "content/clinics/[<province code>/]<year>-cc<n>.yaml"),
    "page": (Page, ("slug", "body"), "front matter of content/pages/<slug>.md"),
    "map": (MapLayout, (), "content/map.yaml"),
}


@cache  # the same for every build of this code: made once per process (0.1 s)
def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (2020-12) of each content file type, generated from the model. Shared: do
    not change what it returns."""
    return {name: _file_schema(model, drop, where) for name, (model, drop, where) in _FILE_TYPES.items()}


def _file_schema(model: type[BaseModel], drop: tuple[str, ...], where: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    for name in drop:
        schema["properties"].pop(name, None)
        schema["required"] = [r for r in schema.get("required", []) if r != name]
        if not schema["required"]:
            del schema["required"]
    definitions = schema.get("$defs", {})
    for definition in definitions.values():
        definition.pop("description", None)  # a class's docstring documents the code, in English
    for properties in _properties(schema):
        for field in properties.values():
            if "description" in field:  # the field's Indonesian label, as editors show a field's title
                field["title"] = split_description(field["description"])[0]
    if "Text" in definitions:  # a Text may also be written as a plain string (Indonesian only)
        text = definitions["Text"]
        definitions["Text"] = {"title": "Text", "anyOf": [{"type": "string", "minLength": 1},
                                                          {k: v for k, v in text.items() if k != "title"}]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "description": f"{where} (ssk-report). Dibuat dari model konten; tahun dan tanggal sebagai YYYY-MM-DD.",
            **{k: v for k, v in schema.items() if k != "description"}}


def _properties(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The `properties` of the schema's object and of each of its definitions."""
    for node in (schema, *schema.get("$defs", {}).values()):
        if "properties" in node:
            yield node["properties"]


def split_description(description: str) -> tuple[str, str]:
    """A field's description, "Label: help", as its label and its help text (model.Record)."""
    label, _, help_text = description.partition(": ")
    return label, help_text[:1].upper() + help_text[1:]

