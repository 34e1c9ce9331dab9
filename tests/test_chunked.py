"""A long report rendered in chunks and merged (issue 7): page numbers, contents, links, bookmarks and
metadata read back with pypdf, and checked against the same report rendered as one document."""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import re
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader

from ssk_report import cache, chunked, plan, render
from ssk_report.build import Settings, _source_of, load_content
from ssk_report.demo import write_demo

from .conftest import CONTENT, TEMPLATES

REGENCIES = 40
REGENCY = re.compile(r"(Kabupaten|Kota) Sintetis \d{4}$")  # headings name a regency in full (review L11)
ENTRY = re.compile(r"^(.+?)\s*(?:\.\s*){3,}(\d+)$", flags=re.M)  # a contents line: title . . . . page


def report_job(content_dir: Path) -> render.PdfJob:
    """The latest clinic's report, which reviews every regency, as the build would render it."""
    settings = Settings(content_dir, TEMPLATES)
    content = load_content(settings)
    site_plan = plan.plan(content, languages=("id",))
    document = next(o for o in site_plan.documents
                    if o.key == f"report:{content.clinics_by_date[-1].slug}" and o.variant == "pdf/ua-1")
    html = render.render_html(render.environments(TEMPLATES, ("id",)), document, content, site_plan)
    return render.PdfJob(document.path, html, TEMPLATES, _source_of(settings, document), document.variant)


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> render.PdfJob:
    """The 40-regency report, plus a link from the first regency to an annex in another chunk."""
    plain = report_job(write_demo(tmp_path_factory.mktemp("demo") / "content", REGENCIES))
    html = plain.html.replace('<p class="idline">', '<p class="idline"><a href="#lampiran-sumber">Sumber</a> ', 1)
    return render.PdfJob(plain.path, html, plain.templates, plain.source, plain.variant)


@pytest.fixture(scope="module")
def merged(job: render.PdfJob) -> bytes:
    """Rendered through the build's entry point, with the threshold lowered to this report's size."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunked, "THRESHOLD", REGENCIES)
        assert chunked.is_long(job)
        ((path, pdf),) = render.render_pdfs([job], workers=2)
    assert path == job.path
    return pdf


@pytest.fixture(scope="module")
def reader(merged: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(merged))


@pytest.fixture(scope="module")
def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def contents(texts: list[str]) -> list[tuple[str, int]]:
    """(title, page number) of every contents entry, in order."""
    front = next(i for i, text in enumerate(texts) if text.startswith("1. Ringkasan"))
    return [(title, int(number)) for text in texts[:front] for title, number in ENTRY.findall(text)]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def footer(page: PageObject) -> list[tuple[str, float, float, float]]:
    """The page-number footer's text, position and size."""
    found = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.startswith("Halaman"):
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text, round(x, 2), round(y, 2), size))

    page.extract_text(visitor_text=visit)
    return found


def links(reader: PdfReader) -> list[tuple[int, int, list[int]]]:
    """(page, target page, rectangle) of every internal link, in order."""
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in (a.get_object() for a in page.get("/Annots") or []):
            target = reader.named_destinations[annotation["/Dest"]]
            found.append((number, reader.get_destination_page_number(target), [round(v) for v in annotation["/Rect"]]))
    return found


def test_short_reports_stay_one_tagged_document(job: render.PdfJob) -> None:
    """The Kalteng report (14 regencies) and the 40-regency one stay below the threshold."""
    assert not chunked.is_long(report_job(CONTENT))
    assert not chunked.is_long(job)
    assert job.html.count(chunked.SPLIT) >= REGENCIES


def test_running_strings_are_read_as_print_css_sets_them() -> None:
    """The strings a chunk carries in: the last of each, whitespace collapsed, void elements skipped."""
    strings: dict[str, str] = {}
    chunked._Running(strings).feed('<head><meta charset="utf-8"></head><body><h1 class="doc-title">Laporan\n  CC 7'
                                   '</h1><p class="run-asof">Data per <b>6</b> November</p><h1>1. Ringkasan<br></h1>'
                                   '<h1>2. Status &amp; tahap</h1><h2>Kab. A</h2>')
    assert strings == {"doctitle": "Laporan CC 7", "asof": "Data per 6 November", "chapter": "2. Status & tahap"}


@pytest.mark.slow
def test_every_page_but_the_cover_says_page_i_of_n(texts: list[str]) -> None:
    total = len(texts)
    assert total > REGENCIES
    assert "Halaman" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert text.rstrip().endswith(f"Halaman {number} dari {total}"), (number, text[-80:])
        assert text.count("Halaman ") == 1, number


@pytest.mark.slow
def test_contents_give_the_page_of_each_heading(texts: list[str]) -> None:
    entries = contents(texts)
    regencies = [(title, number) for title, number in entries if REGENCY.match(title)]
    assert len(regencies) == REGENCIES and len(entries) >= REGENCIES + 6
    for title, number in entries:
        assert title in texts[number - 1].splitlines(), (title, number)
    for title, number in regencies:  # each regency's section starts a page
        assert texts[number - 1].splitlines()[0] == title, (title, number)


@pytest.mark.slow
def test_contents_entries_link_to_those_pages(reader: PdfReader, texts: list[str]) -> None:
    entries = contents(texts)
    destinations = reader.named_destinations
    targets: list[tuple[str, int]] = []
    for page in reader.pages[:3]:
        annotations = [a.get_object() for a in page.get("/Annots") or []]
        for annotation in sorted(annotations, key=lambda a: -float(a["/Rect"][1])):  # top to bottom
            target = reader.get_destination_page_number(destinations[annotation["/Dest"]]) + 1
            name = str(annotation["/Dest"])
            if not targets or name != targets[-1][0]:  # WeasyPrint writes a link per box of the entry
                targets.append((name, target))
    assert [page for _, page in targets] == [number for _, number in entries]


@pytest.mark.slow
def test_one_bookmark_per_section_at_its_page(reader: PdfReader, texts: list[str]) -> None:
    marks = outline(reader)
    chapter = next(i for i, (_, title, _) in enumerate(marks) if title == "2. Status kabupaten/kota")
    regencies = [mark for mark in marks if REGENCY.match(mark[1])]
    assert len(regencies) == REGENCIES == len({title for _, title, _ in regencies})
    for depth, title, page in regencies:
        assert depth == 1 and texts[page].splitlines()[0] == title
    assert all(index > chapter for index, mark in enumerate(marks) if mark in regencies)
    assert [title for depth, title, _ in marks if depth == 0][:2] == [
        "Laporan Coaching Clinic 4 Tahun 2025", "1. Ringkasan"]


@pytest.mark.slow
def test_metadata_and_language_without_claiming_tags(reader: PdfReader) -> None:
    meta = reader.metadata
    assert meta is not None and meta.title and meta.title.startswith("Laporan Coaching Clinic 4 Tahun 2025")
    assert meta.author == "Pokja PPSP Nasional [SINTETIS]" and meta.subject and meta.creator == "ssk-report"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id"
    assert "/StructTreeRoot" not in root  # tags are not merged, so the PDF does not claim PDF/UA
    assert "/Metadata" not in root or b"pdfuaid" not in root["/Metadata"].get_data()


@pytest.mark.slow
def test_same_pages_as_one_document_and_reproducible(job: render.PdfJob, merged: bytes, texts: list[str],
                                                     reader: PdfReader) -> None:
    """Every page reads as in the single-document PDF: running headers, footers, contents, bookmarks."""
    whole = PdfReader(io.BytesIO(render.render_pdf(job.html, TEMPLATES, job.source, job.path, job.variant)))
    words = [" ".join(text.split()) for text in texts]  # the stamped footer is extracted on its own line
    assert [" ".join(page.extract_text().split()) for page in whole.pages] == words
    assert [footer(page) for page in whole.pages] == [footer(page) for page in reader.pages]
    assert outline(whole) == outline(reader)
    assert links(whole) == links(reader)  # the contents, and one link between chunks
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert chunked.render_chunked(job, pool, 2) == merged


class Counting(Executor):
    """A pool that counts the documents given to it."""

    def __init__(self, pool: Executor) -> None:
        self.pool, self.submitted = pool, 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return self.pool.submit(fn, *args, **kwargs)


@pytest.mark.slow
def test_kept_documents_render_again_only_the_changed_chunk(job: render.PdfJob, merged: bytes,
                                                            tmp_path: Path) -> None:
    """With a store, a second render takes every document from it, and a change to one regency's
    section renders that chunk alone; the result is always the PDF made without a store."""
    store = cache.ChunkStore(tmp_path / "chunks", b"environment")
    section = job.html.index('id="kab-sintetis-0038"')
    capital = job.html.index("Ibu Kota Sintetis 0038", section)
    changed = dataclasses.replace(job, html=f"{job.html[:capital]}Ibu Kota Diubah{job.html[capital + 22:]}")
    with pytest.MonkeyPatch.context() as patch:  # as the build renders it
        patch.setattr(chunked, "THRESHOLD", REGENCIES)
        assert list(render.render_pdfs([job], workers=2, chunks=lambda _: store)) == [(job.path, merged)]
    assert len(list(store.folder.glob("*.pdf"))) == 1 + 2 * chunked.CHUNKS_PER_WORKER + 2  # front, chunks,
    # the numbered front matter and the footers
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as workers:
        pool = Counting(workers)
        assert chunked.render_chunked(job, pool, 2, store) == merged
        assert pool.submitted == 0
        fresh = chunked.render_chunked(changed, workers, 2)
        finish = chunked.start(changed, pool, 2, store)
        assert pool.submitted == 1  # the changed chunk, queued before anything is waited for
        assert finish() == fresh != merged
        assert pool.submitted == 1  # same page numbers: front matter and footers from the store
    assert any("Ibu Kota Diubah" in page.extract_text() for page in PdfReader(io.BytesIO(fresh)).pages)
