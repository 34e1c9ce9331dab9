"""The PDFs end to end, in the two full builds the suite makes with PDFs: an edited regency lays out only
the documents that show it, and the result is byte for byte a build from an empty store, whatever the
number of workers or their start method."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssk_report.pipeline import Settings, build, load_content
from ssk_report.plan import plan

from .conftest import CONTENT, TEMPLATES, render_output
from .test_incremental import files

EDIT = ("regencies/lamandau.yaml", "capital: Nanga Bulik", "capital: Nanga Bulik (uji)")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("edited") / "content"
    shutil.copytree(CONTENT, content)  # outside git, as the full build's copy
    relative, old, new = EDIT
    path = content / relative
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    return content


def changed_documents(before: Path, after: Path) -> set[str]:
    """The documents whose print HTML differs between two content folders: those that show the edit."""
    old, new = load_content(Settings(before)), load_content(Settings(after))
    old_plan, new_plan = plan(old), plan(new)
    return {d.path for d, e in zip(old_plan.documents, new_plan.documents, strict=True)
            if render_output(old, d, old_plan) != render_output(new, e, new_plan)}


def test_an_edit_lays_out_only_what_shows_it_and_equals_a_fresh_build(
        full_build: Path, edited: Path, tmp_path: Path) -> None:
    fresh = build(Settings(edited, TEMPLATES, tmp_path / "fresh" / "output", workers=2, start_method="forkserver",
                           cache_dir=tmp_path / "empty"))
    shutil.copytree(full_build.parent / "store", tmp_path / "store")
    incremental = build(Settings(edited, TEMPLATES, tmp_path / "incremental" / "output", workers=1,
                                 cache_dir=tmp_path / "store"))
    shown = changed_documents(CONTENT, edited)
    assert {"laporan/kabupaten/lamandau.pdf", "en/report/kabupaten/lamandau.pdf"} <= shown
    assert "laporan/kabupaten/kapuas.pdf" not in shown
    # A report with an archival copy is laid out again too: that copy carries every content file.
    archived = {d.path for d in plan(load_content(Settings(edited))).documents if d.archive}
    assert fresh.printed == fresh.pdfs
    assert incremental.printed == len(shown | archived)  # counts of documents laid out, not timings
    # Byte for byte: the reused PDFs were made by two spawned workers, the edited ones here, one by one,
    # and the fresh build's by two forkserver workers.
    assert files(tmp_path / "incremental" / "output") == files(tmp_path / "fresh" / "output")
    assert files(tmp_path / "incremental" / "output") != files(full_build)


def test_a_rebuild_with_nothing_changed_lays_out_nothing(full_build: Path, tmp_path: Path) -> None:
    shutil.copytree(full_build.parent / "store", tmp_path / "store")
    again = build(Settings(full_build.parent / "content", TEMPLATES, tmp_path / "output", cache_dir=tmp_path / "store"))
    assert again.printed == 0 and again.reused == again.pdfs > 0
    assert files(tmp_path / "output") == files(full_build)
