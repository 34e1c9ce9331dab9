"""Stage 2: every content mistake is reported at once, located, in words a non-programmer can act on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, load_content

Edit = Callable[[str, str, str], None]


def line_of(content_dir: Path, relative: str, needle: str) -> int:
    """The line a test's edit landed on, so expectations survive edits elsewhere in the content."""
    lines = (content_dir / relative).read_text().splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


def problems(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    return [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]


def test_bundled_content_is_valid(content_dir: Path) -> None:
    content = load_content(Settings(content_dir=content_dir))
    assert len(content.regencies) == 14
    assert {c.slug for c in content.clinics} == {"2025-cc1", "2025-cc6", "2025-cc7"}


def test_typo_in_a_key_suggests_the_right_one(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "  m4_year: 2024", "  m4_yaer: 2024")
    assert problems(content_dir) == [
        f"content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', 'm4_yaer')}:3:"
        " ppsp.m4_yaer: kunci tidak dikenal 'm4_yaer'; mungkin maksudnya"
        " 'm4_year'? (yang diizinkan: m1_m3_source, m1_m3_year, m4_year, note, source)"
    ]


def test_year_out_of_range(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "m4_year: 2024", "m4_year: 2204")
    assert problems(content_dir) == [
        f"content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', 'm4_year')}:3:"
        " ppsp.m4_year: terlalu besar (tertulis 2204, seharusnya paling besar 2035)"
    ]


def test_unquoted_code_is_explained(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", 'bps_code: "6207"', "bps_code: 6207")
    assert problems(content_dir) == [
        f'content/regencies/lamandau.yaml:{line_of(content_dir, "regencies/lamandau.yaml", "bps_code")}:1:'
        ' bps_code: harus berupa teks: tulis di antara tanda kutip, mis. "6207"'
        " (tertulis 6207)"
    ]


def test_unknown_type_lists_allowed_values(content_dir: Path, edit: Edit) -> None:
    edit("regencies/palangka-raya.yaml", "type: kota", "type: city")
    assert problems(content_dir) == [
        f"content/regencies/palangka-raya.yaml:{line_of(content_dir, 'regencies/palangka-raya.yaml', 'type:')}:1:"
        " type: nilai tidak dikenal (tertulis \"city\", seharusnya salah satu"
        " dari: 'kabupaten' or 'kota')"
    ]


def test_m4_before_m1_m3(content_dir: Path, edit: Edit) -> None:
    edit("regencies/kapuas.yaml", "m4_year: null", "m4_year: 2024")
    assert problems(content_dir) == [
        f"content/regencies/kapuas.yaml:{line_of(content_dir, 'regencies/kapuas.yaml', 'ppsp:')}:1:"
        " ppsp: m4_year harus sesudah m1_m3_year (tertulis M1–M3 2025, M4 2024)"
    ]


def test_codes_unique_and_inside_the_province(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", 'kemendagri_code: "62.09"', 'kemendagri_code: "62.08"')
    edit("regencies/seruyan.yaml", 'bps_code: "6208"', 'bps_code: "6308"')
    found = problems(content_dir)
    assert found == [
        f"content/regencies/seruyan.yaml:{line_of(content_dir, 'regencies/seruyan.yaml', 'bps_code')}:1:"
        " bps_code: kode di luar provinsi (\"6308\", seharusnya diawali \"62\")",
        f"content/regencies/sukamara.yaml:{line_of(content_dir, 'regencies/sukamara.yaml', 'kemendagri_code')}:1:"
        " kemendagri_code: kode Kemendagri \"62.08\" sudah dipakai di"
        f" content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', 'kemendagri_code')}",
    ]


def test_clinic_participants_must_be_known_and_consistent(content_dir: Path, edit: Edit) -> None:
    edit("clinics/2025-cc7.yaml", "regency: katingan, progress_year: 2", "regency: katingam, progress_year: 2")
    edit("clinics/2025-cc7.yaml", "regency: sukamara, progress_year: 4", "regency: sukamara, progress_year: 3")
    found = problems(content_dir)
    bad, wrong = (line_of(content_dir, "clinics/2025-cc7.yaml", n) for n in ("katingam", "sukamara"))
    assert found[0].startswith(
        f"content/clinics/2025-cc7.yaml:{bad}:6: participants[3].regency: kabupaten/kota tidak dikenal"
        " (\"katingam\", seharusnya salah satu dari: barito-selatan, ")
    assert found[1] == (
        f"content/clinics/2025-cc7.yaml:{wrong}:25: participants[7].progress_year: tidak cocok dengan m4_year 2022"
        " di regencies/sukamara.yaml (tertulis 3, seharusnya 4)")
    # Katingan's note cites the CC7 coverage, which no longer lists Katingan: the pages would disagree.
    assert found[2].startswith("content/regencies/katingan.yaml:")
    assert found[2].endswith("notes[2].source: \"kaltengterkini-2025-11-06\" adalah sumber coaching clinic 2025-cc7,"
                             " tetapi katingan tidak tercantum sebagai pesertanya di clinics/2025-cc7.yaml; tambahkan"
                             " {regency: katingan} ke participants di berkas itu, atau rujuk sumber lain")
    assert len(found) == 3


def test_a_regency_cited_to_a_clinic_that_does_not_list_it_is_a_located_problem(content_dir: Path, edit: Edit) -> None:
    """Kapuas's facts rest on the CC1 2025 coverage: CC1 must then list Kapuas among its participants."""
    edit("clinics/2025-cc1.yaml", "  - {regency: kapuas, progress_year: null}\n", "")
    source, note = (line_of(content_dir, "regencies/kapuas.yaml", text)
                    for text in ("source: berita-cc1-2025", "    source: berita-cc1-2025"))
    message = ('"berita-cc1-2025" adalah sumber coaching clinic 2025-cc1, tetapi kapuas tidak tercantum sebagai'
               " pesertanya di clinics/2025-cc1.yaml; tambahkan {regency: kapuas} ke participants di berkas itu,"
               " atau rujuk sumber lain")
    assert problems(content_dir) == [f"content/regencies/kapuas.yaml:{source}:3: ppsp.source: {message}",
                                     f"content/regencies/kapuas.yaml:{note}:5: notes[0].source: {message}"]


def test_a_clinic_that_names_no_participants_contradicts_no_regency(content_dir: Path, edit: Edit) -> None:
    """CC6's coverage gives the M4 years but not the names of its 11 participants: citing it is fine."""
    edit("regencies/kapuas.yaml", "  source: berita-cc1-2025", "  source: berita-cc6-2025")
    assert load_content(Settings(content_dir=content_dir)).status_of("kapuas").regency.ppsp.source == "berita-cc6-2025"


def test_percentages_and_indicator_ids(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "indicators: {}",
         "indicators:\n  ald_aman:\n    - {year: 2024, value: 112.5, source: big-2024}\n"
         "  ald_amann:\n    - {year: 2024, value: 12.5, source: big-2024}")
    assert problems(content_dir) == [
        f"content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', '112.5')}:20:"
        " indicators.ald_aman[0].value: persentase di luar rentang"
        " (tertulis 112.5, seharusnya 0 sampai 100)",
        f"content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', 'ald_amann')}:3:"
        " indicators.ald_amann: indikator tidak dikenal (\"ald_amann\","
        " seharusnya salah satu dari: ald_layak, ald_aman, babs, sampah_terlayani, sampah_terolah, desa_sbs)",
    ]


def test_unknown_source_id(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "source: big-2024}", "source: big-2042}")
    assert problems(content_dir) == [
        f"content/regencies/lamandau.yaml:{line_of(content_dir, 'regencies/lamandau.yaml', 'big-2042')}:40:"
        " area_km2.source: sumber tidak dikenal (\"big-2042\","
        " seharusnya id dari sources.yaml)"
    ]


def test_impossible_date_in_a_clinic(content_dir: Path, edit: Edit) -> None:
    edit("clinics/2025-cc7.yaml", "end: 2025-11-06", "end: 2025-11-31")
    assert problems(content_dir) == [
        f"content/clinics/2025-cc7.yaml:{line_of(content_dir, 'clinics/2025-cc7.yaml', 'end:')}:6:"
        " end: tanggal tidak ada di kalender (tertulis 2025-11-31)"
    ]


def test_clinic_file_name_must_match_its_number(content_dir: Path) -> None:
    (content_dir / "clinics" / "2025-cc7.yaml").rename(content_dir / "clinics" / "2025-cc8.yaml")
    for narrative in ("2025-cc7.md", "2025-cc7.en.md"):
        (content_dir / "clinics" / narrative).unlink()
    assert problems(content_dir) == [
        f"content/clinics/2025-cc8.yaml:{line_of(content_dir, 'clinics/2025-cc8.yaml', 'number:')}:1:"
        " nama berkas harus 2025-cc7.yaml sesuai cycle_year dan number"
        " (tertulis 2025-cc8.yaml)"
    ]


def test_action_items_are_checked(with_action_items: Path, edit: Edit) -> None:
    edit("clinics/2025-cc6.yaml", "status: done", "status: finished")
    edit("clinics/2025-cc6.yaml", "regency: katingan", "regency: katinga")
    found = problems(with_action_items)
    line = line_of(with_action_items, "clinics/2025-cc6.yaml", "status: finished")
    assert found[0] == (
        f"content/clinics/2025-cc6.yaml:{line}:5: action_items[0].status: nilai tidak dikenal (tertulis \"finished\","
        " seharusnya salah satu dari: 'open', 'in_progress', 'done' or 'dropped')")
    assert len(found) == 1  # the clinic fails its own checks first; cross-file checks wait for a valid file


def test_every_problem_in_every_file_in_one_run(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "m4_year: 2024", "m4_yaer: 2024")
    edit("regencies/kapuas.yaml", "type: kabupaten", "type: kabupaten\ntype: kota")
    edit("indicators.yaml", "value: 76.31", "value: -1")
    edit("site.yaml", "as_of: 2025-11-06", "as_of: kemarin")
    found = problems(content_dir)
    assert [line.split(":")[0] for line in found] == [
        "content/indicators.yaml", "content/regencies/kapuas.yaml", "content/regencies/lamandau.yaml",
        "content/site.yaml"]
    assert found[1] == (
        f"content/regencies/kapuas.yaml:{line_of(content_dir, 'regencies/kapuas.yaml', 'type:') + 1}:1:"
        f" type: kunci ganda (baris {line_of(content_dir, 'regencies/kapuas.yaml', 'type:')}"
        f" dan {line_of(content_dir, 'regencies/kapuas.yaml', 'type:') + 1}); hapus salah satunya")
    line = line_of(content_dir, "site.yaml", "as_of: kemarin")
    assert found[3] == (f"content/site.yaml:{line}:1: as_of: harus tanggal berformat YYYY-MM-DD"
                        " (tertulis \"kemarin\")")


def test_slug_key_is_not_allowed(content_dir: Path, edit: Edit) -> None:
    edit("regencies/lamandau.yaml", "name: Lamandau", "slug: lamandau\nname: Lamandau")
    line = line_of(content_dir, "regencies/lamandau.yaml", "slug: lamandau")
    assert problems(content_dir) == [
        f"content/regencies/lamandau.yaml:{line}:1: slug: slug diambil dari nama berkas; hapus kunci ini"
    ]


def test_a_content_page_cannot_take_the_name_of_a_page_the_site_makes(content_dir: Path) -> None:
    """The accessibility statement (issue 24) is the site's own aksesibilitas.html."""
    (content_dir / "pages" / "aksesibilitas.md").write_text(
        "---\ntitle: Aksesibilitas\ndescription: Uji.\n---\n\nTeks.\n")
    assert problems(content_dir) == [
        'content/pages/aksesibilitas.md:2:1: nama halaman "aksesibilitas" sudah dipakai situs untuk halamannya'
        " sendiri (aksesibilitas.html); beri berkas ini nama lain, mis. tentang-aksesibilitas.md"]
