"""End to end: the command line, exit codes, atomic output and byte-identical rebuilds."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import filelock
import jinja2
import pytest

from ssk_report import pdfs
from ssk_report.cli import main
from ssk_report.errors import BuildLockedError, UsageError
from ssk_report.pipeline import Settings, build, load_content
from ssk_report.plan import plan
from ssk_report.publish import Staging

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

    def interrupted(self: pdfs.Pdfs, staging: Staging, store: object) -> None:
        staging.write("laporan/2025-cc7.pdf", b"%PDF- half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pdfs.Pdfs, "start", lambda self, store: self)
    monkeypatch.setattr(pdfs.Pdfs, "publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(Settings(templates_dir=TEMPLATES, out_dir=out, pdf=True))
    assert snapshot(out) == before
    # No staging folder is left; the lock file stays on purpose.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.lock", "output"]


def test_a_rebuild_leaves_no_previous_output_behind(tmp_path: Path, content_dir: Path) -> None:
    """The replaced output is deleted once the new one is in place; a folder of ours that a killed build
    left behind is removed by the next build."""
    out = run_build(tmp_path, content_dir, pdf=False)
    stray = tmp_path / ".output.ssk-old-killed"
    shutil.copytree(out, stray)  # an earlier output (it has our marker), left by a build killed mid-swap
    regency = content_dir / "regencies" / "katingan.yaml"
    regency.write_text(regency.read_text() + "\n# edited\n")
    run_build(tmp_path, content_dir, pdf=False)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output")) == [".output.lock"]
    assert (out / "index.html").exists()


def test_folders_named_like_the_builds_own_are_never_deleted(tmp_path: Path, content_dir: Path) -> None:
    """Only a folder carrying the build's marker is ever removed, whatever its name."""
    site = tmp_path / "site"
    mine = [tmp_path / ".site.old-backup", tmp_path / ".site.tmp-notes", tmp_path / ".site.ssk-staging-notes",
            tmp_path / ".site.ssk-old-thesis"]
    for folder in mine:
        folder.mkdir()
        (folder / "keep.txt").write_text("years of work")
    for _ in range(2):
        build(Settings(content_dir, TEMPLATES, site, pdf=False))
    for folder in mine:
        assert (folder / "keep.txt").read_text() == "years of work"


def test_published_folders_and_files_are_readable_by_a_web_server(tmp_path: Path) -> None:
    """Folders 0755 and files 0644 under the usual umask (a web server runs as another user)."""
    previous = os.umask(0o022)
    try:
        out = run_build(tmp_path, pdf=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for path in out.rglob("*"):
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_a_folder_it_may_not_write_is_a_one_line_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only output folder: exit 2, one line, the output intact. (Run as root, which writes
    anywhere, the refusal is simulated where the build meets it first.)"""
    out = run_build(tmp_path, pdf=False)
    before = snapshot(out)
    (out / "index.html").write_bytes((out / "index.html").read_bytes())  # not a no-op build: a new fingerprint
    tmp_path.chmod(0o555)
    if os.geteuid() == 0:
        real = Path.mkdir

        def refused(self: Path, *args: object, **kwargs: object) -> None:
            if ".ssk-staging-" in self.name:
                raise PermissionError(13, "Permission denied", str(self))
            real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "mkdir", refused)
    try:
        code = main(["build", "--out", str(out), "--no-pdf", "--strict"])
    finally:
        tmp_path.chmod(0o755)
    error = capsys.readouterr().err
    assert code == 2
    assert len(error.strip().splitlines()) == 1 and "tidak dapat ditulis" in error and "Traceback" not in error
    assert snapshot(out) == before


def test_second_build_at_once_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with filelock.FileLock(tmp_path / ".output.lock"), pytest.raises(BuildLockedError, match="build lain sedang"):
        build(Settings(templates_dir=TEMPLATES, out_dir=out, pdf=False))
    assert not out.exists()


def test_the_store_lives_outside_the_repository_and_the_output(tmp_path: Path, content_dir: Path) -> None:
    """Nothing the build keeps is written beside the content or the output, where a repository could
    carry a cache of its own; the user's cache folder is used unless another is named."""
    run_build(tmp_path, content_dir, pdf=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.lock", "content", "output"]
    assert any(Path(os.environ["SSK_REPORT_CACHE"]).rglob("index/pages.json"))


def test_a_committed_cache_is_never_read_or_run(tmp_path: Path, content_dir: Path) -> None:
    """A pickle or compiled-template file in the repository (where the earlier build kept its cache)
    must not run code when the build or the preview starts."""
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    payload = pickle.dumps(Exploit())
    cache = tmp_path / ".ssk-cache"
    for relative in ("yaml/parsed.pickle", "html/site/manifest.json", f"jinja-{jinja2.__version__}/x.cache"):
        (cache / relative).parent.mkdir(parents=True, exist_ok=True)
        (cache / relative).write_bytes(payload)
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content_dir), "--out", str(tmp_path / "output"),
               "--templates", str(TEMPLATES), "--no-pdf"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
