"""Git-native data: semantic diff between revisions, last-changed dates, provenance."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from ssk_report import history
from ssk_report.cli import main
from ssk_report.diff import compare, describe, diff_revisions
from ssk_report.errors import UsageError

from .conftest import CONTENT, FIXTURE_ACTION_ITEMS


def git(repo: Path, *args: str, date: str = "2025-08-10T10:00:00+07:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Uji",
           "GIT_AUTHOR_EMAIL": "uji@example.invalid", "GIT_COMMITTER_NAME": "Uji",
           "GIT_COMMITTER_EMAIL": "uji@example.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throwaway repository: the bundled content at 'cc6-2025', then edits made for CC7."""
    root = tmp_path / "repo"
    shutil.copytree(CONTENT, root / "content")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "content as at CC6")
    git(root, "tag", "cc6-2025")
    lamandau = root / "content" / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace(
        "indicators: {}", "indicators:\n  ald_aman:\n    - {year: 2024, value: 12.5, source: big-2024}"))
    cc6 = root / "content" / "clinics" / "2025-cc6.yaml"
    cc6.write_text(cc6.read_text().replace("action_items: []", FIXTURE_ACTION_ITEMS.strip()))
    git(root, "commit", "-q", "-am", "data for CC7", date="2025-11-01T09:00:00+07:00")
    git(root, "tag", "cc7-2025")
    return root


def test_diff_between_tags_lists_semantic_changes(repo: Path) -> None:
    changes, title = diff_revisions(repo / "content", "cc6-2025", "cc7-2025")
    assert title == "Perubahan data: cc6-2025 → cc7-2025"
    assert [describe(c) for c in changes] == [
        "Kab. Lamandau: Akses sanitasi aman 2024 belum ada data → 12,5%",
        "Butir tindak lanjut baru: [DATA UJI] Menyerahkan data capaian akses sanitasi aman",
        "Butir tindak lanjut baru: [DATA UJI] Menyusun rencana perluasan layanan lumpur tinja",
    ]


def test_diff_judges_direction_against_the_indicator(repo: Path) -> None:
    lamandau = repo / "content" / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace("value: 12.5", "value: 10.0"))
    cc6 = repo / "content" / "clinics" / "2025-cc6.yaml"
    cc6.write_text(cc6.read_text().replace("status: in_progress", "status: done"))
    changes, _ = diff_revisions(repo / "content", "cc7-2025", None)  # against the working tree
    assert [(c.what, c.judgement) for c in changes] == [("indicator", "bad"), ("status", "good")]
    assert describe(changes[0]) == "Kab. Lamandau: Akses sanitasi aman 2024 12,5% → 10% (memburuk)"
    assert describe(changes[1]).endswith(": berjalan → selesai (membaik)")


def test_diff_command_formats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = str(repo / "content")
    assert main(["diff", "cc6-2025", "cc7-2025", "--content", content, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["subject"] == "lamandau" and data[0]["new"] == 12.5 and data[0]["old"] is None
    assert main(["diff", "cc6-2025", "cc7-2025", "--content", content, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Perubahan data: cc6-2025 → cc7-2025\n\n## Kabupaten/kota\n\n- Kab. Lamandau")
    assert "## Butir tindak lanjut" in markdown


def test_unknown_revision_and_no_repository(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "cc99-2030", "--content", str(repo / "content")]) == 2
    assert "revisi git tidak dikenal: 'cc99-2030'" in capsys.readouterr().err
    outside = tmp_path / "plain"
    shutil.copytree(CONTENT, outside)
    with pytest.raises(UsageError, match="tidak berada di dalam repositori git"):
        diff_revisions(outside, "HEAD", None)


def test_last_changed_dates_and_provenance(repo: Path) -> None:
    found = history.read_history(repo / "content")
    assert found.changed("regencies/lamandau.yaml").isoformat() == "2025-11-01"
    assert found.changed("regencies/kapuas.yaml").isoformat() == "2025-08-10"
    assert found.provenance is not None and not found.provenance.dirty
    assert found.provenance.commit == git(repo, "rev-parse", "HEAD").strip()
    assert history.source_date_epoch(found) == int(found.provenance.date.timestamp())
    (repo / "content" / "site.yaml").write_text((repo / "content" / "site.yaml").read_text() + "\n")
    assert history.read_history(repo / "content").provenance.dirty  # type: ignore[union-attr]


def test_no_repository_means_no_history(tmp_path: Path) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    assert history.read_history(tmp_path / "content") == history.History()


def test_compare_same_content_is_empty(repo: Path) -> None:
    from ssk_report.pipeline import Settings, load_content

    content = load_content(Settings(content_dir=repo / "content"))
    assert compare(content, content) == []


def test_site_and_report_show_changes_dates_and_provenance(repo: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from ssk_report import diff, keys, pdfs, plan
    from ssk_report.pipeline import Settings, build, load_content
    from ssk_report.products import RenderContext
    from ssk_report.templating import environment, render

    from .conftest import TEMPLATES

    content_dir = repo / "content"
    out = tmp_path / "out"
    build(Settings(content_dir=content_dir, templates_dir=TEMPLATES, out_dir=out, pdf=False))
    commit = git(repo, "rev-parse", "HEAD").strip()
    lamandau = (out / "kabupaten" / "lamandau.html").read_text()
    assert "Data per 6 November 2025 · Halaman diperbarui 1 November 2025" in lamandau  # two dates, each named
    assert f'<meta name="generator" content="ssk-report {commit[:10]}">' in lamandau  # provenance, not in the text
    assert commit[:10] not in lamandau.split("</head>", 1)[1]
    assert "Page updated 1 November 2025" in (out / "en" / "kabupaten" / "lamandau.html").read_text()
    assert "Tidak ada perubahan data." in (out / "perubahan.html").read_text()  # nothing since CC7

    content = load_content(Settings(content_dir=content_dir))
    log = diff.change_log(content_dir, content)
    assert log.site == ()
    cc7 = log.clinics["2025-cc7"]
    assert cc7 is not None and [c.what for c in cc7] == ["indicator", "added", "added"]
    site_plan = plan.plan(content, languages=("id",))
    report = next(o for o in site_plan.documents if o.path == "laporan/2025-cc7.pdf")
    context = RenderContext(content, site_plan, history.read_history(content_dir, TEMPLATES), log, TEMPLATES,
                            keys.code_digest(TEMPLATES))
    html = render(environment(TEMPLATES), report, context.variables(report))
    assert "Lampiran C. Catatan data" in html and "Perubahan data antara CC6 2025 (13–14 Agustus 2025)" in html
    # when the data last changed: the newest commit of the content files, in plain words
    assert "Catatan data yang menjadi dasarnya terakhir diubah pada 1 November 2025." in html
    assert "Kab. Lamandau: Akses sanitasi aman 2024 belum ada data → 12,5%" in html
    pdf = tmp_path / "cc7.pdf"
    pdf.write_bytes(pdfs.to_pdf(html, context, report)[report.path])
    meta = PdfReader(pdf).metadata
    assert meta is not None
    assert f"commit {commit}" in str(meta.get("/Creator"))
    assert str(meta.get("/ModDate")).startswith("D:20251101")  # the HEAD commit's date, not the clock


# ---- git as a reader only (issue 18) -------------------------------------------------------------------


def hostile_config(repo: Path, marker: Path) -> None:
    """What a checkout others can write to may hold: settings that make git run a command. Set after
    the commits, so that only what ssk-report runs could trigger them."""
    command = f"touch {marker}"
    (repo / ".git" / "hooks").mkdir(exist_ok=True)
    for name in ("post-checkout", "pre-commit", "reference-transaction", "post-index-change"):
        hook = repo / ".git" / "hooks" / name
        hook.write_text(f"#!/bin/sh\n{command}\n")
        hook.chmod(0o755)
    for key, value in [("core.fsmonitor", command), ("core.pager", command), ("pager.log", command),
                       ("diff.external", command), ("filter.evil.clean", f"{command}; cat"),
                       ("filter.evil.smudge", f"{command}; cat"), ("filter.evil.process", command),
                       ("diff.evil.textconv", f"{command}; cat"), ("diff.evil.command", command),
                       ("log.showSignature", "true"), ("gpg.program", command), ("core.sshCommand", command),
                       ("core.alternateRefsCommand", command), ("uploadpack.packObjectsHook", command),
                       ("core.hooksPath", str(repo / ".git" / "hooks"))]:
        git(repo, "config", key, value)


def test_git_never_runs_a_command_the_repository_configures(repo: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")
    marker = tmp_path / "ran"
    hostile_config(repo, marker)
    lamandau = repo / "content" / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text() + "\n")  # a changed file: status would clean-filter it
    found = history.read_history(repo / "content", repo / "content")
    assert found.provenance is not None and found.provenance.dirty
    from ssk_report.pipeline import Settings, build

    from .conftest import TEMPLATES

    build(Settings(content_dir=repo / "content", templates_dir=TEMPLATES, out_dir=tmp_path / "out", pdf=False))
    assert main(["diff", "cc6-2025", "--content", str(repo / "content")]) == 0
    assert main(["diff", "cc6-2025", "HEAD", "--content", str(repo / "content"), "--format", "json"]) == 0
    capsys.readouterr()
    assert not marker.exists()


def test_uncommitted_means_a_changed_new_or_deleted_file(repo: Path) -> None:
    def dirty() -> bool:
        provenance = history.read_history(repo / "content").provenance
        assert provenance is not None
        return provenance.dirty

    assert not dirty()
    (repo / "content" / ".DS_Store").write_bytes(b"\0")  # hidden files do not count
    assert not dirty()
    new = repo / "content" / "lampiran" / "catatan.txt"
    new.parent.mkdir()
    new.write_text("baru\n")
    assert dirty()
    new.unlink()
    assert not dirty()
    kapuas = repo / "content" / "regencies" / "kapuas.yaml"
    text = kapuas.read_bytes()
    kapuas.write_bytes(text.replace(b"\n", b"\r\n"))  # as core.autocrlf checks it out on Windows
    assert not dirty()
    kapuas.unlink()
    assert dirty()


@pytest.mark.parametrize("where", ["lampiran/x", "regencies/lamandau.yaml"])
def test_a_symlink_in_a_compared_revision_is_a_located_error(where: str, repo: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    link = repo / "content" / where
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link")
    monkeypatch.chdir(repo)
    assert main(["diff", "cc7-2025", "HEAD"]) == 2
    err = capsys.readouterr().err
    assert f"content/{where}:1:1 (at HEAD): tautan simbolik (symlink) tidak diizinkan di folder konten" in err
    assert "Traceback" not in err and "root:" not in err


def test_problems_at_a_revision_name_the_users_file_and_the_revision(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cc7 = repo / "content" / "clinics" / "2025-cc7.yaml"
    cc7.write_text(cc7.read_text().replace("milestone_focus: M4", "milestone_focus: M9"))
    git(repo, "commit", "-q", "-am", "a mistake")
    line = next(n for n, text in enumerate(cc7.read_text().splitlines(), start=1) if "milestone_focus" in text)
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "HEAD"]) == 2
    err = capsys.readouterr().err
    assert f"\ncontent/clinics/2025-cc7.yaml:{line}:1 (at HEAD): milestone_focus: format tidak sesuai" in err
    assert str(Path(tempfile.gettempdir())) not in err and str(repo) not in err


@pytest.mark.parametrize("revision", ["--output=x", "-h", ""])
def test_a_revision_is_never_read_as_an_option(revision: str, repo: Path) -> None:
    with pytest.raises(UsageError, match="revisi git tidak dikenal"):
        history.resolve(repo, revision)


def test_without_an_earlier_record_the_changes_come_from_the_data_s_own_dates(tmp_path: Path) -> None:
    """No history at all (or none that old): the content as of each clinic is made from its sources' dates."""
    from ssk_report import diff
    from ssk_report.pipeline import Settings, load_content

    shutil.copytree(CONTENT, tmp_path / "content")
    content = load_content(Settings(content_dir=tmp_path / "content"))
    log = diff.change_log(tmp_path / "content", content)
    assert log.since == "2025-cc7"
    assert [describe(c) for c in log.site or ()] == [
        "Kalimantan Tengah: Akses sanitasi aman 2024 belum ada data → 11,07%"]  # read in December 2025
    # CC7's annex stops at CC7 (6 November): the value read in December is the site's change, not CC7's.
    assert [describe(c, "en") for c in log.clinics["2025-cc7"] or ()] == ["CC7 2025 recorded"]
    assert "2025-cc6" not in log.clinics and "2025-cc1" not in log.clinics  # the first of their series


def test_a_clinic_s_tag_marks_its_data_even_when_committed_after_the_clinic(repo: Path) -> None:
    """The data for CC7 went in two weeks after it, then the content was tagged: the tag is CC7's state."""
    from ssk_report import diff
    from ssk_report.pipeline import Settings, load_content

    content_dir = repo / "content"
    git(repo, "tag", "-d", "cc7-2025")
    git(repo, "reset", "-q", "--hard", "cc6-2025")
    lamandau = content_dir / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace(
        "indicators: {}", "indicators:\n  ald_aman:\n    - {year: 2024, value: 12.5, source: big-2024}"))
    git(repo, "commit", "-q", "-am", "data for CC7", date="2025-11-20T09:00:00+07:00")
    content = load_content(Settings(content_dir=content_dir))
    untagged = diff.change_log(content_dir, content)  # the last state on or before 6 November: CC6's
    assert untagged.clinics["2025-cc7"] == ()
    assert [describe(c) for c in untagged.site or ()] == [
        "Kab. Lamandau: Akses sanitasi aman 2024 belum ada data → 12,5%"]
    git(repo, "tag", "cc7-2025")
    tagged = diff.change_log(content_dir, content)
    assert [describe(c) for c in tagged.clinics["2025-cc7"] or ()] == [
        "Kab. Lamandau: Akses sanitasi aman 2024 belum ada data → 12,5%"]
    assert tagged.site == ()
