"""The printed reports: structure, not pixels — pages, bookmarks, text, metadata, fonts."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from ssk_report.i18n import regency_full_name
from ssk_report.model import Content
from ssk_report.pipeline import Settings, load_content
from ssk_report.plan import plan

from .conftest import pdf_page_texts, render_output


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def test_clinic_report_structure(full_build: Path, content: Content) -> None:
    reader = PdfReader(full_build / "laporan" / "2025-cc7.pdf")
    texts = page_texts(reader)
    assert len(reader.pages) >= 4
    assert "Coaching Clinic 7" in texts[0]
    total = len(reader.pages)
    assert f"Halaman 2 dari {total}" in texts[1].replace("\n", " ")
    titles = outline_titles(reader)
    assert {"1. Ringkasan", "2. Status kabupaten/kota", "Lampiran C. Catatan data"} <= set(titles)
    cc7 = content.latest_clinic
    assert cc7 is not None
    for participant in cc7.participants:
        regency = content.regency_by_slug[participant.regency]
        name = regency_full_name(regency.type, regency.name, "id")  # the notes on each regency: the full name
        assert any(name in t for t in texts), f"{name} not named in the report"


def test_report_table_of_contents_has_page_numbers(full_build: Path) -> None:
    reader = PdfReader(full_build / "laporan" / "2025-cc7.pdf")
    texts = page_texts(reader)
    toc = next(t for t in texts[:3] if "daftar isi" in t.lower())
    numbers = [int(n) for n in re.findall(r"(?:\.\s*){3,}(\d+)\s*$", toc, flags=re.M)]
    assert len(numbers) >= 4 and all(1 < n <= len(reader.pages) for n in numbers)


def test_report_metadata_language_and_embedded_fonts(full_build: Path, content: Content) -> None:
    reader = PdfReader(full_build / "laporan" / "2025-cc7.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title and "Coaching Clinic 7" in meta.title
    assert meta.author == content.site.organisation.id
    assert meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "id"
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


def test_report_without_named_participants_still_reads_sensibly(full_build: Path) -> None:
    reader = PdfReader(full_build / "laporan" / "2025-cc6.pdf")
    text = " ".join(page_texts(reader))
    assert "Coaching Clinic 6" in text
    assert "11" in text


def test_handout_names_its_regency_and_what_is_missing(full_build: Path, content: Content) -> None:
    """(Its one page: tests/test_official.py.)"""
    for status in content.statuses:
        reader = PdfReader(full_build / "laporan" / "kabupaten" / f"{status.regency.slug}.pdf")
        text = " ".join(page_texts(reader))
        assert status.regency.name in text
        assert "belum ada data" in text.lower()


def test_follow_up_table_lists_previous_clinic_items(with_action_items: Path) -> None:
    """On the print HTML (the PDF mechanics are tested on the full build): no third build with PDFs."""
    content = load_content(Settings(with_action_items))
    site_plan = plan(content)
    report = site_plan.by_path["laporan/2025-cc7.pdf"]
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_output(content, report, site_plan)))
    assert "[DATA UJI] Menyerahkan data capaian akses sanitasi aman" in flat
    assert "Selesai" in flat and "Berjalan" in flat


def test_every_pdf_exists_in_english_too(full_build: Path, content: Content) -> None:
    reader = PdfReader(full_build / "en" / "report" / "2025-cc7.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    texts = page_texts(reader)
    assert f"Page 2 of {len(reader.pages)}" in texts[1].replace("\n", " ")
    assert "Lamandau Regency" in " ".join(texts)
    for status in content.statuses:
        assert (full_build / "en" / "report" / "kabupaten" / f"{status.regency.slug}.pdf").is_file()


def test_no_pdf_prints_an_internal_path_or_a_repository_word(full_build: Path) -> None:
    """Every PDF, both languages, reports and handouts: what a reader holds names no folder of the project."""
    pdfs = sorted(full_build.rglob("*.pdf"))
    assert len(pdfs) > 30
    for path in pdfs:
        text = re.sub(r"\s+", " ", " ".join(pdf_page_texts(path)))
        assert "shared/" not in text, path
        assert not re.search(r"\bgit\b|\bcommit\b|repositor|\brevisi\b", text, flags=re.I), path


def test_the_cc6_report_is_dated_to_cc6(full_build: Path) -> None:
    for path, dated in ((full_build / "laporan" / "2025-cc6.pdf", "Data per 14 Agustus 2025"),
                        (full_build / "en" / "report" / "2025-cc6.pdf", "Data as of 14 August 2025")):
        text = re.sub(r"\s+", " ", " ".join(page_texts(PdfReader(path))))
        assert dated in text and "6 November" not in text, path
        assert not re.search(r"Coaching Clinic 7|CC7", text), path
