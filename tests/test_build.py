"""End to end: the command line, exit codes, atomic output and byte-identical rebuilds."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssk_report import render
from ssk_report.build import Settings, build, load_content
from ssk_report.errors import BuildLockedError, UsageError
from ssk_report.plan import plan

from .conftest import ROOT, TEMPLATES, run_build


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_build_py_builds_and_prints_a_summary(tmp_path: Path) -> None:
    result = cli(str(ROOT / "build.py"), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.returncode == 0, result.stderr
    content = load_content(Settings())
    assert result.stdout.startswith(f"Selesai: {len(plan(content, with_pdf=False).pages)} halaman HTML, 0 PDF,")
    assert (tmp_path / "out" / "index.html").is_file()


def test_validate_writes_nothing_and_exits_zero(tmp_path: Path) -> None:
    result = cli("-m", "ssk_report", "validate", cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.startswith("Konten valid: 14 kabupaten/kota, 3 coaching clinic.\nCatatan: 24 fakta belum")


def test_bad_content_exits_one_and_leaves_previous_output(tmp_path: Path, content_dir: Path) -> None:
    out = run_build(tmp_path, content_dir, pdf=False)
    before = snapshot(out)
    lamandau = content_dir / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace("m4_year: 2024", "m4_year: 2204"))
    result = cli(str(ROOT / "build.py"), "--content", str(content_dir), "--out", str(out))
    assert result.returncode == 1
    assert ": ppsp.m4_year: terlalu besar (tertulis 2204" in result.stderr
    assert "regencies/lamandau.yaml:" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.")] == [".output.lock"]


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert cli(str(ROOT / "build.py"), "--no-such-option").returncode == 2
    missing = cli(str(ROOT / "build.py"), "--content", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "folder konten tidak ditemukan" in missing.stderr


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    with pytest.raises(UsageError, match="bukan hasil ssk-report"):
        build(Settings(templates_dir=TEMPLATES, out_dir=precious, pdf=False))
    assert (precious / "thesis.docx").read_text() == "years of work"


def test_interrupted_build_keeps_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run_build(tmp_path, pdf=False)
    before = snapshot(out)

    def interrupted(*args: object, **kwargs: object) -> Iterator[tuple[str, bytes]]:
        yield "laporan/2025-cc7.pdf", b"%PDF- half"
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "render_pdfs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(Settings(templates_dir=TEMPLATES, out_dir=out, pdf=True))
    assert snapshot(out) == before
    # No temporary folder is left; the lock file and the PDF cache stay on purpose.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".ssk-cache") == [".output.lock", "output"]


def test_a_rebuild_removes_the_previous_output_in_the_background(tmp_path: Path, content_dir: Path) -> None:
    """The replaced output is deleted by a process of its own (the build does not wait for it), and
    a folder such a process left behind is removed by the next build."""
    out = run_build(tmp_path, content_dir, pdf=False)
    regency = content_dir / "regencies" / "katingan.yaml"
    regency.write_text(regency.read_text() + "\n# edited\n")
    run_build(tmp_path, content_dir, pdf=False)
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".output.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(tmp_path.glob(".output.old-*"))
    stray = tmp_path / ".output.old-killed" / "previous"
    stray.mkdir(parents=True)
    (stray / "index.html").write_text("old")
    regency.write_text(regency.read_text() + "# edited again\n")
    run_build(tmp_path, content_dir, pdf=False)
    assert not (tmp_path / ".output.old-killed").exists() and (out / "index.html").exists()


def test_second_build_at_once_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with open(tmp_path / ".output.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildLockedError, match="build lain sedang menulis"):
            build(Settings(templates_dir=TEMPLATES, out_dir=out, pdf=False))
    assert not out.exists()


def test_two_builds_are_byte_identical(tmp_path: Path, full_build: Path) -> None:
    again = run_build(tmp_path)
    assert snapshot(again) == snapshot(full_build)
