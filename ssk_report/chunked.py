"""Long reports as chunks rendered in parallel, merged into one PDF (issue 7).

WeasyPrint lays out a document on one core, and its memory grows with the document. The report
template marks each section that starts a page (SPLIT); every cut falls on a forced page break, so a
chunk paginates exactly like the same pages of the whole document.

1. The HTML is cut into the front matter (cover, contents) and body chunks of decreasing size, each a
   whole document with the same <head>. A first page, dropped later, carries in the running headers
   set before the chunk (CSS string-set); the page-number footer is left blank.
2. Worker processes render the chunks and report where each anchor and bookmark landed, page by page.
3. Two documents are rendered last, side by side: the front matter with the contents' page numbers
   written in, and a skeleton of every page's footer — the front matter laid out but not drawn, then
   one empty page per body page, so that counter(pages) is the real total. The front matter's page
   count is guessed beside the chunks and checked.
4. pypdf merges front and body pages, stamps each page with its skeleton page's footer, and writes
   one outline, one table of named destinations and the links between parts.

With a Store, every document above is kept by a hash of what it is rendered from, and taken from
there next time: a chunk's pages carry no page number, so a change to one regency renders again only
its chunk (and the front matter and footers if the page numbers moved). Chunks drop the head's
<meta> tags (which name the commit): only the front matter's document information is kept.

Dropped: the PDF/UA structure tree, which pypdf cannot merge; a chunked report is untagged (and its
chunks render faster without tags). A PDF/A-*b copy keeps the front matter's XMP, output intent and
attachments. Reports with fewer than THRESHOLD split points stay one tagged document.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from . import render
from .errors import ContentError, Problem
from .fetcher import ContentFetcher

SPLIT = "<!--ssk:chunk-->"  # written by templates/print/report.html.j2
THRESHOLD = 100  # split points (about one per regency, ~110 pages) from which a report is rendered in chunks
CHUNKS_PER_WORKER = 3  # pieces small enough that no core idles long at the end; few, as each costs CPU
FOLIO = "bottom-center"  # the margin box with "Halaman x dari y" (templates/print/base.html.j2)
MARGIN_BOXES = [*(f"{side}-{where}" for side in ("top", "bottom")
                  for where in ("left-corner", "left", "center", "right", "right-corner")),
                *(f"{side}-{where}" for side in ("left", "right") for where in ("top", "middle", "bottom"))]
# The running strings print.css sets (string-set), in its order: (tag, class, string, fixed value).
RUNNING = (("h1", None, "chapter", None), (None, "doc-title", "doctitle", None), ("h1", "doc-title", "chapter", ""),
           (None, "run-asof", "asof", None))
KEPT_VARIANTS = {"pdf/a-2b", "pdf/a-3b"}  # variants a merged PDF still meets (no tags needed)
PT = 0.75  # CSS px -> PDF points
# `.toc a::after` in print.css, its target-counter() written in (the space ends the \a0 escape)
CONTENTS_ENTRY = 'leader(". ") "\\a0 {}"'
META = re.compile(r"<meta\s+name=[^>]*>\s*")  # document information, which a chunk's PDF does not keep
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

Point = tuple[float, float]


@dataclass(frozen=True)
class Rendered:
    """A rendered document and, per page, what the merge needs: anchors, bookmarks (level, label,
    x, y, open) and links to anchors outside it (target, rectangle); positions in PDF points."""

    pdf: bytes
    anchors: list[dict[str, Point]]
    bookmarks: list[list[tuple[int, str, float, float, bool]]]
    links: list[list[tuple[str, tuple[float, float, float, float]]]]

    def facts(self) -> str:
        """Everything but the PDF, as JSON (for a Store)."""
        return json.dumps({"anchors": self.anchors, "bookmarks": self.bookmarks, "links": self.links})

    @classmethod
    def read(cls, pdf: bytes, facts: str) -> Rendered:
        data = json.loads(facts)
        return cls(pdf, [{name: (x, y) for name, (x, y) in page.items()} for page in data["anchors"]],
                   [[(level, label, x, y, is_open) for level, label, x, y, is_open in page]
                    for page in data["bookmarks"]],
                   [[(target, (a, b, c, d)) for target, (a, b, c, d) in page] for page in data["links"]])


class Store(Protocol):
    """Rendered documents kept between builds, found by a hash of everything they are made from."""

    def key(self, html: str, identifier: str, variant: str | None, attachments: tuple[render.Attached, ...]) -> str:
        ...

    def get(self, key: str) -> Rendered | None:
        ...

    def put(self, key: str, rendered: Rendered) -> None:
        ...


class _Documents:
    """Submits documents to the pool, or takes them from the store when rendered before."""

    def __init__(self, job: render.PdfJob, pool: Executor, store: Store | None) -> None:
        self.job, self.pool, self.store = job, pool, store

    def submit(self, html: str, identifier: str, variant: str | None,
               attachments: tuple[render.Attached, ...] = ()) -> Callable[[], Rendered]:
        """The document; call the result to wait for it."""
        key = self.store.key(html, identifier, variant, attachments) if self.store else ""
        found = self.store.get(key) if self.store else None
        if found is not None:
            return lambda: found
        future = self.pool.submit(render_document, html, self.job.templates, self.job.source, identifier, variant,
                                  attachments)
        return lambda: self._done(key, future)

    def _done(self, key: str, future: Future[Rendered]) -> Rendered:
        rendered = future.result()
        if self.store:
            self.store.put(key, rendered)
        return rendered


def is_long(job: render.PdfJob) -> bool:
    return job.html.count(SPLIT) >= THRESHOLD


def render_document(html: str, templates: Path, source: str, identifier: str, variant: str | None,
                    attachments: tuple[render.Attached, ...] = ()) -> Rendered:
    """Like render.render_pdf, and says where anchors, bookmarks and outside links landed. Runs in a
    worker process."""
    from weasyprint import HTML, Attachment  # here: the main process, which merges, never needs it

    fetcher = ContentFetcher([templates], source)
    document = HTML(string=html, base_url=str(templates.resolve()) + "/", url_fetcher=fetcher).render()
    names = {name for page in document.pages for name in page.anchors}
    anchors, bookmarks, links = [], [], []
    for page in document.pages:
        def at(x: float, y: float, height: float = page.height) -> Point:
            return round(x * PT, 3), round((height - y) * PT, 3)

        anchors.append({name: at(x, y) for name, (x, y, *_) in page.anchors.items()})
        bookmarks.append([(level, label, *at(*point), state != "closed")
                          for level, label, point, state in page.bookmarks])
        # WeasyPrint drops (with an error) a link whose anchor is not in the document: the merge adds it.
        outside = [link for link in page.links if link[0] == "internal" and link[1] not in names]
        page.links[:] = [link for link in page.links if not any(link is o for o in outside)]
        links.append([(target, (*at(*rect[:2]), *at(*rect[2:]))) for _, target, rect, _ in outside])
    files = [Attachment(string=a.data, name=a.name, description=a.description, created=a.date, modified=a.date,
                        relationship="Source") for a in attachments]
    pdf = document.write_pdf(pdf_identifier=identifier.encode(), custom_metadata=False, pdf_variant=variant,
                             attachments=files or None)
    if fetcher.refused:
        raise ContentError([Problem(source, 1, 1, "", f"sumber daya di luar folder templat ditolak: {url}")
                            for url in fetcher.refused])
    return Rendered(bytes(pdf), anchors, bookmarks, links)


class _Running(HTMLParser):
    """Reads print HTML for the running strings it sets, and where its </head> starts."""

    def __init__(self, strings: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.strings = strings
        self.head_end: tuple[int, int] | None = None  # line, column
        self.targets: list[str] = []  # internal links
        self.open: list[tuple[str, list[tuple[str, str | None]], int, list[str]]] = []  # tag, sets, depth, text
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:  # no end tag follows
            return
        values = dict(attrs)
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.targets.append((values["href"] or "")[1:])
        classes = (values.get("class") or "").split()
        self.depth += 1
        sets = [(name, fixed) for t, c, name, fixed in RUNNING if t in (None, tag) and (c is None or c in classes)]
        if sets:
            self.open.append((tag, sets, self.depth, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head" and self.head_end is None:
            self.head_end = self.getpos()
        if self.open and self.open[-1][0] == tag and self.open[-1][2] == self.depth:
            _, sets, _, text = self.open.pop()
            self.strings.update({name: " ".join("".join(text).split()) if fixed is None else fixed
                                 for name, fixed in sets})
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        for *_, text in self.open:
            text.append(data)


def _css_string(value: str) -> str:
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in value) + '"'


def render_chunked(job: render.PdfJob, pool: Executor, workers: int, store: Store | None = None) -> bytes:
    """One long report, its chunks rendered in `pool` (or found in `store`); the merged PDF's bytes."""
    return start(job, pool, workers, store)()


def start(job: render.PdfJob, pool: Executor, workers: int, store: Store | None = None) -> Callable[[], bytes]:
    """Submits a long report's chunks; returns what waits for them, renders its front matter and
    footers, and merges. Several reports started before the first is finished keep every core busy
    while each one's last documents render (and when a change left one chunk of each to render)."""
    documents = _Documents(job, pool, store)
    front, *segments = job.html.split(SPLIT)
    strings: dict[str, str] = {}
    parser = _Running(strings)
    parser.feed(front)
    assert parser.head_end is not None, "print HTML without </head>"
    line, column = parser.head_end
    head_end = sum(map(len, front.splitlines(keepends=True)[:line - 1])) + column
    carried = []  # the strings set before each segment
    for segment in segments:
        carried.append(dict(strings))
        if any(marker in segment for marker in ("<h1", "doc-title", "run-asof")):  # a shortcut: the parser decides
            _Running(strings).feed(segment)
    # Chunks that get smaller (the last one under half the first), so that the cores finish at
    # about the same time: the contents and footers can only start once every chunk is done.
    count = min(len(segments), workers * CHUNKS_PER_WORKER)
    bounds = list(itertools.accumulate(count + count // 2 - i for i in range(count)))
    size, start, done, pieces = sum(map(len, segments)), 0, 0, list[tuple[int, int]]()
    for index, segment in enumerate(segments, start=1):
        done += len(segment)
        if index == len(segments) or done >= size * bounds[len(pieces)] / bounds[-1]:
            pieces.append((start, index))
            start = index
    head = front[:front.index(">", front.index("<body", head_end)) + 1]
    # Every document but the numbered front matter, whose document information the merged PDF keeps,
    # without the <meta> tags: a new commit then renders no chunk again.
    bare = META.sub("", front[:head_end])
    variant = job.variant if job.variant in KEPT_VARIANTS else None
    # The front matter's page count, for the page numbers written into it; without leaders, which
    # are slow and change no line breaks. Checked below.
    guess = f"{bare}<style>a::after {{ content: none !important }}</style>{front[head_end:]}"
    pending = [documents.submit(guess, job.path, None)]
    for first, last in pieces:
        # A first page, dropped later, on which the strings set before the chunk are set (CSS takes a
        # page's running header from the strings set before or on it); no page-number footer.
        running = ", ".join(f"{name} {_css_string(value)}" for name, value in carried[first].items()) or "none"
        css = f"@page {{ @{FOLIO} {{ content: none }} }} .ssk-carry {{ break-after: page; string-set: {running} }}"
        html = (f"{bare}<style>{css}</style>{head[head_end:]}<div class=ssk-carry></div>"
                + "".join(segments[first:last]))
        pending.append(documents.submit(html, f"{job.path}#{first}", variant))

    def finish() -> bytes:
        alone, *chunks = [wait() for wait in pending]
        body = [(chunk, page) for chunk in chunks for page in range(1, len(chunk.anchors))]
        front_pages = len(alone.anchors)

        def skeleton(leaders: bool = False) -> Callable[[], Rendered]:
            html = _skeleton(bare + front[head_end:], len(bare), body, front_pages, parser.targets, leaders)
            return documents.submit(html, f"{job.path}#folios", variant)

        while True:
            # Side by side: the front matter with the contents' page numbers and their dot leaders,
            # and the footers of every page (see _skeleton; the longer of the two at 514 regencies).
            numbered = documents.submit(_contents(front, head_end, body, front_pages, parser.targets), job.path,
                                        variant, job.attachments)
            footers = skeleton()
            contents, folios = numbered(), footers()
            if len(contents.anchors) != front_pages:  # the numbers made the contents longer or shorter
                front_pages = len(contents.anchors)
                continue
            if len(folios.anchors) - len(body) != front_pages:
                # the leaders moved a line break after all: footers from the front matter as numbered
                folios = skeleton(leaders=True)()
            return _merge(contents, folios, front_pages, chunks, body)

    return finish


def _entries(body: list[tuple[Rendered, int]], front_pages: int, targets: list[str], leaders: bool) -> str:
    """CSS writing each contents entry's page number in (with target-counter() and the anchors in
    the same document, WeasyPrint would lay the long contents out twice)."""
    numbers: dict[str, int] = {}
    for number, (chunk, page) in enumerate(body, start=front_pages + 1):
        numbers.update({name: number for name in chunk.anchors[page] if name not in numbers})
    entry = CONTENTS_ENTRY if leaders else '"{}"'
    return "".join(f"a[href={_css_string('#' + name)}]::after {{ content: {entry.format(numbers[name])} }}"
                   for name in dict.fromkeys(targets) if name in numbers)


def _contents(front: str, head_end: int, body: list[tuple[Rendered, int]], front_pages: int,
              targets: list[str]) -> str:
    """The front matter as printed, its contents' page numbers written in, without the page-number
    footer (stamped from the skeleton, like every body page's)."""
    css = f"@page {{ @{FOLIO} {{ content: none }} }} {_entries(body, front_pages, targets, leaders=True)}"
    return f"{front[:head_end]}<style>{css}</style>{front[head_end:]}"


def _skeleton(front: str, head_end: int, body: list[tuple[Rendered, int]], front_pages: int,
              targets: list[str], leaders: bool = False) -> str:
    """Every page's footer and nothing else: the front matter laid out but not drawn, then one empty
    page per body page, so that counter(pages) is the total. The contents' numbers are written in
    without leaders, which change no line break but cost seconds (checked by the caller)."""
    blank = " ".join(f"@{box} {{ content: none }}" for box in MARGIN_BOXES if box != FOLIO)
    css = (f"@page {{ {blank} }} @page ssk-folio {{ {blank} }} body * {{ visibility: hidden }} "
           f".ssk-folio {{ page: ssk-folio; break-before: page }} {_entries(body, front_pages, targets, leaders)}")
    return f"{front[:head_end]}<style>{css}</style>{front[head_end:]}" + '<div class="ssk-folio"></div>' * len(body)


def _merge(contents: Rendered, skeleton: Rendered, front_pages: int, chunks: Sequence[Rendered],
           body: list[tuple[Rendered, int]]) -> bytes:
    frame = PdfReader(io.BytesIO(contents.pdf))
    folios = PdfReader(io.BytesIO(skeleton.pdf))
    writer = PdfWriter()
    readers = {id(chunk): PdfReader(io.BytesIO(chunk.pdf)) for chunk in chunks}
    push, pop, show = (_stream(writer, data) for data in (b"q\n", b"\nQ\n", b"/SskFolio Do\n"))
    pages = [*frame.pages[:front_pages], *(readers[id(chunk)].pages[index] for chunk, index in body)]
    for number, source in enumerate(pages):
        page = writer.add_page(source)
        # The skeleton page's footer, drawn over the page as a form with its own fonts.
        folio = folios.pages[number]
        form = _stream(writer, folio.get_contents().get_data(), {  # type: ignore[union-attr]
            "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"), "/BBox": folio.mediabox,
            "/Resources": folio.raw_get("/Resources").clone(writer)})
        resources = DictionaryObject(cast(DictionaryObject, page["/Resources"]))  # shared by WeasyPrint's pages
        xobjects = DictionaryObject(resources.get("/XObject", {}))
        xobjects[NameObject("/SskFolio")] = form
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        streams = page.raw_get("/Contents")
        parts = streams if isinstance(streams, list) else [streams]
        page[NameObject("/Contents")] = ArrayObject([push, *parts, pop, show])
    placed = [(contents, page) for page in range(front_pages)] + body
    _link(writer, placed)
    _outline(writer, placed)
    root = cast(DictionaryObject, frame.trailer["/Root"])
    for key in ("/Lang", "/Metadata", "/OutputIntents", "/AF"):
        if key in root:
            writer._root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    names = cast(DictionaryObject, root.get("/Names", DictionaryObject()))
    if "/EmbeddedFiles" in names:
        files = names.raw_get("/EmbeddedFiles").clone(writer)
        cast(DictionaryObject, writer._root_object["/Names"])[NameObject("/EmbeddedFiles")] = files
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})  # as the tagged single document has
    writer.add_metadata(frame.metadata or {})
    writer._ID = cast(ArrayObject, frame.trailer["/ID"]).clone(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _link(writer: PdfWriter, placed: list[tuple[Rendered, int]]) -> None:
    """One table of named destinations, which every page's links point into; the links between
    chunks added back."""
    destinations: dict[str, tuple[int, float, float]] = {}
    for number, (chunk, index) in reversed(list(enumerate(placed))):  # the first anchor of a name wins
        destinations.update({name: (number, x, y) for name, (x, y) in chunk.anchors[index].items()})
    for name in sorted(destinations):
        number, x, y = destinations[name]
        page = writer.pages[number].indirect_reference
        writer.add_named_destination_array(TextStringObject(name), ArrayObject(
            [page, NameObject("/XYZ"), FloatObject(x), FloatObject(y), NumberObject(0)]))
    for number, (chunk, index) in enumerate(placed):
        for target, rect in chunk.links[index]:
            if target in destinations:
                writer.add_annotation(number, DictionaryObject({
                    NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect), NameObject("/F"): NumberObject(4),
                    NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                    NameObject("/Dest"): TextStringObject(target)}))


def _outline(writer: PdfWriter, placed: list[tuple[Rendered, int]]) -> None:
    """The bookmarks of every page, nested by level as WeasyPrint nests them."""
    parents: list[tuple[int, IndirectObject]] = []
    for number, (chunk, index) in enumerate(placed):
        for level, label, x, y, is_open in chunk.bookmarks[index]:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = writer.add_outline_item(title=label, page_number=number, parent=parents[-1][1] if parents else None,
                                           fit=Fit.xyz(x, y, 0), is_open=is_open)
            parents.append((level, item))


def _stream(writer: PdfWriter, data: bytes, entries: dict[str, Any] | None = None) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(key): value for key, value in (entries or {}).items()})
    return writer._add_object(stream.flate_encode() if entries else stream)
