"""A national edition: areas as one hierarchy (nation -> province -> regency), on the synthetic demo.

The model and its checks: values, targets and clinics carry their province; every province of
provinces.yaml is an area with what it is expected to hold, reported or not; a report that spans
provinces is printed as volumes.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gzip
import http.server
import io
import json
import re
import shutil
import threading
from collections import Counter
from pathlib import Path, PurePosixPath

import jsonschema
import pytest
import yaml
from playwright.sync_api import Browser
from pypdf import PdfReader

from ssk_report import charts, opendata, parallel, plan
from ssk_report.cli import main
from ssk_report.demo import ALL_REGENCIES, PROVINCES, write_demo
from ssk_report.errors import ContentError
from ssk_report.model import Content, Stage, Target
from ssk_report.pdfs import Pdfs
from ssk_report.pipeline import Settings, load_content, prepare
from ssk_report.store import Store

from .conftest import CONTENT, TEMPLATES, render_output, run_build
from .test_browser import QuietHandler, Watch, browser  # noqa: F401 (a fixture)

REGENCIES = 40  # a small national demo: some provinces report all, some part, three nothing


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("national") / "content", REGENCIES)


@pytest.fixture(scope="module")
def national(demo: Path) -> Content:
    return load_content(Settings(content_dir=demo))


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """Every regency of Indonesia: the benchmark's size."""
    return load_content(Settings(content_dir=write_demo(tmp_path_factory.mktemp("whole") / "content", ALL_REGENCIES)))


@pytest.fixture
def demo_copy(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo that a test may break."""
    return Path(shutil.copytree(demo, tmp_path / "content"))


def problems(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    return [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]


# ---- The demo --------------------------------------------------------------------------------------


def test_demo_provinces_have_their_real_sizes_and_some_have_not_reported(national: Content) -> None:
    sizes = {code: count for code, count, _ in PROVINCES}
    assert sum(sizes.values()) == ALL_REGENCIES == 514 and len(sizes) == 38
    areas = national.province_statuses
    assert all(a.expected == sizes[a.code] and a.reported <= a.expected for a in areas)
    assert len({a.expected for a in areas}) > 3  # provinces of varying size
    assert sum(a.reported for a in areas) == len(national.regencies) == REGENCIES
    assert [a.reported for a in areas].count(0) == 3
    assert any(0 < a.reported < (a.expected or 0) for a in areas)
    assert set(national.stage_counts.values()) != {0} and all(national.stage_counts.values())  # every stage


def test_the_whole_nation_reports_every_province_in_full(whole: Content, tmp_path: Path) -> None:
    assert [(a.code, a.reported) for a in whole.province_statuses] == [(c, n) for c, n, _ in PROVINCES]
    with pytest.raises(ValueError, match="1 to 514"):
        write_demo(tmp_path / "more", ALL_REGENCIES + 1)


# ---- Clinics of provinces ----------------------------------------------------------------------------


def test_two_provinces_may_each_hold_a_2025_cc1(national: Content, demo: Path) -> None:
    own = sorted(p.name for p in (demo / "clinics").iterdir() if p.is_dir())
    assert len(own) == 2 and all((demo / "clinics" / code / "2025-cc1.yaml").is_file() for code in own)
    cc1 = {c.slug: c for c in national.clinics if c.number == 1}
    assert set(cc1) == {"2025-cc1", *(f"{code}-2025-cc1" for code in own)}
    assert [cc1[f"{code}-2025-cc1"].province for code in own] == own
    assert cc1["2025-cc1"].province is None and cc1["2025-cc1"].file_stem == "2025-cc1"
    assert cc1[f"{own[0]}-2025-cc1"].file_stem == f"{own[0]}/2025-cc1"
    # Each province lists its own clinic, and not the other's.
    for area in national.province_statuses:
        held = {c.slug for c in area.clinics if c.province}
        assert held == ({f"{area.code}-2025-cc1"} if area.code in own else set())


def test_a_province_clinic_names_regencies_of_its_own_province(national: Content, demo_copy: Path) -> None:
    code = sorted(p.name for p in (demo_copy / "clinics").iterdir() if p.is_dir())[0]
    stranger = next(s.regency for a in national.province_statuses if a.code != code for s in a.statuses)
    path = demo_copy / "clinics" / code / "2025-cc1.yaml"
    text = path.read_text()
    first = text.split("- regency: ")[1].split("\n")[0]
    path.write_text(text.replace(f"- regency: {first}\n", f"- regency: {stranger.slug}\n", 1))
    line, column = next((i, row.index("regency") + 1) for i, row in enumerate(path.read_text().splitlines(), 1)
                        if stranger.slug in row)
    prefix = stranger.kemendagri_code.split(".")[0]
    assert problems(demo_copy) == [
        f"content/clinics/{code}/2025-cc1.yaml:{line}:{column}: participants[0].regency: \"{stranger.slug}\" berada di"
        f" provinsi {prefix}, bukan di provinsi coaching clinic ini ({code}, folder clinics/{code}/)"]


def test_a_clinic_folder_is_a_known_province_code(demo_copy: Path) -> None:
    (demo_copy / "clinics" / "99").mkdir()
    shutil.copy(demo_copy / "clinics" / "2025-cc2.yaml", demo_copy / "clinics" / "99" / "2025-cc2.yaml")
    (demo_copy / "clinics" / "lama").mkdir()
    found = problems(demo_copy)
    assert "content/clinics/lama:1:1: folder 'lama' bukan kode provinsi; coaching clinic sebuah provinsi disimpan" \
           " di folder bernama kode Kemendagri provinsinya, mis. clinics/62/" in found
    assert any(p.startswith("content/clinics/99/2025-cc2.yaml:2:1: folder clinics/99/: provinsi tidak dikenal"
                            ' ("99", seharusnya kode provinsi dari provinces.yaml: "') for p in found)


def test_a_province_clinic_file_takes_its_province_from_the_folder_only(demo_copy: Path) -> None:
    code = sorted(p.name for p in (demo_copy / "clinics").iterdir() if p.is_dir())[0]
    path = demo_copy / "clinics" / code / "2025-cc1.yaml"
    path.write_text(path.read_text() + f"province: '{code}'\n")
    flat = demo_copy / "clinics" / f"{code}-2025-cc2.yaml"
    shutil.copy(demo_copy / "clinics" / "2025-cc2.yaml", flat)
    found = problems(demo_copy)
    assert any(p.endswith("province: provinsi coaching clinic diambil dari nama foldernya (clinics/<kode provinsi>/);"
                          " hapus kunci ini") for p in found)
    assert any(p.endswith(f"nama berkas harus 2025-cc2.yaml sesuai cycle_year dan number (tertulis"
                          f" {code}-2025-cc2.yaml); coaching clinic sebuah provinsi disimpan di folder clinics/{code}/")
               for p in found)


def test_a_province_site_may_keep_its_clinics_in_its_own_folder_only(content_dir: Path) -> None:
    (content_dir / "clinics" / "62").mkdir()
    shutil.move(content_dir / "clinics" / "2025-cc1.yaml", content_dir / "clinics" / "62" / "2025-cc1.yaml")
    content = load_content(Settings(content_dir=content_dir))
    assert {c.slug for c in content.clinics} == {"62-2025-cc1", "2025-cc6", "2025-cc7"}
    (content_dir / "clinics" / "62").rename(content_dir / "clinics" / "63")
    assert problems(content_dir) == ['content/clinics/63/2025-cc1.yaml:2:1: folder clinics/63/: provinsi tidak dikenal'
                                     ' ("63", seharusnya kode provinsi situs ini, "62")']


# ---- Values and targets carry their area --------------------------------------------------------------


def test_each_province_is_judged_against_its_own_targets(national: Content) -> None:
    own = {t.area for t in national.targets if t.area}
    assert own and all(t.scope == "province" for t in national.targets if t.area)
    for area in national.province_statuses:
        targets = {(c.target.scope, c.target.area) for i in area.indicators for c in i.checks}
        regency_targets = {(c.target.scope, c.target.area) for s in area.statuses for i in s.indicators
                           for c in i.checks}
        expected = {("national", None)} | ({("province", area.code)} if area.code in own else set())
        assert targets == expected
        assert regency_targets <= expected
        values = {(i.indicator.id, o.year) for i in area.indicators for o in i.series}
        assert values == {(a.indicator, a.year) for a in national.actuals if a.area == area.code}
    assert {c.target.area for i in national.province_indicators for c in i.checks} == {None}
    assert all(a.area is None for i in national.province_indicators for a in i.series)  # type: ignore[attr-defined]


def test_areas_of_values_and_targets_are_checked(demo_copy: Path) -> None:
    path = demo_copy / "indicators.yaml"
    text = path.read_text()
    first = text.index("area: '")
    code = text[first + 7:first + 9]
    text = text[:first] + "area: '99'" + text[first + 10:]
    text = text.replace(f"  area: '{code}'\n", "", 1)  # a province target without its province
    path.write_text(text)
    found = problems(demo_copy)
    assert any(': targets[' in p and 'area: provinsi tidak dikenal ("99", seharusnya kode provinsi dari'
               ' provinces.yaml' in p for p in found)
    assert any(p.endswith('scope: target provinsi di situs nasional perlu area: kode Kemendagri provinsinya,'
                          ' mis. area: "62"') for p in found)
    with pytest.raises(ValueError, match="target nasional berlaku untuk seluruh Indonesia"):
        Target(indicator="babs", scope="national", start=2025, end=2029, value=0, source="s", area="62")


def test_a_province_has_no_more_regency_files_than_regencies(demo_copy: Path) -> None:
    path = demo_copy / "provinces.yaml"
    content = load_content(Settings(content_dir=demo_copy))
    area = max(content.province_statuses, key=lambda a: a.reported)
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == f"kemendagri_code: '{area.code}'")
    count = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("regency_count:"))
    lines[count] = "  regency_count: 1"
    path.write_text("\n".join(lines) + "\n")
    index = content.provinces.index(area.area)
    assert problems(demo_copy) == [f"content/provinces.yaml:{count + 1}:3: provinces[{index}]"
                                   f".regency_count: lebih kecil dari jumlah berkas kabupaten/kota provinsi ini"
                                   f" (tertulis 1, ada {area.reported} berkas di regencies/)"]


# ---- Areas ------------------------------------------------------------------------------------------------


def test_every_province_is_an_area_and_the_nation_sums_them(national: Content) -> None:
    areas = national.province_statuses
    assert [a.code for a in areas] == sorted(p.kemendagri_code for p in national.provinces)
    nation = national.area_status
    assert nation.level == "national" and nation.expected == sum(a.expected or 0 for a in areas)
    assert nation.reported == sum(a.reported for a in areas) == len(national.statuses)
    for stage in Stage:
        assert nation.stage_counts[stage] == sum(a.stage_counts[stage] for a in areas)
    empty = next(a for a in areas if not a.reported)
    assert empty.m4_share is None and empty.completeness is None and empty.progress_spread is None
    some = next(a for a in areas if a.stage_counts[Stage.M4])
    assert some.m4_share == some.stage_counts[Stage.M4] / (some.expected or 0)
    years = sorted(s.progress_year for s in some.statuses if s.progress_year)
    assert some.progress_spread is not None and some.progress_spread[::2] == (years[0], years[-1])
    assert all(s.province == a.area for a in areas for s in a.statuses)


def test_a_province_site_is_one_area_as_today(content: Content) -> None:
    assert content.province_statuses == []
    own = content.area_status
    assert own.level == "province" and own.area == content.site.province and own.expected is None
    assert list(own.indicators) == content.province_indicators
    assert all(s.province == content.site.province for s in content.statuses)
    assert content.statuses_by_province == [(content.site.province, content.statuses)]


def test_a_report_across_provinces_is_planned_as_volumes(national: Content) -> None:
    everyone = national.clinics_by_date[-1]
    assert everyone.province is None and len(everyone.participants) == REGENCIES
    volumes = national.report_volumes(everyone)
    assert [p.kemendagri_code for p, _ in volumes] == [a.code for a in national.province_statuses if a.reported]
    assert [s.regency.slug for _, sections in volumes for s, _ in sections] == sorted(
        (p.regency for p in everyone.participants), key=lambda slug: national.regency_by_slug[slug].kemendagri_code)
    own = next(c for c in national.clinics if c.province)
    assert national.report_volumes(own) == []  # a province's clinic: one ordinary report


def test_kalteng_reads_as_today_where_nothing_national_applies(site: Path) -> None:
    """The bundled province: its home page is its province page, its regency pages sit under it, its
    data has no national level; only the stage filter and the Data page's counts are new."""
    assert not (site / "provinsi").exists()
    home = (site / "index.html").read_text()
    assert 'class="provinces' not in home and 'class="regencies' in home and 'id="peta"' in home
    assert '<h2 id="provinsi">Provinsi Kalimantan Tengah</h2>' in home
    page = (site / "kabupaten" / "lamandau.html").read_text()
    assert ('<a href="../index.html">Beranda</a> ›\n  <a href="index.html">Kabupaten/Kota</a> › Kab. Lamandau</nav>'
            in page)
    assert 'data-pagefind-filter="Provinsi"' not in page and "<dt>Provinsi</dt>" not in page
    table = list(csv.DictReader(io.StringIO((site / "data" / "indikator.csv").read_text())))
    assert {(r["area_level"], r["province_code"], r["area_name"]) for r in table} == {
        ("province", "62", "Provinsi Kalimantan Tengah")}
    assert "Berkas ini memuat 4 nilai tingkat provinsi dan 0 nilai tingkat kabupaten/kota. Nilai" in (
        site / "data.html").read_text()


def test_kalteng_content_files_are_unchanged_by_the_national_model() -> None:
    """The bundled (provincial) content is valid as it is: no key of the national model is required."""
    content = load_content(Settings(content_dir=CONTENT))
    assert all(a.area is None for a in content.actuals) and all(t.area is None for t in content.targets)
    assert all(c.province is None for c in content.clinics)


# ---- The national website ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def national_site(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_build(tmp_path_factory.mktemp("national-site"), demo, pdf=False)


def from_files(demo: Path) -> tuple[dict[str, int], Counter[str]]:
    """Each province's expected regencies (provinces.yaml) and how many regency files name it, read
    from the content files themselves rather than the model."""
    provinces = yaml.safe_load((demo / "provinces.yaml").read_text())["provinces"]
    expected = {p["kemendagri_code"]: p["regency_count"] for p in provinces}
    files = Counter(yaml.safe_load(path.read_text())["kemendagri_code"].split(".")[0]
                    for path in (demo / "regencies").glob("*.yaml"))
    return expected, files


def test_one_province_page_per_province_in_both_languages(national_site: Path, national: Content) -> None:
    pages = {p.relative_to(national_site).as_posix() for p in national_site.rglob("provinsi/*.html")}
    codes = [p.kemendagri_code for p in national.provinces]
    assert pages == {f"{prefix}provinsi/{code}.html" for code in codes for prefix in ("", "en/")}
    for province in national.provinces:
        page = (national_site / "provinsi" / f"{province.kemendagri_code}.html").read_text()
        english = (national_site / "en" / "provinsi" / f"{province.kemendagri_code}.html").read_text()
        assert f"<h1><span data-pagefind-filter=\"Provinsi\">Provinsi {province.name}</span></h1>" in page
        assert f"<h1><span data-pagefind-filter=\"Province\">{province.name} Province</span></h1>" in english
        assert f'<a href="../index.html">{national.site.province.name}</a> ›' in page
        assert f'href="../data/provinsi/{province.kemendagri_code}.csv"' in page


def test_every_regency_page_names_and_links_its_province(national_site: Path, national: Content) -> None:
    for status in national.statuses:
        province = status.province
        assert province is not None
        link = f'<a href="../provinsi/{province.kemendagri_code}.html"'
        page_id = national_site / "kabupaten" / f"{status.regency.slug}.html"
        page_en = national_site / "en" / "kabupaten" / f"{status.regency.slug}.html"
        for page, name in ((page_id, f"Provinsi {province.name}"), (page_en, f"{province.name} Province")):
            html = page.read_text()
            crumbs = html[html.index('<nav class="crumbs"'):html.index("</nav>", html.index('<nav class="crumbs"'))]
            assert f'<a href="../index.html">{national.site.province.name}</a> ›' in crumbs
            assert f"{link}>{name}</a> ›" in crumbs  # Indonesia › province › regency
            identity = html[html.index('id="identitas"'):html.index("</dl>", html.index('id="identitas"'))]
            assert f"{link} data-pagefind-filter=" in identity and f">{name}</a></dd>" in identity


def test_the_regency_list_folds_each_province_s_names_away(national_site: Path, national: Content) -> None:
    """Not one table of every regency (a hundred screens on a phone): a section per province, linking
    to its page, its regencies' names one click away; the home page lists no regency."""
    listing = (national_site / "kabupaten" / "index.html").read_text()
    for area in national.province_statuses:
        start = listing.index(f'<h2 id="provinsi-{area.code}">')
        section = listing[start:listing.index("</section>", start)]
        assert f'<a href="../provinsi/{area.code}.html">Provinsi {area.area.name}</a>' in section
        assert f"{area.reported} dari {area.expected}" in section
        assert all(f'href="{s.regency.slug}.html"' in section for s in area.statuses)
        assert ("<details>" in section) == bool(area.reported)
    assert 'class="regencies' not in (national_site / "index.html").read_text()


def comparison(html: str) -> tuple[dict[str, list[str]], list[str]]:
    """The comparison table's rows by province name, and its foot: each row's cells as text."""
    table = html[html.index('<table class="provinces'):html.index("</table>", html.index('<table class="provinces'))]

    def cells(row: str) -> list[str]:
        return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                                        row, re.DOTALL)]

    body = table[table.index("<tbody>"):table.index("</tbody>")]
    rows = [cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)]
    foot = cells(table[table.index("<tfoot>"):table.index("</tfoot>")])
    return {row[0]: row[1:] for row in rows}, foot


def test_the_comparison_table_counts_what_the_content_holds(national_site: Path, demo: Path, national: Content) -> None:
    expected, files = from_files(demo)
    rows, foot = comparison((national_site / "index.html").read_text())
    names = {p.name: p.kemendagri_code for p in national.provinces}
    assert set(rows) == set(names)
    for name, cells in rows.items():
        code = names[name]
        assert cells[0] == f"{files[code]} dari {expected[code]}"
        m4 = sum(1 for s in national.statuses if s.province and s.province.kemendagri_code == code
                 and s.regency.ppsp.m4_year is not None and s.regency.ppsp.m4_year <= 2025)
        assert cells[1] == ("belum melapor" if not files[code] else f"{m4} ({round(100 * m4 / expected[code])}%)")
    total, reported = sum(expected.values()), sum(files.values())
    assert foot[0] == national.site.province.name
    assert foot[1] == f"{reported} dari {total}"
    m4 = national.stage_counts[Stage.M4]
    assert foot[2] == f"{m4} ({round(100 * m4 / total)}%)"


def test_a_province_that_has_not_reported_shows_0_of_n(national_site: Path, national: Content) -> None:
    empty = [a for a in national.province_statuses if not a.reported]
    assert empty
    rows, _ = comparison((national_site / "index.html").read_text())
    english, _ = comparison((national_site / "en" / "index.html").read_text())
    for area in empty:
        assert rows[area.area.name][0] == f"0 dari {area.expected}"
        assert english[area.area.name][0] == f"0 of {area.expected}"
        page = (national_site / "provinsi" / f"{area.code}.html").read_text()
        assert f"<strong>0 dari {area.expected}</strong> kabupaten/kota sudah melapor" in page
        assert f"(0 dari {area.expected})" in page
        home = (national_site / "index.html").read_text()
        tile = re.search(rf'<g class="tile" data-code="{area.code}" data-band="(\d)"', home)
        assert tile is not None and tile[1] == "0"


def test_open_data_follows_the_hierarchy(national_site: Path, national: Content) -> None:
    table = list(csv.DictReader(io.StringIO((national_site / "data" / "indikator.csv").read_text())))
    assert list(table[0])[:3] == ["area_level", "province_code", "province_name"]
    levels = Counter(r["area_level"] for r in table)
    assert set(levels) == {"national", "province", "regency"}
    assert dict(levels) == {level: n for level, n in national.value_counts.items() if n}
    names = {p.kemendagri_code: p.name for p in national.provinces}
    for row in table:
        if row["area_level"] == "national":
            assert row["province_code"] == row["province_name"] == ""
            assert row["area_name"] == national.site.province.name
        else:
            assert row["area_code_kemendagri"].split(".")[0] == row["province_code"]
            assert row["province_name"] == names[row["province_code"]]
    for code in names:
        own = list(csv.DictReader(io.StringIO((national_site / "data" / "provinsi" / f"{code}.csv").read_text())))
        assert own == [r for r in table if r["province_code"] == code]
    regencies = list(csv.DictReader(io.StringIO((national_site / "data" / "kabupaten.csv").read_text())))
    assert all(r["kemendagri_code"].startswith(r["province_code"] + ".") and r["province_name"] == names[
        r["province_code"]] for r in regencies)
    data_page = (national_site / "data.html").read_text()
    assert (f"Berkas ini memuat {levels['national']} nilai tingkat nasional, {levels['province']} nilai tingkat"
            f" provinsi, dan {levels['regency']} nilai tingkat kabupaten/kota.") in data_page
    derived = json.loads((national_site / "data" / "ssk-report.json").read_text())["derived"]
    assert [(p["kemendagri_code"], p["reported"], p["expected"]) for p in derived["provinces"]] == [
        (a.code, a.reported, a.expected) for a in national.province_statuses]


def test_wording_follows_the_scope(national_site: Path) -> None:
    """A national site never calls the nation a province, in any page, feed or download."""
    for path in national_site.rglob("*"):
        if path.suffix in (".html", ".xml", ".csv", ".json", ".txt"):
            text = path.read_text()
            assert "Provinsi Indonesia" not in text and "Indonesia [SINTETIS] Province" not in text, path
    clinics = (national_site / "klinik" / "index.html").read_text()
    assert "Sebuah <i>coaching clinic</i> diadakan oleh Pokja PPSP provinsi bagi kabupaten/kotanya" in clinics


def test_search_can_filter_by_province_and_stage(national_site: Path, national: Content) -> None:
    status = national.statuses[0]
    page = (national_site / "kabupaten" / f"{status.regency.slug}.html").read_text()
    assert re.search(r'data-pagefind-filter="Tahap">(M4|M1–M3|Belum diketahui)<', page)
    assert f'data-pagefind-filter="Provinsi">Provinsi {status.province.name}<' in page  # type: ignore[union-attr]
    found = {key: b"" for key in (b"Provinsi", b"Tahap", b"Province", b"Milestone")}
    for path in (national_site / "pagefind").rglob("*.pf_filter"):
        data = gzip.decompress(path.read_bytes())
        for key in found:
            if key in data:
                found[key] += data
    assert all(found.values()), [k for k, v in found.items() if not v]
    assert all(f"Provinsi {a.area.name}".encode() in found[b"Provinsi"] for a in national.province_statuses)
    assert all(label in found[b"Tahap"] for label in (b"M4", "M1–M3".encode(), b"Belum diketahui"))


# ---- The province map's geometry (charts.province_map) ------------------------------------------------------


def test_share_bands_are_fifths_and_unknown_is_its_own() -> None:
    assert [charts.share_band(s) for s in (None, 0, 0.199, 0.2, 0.39, 0.4, 0.6, 0.79, 0.8, 1.0)] == [
        0, 1, 1, 2, 2, 3, 4, 4, 5, 5]


def test_province_map_lays_regions_west_to_east_in_columns(whole: Content) -> None:
    drawn = charts.province_map(whole.province_statuses)
    tiles = {t.status.code: t for t in drawn.tiles}
    assert len(tiles) == 38
    # A region (the code's first digit) fills columns west to east, PER_COLUMN tiles at most, in code order.
    by_column: dict[int, list[str]] = {}
    for tile in drawn.tiles:
        by_column.setdefault(tile.column, []).append(tile.status.code)
    assert all(len(codes) <= charts.PER_COLUMN and codes == sorted(codes) for codes in by_column.values())
    assert all(len({code[0] for code in codes}) == 1 for codes in by_column.values())
    firsts = [codes[0][0] for _, codes in sorted(by_column.items())]
    assert firsts == sorted(firsts)  # Sumatra (1) first, Papua (9) last
    assert [c for c, codes in by_column.items() if codes[0].startswith("1")] == [0, 1]  # nine Sumatran: 6 + 3
    assert tiles["11"].x < tiles["31"].x < tiles["62"].x < tiles["94"].x
    assert tiles["11"].y < tiles["12"].y and tiles["11"].column == tiles["12"].column
    # Nothing overlaps, everything is inside the picture, the legend under the tiles.
    boxes = [charts.Box(t.x, t.y, t.x + drawn.tile_width, t.y + drawn.tile_height) for t in drawn.tiles]
    assert all(a.overlap(b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(b.left >= 0 and b.right <= drawn.width and b.bottom <= drawn.legend_y for b in boxes)
    assert [e.band for e in drawn.legend] == [0, 1, 2, 3, 4, 5]
    assert all(e.x >= 0 and e.text_x + 100 <= drawn.width + 1 for e in drawn.legend)
    assert drawn.legend_y + max(e.y for e in drawn.legend) + 14 <= drawn.height
    for tile in drawn.tiles:
        assert tile.band == charts.share_band(tile.status.m4_share)
        assert tile.light == (tile.band < charts.DARK_FROM)
        assert all(tile.y < y < tile.status_y for _, y in tile.lines)


def test_a_narrow_province_map_folds_its_legend_into_rows(national: Content) -> None:
    few = [a for a in national.province_statuses][:2]
    drawn = charts.province_map(few)
    assert drawn.width >= 2 * charts.MAP_PAD + 2 * 124
    rows = {e.y for e in drawn.legend}
    assert len(rows) > 1 and all(e.text_x + 100 <= drawn.width + 1 for e in drawn.legend)


def test_the_search_page_filters_by_province(national_site: Path, national: Content, browser: Browser) -> None:  # noqa: F811
    """Pagefind's interface lists the filters beside the results; a province's filter keeps its
    regencies and its own page."""
    handler = functools.partial(QuietHandler, directory=str(national_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, base)
    area = max(national.province_statuses, key=lambda a: a.reported)
    try:
        page.goto(base + "cari.html")
        page.fill("#cari input", "Sintetis")
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
        assert page.locator(".pagefind-ui__filter-name").all_inner_texts() == ["Provinsi", "Tahap"]
        page.locator("summary.pagefind-ui__filter-name", has_text="Provinsi").click()
        page.get_by_label(re.compile(rf"^Provinsi {re.escape(area.area.name)} \(\d+\)$")).check()
        message = page.locator(".pagefind-ui__message")
        message.filter(has_text=f"{area.reported + 1} hasil").wait_for(timeout=10_000)
        assert watch.problems == []
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()


# ---- A report across provinces: a summary and a volume per province ------------------------------------------


def test_a_report_across_provinces_is_a_summary_and_a_volume_per_province(demo_copy: Path) -> None:
    site_yaml = demo_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("base_url: null", "base_url: https://ppsp.example.go.id/"))
    content = load_content(Settings(content_dir=demo_copy))
    site_plan = plan.plan(content)
    everyone = content.clinics_by_date[-1]
    volumes = content.report_volumes(everyone)
    for lang, reports in (("id", "laporan"), ("en", "en/report")):
        documents = [d for d in site_plan.documents if d.lang == lang and d.key.startswith(f"report:{everyone.slug}")]
        assert [d.path for d in documents] == [f"{reports}/{everyone.slug}.pdf", *(
            f"{reports}/{everyone.slug}/{p.kemendagri_code}.pdf" for p, _ in volumes)]
        summary, *parts = documents
        assert summary.archive and summary.variant == "pdf/ua-1"
        assert all(d.variant == "pdf/ua-1" and d.archive is None for d in parts)  # ordinary tagged PDFs
        html = render_output(content, summary, site_plan)
        assert 'class="regency"' not in html  # the regencies' sections are in the volumes
        for part in parts:
            assert f'<a class="url" href="https://ppsp.example.go.id/{part.path}">' in html
        for part, (province, sections) in zip(parts, volumes, strict=True):
            assert isinstance(part.subject, plan.Volume) and part.subject.province == province
            text = render_output(content, part, site_plan)
            own = re.findall(r'<section id="kab-([a-z0-9-]+)" class="regency">', text)
            assert own == [status.regency.slug for status, _ in sections]
            assert all(content.province_of(content.regency_by_slug[slug]) == province for slug in own)
            assert f'<a class="url" href="https://ppsp.example.go.id/{summary.path}">' in text
    # The website links them: the clinic's page lists every volume, a province's page its own.
    clinic_page = render_output(content, site_plan.by_path[f"klinik/{everyone.slug}.html"], site_plan)
    assert all(f'href="../laporan/{everyone.slug}/{p.kemendagri_code}.pdf"' in clinic_page for p, _ in volumes)
    code = volumes[0][0].kemendagri_code
    province_page = render_output(content, site_plan.by_path[f"provinsi/{code}.html"], site_plan)
    assert f'href="../laporan/{everyone.slug}/{code}.pdf">Jilid laporan provinsi ini (PDF)' in province_page
    own_clinic = next(c for c in content.clinics if c.province)
    assert [d.path for d in site_plan.documents if d.key.startswith(f"report:{own_clinic.slug}")] == [
        f"laporan/{own_clinic.slug}.pdf", f"en/report/{own_clinic.slug}.pdf"]  # one province: one report


class Collected:
    """Where the PDF product writes, kept in memory."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, relative: str, data: bytes) -> None:
        self.files[relative] = data


def volumes_made(content_dir: Path, store: Path, workers: int,
                 method: str | None = None) -> tuple[dict[str, bytes], int]:
    """The volumes of the content's reports as the build makes them (the PDF product, its pool and
    store), and how many were laid out anew."""
    prepared = prepare(Settings(content_dir, TEMPLATES, store.parent / "unused", cache_dir=store))
    assert prepared is not None
    volumes = tuple(d for d in prepared.context.plan.documents if d.template == plan.VOLUME_TEMPLATE)
    context = dataclasses.replace(prepared.context, plan=plan.Plan((), volumes))
    out, kept = Collected(), Store(store)
    with parallel.Pool(workers, context, method) as pool:
        tally = Pdfs(context, pool).start(kept).publish(out, kept)  # type: ignore[arg-type]
    kept.save()
    return out.files, tally.made


@pytest.fixture
def small(demo_copy: Path, national: Content) -> Path:
    """Three provinces of two regencies each, and one clinic that names them all: three volumes."""
    areas = [a for a in national.province_statuses if a.reported >= 2][:3]
    keep = [s.regency.slug for a in areas for s in a.statuses[:2]]
    for path in (demo_copy / "regencies").glob("*.yaml"):
        if path.stem not in keep:
            path.unlink()
    for path in list((demo_copy / "clinics").iterdir()):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.name != "2025-cc4.yaml":
            path.unlink()
    clinic = yaml.safe_load((demo_copy / "clinics" / "2025-cc4.yaml").read_text())
    clinic["participants"] = [{"regency": slug, "progress_year": None} for slug in keep]
    clinic["action_items"] = [dict(item, regency=keep[0]) for item in clinic["action_items"]]
    (demo_copy / "clinics" / "2025-cc4.yaml").write_text(yaml.safe_dump(clinic, allow_unicode=True, sort_keys=False))
    return demo_copy


def test_volumes_bytes_do_not_depend_on_the_worker_count_and_an_edit_makes_one_again(
        small: Path, tmp_path: Path) -> None:
    """Each volume is a document of its own: laid out by one worker here or by two forked ones, the
    same bytes; after one regency's edit, only its province's volume (in each language) is made again."""
    alone, made = volumes_made(small, tmp_path / "one" / "store", 1)
    assert made == len(alone) == 6  # three provinces, two languages
    shared, _ = volumes_made(small, tmp_path / "two" / "store", 2, "fork")
    assert shared == alone
    for path, data in alone.items():  # each an ordinary tagged PDF, its title naming its province
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root and "/Lang" in root
        code = PurePosixPath(path).stem
        assert reader.metadata is not None and f"Sintetis {code}" in str(reader.metadata.title)
    edited = sorted((small / "regencies").glob("*.yaml"))[0]
    edited.write_text(edited.read_text().replace("capital: Ibu Kota Sintetis", "capital: Ibu Kota Baru Sintetis"))
    again, made = volumes_made(small, tmp_path / "one" / "store", 1)
    changed = {path for path in alone if again[path] != alone[path]}
    assert made == len(changed) == 2 and len({PurePosixPath(p).stem for p in changed}) == 1


def test_a_province_clinic_follows_its_own_province_s_clinics(national: Content) -> None:
    """The follow-up of a province's clinic is that province's previous clinic of the series, never
    another province's (nor a national one)."""
    own = [c for c in national.clinics if c.province]
    assert len(own) == 2 and own[0].milestone_focus == own[1].milestone_focus
    later = max(own, key=lambda c: (c.start, c.number, c.province or ""))
    assert national.previous_clinic(later) is None
    national_ones = [c for c in national.clinics_by_date if c.province is None]
    assert national.previous_clinic(national_ones[-1]) == national_ones[-2]


def test_new_clinic_of_a_province_goes_in_its_folder(demo_copy: Path, national: Content,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = national.province_statuses[0].code
    assert main(["new", "clinic", "2026", "1", "--provinsi", code, "--content", str(demo_copy)]) == 0
    assert (demo_copy / "clinics" / code / "2026-cc1.yaml").is_file()
    capsys.readouterr()
    assert main(["validate", "--content", str(demo_copy), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert {p["field"] for p in problems} == {"start", "end", "organiser"}
    assert all(p["file"].endswith(f"clinics/{code}/2026-cc1.yaml") for p in problems)
    assert main(["new", "clinic", "2026", "2", "--provinsi", "6x", "--content", str(demo_copy)]) == 2
    assert "kode provinsi '6x' tidak valid" in capsys.readouterr().err


def test_the_json_schemas_hold_the_national_content_files(demo: Path) -> None:
    """provinces.yaml, values and targets with their area, and a province's clinic (no `province` key:
    its folder says it) conform to the schemas the Data folder publishes."""
    schemas = opendata.schemas()
    jsonschema.Draft202012Validator.check_schema(schemas["provinces"])
    code = sorted(p.name for p in (demo / "clinics").iterdir() if p.is_dir())[0]
    for kind, path in (("provinces", "provinces.yaml"), ("indicators", "indicators.yaml"),
                       ("clinic", f"clinics/{code}/2025-cc1.yaml"), ("site", "site.yaml")):
        checker = jsonschema.Draft202012Validator(schemas[kind])
        data = json.loads(json.dumps(yaml.safe_load((demo / path).read_text()), default=str))
        assert [e.message for e in checker.iter_errors(data)] == [], path
    clinic = jsonschema.Draft202012Validator(schemas["clinic"])
    data = json.loads(json.dumps(yaml.safe_load((demo / "clinics" / code / "2025-cc1.yaml").read_text()), default=str))
    assert list(clinic.iter_errors({**data, "province": code}))
