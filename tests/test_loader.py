"""Stage 1: YAML files become plain values with positions; YAML that content never needs is refused."""

from __future__ import annotations

import time
from pathlib import Path

from ssk_report.errors import Problem
from ssk_report.loader import MAX_FILE_BYTES, load, load_markdown_file, load_yaml_file, parse_yaml


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_positions_point_at_each_key_one_based() -> None:
    data, positions, problems = parse_yaml("name: A\nppsp:\n  m4_year: 2021\nlist:\n  - x\n", "f.yaml")
    assert problems == []
    assert data == {"name": "A", "ppsp": {"m4_year": 2021}, "list": ["x"]}
    assert positions[("ppsp", "m4_year")] == (3, 3)
    assert positions[("list", 0)] == (5, 5)


def test_duplicate_key_names_both_lines() -> None:
    _, _, problems = parse_yaml("name: A\ntype: kota\nname: B\n", "f.yaml")
    assert messages(problems) == ["f.yaml:3:1: name: kunci ganda (baris 1 dan 3); hapus salah satunya"]


def test_alias_bomb_is_refused_before_expansion() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    started = time.perf_counter()
    _, _, problems = parse_yaml("\n".join(levels) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 1.0
    assert problems[0].message == "anchor/alias YAML (& dan *) tidak diizinkan; tulis nilainya langsung"


def test_tab_indentation_gets_its_own_message() -> None:
    _, _, problems = parse_yaml("ppsp:\n\tm4_year: 2021\n", "f.yaml")
    assert messages(problems) == ["f.yaml:2:1: indentasi memakai karakter tab; gunakan spasi"]


def test_empty_file_and_wrong_top_level_type() -> None:
    assert messages(parse_yaml("", "e.yaml")[2]) == ["e.yaml:1:1: berkas kosong; isi data yang diharapkan"]
    assert messages(parse_yaml("- a\n- b\n", "l.yaml")[2]) == [
        "l.yaml:1:1: isi berkas harus berupa pasangan kunci: nilai (tertulis list)"
    ]


def test_impossible_date_is_located() -> None:
    _, _, problems = parse_yaml("start: 2025-02-30\n", "c.yaml")
    assert messages(problems) == ["c.yaml:1:8: start: tanggal tidak ada di kalender (tertulis 2025-02-30)"]


def test_python_tags_are_refused() -> None:
    _, _, problems = parse_yaml("x: !!python/object/apply:os.system ['true']\n", "t.yaml")
    assert problems[0].message.startswith("tag YAML 'tag:yaml.org,2002:python/object/apply:os.system'")


def test_syntax_error_has_line_and_column() -> None:
    _, _, problems = parse_yaml("name: [unclosed\n", "s.yaml")
    assert problems[0].path == "s.yaml" and problems[0].line == 2
    assert problems[0].message.startswith("YAML tidak valid:")


def test_bom_non_utf8_and_oversized_files(tmp_path: Path) -> None:
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfname: A\n")
    (tmp_path / "latin.yaml").write_bytes(b"name: A\ncapital: Sampit\xe9\n")
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    problems: list[Problem] = []
    for name in ("bom.yaml", "latin.yaml", "big.yaml"):
        assert load_yaml_file(tmp_path / name, problems) is None
    texts = [p.message for p in problems]
    assert texts[0] == "berkas diawali BOM; simpan sebagai UTF-8 tanpa BOM"
    assert texts[1] == "bukan teks UTF-8 (byte 0xe9); simpan berkas sebagai UTF-8"
    assert (problems[1].line, problems[1].column) == (2, 16)
    assert texts[2] == f"berkas terlalu besar ({MAX_FILE_BYTES + 1:,} byte; paling besar {MAX_FILE_BYTES:,} byte)"


def test_symlinks_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("name: A\n")
    (tmp_path / "link.yaml").symlink_to("/etc/hostname")
    problems: list[Problem] = []
    assert load_yaml_file(tmp_path / "link.yaml", problems) is None
    assert problems[0].message == "tautan simbolik (symlink) tidak diizinkan di folder konten"


def test_front_matter_lines_are_counted_from_the_file_start(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: A\norder: x\n---\n# Body\n")
    problems: list[Problem] = []
    doc = load_markdown_file(page, problems)
    assert doc is not None and problems == []
    assert doc.locate(("order",)) == (3, 1)
    assert doc.body == "# Body\n"


def test_page_without_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Just a body\n")
    problems: list[Problem] = []
    assert load_markdown_file(page, problems) is None
    assert problems[0].message == "halaman harus diawali front matter YAML di antara dua baris '---'"


def test_load_reports_missing_files_and_bad_names_together(tmp_path: Path) -> None:
    (tmp_path / "regencies").mkdir()
    (tmp_path / "regencies" / "Bad Name.yaml").write_text("name: A\n")
    raw, problems = load(tmp_path)
    found = {(Path(p.path).name, p.message) for p in problems}
    assert ("site.yaml", "berkas wajib ini tidak ditemukan") in found
    assert ("indicators.yaml", "berkas wajib ini tidak ditemukan") in found
    assert any(name == "Bad Name.yaml" and "nama berkas" in msg for name, msg in found)
    assert raw.regencies == []
