"""Charts and the schematic map: each picture holds the numbers it claims, says "belum ada data" where
there is none, is accessible (title, description, a table first), and map.yaml is checked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest

from ssk_report import plan, render
from ssk_report.build import Settings, load_content
from ssk_report.errors import ContentError
from ssk_report.model import Content

from .conftest import TEMPLATES, run_build

SVG = "{http://www.w3.org/2000/svg}"


def page(site: Path, name: str) -> ET.Element:
    return html5lib.parse((site / name).read_text(), namespaceHTMLElements=False)


def figure(root: ET.Element, id: str) -> ET.Element:
    found = root.find(f".//figure[@id='{id}']")
    assert found is not None, f"no figure #{id}"
    return found


def svg_of(fig: ET.Element) -> ET.Element:
    found = fig.find(f".//{SVG}svg")
    assert found is not None
    return found


def texts(element: ET.Element) -> list[str]:
    return [" ".join("".join(t.itertext()).split()) for t in element.iter(f"{SVG}text")]


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def number(value: str | None) -> float:
    assert value is not None
    return float(value)


# ---- Province charts ------------------------------------------------------------------------------


def test_stage_chart_shows_10_m4_2_m1_m3_and_2_unknown(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "grafik-tahap")
    bars = {b.get("data-stage"): int(b.get("data-count") or 0) for b in svg_of(fig).iter(f"{SVG}rect")
            if b.get("class") == "bar"}
    assert bars == {"m4": 10, "m1_m3": 2, "unknown": 2}
    assert bars == {stage.value: n for stage, n in content.stage_counts.items()}
    counts = [t for t in svg_of(fig).iter(f"{SVG}text") if t.get("class") == "count"]
    assert [text_of(t) for t in counts] == ["10", "2", "2"]
    widths = {b.get("data-stage"): number(b.get("width")) for b in svg_of(fig).iter(f"{SVG}rect")
              if b.get("class") == "bar"}
    assert widths["m4"] == pytest.approx(5 * widths["m1_m3"], rel=0.01)  # bar length proportional to count
    table = text_of(fig.find(".//table"))  # type: ignore[arg-type]
    assert "Kab. Kapuas" in table and "Kota Palangka Raya" in table


def test_progress_chart_counts_regencies_per_progress_year(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "grafik-progres")
    bars = [(b.get("data-label"), int(b.get("data-count") or 0)) for b in svg_of(fig).iter(f"{SVG}rect")
            if b.get("class") == "bar"]
    assert bars == [(f"Tahun ke-{year}", n) for year, n in content.progress_year_counts.items()]
    assert "Kab. Kotawaringin Barat" in text_of(fig.find(".//table"))  # type: ignore[arg-type]


def test_province_ald_aman_chart_marks_both_years_and_every_target(site: Path) -> None:
    fig = figure(page(site, "index.html"), "grafik-indikator-ald_aman")
    svg = svg_of(fig)
    points = {int(c.get("data-year") or 0): c for c in svg.iter(f"{SVG}circle") if c.get("class") == "value"}
    assert {year: number(c.get("data-value")) for year, c in points.items()} == {2023: 11.16, 2024: 11.07}
    targets = {(t.get("data-scope"), t.get("data-start"), t.get("data-end")): t
               for t in svg.iter(f"{SVG}line") if t.get("class") == "target"}
    assert {k: number(t.get("data-value")) for k, t in targets.items()} == {
        ("national", "2020", "2024"): 15, ("national", "2025", "2029"): 30, ("province", "2025", "2029"): 20}
    labels = texts(svg)
    assert {"11,16%", "11,07%", "Target provinsi 2025–2029: 20%", "Target nasional 2025–2029: 30%"} <= set(labels)
    # Positions agree with the values: higher values are higher up (smaller y).
    y = {k: number(t.get("y1")) for k, t in targets.items()}
    assert y[("national", "2025", "2029")] < y[("province", "2025", "2029")] < y[("national", "2020", "2024")]
    assert y[("national", "2020", "2024")] < number(points[2023].get("cy")) < number(points[2024].get("cy"))
    # ...and the years run left to right, each target spanning its own period.
    province_from = number(targets[("province", "2025", "2029")].get("x1"))
    assert number(points[2023].get("cx")) < number(points[2024].get("cx")) < province_from


def test_province_indicators_without_values_say_belum_ada_data(site: Path) -> None:
    home = page(site, "index.html")
    assert {f.get("id") for f in home.iter("figure") if "chart-indicator" in (f.get("class") or "")} == {
        "grafik-indikator-ald_layak", "grafik-indikator-ald_aman", "grafik-indikator-babs"}
    empty = text_of(home.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk indikator berikut di Provinsi Kalimantan Tengah:")
    for name in ("Rumah tangga terlayani pengumpulan sampah", "Sampah terolah di fasilitas",
                 "Desa/Kelurahan Stop BABS (SBS)"):
        assert name in empty


def test_english_charts_use_english_numbers_and_words(site: Path) -> None:
    labels = texts(svg_of(figure(page(site, "en/index.html"), "grafik-indikator-ald_aman")))
    assert {"11.16%", "11.07%", "Provincial target 2025–2029: 20%", "National target 2025–2029: 30%"} <= set(labels)


# ---- Regency charts --------------------------------------------------------------------------------


def test_regency_without_indicator_data_renders_the_no_data_state(site: Path) -> None:
    lamandau = page(site, "kabupaten/lamandau.html")
    assert not [f for f in lamandau.iter("figure") if "chart-indicator" in (f.get("class") or "")]
    empty = text_of(lamandau.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk semua indikator di Kab. Lamandau:")


def test_regency_with_a_value_gets_its_chart(tmp_path: Path, content_dir: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace(
        "indicators: {}",
        "indicators:\n  ald_aman:\n    - {year: 2024, value: 8.5, source: kaltengsatunusantara-2024}"))
    out = run_build(tmp_path, content_dir, pdf=False)
    lamandau = page(out, "kabupaten/lamandau.html")
    svg = svg_of(figure(lamandau, "grafik-indikator-ald_aman"))
    assert [(c.get("data-year"), c.get("data-value")) for c in svg.iter(f"{SVG}circle")] == [("2024", "8.5")]
    assert "8,5%" in texts(svg)
    assert "Kab. Lamandau" in text_of(svg.find(f"{SVG}title"))  # type: ignore[arg-type]
    empty = text_of(lamandau.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk indikator berikut") and "Akses sanitasi aman" not in empty


def test_timeline_shows_each_year_stage_and_progress(site: Path) -> None:
    fig = figure(page(site, "kabupaten/kotawaringin-barat.html"), "grafik-tahapan")
    cells = [(r.get("data-year"), r.get("data-stage")) for r in svg_of(fig).iter(f"{SVG}rect")
             if r.get("class") == "year"]
    assert cells == [("2020", "unknown"), *((str(y), "m4") for y in range(2021, 2026))]
    labels = texts(svg_of(fig))
    assert "th. ke-1" in labels and "th. ke-5" in labels and "tahun acuan" in labels
    assert "2025: M4, tahun ke-5." in text_of(svg_of(fig).find(f"{SVG}desc"))  # type: ignore[arg-type]


def test_timeline_without_cohort_years_says_belum_ada_data(site: Path) -> None:
    pulang_pisau = page(site, "kabupaten/pulang-pisau.html")
    assert pulang_pisau.find(".//figure[@id='grafik-tahapan']") is None
    notes = [text_of(p) for p in pulang_pisau.iter("p") if p.get("class") == "empty"]
    assert any("Data tahun M1–M3 dan M4 belum ada" in n for n in notes)


# ---- Accessibility of every chart -------------------------------------------------------------------


def test_every_chart_has_title_desc_and_its_table_first(site: Path) -> None:
    seen = 0
    for path in sorted(site.rglob("*.html")):
        root = page(site, path.relative_to(site).as_posix())
        for fig in root.iter("figure"):
            if "chart" not in (fig.get("class") or "").split():
                continue
            seen += 1
            order = [e for e in fig.iter() if e.tag in ("table", f"{SVG}svg")]
            assert [e.tag for e in order][:2] == ["table", f"{SVG}svg"], f"{path}: table before the picture"
            svg = order[1]
            assert svg.get("role") in ("img", "group")
            ids = (svg.get("aria-labelledby") or "").split()
            assert [svg.find(f"*[@id='{i}']").tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]  # type: ignore[union-attr]
            assert all(text_of(svg.find(f"*[@id='{i}']")) for i in ids)  # type: ignore[arg-type]
            assert fig.find("figcaption") is not None
    assert seen >= 2 * (1 + 2 + 3 + 12)  # map, stage and progress, 3 indicators; 12 timelines; both languages


def test_no_chart_uses_a_script_or_an_outside_file(site: Path) -> None:
    home = (site / "index.html").read_text()
    assert "<script" not in home and "xlink:href" not in home
    assert re.findall(r'fill="url\(#([\w-]+)\)"', home)  # patterns are defined inline, per chart
    for pattern in set(re.findall(r'fill="url\(#([\w-]+)\)"', home)):
        assert f'id="{pattern}"' in home


# ---- The schematic map --------------------------------------------------------------------------


def test_map_has_one_linked_tile_per_regency_and_says_it_is_schematic(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "peta")
    svg = svg_of(fig)
    tiles = {g.get("data-slug"): g.get("data-stage") for g in svg.iter(f"{SVG}g") if g.get("class") == "tile"}
    assert tiles == {s.regency.slug: s.stage.value for s in content.statuses}
    links = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert links == {f"kabupaten/{slug}.html" for slug in tiles}
    assert "Peta skematis, bukan batas wilayah sebenarnya" in text_of(fig.find("figcaption"))  # type: ignore[arg-type]
    assert "Peta skematis" in text_of(svg.find(f"{SVG}title"))  # type: ignore[arg-type]
    legend = texts(svg)
    assert {"M4", "M1–M3", "Belum diketahui"} <= set(legend)
    assert "Sukamara" in legend and "M4 · tahun ke-4" in legend


def test_map_and_charts_in_the_report_have_no_links(content: Content) -> None:
    """PDFs never link to website pages; the charts are the same macros with `link=false`."""
    site_plan = plan.plan(content)
    report = next(o for o in site_plan.documents if o.path == "laporan/2025-cc7.pdf")
    html = render.render_html(render.environments(TEMPLATES), report, content, site_plan)
    root = html5lib.parse(html, namespaceHTMLElements=False)
    for id in ("peta", "grafik-tahap", "grafik-progres", "grafik-indikator-ald_aman"):
        fig = figure(root, id)
        assert not list(fig.iter("a")) and not list(fig.iter(f"{SVG}a")), id
    assert svg_of(figure(root, "peta")).get("role") == "img"


def test_map_is_optional(tmp_path: Path, content_dir: Path) -> None:
    (content_dir / "map.yaml").unlink()
    out = run_build(tmp_path, content_dir, pdf=False)
    assert page(out, "index.html").find(".//figure[@id='peta']") is None
    assert page(out, "index.html").find(".//figure[@id='grafik-tahap']") is not None


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  lamandau: [0, 1]", "  lamandau: [1, 1]",
     "content/map.yaml:12:3: tiles.seruyan: sel [1, 1] sudah dipakai oleh lamandau (baris 11); pilih sel lain"),
    ("  lamandau: [0, 1]", "  lamandu: [0, 1]",  # problems are listed in line order
     "content/map.yaml:9:1: tiles: kabupaten/kota belum ditempatkan di peta: lamandau"
     " (tambahkan baris 'slug: [kolom, baris]' untuk masing-masing)\n"
     "content/map.yaml:11:3: tiles.lamandu: kabupaten/kota tidak dikenal (\"lamandu\", seharusnya salah satu dari: "
     "barito-selatan, barito-timur, barito-utara, gunung-mas, kapuas, katingan, kotawaringin-barat, "
     "kotawaringin-timur, lamandau, murung-raya, palangka-raya, pulang-pisau, seruyan, sukamara)"),
    ("  lamandau: [0, 1]\n", "",
     "content/map.yaml:9:1: tiles: kabupaten/kota belum ditempatkan di peta: lamandau"
     " (tambahkan baris 'slug: [kolom, baris]' untuk masing-masing)"),
    ("  lamandau: [0, 1]", "  lamandau: [0]",
     "content/map.yaml:11:3: tiles.lamandau: posisi harus [kolom, baris], dua bilangan bulat 0 sampai 49"
     " (tertulis [0])"),
    ("layout: tile-grid", "layout: choropleth",
     "content/map.yaml:5:1: layout: nilai tidak dikenal (tertulis \"choropleth\","
     " seharusnya salah satu dari: 'tile-grid')"),
])
def test_map_yaml_problems_are_located_and_explained(content_dir: Path, edit: Callable[[str, str, str], None],
                                                     old: str, new: str, expected: str) -> None:
    edit("map.yaml", old, new)
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    messages = [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]
    assert messages == expected.split("\n")
