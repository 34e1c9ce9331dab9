"""What readers of progress-reporting sites ask for (issue 24): a page per indicator with every regency
ranked, the figures and the picture of every chart as files, one reproducible ZIP of every download,
an accessibility statement, and social cards."""

from __future__ import annotations

import csv
import io
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml

from ssk_report import plan
from ssk_report.model import Content, Text
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT, add_regency_values, render_output, run_build, site_pages

Values = dict[str, dict[str, dict[int, float]]]


@pytest.fixture(scope="module")
def valued(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Values]:
    """The bundled content with labelled synthetic regency values, built once without PDFs."""
    root = tmp_path_factory.mktemp("valued")
    shutil.copytree(CONTENT, root / "content")
    values = add_regency_values(root / "content")
    return run_build(root, root / "content", pdf=False), values


def parse(path: Path) -> ET.Element:
    return html5lib.parse(path.read_text(), namespaceHTMLElements=False)


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def indicators() -> list[dict[str, Any]]:
    return yaml.safe_load((CONTENT / "indicators.yaml").read_text())["indicators"]  # type: ignore[no-any-return]


def codes() -> dict[str, str]:
    return {p.stem: yaml.safe_load(p.read_text())["kemendagri_code"] for p in (CONTENT / "regencies").glob("*.yaml")}


def expected_ranking(values: Values, indicator: dict[str, Any]) -> tuple[int | None, list[tuple[int, str]]]:
    """The latest year with any value and (rank, slug) best first, worked out here from the values."""
    own = {slug: v[indicator["id"]] for slug, v in values.items() if indicator["id"] in v}
    year = max((y for series in own.values() for y in series), default=None)
    code = codes()
    measured = sorted(((series[year], slug) for slug, series in own.items() if year in series),
                      key=lambda p: (-p[0] if indicator["better"] == "up" else p[0], code[p[1]]))
    ranked: list[tuple[int, str]] = []
    for n, (value, slug) in enumerate(measured, start=1):
        tied = ranked and measured[n - 2][0] == value
        ranked.append((ranked[-1][0] if tied else n, slug))
    return year, ranked


# ---- A page per indicator ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_indicator_has_its_page_in_both_languages_and_the_index_links_them(site: Path, prefix: str) -> None:
    index = parse(site / prefix / "indikator" / "index.html")
    links = [a.get("href") for a in index.iter("a")]
    for indicator in indicators():
        page = parse(site / prefix / "indikator" / f"{indicator['id']}.html")
        h1 = page.find(".//h1")
        assert h1 is not None and text_of(h1) == indicator["name"]["en" if prefix else "id"]
        assert f"{indicator['id']}.html" in links
    home, regency = (parse(site / prefix / name) for name in ("index.html", "kabupaten/lamandau.html"))
    assert "indikator/index.html" in [a.get("href") for a in home.iter("a")]  # the menu
    for indicator in indicators():
        assert f"indikator/{indicator['id']}.html" in [a.get("href") for a in home.iter("a")]
        assert f"../indikator/{indicator['id']}.html" in [a.get("href") for a in regency.iter("a")]


def test_indicator_page_says_what_it_measures_with_unit_direction_subsector_and_sources(site: Path) -> None:
    page = parse(site / "indikator" / "babs.html")
    dl = page.find(".//dl[@class='facts']")
    assert dl is not None
    facts = dict(zip((text_of(e) for e in dl.iter("dt")), (text_of(e) for e in dl.iter("dd")), strict=True))
    assert facts["Subsektor"] == "Air limbah domestik" and facts["Satuan"] == "persen (%)"
    assert facts["Arah yang lebih baik"] == "makin rendah makin baik"
    assert facts["Nilai provinsi terbaru"].startswith("2,53% (2023; sumber:")  # its year and source
    lead = page.find(".//p[@class='lead']")
    assert lead is not None and "buang air besar sembarangan" in text_of(lead)
    sources = [text_of(li) for li in page.iterfind(".//ol[@class='sources']/li")]
    assert any("RPJMN" in s and "2020–2024" in s for s in sources)  # the target's plan
    # The province against every target, with no regency values yet: no ranking, every regency unknown.
    assert page.find(".//figure[@id='grafik-provinsi']") is not None
    assert page.find(".//figure[@id='grafik-peringkat']") is None
    unranked = page.find(".//ul[@class='unranked']")
    assert unranked is not None and len(list(unranked)) == 14


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_ranking_holds_exactly_the_regencies_with_a_value_for_the_latest_year_in_order(
        valued: tuple[Path, Values], prefix: str) -> None:
    out, values = valued
    for indicator in indicators():
        year, ranked = expected_ranking(values, indicator)
        page = parse(out / prefix / "indikator" / f"{indicator['id']}.html")
        figure = page.find(".//figure[@id='grafik-peringkat']")
        unranked = page.find(".//ul[@class='unranked']")
        listed = [a.get("href", "").split("/")[-1].removesuffix(".html") for a in (unranked or []).iter("a")]
        if not ranked:
            assert figure is None and len(listed) == 14, indicator["id"]
            continue
        assert figure is not None, indicator["id"]
        rows = [[cell for cell in row] for row in figure.iterfind(".//tbody/tr")]
        got = [(int(text_of(r[0])), r[1].find("data").get("value")) for r in rows]  # type: ignore[union-attr]
        assert got == ranked, indicator["id"]
        assert {text_of(r[3]) for r in rows} == {str(year)}
        assert sorted(listed) == sorted(set(values) - {slug for _, slug in ranked})  # "belum ada data"
        bars = [rect.get("data-slug") for rect in figure.iter("{http://www.w3.org/2000/svg}rect")
                if rect.get("class") == "rank"]
        assert bars == [slug for _, slug in ranked if values[slug][indicator["id"]][year]], indicator["id"]
    # The synthetic values exercise what matters: a tie, an older value left unranked, lower is better.
    layak_year, layak = expected_ranking(values, indicators()[0])
    assert layak_year == 2024 and len({rank for rank, _ in layak}) < len(layak)


def test_unranked_regency_shows_its_older_value_and_a_regency_page_links_the_indicators(
        valued: tuple[Path, Values]) -> None:
    out, values = valued
    older = next(slug for slug, v in values.items() if "ald_layak" in v and 2024 not in v["ald_layak"])
    unranked = parse(out / "indikator" / "ald_layak.html").find(".//ul[@class='unranked']")
    assert unranked is not None
    entry = next(text_of(li) for li in unranked if f"{older}.html" in ET.tostring(li, encoding="unicode"))
    assert "nilai terakhir:" in entry and "2023" in entry


# ---- The figures and the picture beside every chart ---------------------------------------------

IDENTIFIERS = {"name", "source_id"}  # columns a CSV may hold besides the table's (the table shows them otherwise)


def check_charts(out: Path) -> int:
    """Every chart on every page: its CSV link resolves and the CSV's rows (this chart's, where the file
    serves several) equal its data table's, column by column; its SVG link resolves to the picture the
    page draws. Returns how many charts were checked."""
    checked = 0
    for page_path in site_pages(out):
        page = parse(page_path)
        for figure in page.iter("figure"):
            if "chart" not in (figure.get("class") or "").split():
                continue
            where = f"{page_path.relative_to(out)}#{figure.get('id')}"
            link = figure.find(".//a[@class='chart-csv']")
            assert link is not None, where
            target = (page_path.parent / (link.get("href") or "")).resolve()
            assert target.is_file() and target.is_relative_to(out / "data" / "grafik"), where
            reader = csv.DictReader(io.StringIO(target.read_text()))
            rows = list(reader)
            part = figure.get("data-part")
            if part:
                rows = [r for r in rows if r.pop("indicator") == part]
            table = figure.find(".//table")
            assert table is not None, where
            columns = [name for th in table.iterfind("./thead/tr/th") for name in (th.get("data-column") or "").split()]
            header = [c for c in reader.fieldnames or [] if not (part and c == "indicator")]
            assert set(columns) <= set(header) and set(header) - set(columns) <= IDENTIFIERS, where
            shown = []
            for tr in table.iterfind("./tbody/tr"):
                shown.append([value for cell in tr for value in (
                    [d.get("value") for d in cell.iter("data")] or [text_of(cell)])])
            assert [[r[c] for c in columns] for r in rows] == shown, where
            picture = figure.find(".//a[@class='chart-picture']")
            assert picture is not None, where
            svg = page_path.parent / (picture.get("href") or "")
            drawn = svg.read_text()
            assert drawn.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '), where
            ET.fromstring(drawn)  # noqa: S314 - our own output; raises unless it is well-formed XML
            assert drawn.split("\n", 1)[1].rstrip("\n") in page_path.read_text(), where  # the very picture
            checked += 1
    return checked


def test_every_chart_links_its_figures_and_its_picture(site: Path, valued: tuple[Path, Values]) -> None:
    assert check_charts(site) > 30
    out, _ = valued
    assert check_charts(out) > check_charts(site)  # regency indicator charts and rankings too
    assert (out / "indikator" / "ald_layak-grafik-peringkat.svg").is_file()
    assert (out / "en" / "kabupaten" / "lamandau-grafik-tahapan.svg").is_file()


def test_chart_files_are_few_and_in_the_data_package(valued: tuple[Path, Values]) -> None:
    """One CSV per chart kind and area: five for the site, at most two per regency."""
    out, _ = valued
    chart_csvs = sorted(p.relative_to(out / "data").as_posix() for p in (out / "data" / "grafik").rglob("*.csv"))
    site_wide = [p for p in chart_csvs if not p.startswith("grafik/kabupaten/")]
    assert site_wide == ["grafik/indikator.csv", "grafik/peringkat.csv", "grafik/peta.csv", "grafik/progres.csv",
                         "grafik/tahap.csv"]
    per_regency = Counter(p.split("/")[2] for p in chart_csvs if p.startswith("grafik/kabupaten/"))
    assert max(per_regency.values()) == 2 and sum(per_regency.values()) == 12 + 12  # timelines, indicator values
    package = (out / "data" / "datapackage.json").read_text()
    assert all(f'"path": "{p}"' in package for p in chart_csvs)


def test_main_data_tables_link_to_their_csv(site: Path) -> None:
    for page, csv_path in (("index.html", "data/kabupaten.csv"), ("index.html", "data/grafik/indikator.csv"),
                           ("kabupaten/index.html", "../data/kabupaten.csv"),
                           ("kabupaten/lamandau.html", "../data/kabupaten/lamandau.csv")):
        links = [a.get("href") for a in parse(site / page).iterfind(".//p[@class='table-files']/a")]
        assert csv_path in links, page
        assert (site / page).parent.joinpath(csv_path).is_file()


# ---- One ZIP of every download --------------------------------------------------------------------


def test_zip_holds_every_download_and_is_the_same_across_two_builds(tmp_path: Path, valued: tuple[Path, Values]
                                                                     ) -> None:
    out, _ = valued
    again = run_build(tmp_path, out.parent / "content", pdf=False, cache_dir=tmp_path / "store")
    first, second = (o / "data" / "ssk-report-data.zip" for o in (out, again))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as bundle:
        names = bundle.namelist()
        everything = sorted(p.relative_to(out).as_posix() for p in (out / "data").rglob("*")
                            if p.is_file() and p.name != "ssk-report-data.zip")
        assert names == everything  # in path order
        assert all(bundle.read(name) == (out / name).read_bytes() for name in names)
        assert {info.date_time for info in bundle.infolist()} == {(2025, 11, 6, 0, 0, 0)}  # as_of
        assert {info.create_system for info in bundle.infolist()} == {3}
    data_page = (out / "data.html").read_text()
    assert 'href="data/ssk-report-data.zip"' in data_page


# ---- The accessibility statement ------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "says"), [
    ("", ["WCAG) 2.2 tingkat AA", "axe-core", "1.280 piksel", "390 piksel", "peta skematis", "server web"]),
    ("en/", ["(WCAG) 2.2 at level AA", "axe-core", "1,280 pixels", "390 pixels", "schematic", "web server"]),
])
def test_accessibility_statement_says_standard_checks_and_limitations(site: Path, prefix: str,
                                                                      says: list[str]) -> None:
    text = text_of(parse(site / prefix / "aksesibilitas.html").find(".//main"))  # type: ignore[arg-type]
    assert all(phrase in text for phrase in says), text
    assert "Kontak" not in text and "Contact" not in text  # no contact in site.yaml: the line is left out


def test_accessibility_contact_comes_from_site_yaml(content: Content) -> None:
    contact = {"id": "Sekretariat Pokja PPSP, surel uji@contoh.invalid [DATA UJI]",
               "en": "Pokja PPSP secretariat, e-mail uji@contoh.invalid [TEST DATA]"}
    site = content.site.model_copy(update={"accessibility_contact": Text(**contact)})
    with_contact = content.model_copy(update={"site": site})
    site_plan = plan.plan(with_contact, with_pdf=False)
    for lang, sentence in (("id", "hubungi: " + contact["id"]), ("en", "contact: " + contact["en"])):
        output = next(o for o in site_plan.pages if o.key == "aksesibilitas.html" and o.lang == lang)
        assert sentence in " ".join(render_output(with_contact, output, site_plan).split())


def test_every_page_links_the_accessibility_statement_from_its_footer(site: Path) -> None:
    for page in site_pages(site):
        footer = parse(page).find(".//footer")
        assert footer is not None, page
        hrefs = [a.get("href") or "" for a in footer.iter("a")]
        assert any(h.endswith("aksesibilitas.html") for h in hrefs), page


# ---- Social cards ---------------------------------------------------------------------------------


def meta(page: ET.Element) -> dict[str, str]:
    return {(m.get("property") or m.get("name") or ""): m.get("content") or "" for m in page.iter("meta")}


def test_every_page_has_its_own_social_card_when_base_url_is_set(tmp_path: Path, content_dir: Path) -> None:
    site_yaml = content_dir / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("base_url: null", "base_url: https://contoh.invalid/ppsp"))
    out = run_build(tmp_path, content_dir, pdf=False)
    titles = set()
    for page in site_pages(out):
        tags = meta(parse(page))
        title = parse(page).find(".//title")
        assert title is not None
        assert tags["twitter:card"] == "summary", page
        assert tags["og:title"] and tags["og:description"], page
        assert text_of(title).startswith(tags["og:title"]), page  # the page's own title
        titles.add(tags["og:title"])
    assert len(titles) > 40  # one per page, not the site's
    babs = meta(parse(out / "en" / "indikator" / "babs.html"))
    assert babs["og:title"] == "Open defecation (BABS)" and "ranked" in babs["og:description"]


def test_no_social_card_without_base_url(site: Path) -> None:
    assert not [p for p in site_pages(site) if re.search(r'property="og:|name="twitter:', p.read_text())]


# ---- The report's annex ---------------------------------------------------------------------------


def report_html(content: Content) -> str:
    site_plan = plan.plan(content)
    output = next(o for o in site_plan.documents if o.key == "report:2025-cc7")
    return render_output(content, output, site_plan)


def test_report_annex_ranks_the_indicators_that_have_values(content_dir: Path) -> None:
    values = add_regency_values(content_dir)
    content = load_content(Settings(content_dir=content_dir))
    page = html5lib.parse(report_html(content), namespaceHTMLElements=False)
    annex = page.find(".//section[@id='lampiran-peringkat']")
    assert annex is not None
    toc = [text_of(a) for a in page.iterfind(".//nav[@class='toc']//a")]
    assert "Lampiran D. Peringkat kabupaten/kota per indikator" in toc  # after A, B and C
    figures = list(annex.iter("figure"))
    with_values = [i for i in indicators() if expected_ranking(values, i)[1]]
    assert [f.get("data-part") for f in figures] == [i["id"] for i in with_values]
    for figure, indicator in zip(figures, with_values, strict=True):
        rows = figure.iterfind(".//tbody/tr")
        assert [(int(text_of(r[0])), r[1].find("data").get("value")) for r in rows] == expected_ranking(  # type: ignore[union-attr]
            values, indicator)[1]
        assert figure.find(".//a") is None  # print: no links, no downloads
    assert "Belum ada data untuk 2024:" in text_of(annex)


def test_report_without_regency_values_has_no_ranking_annex(content: Content) -> None:
    html = report_html(content)
    assert "lampiran-peringkat" not in html and "Peringkat" not in html
