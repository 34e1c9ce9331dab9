"""The PDF cache: an unchanged PDF is reused, and any change to what a PDF is made from makes a new one."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from ssk_report import cache, chunked
from ssk_report.build import Settings, build
from ssk_report.render import Attached, PdfJob

from .conftest import TEMPLATES


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.pdf")}


def test_key_changes_with_every_input(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    when = dt.datetime(2025, 11, 6, tzinfo=dt.UTC)
    job = PdfJob("laporan/a.pdf", "<p>a</p>", templates, "content/x.yaml", "pdf/a-3b",
                 (Attached("content/x.yaml", b"x: 1\n", "d", when),))
    keys = {cache.key(job)}
    keys.add(cache.key(PdfJob(job.path, "<p>b</p>", templates, job.source, job.variant, job.attachments)))
    keys.add(cache.key(PdfJob(job.path, job.html, templates, job.source, "pdf/ua-1", job.attachments)))
    keys.add(cache.key(PdfJob("laporan/b.pdf", job.html, templates, job.source, job.variant, job.attachments)))
    keys.add(cache.key(PdfJob(job.path, job.html, templates, job.source, job.variant,
                              (Attached("content/x.yaml", b"x: 2\n", "d", when),))))
    assert len(keys) == 5
    before = cache.key(job)
    (templates / "print" / "print.css").write_text((templates / "print" / "print.css").read_text() + "\n/* x */\n")
    assert cache.key(job) != before  # a stylesheet (or any template file) change invalidates every PDF


def test_rebuild_reuses_unchanged_pdfs_and_remakes_changed_ones(tmp_path: Path, content_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    caches = tmp_path / "cache"
    pdfs = caches / "pdf"
    first = build(Settings(content_dir, TEMPLATES, tmp_path / "first", cache_dir=caches))
    assert first.reused == 0 and len(list(pdfs.glob("*.pdf"))) == first.pdfs
    again = build(Settings(content_dir, TEMPLATES, tmp_path / "again", cache_dir=caches))
    assert again.reused == again.pdfs
    assert digests(tmp_path / "again") == digests(tmp_path / "first")

    lamandau = content_dir / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik Baru"))
    changed = build(Settings(content_dir, TEMPLATES, tmp_path / "changed", cache_dir=caches))
    handout = PdfReader(tmp_path / "changed" / "laporan" / "kabupaten" / "lamandau.pdf")
    assert "Nanga Bulik Baru" in " ".join(page.extract_text() for page in handout.pages)  # never stale
    before, after = digests(tmp_path / "first"), digests(tmp_path / "changed")
    remade = {path for path in after if after[path] != before[path]}
    assert {"laporan/kabupaten/lamandau.pdf", "en/report/kabupaten/lamandau.pdf"} <= remade
    assert "laporan/kabupaten/kapuas.pdf" not in remade
    assert changed.reused == changed.pdfs - len(remade)
    assert len(list(pdfs.glob("*.pdf"))) == changed.pdfs  # unused entries were pruned

    # Reused PDFs are linked from the cache; one that another build prunes between its lookup and
    # its link is rendered again.
    found = cache.split

    def pruned_meanwhile(jobs: list[PdfJob], pdf_cache: cache.PdfCache) -> tuple[list[tuple[str, Path]], list[PdfJob]]:
        reused, pending = found(jobs, pdf_cache)
        reused[0][1].unlink()
        return reused, pending

    monkeypatch.setattr(cache, "split", pruned_meanwhile)
    last = build(Settings(content_dir, TEMPLATES, tmp_path / "last", cache_dir=caches))
    assert last.reused == last.pdfs - 1
    assert digests(tmp_path / "last") == digests(tmp_path / "changed")


def test_chunk_folders_keep_what_the_build_used(tmp_path: Path) -> None:
    """A report rendered in chunks keeps the documents it used; one reused whole keeps all of its
    documents (for its next change); the folder of a report no longer made is removed."""
    rendered = chunked.Rendered(b"%PDF-1.7 stand-in", [{"a": (1.0, 2.0)}], [[(1, "A", 1.0, 2.0, True)]],
                                [[("b", (1.0, 2.0, 3.0, 4.0))]])
    chunked_job, whole_job, gone_job = (PdfJob(f"laporan/{name}.pdf", "<p>x</p>", TEMPLATES, "x.yaml")
                                        for name in ("chunked", "whole", "gone"))
    before = cache.PdfCache(tmp_path)
    for job in (chunked_job, whole_job, gone_job):
        store = before.chunks(job)
        for html in ("kept", "dropped"):
            store.put(store.key(html, job.path, None, ()), rendered)
    stores = {job.path: before.chunks(job) for job in (chunked_job, whole_job, gone_job)}
    kept = stores[chunked_job.path].key("kept", chunked_job.path, None, ())
    assert stores[chunked_job.path].get(kept) == rendered  # read back as written, tuples and all

    after = cache.PdfCache(tmp_path)
    after.get(chunked_job)
    after.get(whole_job)  # found whole: its chunks are not looked at
    store = after.chunks(chunked_job)
    assert store.get(store.key("kept", chunked_job.path, None, ())) == rendered
    assert store.get(store.key("new", chunked_job.path, None, ())) is None
    after.prune()
    assert {p.stem for p in stores[chunked_job.path].folder.iterdir()} == {kept}
    assert len(list(stores[whole_job.path].folder.iterdir())) == 4
    assert not stores[gone_job.path].folder.exists()
