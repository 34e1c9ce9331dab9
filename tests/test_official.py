"""The printed report and handouts as official documents (issue 20): front matter from the content, no
web or repository words, one table instead of empty sections, typesetting a printer passes, a one-page
handout, every PDF tagged. Read back from the suite's full build, or from a document's print HTML."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ssk_report import demo, keys, pdfs
from ssk_report.cli import main
from ssk_report.diff import ChangeLog
from ssk_report.errors import ContentError
from ssk_report.history import History
from ssk_report.model import Content
from ssk_report.opendata import data_files
from ssk_report.pipeline import Settings, load_content, prepare
from ssk_report.plan import plan
from ssk_report.products import RenderContext

from .conftest import CONTENT, TEMPLATES, pdf_page_texts, render_output

REPORTS = ("laporan/2025-cc7.pdf", "en/report/2025-cc7.pdf")


def text_of(path: Path, pages: slice = slice(None)) -> str:
    """The text of a PDF's pages, its white space (line breaks too) as single spaces."""
    return re.sub(r"\s+", " ", " ".join(pdf_page_texts(path)[pages]))


def every_pdf(full_build: Path) -> list[Path]:
    found = sorted(full_build.rglob("*.pdf"))
    assert len(found) == 40  # 3 reports, 3 archival copies and 14 handouts, in two languages
    return found


def lay_out(content: Content, path: str) -> bytes:
    """One document of `content` laid out as the build lays it out (no build)."""
    site_plan = plan(content)
    document = site_plan.by_path[path]
    context = RenderContext(content, site_plan, History(), ChangeLog(), TEMPLATES, keys.code_digest(TEMPLATES))
    return pdfs.to_pdf(render_output(content, document, site_plan), context, document)[document.path]


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- 1. Front matter -------------------------------------------------------------------------------------

def test_cover_names_the_issuing_body_the_clinic_its_place_and_date(full_build: Path) -> None:
    for path, expected in zip(REPORTS, (
            ["Pokja PPSP Provinsi Kalimantan Tengah", "Sekretariat: Bapperida Provinsi Kalimantan Tengah",
             "Laporan Coaching Clinic 7 Tahun 2025", "Coaching Clinic 7 Implementasi SSK Tahun 2025",
             "Aula Bapperida Provinsi Kalimantan Tengah", "Palangka Raya, 6 November 2025"],
            ["Kalimantan Tengah Provincial PPSP Working Group (Pokja PPSP)", "Secretariat: Kalimantan Tengah",
             "Report of the 2025 Coaching Clinic 7", "2025 Coaching Clinic 7 on SSK Implementation",
             "Bapperida Hall", "Palangka Raya, 6 November 2025"]), strict=True):
        cover = text_of(full_build / path, slice(0, 1))
        for words in expected:
            assert words in cover, (path, words)
        assert "Halaman" not in cover and "Page " not in cover  # no running footer on the cover


def test_approval_page_has_the_position_place_and_lines_to_sign(full_build: Path) -> None:
    """Position and place from site.yaml; the name, NIP and date are not public: lines to fill in."""
    for path, words in zip(REPORTS, (
            ["LEMBAR PENGESAHAN", "Disahkan di: Palangka Raya", "Pada tanggal:",
             "Ketua Pokja PPSP Provinsi Kalimantan Tengah,", "tanda tangan dan cap", "NIP (belum diisi)"],
            ["APPROVAL PAGE", "Approved at: Palangka Raya", "On:",
             "Chair, Kalimantan Tengah Provincial PPSP Working Group,", "signature and stamp",
             "NIP (civil servant number) (to be filled in)"]), strict=True):
        approval = text_of(full_build / path, slice(1, 2))
        for expected in words:
            assert expected in approval, (path, expected)
        toc = text_of(full_build / path, slice(2, 3))
        assert re.search(r"(Lembar Pengesahan|Approval page)(?: ?\.)+ ?2 ", toc), toc


def test_build_lists_what_the_reports_print_as_lines_to_fill_in(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = prepare(Settings(CONTENT, TEMPLATES, Path("/nonexistent/output")))
    assert prepared is not None
    assert prepared.blanks == ("2025-cc1: signatory.name, signatory.nip, signatory.date, city",
                              "2025-cc6, 2025-cc7: signatory.name, signatory.nip, signatory.date")
    from ssk_report import cli
    from ssk_report.pipeline import Summary

    monkeypatch.setattr(cli, "build", lambda settings, progress: Summary(blanks=prepared.blanks))
    assert main(["build", "--content", str(CONTENT), "--templates", str(TEMPLATES)]) == 0
    out = capsys.readouterr().out
    assert "garis kosong untuk diisi tangan" in out
    assert "  2025-cc6, 2025-cc7: signatory.name, signatory.nip, signatory.date\n" in out


SIGNED = """signatory:
  name: Dr. Contoh Penanda Tangan [DATA UJI]
  nip: "19700101 199503 1 001"
  date: 2025-11-20
"""


def test_a_clinics_own_signatory_and_foreword_are_printed(content_dir: Path) -> None:
    """Test-only values: a clinic's signatory block over site.yaml's, and a foreword in both languages."""
    with (content_dir / "clinics" / "2025-cc7.yaml").open("a") as clinic:
        clinic.write(SIGNED)
    foreword = content_dir / "clinics" / "2025-cc7.pengantar.md"
    foreword.write_text("Puji syukur **[DATA UJI]** atas terbitnya laporan.\n")
    (content_dir / "clinics" / "2025-cc7.pengantar.en.md").write_text("A foreword **[TEST DATA]** for the report.\n")
    content = load_content(Settings(content_dir))
    cc7 = next(c for c in content.clinics if c.slug == "2025-cc7")
    assert content.report_blanks(cc7) == ()  # the position and place still come from site.yaml
    site_plan = plan(content)
    report = flat(render_output(content, site_plan.by_path["laporan/2025-cc7.pdf"], site_plan))
    assert "Dr. Contoh Penanda Tangan [DATA UJI]" in report and "NIP 19700101 199503 1 001" in report
    assert "Pada tanggal 20 November 2025" in report and "(belum diisi)" not in report
    assert "Kata Pengantar" in report and "Puji syukur [DATA UJI] atas terbitnya laporan." in report
    assert 'href="#kata-pengantar"' in render_output(content, site_plan.by_path["laporan/2025-cc7.pdf"], site_plan)
    english = flat(render_output(content, site_plan.by_path["en/report/2025-cc7.pdf"], site_plan))
    assert "Foreword" in english and "A foreword [TEST DATA] for the report." in english
    cc6 = flat(render_output(content, site_plan.by_path["laporan/2025-cc6.pdf"], site_plan))
    assert "Kata Pengantar" not in cc6 and "Dr. Contoh" not in cc6 and "(belum diisi)" in cc6


def test_without_a_foreword_the_report_has_no_foreword_page(full_build: Path) -> None:
    assert "Kata Pengantar" not in text_of(full_build / REPORTS[0])
    assert "Foreword" not in text_of(full_build / REPORTS[1])


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_emblem_is_drawn_from_a_checked_image_inside_the_content(content_dir: Path) -> None:
    (content_dir / "gambar").mkdir()
    (content_dir / "gambar" / "lambang.png").write_bytes(PNG)
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("emblem: null", "emblem: gambar/lambang.png"))
    content = load_content(Settings(content_dir))
    assert content.emblem is not None and content.emblem.media_type == "image/png"
    site_plan = plan(content)
    cover = render_output(content, site_plan.by_path["laporan/2025-cc7.pdf"], site_plan)
    assert f'<img class="emblem" src="{content.emblem.data_url}" alt="Lambang penerbit laporan">' in cover
    reader = PdfReader(io.BytesIO(lay_out(content, "laporan/2025-cc1.pdf")))  # the shortest report
    images = reader.pages[0]["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in images.values())
    whole = json.loads(data_files(content)["data/ssk-report.json"])  # the image is no open data
    assert "emblem" not in whole["content"] and whole["content"]["site"]["emblem"] == "gambar/lambang.png"


@pytest.mark.parametrize(("emblem", "file", "message"), [
    ("lambang.png", None, "emblem: berkas gambar tidak ditemukan: "),
    ("lambang.png", b"bukan gambar", 'emblem: berkas "lambang.png" bukan gambar PNG atau JPEG'),
    ("../lambang.png", PNG, "emblem: format tidak sesuai"),
    ("/etc/lambang.png", PNG, "emblem: format tidak sesuai"),
    ("lambang.svg", b"<svg/>", "emblem: format tidak sesuai"),
])
def test_an_emblem_that_is_no_image_inside_the_content_is_a_located_error(
        content_dir: Path, emblem: str, file: bytes | None, message: str) -> None:
    if file is not None:
        (content_dir / Path(emblem).name).write_bytes(file)
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("emblem: null", f'emblem: "{emblem}"'))
    line = next(n for n, text in enumerate(site.read_text().splitlines(), start=1) if text.startswith("emblem:"))
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir))
    assert any(f"site.yaml:{line}:" in m and message in m for m in str(caught.value).splitlines()), str(caught.value)


def test_a_signatory_nip_of_another_shape_is_a_located_error(content_dir: Path) -> None:
    site = content_dir / "site.yaml"
    assert "\n  nip: null\n" in site.read_text()
    site.write_text(site.read_text().replace("\n  nip: null\n", '\n  nip: "1970-01"\n'))
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir))
    assert 'signatory.nip: format tidak sesuai (tertulis "1970-01", seharusnya NIP 18 angka' in str(caught.value)


def test_a_foreword_without_its_clinic_is_a_located_error(content_dir: Path) -> None:
    (content_dir / "clinics" / "2025-cc9.pengantar.md").write_text("Kata pengantar.\n")
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir))
    assert "2025-cc9.pengantar.md:1:1: kata pengantar tanpa coaching clinic; seharusnya ada clinics/2025-cc9.yaml" \
        in str(caught.value)


# ---- 2. No web or repository words in print ----------------------------------------------------------------

# Indonesian and English words for a website or a repository; "on-site" is a domain term (on-site sanitation).
WEB_WORDS = re.compile(r"\bsitus\b|\bwebsite\b|\bweb ?site\b|(?<!on-)\bsites?\b|\bcommits?\b|\brepositor(?:y|i|ies)\b"
                       r"|\bgit\b", re.IGNORECASE)


def test_no_pdf_speaks_of_a_website_or_a_repository(full_build: Path) -> None:
    for path in every_pdf(full_build):
        found = WEB_WORDS.findall(text_of(path))
        assert not found, (path, found)
    assert not WEB_WORDS.search("sanitasi on-site; on-site sanitation")


def test_the_data_notes_say_where_the_figures_come_from_and_when_they_changed(full_build: Path) -> None:
    annex = text_of(full_build / REPORTS[0], slice(-1, None))
    assert "Lampiran C. Catatan data" in annex
    assert "Jumlah penduduk Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 Tahun 2025" in annex
    assert "Target indikator Rencana Pembangunan Jangka Menengah Nasional (RPJMN) 2020–2024" in annex
    assert "Laporan ini menyajikan data per 6 November 2025." in annex
    # The full build's content is a copy outside git: when it last changed is not known, and said so.
    assert "Tanggal perubahan terakhir catatan data tidak tercatat." in annex
    assert "Notes on the data" in text_of(full_build / REPORTS[1], slice(-1, None))


# ---- 3. One table instead of empty sections ------------------------------------------------------------------

def outline_titles(reader: PdfReader) -> list[str]:
    def walk(items: list[Any]) -> Iterator[str]:
        for item in items:
            yield from walk(item) if isinstance(item, list) else [item.title]
    return list(walk(reader.outline))


def test_regencies_with_only_stage_years_and_attendance_share_one_table(full_build: Path, content: Content) -> None:
    cc7 = content.clinics_by_date[-1]
    reader = PdfReader(full_build / REPORTS[0])
    titles = outline_titles(reader)
    texts = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    table = next(i for i, t in enumerate(texts) if "Tahap, tahun, dan butir data kabupaten/kota" in t)
    assert reader.pages[table].mediabox.width > reader.pages[table].mediabox.height  # a landscape page
    for participant in cc7.participants:
        name = content.regency_by_slug[participant.regency].name
        assert name in texts[table], name
        assert not any(name in title for title in titles), f"a section of its own for {name}"
    assert "Data pokok" in texts[table] and "Indikator" in texts[table]
    assert len(reader.pages) <= 14


def test_a_regency_with_more_than_that_gets_a_section_of_its_own(content_dir: Path) -> None:
    lamandau = content_dir / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace(
        "pokja: null", "pokja: {decree: 'SK Bupati [DATA UJI] 1/2025', source: berita-cc6-2025}"))
    content = load_content(Settings(content_dir))
    site_plan = plan(content)
    html = render_output(content, site_plan.by_path["laporan/2025-cc7.pdf"], site_plan)
    assert re.findall(r'<section id="kab-([a-z-]+)"', html) == ["lamandau"]
    assert 'href="#kab-lamandau"' in html and "SK Bupati [DATA UJI] 1/2025" in html
    assert html.count('<table class="matrix">') == 1


def test_no_map_tile_coordinates_in_print(full_build: Path) -> None:
    for path in every_pdf(full_build):
        text = text_of(path)
        assert "Kolom, baris" not in text and "Column, row" not in text, path


# ---- 4. Typesetting ------------------------------------------------------------------------------------------

def test_no_word_is_broken_with_a_hyphen(full_build: Path) -> None:
    """Names ("Kotawaringin") and addresses above all: WeasyPrint's automatic hyphen is U+2010."""
    for path in every_pdf(full_build):
        assert "\u2010" not in " ".join(pdf_page_texts(path)), path


def test_web_addresses_break_only_after_a_slash_or_a_dot(full_build: Path, content: Content) -> None:
    addresses = sorted({s.url for s in content.sources if s.url}, key=len, reverse=True)
    broken = 0
    for path in (full_build / REPORTS[0], full_build / "en" / "report" / "kabupaten" / "lamandau.pdf"):
        text = "\n".join(pdf_page_texts(path))
        for address in addresses:
            pattern = r"\s*".join(re.escape(character) for character in address)
            for found in re.finditer(pattern, text):
                for cut in re.finditer(r"\s+", found[0]):
                    broken += 1
                    assert found[0][cut.start() - 1] in "/.", (path, found[0])
    assert broken  # some address does break in these documents: the test checks something


def struct_pages(reader: PdfReader) -> list[tuple[str, list[int], int]]:
    """Every structure element in reading order: its kind, the pages of its content in the order of that
    content, and the index in this list where the elements after its own descendants begin. (WeasyPrint
    gives each element /Pg; marked content on another page is an /MCR with its own /Pg.)"""
    number = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found: list[tuple[str, list[int], int]] = []

    def walk(node: Any) -> list[int]:
        kids = node.get("/K")
        mine: list[int] = []
        at = len(found)
        if "/S" in node:
            found.append((str(node["/S"]), mine, 0))
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int) and "/Pg" in node:
                mine.append(number[node.raw_get("/Pg").idnum])
            elif isinstance(kid, dict) and "/S" in kid:
                mine.extend(walk(kid))
            elif isinstance(kid, dict) and "/MCID" in kid:
                mine.append(number[(kid.raw_get("/Pg") if "/Pg" in kid else node.raw_get("/Pg")).idnum])
        if "/S" in node:
            found[at] = (found[at][0], mine, len(found))
        return mine

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object())
    return found


def test_no_table_row_splits_and_every_heading_keeps_with_what_follows(full_build: Path) -> None:
    for path in every_pdf(full_build):
        elements = struct_pages(PdfReader(path))
        rows = [pages for kind, pages, _ in elements if kind == "/TR" and pages]
        assert rows and all(len(set(pages)) == 1 for pages in rows), path
        for kind, pages, after in elements:
            if re.fullmatch(r"/H[1-6]", kind) and pages:
                following = next((p[0] for _, p, _ in elements[after:] if p), None)
                assert following is None or following == pages[-1], (path, kind, pages, following)


def test_no_paragraph_leaves_a_single_line_at_the_foot_or_head_of_a_page(content_dir: Path) -> None:
    """Read from the layout of a report whose (test-only) narrative runs over pages: each part of a paragraph
    split across pages holds two lines or more."""
    from weasyprint import HTML

    sentence = "Kalimat uji [DATA UJI] yang cukup panjang untuk mengisi baris demi baris halaman laporan ini. "
    (content_dir / "clinics" / "2025-cc1.md").write_text("\n\n".join(sentence * (3 + i % 5) for i in range(40)))
    content = load_content(Settings(content_dir))
    site_plan = plan(content)
    html = render_output(content, site_plan.by_path["laporan/2025-cc1.pdf"], site_plan)
    document = HTML(string=html, base_url=str(TEMPLATES) + "/").render()
    parts: dict[int, dict[int, int]] = {}  # element -> page -> lines of it on that page

    def walk(box: Any, page: int) -> None:
        if type(box).__name__ == "AbsolutePlaceholder":  # stands in for a box laid out on its own
            return
        element = getattr(box, "element", None)
        lines = sum(1 for child in getattr(box, "children", []) if type(child).__name__ == "LineBox")
        if element is not None and element.tag in ("p", "li", "dd") and lines:
            on_page = parts.setdefault(id(element), {})
            on_page[page] = on_page.get(page, 0) + lines
        for child in getattr(box, "children", []):
            walk(child, page)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    split = [counts for counts in parts.values() if len(counts) > 1]
    assert split, "no paragraph runs across a page in this report: the test checks nothing"
    assert all(min(counts.values()) >= 2 for counts in split), split


# ---- 5. The one-page handout ---------------------------------------------------------------------------------

def test_every_handout_is_one_page_in_both_languages(full_build: Path, content: Content) -> None:
    for status in content.statuses:
        for folder in ("laporan/kabupaten", "en/report/kabupaten"):
            reader = PdfReader(full_build / folder / f"{status.regency.slug}.pdf")
            assert len(reader.pages) == 1, (folder, status.regency.slug)


def test_the_synthetic_regency_with_the_most_data_has_a_one_page_handout(tmp_path: Path) -> None:
    demo.write_demo(tmp_path / "demo", regencies=30)
    content = load_content(Settings(tmp_path / "demo"))
    richest = max(content.statuses, key=lambda s: (len(s.completeness.filled), len(s.regency.cited_sources),
                                                    sum(len(v) for v in s.regency.indicators.values())))
    assert len(richest.completeness.filled) >= 8  # values of most indicators: a full indicator table
    for path in (f"laporan/kabupaten/{richest.regency.slug}.pdf", f"en/report/kabupaten/{richest.regency.slug}.pdf"):
        assert len(PdfReader(io.BytesIO(lay_out(content, path))).pages) == 1, path


def test_a_form_that_does_not_fit_moves_whole_to_a_second_page(content_dir: Path) -> None:
    """Test-only sources crowd the first page: the form to fill in follows on the second, whole."""
    sources = content_dir / "sources.yaml"
    title = "[DATA UJI] Sumber uji dengan judul yang cukup panjang untuk satu baris penuh"
    extra = "".join(f'  - id: uji-{i}\n    title: "{title} {i}"\n    publisher: Penerbit uji\n    year: 2024\n'
                    for i in range(24))
    sources.write_text(sources.read_text() + extra)
    lamandau = content_dir / "regencies" / "lamandau.yaml"
    ids = ", ".join(f"uji-{i}" for i in range(24))
    lamandau.write_text(lamandau.read_text().replace("sources: [kepmendagri-2025, cahyadsn-wilayah]",
                                                     f"sources: [kepmendagri-2025, cahyadsn-wilayah, {ids}]"))
    reader = PdfReader(io.BytesIO(lay_out(load_content(Settings(content_dir)), "laporan/kabupaten/lamandau.pdf")))
    assert len(reader.pages) == 2
    rows = [pages for kind, pages, _ in struct_pages(reader) if kind == "/TR"]
    form = rows[-9:]  # the header row and a row per missing item
    assert all(set(pages) == {1} for pages in form), form
    assert "Data yang perlu dilengkapi" in reader.pages[1].extract_text()


# ---- 6. Every PDF accessible ---------------------------------------------------------------------------------

def test_every_pdf_is_tagged_with_its_language_title_and_xmp(full_build: Path) -> None:
    for path in every_pdf(full_build):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        lang = "en" if path.relative_to(full_build).parts[0] == "en" else "id"
        assert root["/Lang"] == lang and bool(root["/MarkInfo"]["/Marked"]), path
        assert len(struct_pages(reader)) > 20, path
        assert reader.metadata is not None and reader.metadata.title, path
        xmp = root["/Metadata"].get_object().get_data().decode()
        archival = path.parent.name in ("arsip", "archive")
        if archival:
            assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)A', xmp), path
            names = [str(spec.get_object()["/F"]) for spec in root["/AF"]]
            assert len(names) == len(set(names)) == len(reader.attachments), path
        else:
            assert re.search(r'pdfuaid:part(="|>)1', xmp), path
