"""The website: every planned page exists, parses, links only to files that exist, and says what it must."""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest

from ssk_report.model import Content
from ssk_report.plan import plan

from .conftest import render_output, run_build, site_pages


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
    text = notes.read_text()
    assert "      id: Pada CC7 2025" in text
    notes.write_text(text.replace("      id: Pada CC7 2025", "      id: <script>alert(1)</script>"
                                  " [klik](javascript:alert(1)) <b onclick=x>tebal</b> Pada CC7 2025", 1))
    out = run_build(tmp_path, content_dir, pdf=False)
    page = (out / "kabupaten" / "lamandau.html").read_text()
    assert "<script" not in page and "javascript:" not in page and "onclick" not in page


# ---- Honest figures (issue 21) ----------------------------------------------------------------------


def visible(path: Path) -> str:
    """A page's readable text: no scripts, styles or tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def rows(path: Path, table_class: str) -> list[str]:
    """The visible text of each body row of the first table with `table_class`."""
    table = re.search(rf'<table class="{table_class}[^"]*">.*?</table>', path.read_text(), flags=re.S)
    assert table, f"no table.{table_class} in {path}"
    body = table[0].split("<tbody>", 1)[1]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in body.split("</tr>")[:-1]]


def test_no_verdict_outside_the_target_period_and_every_status_names_its_year(site: Path) -> None:
    """11,07 % (2024) is not "Belum tercapai" against 2025–2029: not yet assessable, with the pace it needs."""
    table = rows(site / "index.html", "indicators")
    aman = next(r for r in table if r.startswith("Akses sanitasi aman"))
    assert "Belum tercapai" not in aman
    assert "Belum dapat dinilai nilai 2024 sebelum periode target 2025–2029" in aman
    assert "perlu naik 1,79 poin persen per tahun untuk mencapai 20% pada 2029" in aman
    layak = next(r for r in table if r.startswith("Akses sanitasi layak"))
    assert layak.endswith("Belum tercapai data 2023")  # 2023 lies in 2020–2024: judged, with its year
    for row in table:
        if not row.endswith("Belum ada data"):  # every status of a value says the value's year
            assert re.search(r"(data|nilai) 20\d\d", row), row
    english = next(r for r in rows(site / "en" / "index.html", "indicators") if r.startswith("Access to safely"))
    assert "Not yet assessable 2024 value before the 2025–2029 target period" in english
    assert "needs to rise 1.79 percentage points a year to reach 20% by 2029" in english


def test_methodology_states_the_verdict_and_completeness_rules(site: Path) -> None:
    page, english = visible(site / "metodologi.html"), visible(site / "en" / "metodologi.html")
    for phrase in ("dinilai terhadap target hanya bila tahun nilai itu berada dalam periode target",
                   "belum dapat dinilai", "poin persen per tahun", "butir yang berlaku",
                   "tidak berlaku bagi daerah yang masih pada tahap M1–M3"):
        assert phrase in page, phrase
    for phrase in ("judged against a target only when the value's year lies within the target's period",
                   "not yet assessable", "percentage points per year", "applicable items",
                   "does not apply to those still at milestones M1–M3"):
        assert phrase in english, phrase


def test_completeness_counts_applicable_items_and_lists_the_rest_to_do(site: Path) -> None:
    kapuas = visible(site / "kabupaten" / "kapuas.html")
    assert "27% — 3 dari 11 butir yang berlaku sudah terisi" in kapuas
    assert "Tidak berlaku pada tahap ini, sehingga tidak dihitung: tahun mulai M4." in kapuas
    todo = re.search(r'<ul class="todo">(.*?)</ul>', (site / "kabupaten" / "kapuas.html").read_text(), flags=re.S)
    assert todo and "Susunan Pokja" in todo[1] and "M4" not in todo[1]
    assert "33% — 4 dari 12 butir yang berlaku sudah terisi" in visible(site / "kabupaten" / "lamandau.html")
    assert "3 of 11 applicable items filled in" in visible(site / "en" / "kabupaten" / "kapuas.html")


def test_a_regency_cited_to_its_cohort_clinic_is_recorded_there(site: Path) -> None:
    """Kapuas's source is the CC1 2025 coverage: the page lists CC1 and says CC6 was for M4 regencies."""
    page = (site / "kabupaten" / "kapuas.html").read_text()
    text = visible(site / "kabupaten" / "kapuas.html")
    assert 'href="../klinik/2025-cc1.html"' in page
    assert "Belum tercatat sebagai peserta" not in text
    assert ("CC6 2025 ditujukan bagi daerah pada tahap M4; Kabupaten Kapuas tidak termasuk sasarannya karena pada"
            " 2025 berada pada tahap M1–M3.") in text
    assert ("Nama peserta CC6 2025 belum tercatat, sehingga keikutsertaan Kabupaten Lamandau dalam coaching clinic"
            " itu belum diketahui.") in visible(site / "kabupaten" / "lamandau.html")


def test_a_list_not_recorded_is_never_said_to_be_empty(site: Path) -> None:
    for page in html_files(site):
        text = visible(page)
        for phrase in ("tidak mencatat", "recorded no work", "recorded no action"):
            assert phrase not in text, (page, phrase)


def test_every_source_shows_an_address_or_says_it_has_none(site: Path, content: Content) -> None:
    for lang, page in (("id", site / "sumber-data.html"), ("en", site / "en" / "sumber-data.html")):
        found = rows(page, "source-table")
        assert len(found) == len(content.sources)
        for source, row in zip(content.sources, found, strict=True):
            if source.id in content.openable_sources:
                assert re.search(r"https?://\S+", row), row
            else:
                assert ("tidak tercatat *" if lang == "id" else "not recorded *") in row, row
    page = visible(site / "sumber-data.html")
    assert "Dibaca melalui salinan digital: cahyadsn/wilayah" in page
    assert "kaltengterkini.co.id Desember 2025" in page and "khabar.co.id Agustus 2025" in page
    for gone in ("Pengetahuan umum", "Tim proyek situs ini", "Ringkasan domain", ".sql"):
        assert gone not in page, gone


def test_a_fact_readers_cannot_check_is_marked_with_a_sentence(site: Path) -> None:
    home = (site / "index.html").read_text()
    aman = next(r for r in re.findall(r"<tr>.*?</tr>", home, flags=re.S) if "Akses sanitasi aman" in r
                and "11,07%" in r)
    assert re.search(r'11,07%<sup class="unchecked"', aman)  # the December 2025 article has no recorded address
    assert "Fakta bertanda bintang belum dapat diperiksa pembaca" in visible(site / "index.html")
    assert re.search(r'Nanga Bulik<sup class="unchecked"', (site / "kabupaten" / "lamandau.html").read_text())


INTERNAL = re.compile(r"shared/|\bgit\b|\bcommit\b|repositor|\brevisi\b|\brevision\b", re.I)


def test_no_internal_path_or_repository_word_on_any_public_page(site: Path) -> None:
    """Every output file: no folder of the project; every page, in both languages: no git vocabulary."""
    for path in sorted(p for p in site.rglob("*") if p.is_file() and not p.is_relative_to(site / "pagefind")
                       and not p.is_relative_to(site / "data" / "schema")):
        if path.suffix in (".html", ".csv", ".json", ".xml", ".txt", ".css", ".svg"):
            assert b"shared/" not in path.read_bytes(), path
    for page in html_files(site):
        text = visible(page)
        assert not INTERNAL.search(text), (page, INTERNAL.search(text))
        assert "content/" not in text and "YAML" not in text, page


def test_changes_page_lists_what_changed_since_each_clinic(site: Path) -> None:
    page = visible(site / "perubahan.html")
    assert "Perubahan sejak CC7 2025 (6 November 2025) sampai data saat ini." in page
    assert "Kalimantan Tengah: Akses sanitasi aman 2024 belum ada data → 11,07%" in page  # read in December 2025
    assert "CC7 2025 sejak CC6 2025" in page and "CC7 2025 tercatat" in page
    english = visible(site / "en" / "perubahan.html")
    assert "Kalimantan Tengah: Access to safely managed sanitation 2024 no data yet → 11.07%" in english


def test_a_clinic_page_shows_the_data_as_at_its_clinic(site: Path) -> None:
    page = visible(site / "klinik" / "2025-cc6.html")
    assert "Data per 14 Agustus 2025" in page
    for later in ("CC7", "Coaching Clinic 7", "6 November 2025"):
        assert later not in page, later


def test_the_cc6_report_holds_nothing_after_its_clinic(content: Content) -> None:
    """The report as printed (its HTML, before WeasyPrint): dated to CC6, no CC7 event, no later source."""
    site_plan = plan(content)
    for lang in ("id", "en"):
        document = next(o for o in site_plan.documents if o.key == "report:2025-cc6" and o.lang == lang)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", render_output(content, document, site_plan))).split())
        for later in ("Coaching Clinic 7", "CC7", "6 November 2025", "kaltengterkini", "11,07", "11.07"):
            assert later not in text, (lang, later)
        assert ("Data per 14 Agustus 2025" if lang == "id" else "Data as of 14 August 2025") in text


REVIEW = {  # phrases the editing review (language-2026-12) replaced, by edition
    "id": ["Dibangun dari commit", "Tim proyek situs ini", "Pengetahuan umum", "Ringkasan domain", "yang kami pegang",
           "Capaian antarkabupaten", "tidak seragam", "progres tahun", "Progres tahun", "Lembar ringkas ",
           "Fokus tahapan", "Milestone 4 PPSP", "Desa Stop BABS", "Rincian klinik", "laporan klinik",
           "enam indikator katalog", "ke-14 kabupaten", "2 tahapnya belum", "urut menurut", "spreadsheet",
           "data rapi", "Hari ini baru", "Plt Sekretaris", "Sebuah hotel", "Media daring", "belum tersedia untuk umum",
           "disusun dalam forum ini", "satu angkatan", "Hasil:", "didampingi beberapa dokumen", "Data Pokja",
           "Posisi tahapan provinsi", "tanggal data situs", "Kami ", " kami ", "Tahapan pelaksanaan SSK"],
    "en": ["Settlement Sanitation Progress", "Achievements still vary", "uneven", "progress year", "Progress year",
           "regional head", "Performance of", "Province 2025", "province target", "stage not yet known",
           "at stage", "30 percent", "site project team", "general knowledge", "recorded no work plan",
           "recorded no action",
           "Bapperida hall", "Assistant for Economy", "Coaching Clinic 7 on SSK Implementation for 2025"],
}


def test_public_text_follows_the_editing_review(site: Path) -> None:
    for page in html_files(site):
        lang = "en" if page.is_relative_to(site / "en") else "id"
        text = visible(page)
        for phrase in REVIEW[lang]:
            assert phrase not in text, (page.relative_to(site), phrase)


def test_titles_name_the_regency_in_full_and_tables_keep_the_short_form(site: Path) -> None:
    page = (site / "kabupaten" / "lamandau.html").read_text()
    assert "<h1>Kabupaten Lamandau</h1>" in page and "<title>Kabupaten Lamandau —" in page
    assert "Kab. Lamandau" in visible(site / "kabupaten" / "index.html")
    assert "Year M4 began 2024" in visible(site / "en" / "kabupaten" / "lamandau.html")


def test_status_values_share_one_case_and_the_codes_are_explained(site: Path) -> None:
    """L1: every value of the table's milestone and year-at-M4 columns starts with a capital; L34: the codes glossed."""
    for row in rows(site / "kabupaten" / "index.html", "regencies"):
        for value in re.findall(r"\d\d\.\d\d (?:M4|M1–M3|Belum diketahui) (\S+)", row):
            assert value[0].isupper(), row
    assert "Belum masuk M4" in visible(site / "kabupaten" / "index.html")
    about = visible(site / "en" / "tentang.html")
    assert "Ministry of Home Affairs (Kemendagri) code" in about and "Statistics Indonesia (BPS) code" in about
    assert "Ministry of Home Affairs (Kemendagri) code 62.09" in visible(site / "en" / "kabupaten" / "lamandau.html")
