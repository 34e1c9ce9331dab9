"""Authoring commands: validate for CI (text, json, GitHub annotations) and scaffolding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssk_report.cli import main


def break_lamandau(content_dir: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("m4_year: 2024", "m4_year: 2204"))


def m4_line(content_dir: Path) -> int:
    lines = (content_dir / "regencies" / "lamandau.yaml").read_text().splitlines()
    return next(i for i, text in enumerate(lines, start=1) if "m4_year" in text)


def test_validate_json_lists_file_line_column_field_message(content_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    break_lamandau(content_dir)
    assert main(["validate", "--content", str(content_dir), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == [{
        "file": str(content_dir / "regencies" / "lamandau.yaml"), "line": m4_line(content_dir), "column": 3,
        "field": "ppsp.m4_year", "message": "terlalu besar (tertulis 2204, seharusnya paling besar 2035)",
    }]


def test_validate_github_annotations(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_lamandau(content_dir)
    assert main(["validate", "--content", str(content_dir), "--format", "github"]) == 1
    file = str(content_dir / "regencies" / "lamandau.yaml").replace(":", "%3A").replace(",", "%2C")
    assert capsys.readouterr().out == (
        f"::error file={file},line={m4_line(content_dir)},col=3,title=ppsp.m4_year::terlalu besar"
        " (tertulis 2204, seharusnya paling besar 2035)\n")


def test_validate_json_on_valid_content_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_new_regency_lists_only_what_is_left_to_fill(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "regency", "kota-baru", "--content", str(content_dir)]) == 0
    created = content_dir / "regencies" / "kota-baru.yaml"
    assert "name: Kota Baru" in created.read_text()
    assert main(["validate", "--content", str(content_dir), "--format", "json"]) == 1
    fields = [p["field"] for p in json.loads(capsys.readouterr().out.split("\n", 1)[1])]
    assert fields == ["tiles", "kemendagri_code", "bps_code"]  # its place on the map (map.yaml), then its codes


def test_new_clinic_then_validate_names_required_fields(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "clinic", "2026", "1", "--content", str(content_dir)]) == 0
    capsys.readouterr()
    assert main(["validate", "--content", str(content_dir), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert {p["field"] for p in problems} == {"start", "end", "organiser"}  # venue and city may be unrecorded
    assert all(p["file"].endswith("clinics/2026-cc1.yaml") for p in problems)


def test_new_refuses_to_overwrite(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (content_dir / "regencies" / "lamandau.yaml").read_text()
    assert main(["new", "regency", "lamandau", "--content", str(content_dir)]) == 2
    assert "sudah ada; berkas yang ada tidak ditimpa" in capsys.readouterr().err
    assert (content_dir / "regencies" / "lamandau.yaml").read_text() == before
    assert main(["new", "regency", "Bad_Slug", "--content", str(content_dir)]) == 2


def test_progress_is_quiet_in_logs_and_per_file_with_verbose(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from ssk_report import pipeline as build_module

    calls: list[str] = []

    def fake_build(settings: object, progress: object = None) -> build_module.Summary:
        assert progress is None or callable(progress)
        if progress is not None:
            progress(1, 2, "laporan/a.pdf")  # type: ignore[operator]
            progress(2, 2, "laporan/b.pdf")  # type: ignore[operator]
        calls.append("built")
        return build_module.Summary(1, 2, 0.1, rendered=1, printed=2)

    import ssk_report.cli as cli_module

    original = cli_module.build
    cli_module.build = fake_build  # type: ignore[assignment]
    try:
        assert main(["build", "--out", str(tmp_path / "o")]) == 0  # stderr is not a terminal here
        captured = capsys.readouterr()
        assert captured.err == "" and captured.out.startswith("Selesai: 1 halaman HTML, 2 PDF")
        assert main(["build", "--out", str(tmp_path / "o"), "--verbose"]) == 0
        assert capsys.readouterr().err == "PDF 1/2: laporan/a.pdf\nPDF 2/2: laporan/b.pdf\n"
        assert main(["build", "--out", str(tmp_path / "o"), "--quiet"]) == 0
        assert capsys.readouterr() == ("", "")
    finally:
        cli_module.build = original  # type: ignore[assignment]
    assert calls == ["built"] * 3


@pytest.mark.parametrize("slug", ["abc\n", "abc\r", "a\nb", "abc ", " abc", "abc/../x", "ABC", "abc-", "ab--c", ""])
def test_new_regency_checks_the_whole_name(slug: str, content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ssk-report new regency $'abc\\n'` made a file with a line break in its name."""
    before = sorted(p.name for p in (content_dir / "regencies").iterdir())
    assert main(["new", "regency", slug, "--content", str(content_dir)]) == 2
    assert "tidak valid" in capsys.readouterr().err
    assert sorted(p.name for p in (content_dir / "regencies").iterdir()) == before


def test_a_content_file_name_with_a_line_break_is_refused(content_dir: Path) -> None:
    from ssk_report.loader import load

    (content_dir / "regencies" / "abc\n.yaml").write_text((content_dir / "regencies" / "lamandau.yaml").read_text())
    raw, problems = load(content_dir)
    assert [p.message for p in problems] == ["nama berkas 'abc\\n.yaml' tidak valid; pakai huruf kecil a-z,"
                                             " angka dan tanda '-'"]
    assert problems[0].path.endswith("regencies/abc\\n.yaml")  # shown escaped: one message, one line
    assert "abc\n" not in raw.regency_files


def test_validate_strict_fails_on_facts_readers_cannot_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --strict the bundled content is valid, with a note; with it, every such fact is a located error."""
    assert main(["validate"]) == 0
    assert "24 fakta belum dapat diperiksa pembaca" in capsys.readouterr().out
    assert main(["validate", "--strict", "--format", "json"]) == 1
    found = [(Path(p["file"]).name, p["field"], p["message"]) for p in json.loads(capsys.readouterr().out)]

    def messages(file: str, field: str) -> list[str]:
        return [message for f, d, message in found if (f, d) == (file, field)]

    assert [m[:70] for m in messages("indicators.yaml", "actuals[3].source")] == [
        'sumber "kaltengterkini-2025-12" belum dapat dibuka pembaca (tidak ada ',
        'sumber "kaltengterkini-2025-12" bertanggal sesudah tanggal acuan data ']  # December 2025, after as_of
    assert messages("indicators.yaml", "targets[0].source")[0].startswith('sumber "rpjmn-2020-2024" belum dapat dibuka')
    assert not messages("indicators.yaml", "targets[4].source")  # 85 %: read through the CC1 coverage, which opens
    assert messages("lamandau.yaml", "capital")[0].startswith('ibu kota "Nanga Bulik" belum bersumber')
    assert messages("site.yaml", "province.capital")[0].startswith('ibu kota "Palangka Raya" belum bersumber')
    assert len(found) == 24  # 7 targets, the 2024 province value twice, 15 capitals


def test_validate_strict_also_reports_a_missing_translation(content_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = content_dir / "clinics" / "2025-cc6.yaml"
    path.write_text(path.read_text().replace(
        "    en: Review of the regencies at milestone M4 and evaluation of those that have completed milestone M4.\n",
        ""))
    assert main(["validate", "--content", str(content_dir), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["validate", "--strict", "--content", str(content_dir), "--format", "json"]) == 1
    assert {"field": "agenda[0]", "message": "belum ada terjemahan bahasa Inggris (en)"}.items() <= next(
        p for p in json.loads(capsys.readouterr().out) if p["field"] == "agenda[0]").items()
