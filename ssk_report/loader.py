"""Stage 1: read the content folder into raw documents that remember where each value came from.

Nothing here knows what a regency is; it turns bytes into plain Python values plus a map from
field paths to (line, column), and refuses the YAML features a content file never needs.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Protocol

import yaml

from .errors import Problem
from .model import EMBLEM_PATTERN

# libyaml's C parser is ~5x faster; the pure-Python one is the fallback, with identical results.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # always with fullmatch: "$" would let "abc\n" pass
# Nesting of mappings and lists in one file: content needs five levels; deeper is refused before
# anything (the composer, the model, a template) recurses through it.
MAX_DEPTH = 16
TOO_DEEP = f"struktur bertingkat terlalu dalam (lebih dari {MAX_DEPTH} tingkat); sederhanakan isinya"
FRONT_MATTER = "---"
TRANSLATION_SUFFIX = ".en"  # tentang.md is Indonesian; tentang.en.md, if present, is its English text
FOREWORD_SUFFIX = ".pengantar"  # clinics/2025-cc7.pengantar.md: the foreword of that clinic's report

Location = tuple[str | int, ...]
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class RawDocument:
    """One content file: its data as plain values and the position of every field in it."""

    path: str  # as shown to the user
    stem: str  # file name without extension, the id of regencies, clinics and pages
    data: Any
    positions: dict[Location, tuple[int, int]] = field(repr=False)
    body: str | None = None  # Markdown after the front matter, or a clinic's narrative
    # Fields already reported by the loader (a bad date, a duplicate key): validation skips them,
    # so the rest of the file is still checked and the same mistake is not reported twice.
    reported: frozenset[Location] = frozenset()
    translation: RawDocument | None = None  # the English companion of a Markdown file (<slug>.en.md)
    foreword: RawDocument | None = None  # a clinic's <slug>.pengantar.md, with its own translation
    province: str | None = None  # the province folder a clinic's file is in (clinics/<code>/)

    def locate(self, loc: Location) -> tuple[int, int]:
        """Position of `loc`, or of the nearest enclosing field that has one."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.positions:
                return self.positions[loc[:end]]
        return (1, 1)

    def problem(self, loc: Location, message: str) -> Problem:
        line, column = self.locate(loc)
        return Problem(self.path, line, column, dotted(loc), message)


def dotted(loc: Location) -> str:
    """`("participants", 2, "regency")` -> `participants[2].regency`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


class _Composer:
    """Turns a composed YAML node tree into values, recording positions and rejecting surprises."""

    def __init__(self, path: str, shift: int = 0) -> None:
        self.path = path
        self.shift = shift  # lines before the YAML text in its file (a page's front matter)
        self.positions: dict[Location, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._constructor = _Loader("")

    def value(self, node: yaml.Node, loc: Location) -> Any:
        # An alias is the same node object reached twice; refusing it here, before any walk,
        # is what stops a "billion laughs" document from expanding.
        if id(node) in self._seen:
            self._fail(node, loc, "anchor/alias YAML (& dan *) tidak diizinkan; tulis nilainya langsung")
            return None
        self._seen.add(id(node))
        self.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and len(loc) >= MAX_DEPTH:
            self._fail(node, loc, TOO_DEEP)
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _COLLECTION_TAGS:
            self._fail(node, loc, f"tag YAML {node.tag!r} tidak diizinkan")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Location) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, loc, "kunci harus berupa teks biasa")
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if problem := _unprintable(key):
                self._fail(key_node, loc, problem)
                continue
            if key in result or key in first_line:
                self._fail(
                    key_node, (*loc, key),
                    f"kunci ganda (baris {first_line[key] + self.shift} dan {line + self.shift}); hapus salah satunya",
                )
                continue
            first_line[key] = line
            result[key] = self.value(value_node, (*loc, key))
            self.positions[(*loc, key)] = (line, key_node.start_mark.column + 1)
        return result

    def _scalar(self, node: yaml.Node, loc: Location) -> Any:
        try:
            value = self._constructor.construct_object(node, deep=True)
            if isinstance(value, str) and (problem := _unprintable(value)):  # written as "\x01" or "\uFFFF"
                self._fail(node, loc, problem)
                return None
            return value
        except yaml.constructor.ConstructorError:
            self._fail(node, loc, f"tag YAML {node.tag!r} tidak diizinkan")
        except ValueError:  # e.g. 2025-02-30 matches the date pattern but is no date
            self._fail(node, loc, f"tanggal tidak ada di kalender (tertulis {node.value})")
        return None

    def _fail(self, node: yaml.Node, loc: Location, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, dotted(loc), message))


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, dict[Location, tuple[int, int]], list[Problem]]:
    """Parse one YAML text; positions are shifted so that the text starts at `first_line`."""
    shift = first_line - 1
    for number, line in enumerate(text.splitlines(), start=first_line):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return None, {}, [Problem(path, number, indent.index("\t") + 1, "",
                                      "indentasi memakai karakter tab; gunakan spasi")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # the pure-Python parser, on deep nesting that libyaml reports as below
        return None, {}, [Problem(path, first_line, 1, "", TOO_DEEP)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row, column = (mark.line + 1 + shift, mark.column + 1) if mark else (first_line, 1)
        return None, {}, [Problem(path, row, column, "", f"YAML tidak valid: {_explain(exc.problem or exc.context)}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(path, first_line, 1, "", f"YAML tidak valid: {exc}")]
    if node is None:
        return None, {}, [Problem(path, first_line, 1, "", "berkas kosong; isi data yang diharapkan")]
    composer = _Composer(path, shift)
    data = composer.value(node, ())
    positions = {loc: (line + shift, col) for loc, (line, col) in composer.positions.items()}
    problems = [Problem(p.path, p.line + shift, p.column, p.field, p.message) for p in composer.problems]
    if not isinstance(data, dict):
        problems.append(Problem(path, first_line, 1, "",
                                f"isi berkas harus berupa pasangan kunci: nilai (tertulis {type(data).__name__})"))
        data = None
    return data, positions, problems


Parsed = tuple[Any, dict[Location, tuple[int, int]], list[Problem]]
Parse = Callable[..., Parsed]


# libyaml's most common complaints, in the words of the people who edit the files.
_YAML_PROBLEMS = {
    "but found another document": "berkas berisi lebih dari satu dokumen (baris '---' kedua); hapus pemisah itu",
    "did not find expected ',' or ']'": "daftar dalam kurung siku '[' belum ditutup dengan ']'",
    "did not find expected ',' or '}'": "isian dalam kurung kurawal '{' belum ditutup dengan '}'",
    "mapping values are not allowed here": "tanda ':' di tempat yang salah;"
                                           " beri tanda kutip pada teks yang memuat ': '",
    "could not find expected ':'": "baris ini tidak berbentuk 'kunci: nilai'",
    "found unexpected end of stream": "tanda kutip belum ditutup",
    "did not find expected key": "indentasi tidak konsisten dengan baris di atasnya",
    "found undefined alias": "anchor/alias YAML (& dan *) tidak diizinkan; tulis nilainya langsung",
    "exceeded maximum nesting depth": TOO_DEEP,  # libyaml's own limit, at 1000 levels
}


def _explain(problem: str | None) -> str:
    problem = problem or "tidak diketahui"
    for english, indonesian in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"{indonesian} ({problem})"
    return problem


# ---- Where content is read from ------------------------------------------------------------------------

Kind = Literal["file", "folder", "symlink", "other"]


class Tree(Protocol):
    """The content folder as the loader sees it: a folder on disk (`Folder`) or the folder as it was
    at a git revision (`history.Revision`). Paths are relative to the content folder, with "/"
    separators. Nothing here follows a symbolic link: a link is an entry of its own kind."""

    shown: str  # the content folder as messages name it, e.g. "content"

    def kind(self, relative: str) -> Kind | None:
        """What is at `relative`; None when nothing is."""

    def names(self, relative: str) -> list[str]:
        """The entries of the folder `relative` ("" for the content folder), sorted; [] if it is none."""

    def walk(self) -> Iterator[tuple[str, Kind]]:
        """Every entry under the content folder, at any depth."""

    def size(self, relative: str) -> int:
        """The size in bytes of the file at `relative`."""

    def read(self, relative: str, limit: int) -> bytes:
        """At most `limit` + 1 bytes of the regular file at `relative`; OSError if it is not one."""


def _kind(mode: int) -> Kind:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "other"


class Folder:
    """The content folder on disk. Every entry is looked at with lstat, and a file is opened without
    following a link and checked again once open, so a link or a device is never read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shown = display_path(root)

    def _path(self, relative: str) -> str:
        return os.path.join(self.root, *relative.split("/")) if relative else os.fspath(self.root)

    def kind(self, relative: str) -> Kind | None:
        try:
            return _kind(os.lstat(self._path(relative)).st_mode)
        except (OSError, ValueError):  # nothing there, or a name the system cannot hold
            return None

    def names(self, relative: str) -> list[str]:
        # The content folder itself is the user's own argument, and may be a link; nothing under it may.
        if relative and self.kind(relative) != "folder":
            return []
        try:
            return sorted(os.listdir(self._path(relative)))
        except OSError:
            return []

    def walk(self) -> Iterator[tuple[str, Kind]]:
        folders = [""]
        while folders:
            folder = folders.pop()
            for name in self.names(folder):
                relative = f"{folder}/{name}" if folder else name
                kind = self.kind(relative)
                if kind is None:  # removed since it was listed
                    continue
                if kind == "folder" and relative != ".git":  # git's own folder, when content is a repository
                    folders.append(relative)
                yield relative, kind

    def size(self, relative: str) -> int:
        return os.lstat(self._path(relative)).st_size

    def read(self, relative: str, limit: int) -> bytes:
        path = self._path(relative)
        # O_NONBLOCK: a FIFO swapped in since the lstat must not block the open.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise OSError(errno.EINVAL, "bukan berkas biasa")
            if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(self.root)):
                raise OSError(errno.EXDEV, "di luar folder konten")
            return handle.read(limit + 1)


@dataclass(frozen=True)
class ContentFile:
    """A content file exactly as the loader read and checked it."""

    path: str  # relative to the content folder, "/" separators
    data: bytes


# Every character YAML itself calls printable: no control characters (which XML, and so the feeds,
# cannot hold) and no noncharacters, in a file or in a value written with escapes ("\x01").
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_REFUSED: dict[Kind | None, str] = {
    "symlink": "tautan simbolik (symlink) tidak diizinkan di folder konten",
    "other": "bukan berkas biasa (mis. FIFO, soket atau perangkat); folder konten hanya boleh berisi berkas dan folder",
    "folder": "ini sebuah folder, padahal namanya nama berkas konten; ganti nama atau pindahkan folder ini",
    None: "berkas wajib ini tidak ditemukan",
}


def _unprintable(text: str) -> str | None:
    """Why `text` cannot be published as it is, or None."""
    found = _UNPRINTABLE.search(text)
    return None if found is None else _unprintable_message(found[0])


def _unprintable_message(character: str) -> str:
    return f"karakter tak terlihat U+{ord(character):04X} tidak diizinkan; hapus karakter itu"


def _printable(text: str) -> str:
    """A path as messages may show it: a name holding a line break or bytes that are no UTF-8 (a
    file in a folder the loader never reads may be named anything) cannot forge a second message."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSHOWABLE.sub(lambda found: ascii(found[0])[1:-1], text)


# What a path in a message may hold as it is: printable characters, no line break of any kind.
_UNSHOWABLE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Reader:
    """Reads content files from a tree, each checked, recording every file read and every problem."""

    def __init__(self, tree: Tree, problems: list[Problem], parse: Parse = parse_yaml) -> None:
        self.tree, self.problems, self.parse = tree, problems, parse
        self.files: list[ContentFile] = []

    def shown(self, relative: str) -> str:
        return _printable(os.path.join(self.tree.shown, *relative.split("/")))

    def fail(self, relative: str, message: str, line: int = 1, column: int = 1) -> None:
        self.problems.append(Problem(self.shown(relative), line, column, "", message))

    def scan(self) -> None:
        """Links and special files anywhere in the content folder, in folders the loader reads or not."""
        for relative, kind in self.tree.walk():
            if kind in ("symlink", "other"):
                self.fail(relative, _REFUSED[kind])

    def data(self, relative: str) -> bytes | None:
        """The bytes of a regular file within MAX_FILE_BYTES, or None after recording why not."""
        kind = self.tree.kind(relative)
        if kind != "file":
            self.fail(relative, _REFUSED[kind])
            return None
        try:
            size = self.tree.size(relative)
            raw = self.tree.read(relative, MAX_FILE_BYTES) if size <= MAX_FILE_BYTES else b""
        except OSError as exc:
            self.fail(relative, f"berkas tidak dapat dibaca ({exc.strerror or exc})")
            return None
        if size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
            size = max(size, len(raw))
            self.fail(relative, f"berkas terlalu besar ({size:,} byte; paling besar {MAX_FILE_BYTES:,} byte)")
            return None
        return raw

    def binary(self, relative: str) -> ContentFile | None:
        """A file read as it is (an image), recorded among the files the content is made from."""
        raw = self.data(relative)
        if raw is None:
            return None
        self.files.append(ContentFile(relative, raw))
        return self.files[-1]

    def text(self, relative: str) -> str | None:
        """The file as text, or None after recording why it cannot be read."""
        raw = self.data(relative)
        if raw is None:
            return None
        if raw.startswith(b"\xef\xbb\xbf"):
            self.fail(relative, "berkas diawali BOM; simpan sebagai UTF-8 tanpa BOM")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            self.fail(relative, f"bukan teks UTF-8 (byte {raw[exc.start]:#04x}); simpan berkas sebagai UTF-8",
                      line, column)
            return None
        found = _UNPRINTABLE.search(text)
        if found is not None:
            at = found.start()
            self.fail(relative, _unprintable_message(found[0]), text.count("\n", 0, at) + 1,
                      at - text.rfind("\n", 0, at))
            return None
        self.files.append(ContentFile(relative, raw))
        return text

    def yaml(self, relative: str) -> RawDocument | None:
        text = self.text(relative)
        if text is None:
            return None
        shown = self.shown(relative)
        data, positions, found = self.parse(text, shown)
        self.problems.extend(found)
        if data is None:
            return None
        return RawDocument(shown, _stem(relative), data, positions, reported=_reported(found))

    def markdown(self, relative: str) -> RawDocument | None:
        """A Markdown page: YAML front matter between `---` lines, then the body."""
        text = self.text(relative)
        if text is None:
            return None
        shown = self.shown(relative)
        lines = text.splitlines(keepends=True)
        if not lines or lines[0].rstrip() != FRONT_MATTER:
            self.fail(relative, "halaman harus diawali front matter YAML di antara dua baris '---'")
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT_MATTER), None)
        if end is None:
            self.fail(relative, "front matter tidak ditutup dengan baris '---'")
            return None
        data, positions, found = self.parse("".join(lines[1:end]), shown, first_line=2)
        self.problems.extend(found)
        if data is None:
            return None
        positions[("body",)] = (end + 2, 1)
        return RawDocument(shown, _stem(relative), data, positions, body="".join(lines[end + 1:]),
                           reported=_reported(found))

    def listing(self, folder: str, suffix: str) -> list[str]:
        """The content files of one kind in a folder (relative paths), after refusing badly named ones.
        A folder named like a content file is listed too, so that reading it says what it is."""
        kind = self.tree.kind(folder)
        if kind is None:
            return []
        if kind != "folder":
            self.fail(folder, "seharusnya sebuah folder, bukan berkas" if kind == "file" else _REFUSED[kind])
            return []
        found = []
        for name in self.tree.names(folder):
            if name.startswith(".") or not name.endswith(suffix):
                continue
            stem = name[: -len(suffix)]
            if stem.endswith(TRANSLATION_SUFFIX) and suffix == ".md":
                continue  # an English companion, read beside its Indonesian file
            if not SLUG_RE.fullmatch(stem):
                self.fail(f"{folder}/{name}", f"nama berkas {name!r} tidak valid;"
                                              " pakai huruf kecil a-z, angka dan tanda '-'")
                continue
            found.append(f"{folder}/{name}")
        return found


def _stem(relative: str) -> str:
    """The file name without its extension: the id of a regency, clinic or page."""
    return PurePosixPath(relative).stem


def load_yaml_file(path: Path, problems: list[Problem], parse: Parse = parse_yaml) -> RawDocument | None:
    """One YAML file on its own, checked as the loader checks every file."""
    return _Reader(Folder(path.parent), problems, parse).yaml(path.name)


def load_markdown_file(path: Path, problems: list[Problem], parse: Parse = parse_yaml) -> RawDocument | None:
    return _Reader(Folder(path.parent), problems, parse).markdown(path.name)


def _reported(problems: list[Problem]) -> frozenset[Location]:
    return frozenset(tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", pr.field) if p)
                     for pr in problems)


@dataclass(frozen=True)
class RawContent:
    """Every content file, parsed but not yet checked against the content model."""

    root: Path
    site: RawDocument | None
    sources: RawDocument | None
    milestones: RawDocument | None
    indicators: RawDocument | None
    regencies: list[RawDocument]
    clinics: list[RawDocument]
    pages: list[RawDocument]
    # Every regency file found, readable or not: clinics may name a regency whose own file has a
    # problem, and that problem is reported once, in that file.
    regency_files: frozenset[str] = frozenset()
    provinces: RawDocument | None = None  # content/provinces.yaml, only for a national site
    map: RawDocument | None = None  # content/map.yaml, optional (issue 5)
    emblem: ContentFile | None = None  # the image site.yaml's `emblem` names, read like any content file
    # Every file the loader read, by path, with the very bytes it parsed: each one a regular file
    # inside the content folder (never through a link) within MAX_FILE_BYTES. This is the whole of
    # what the content is made from, and the only files an archival PDF may carry (docs/security.md).
    files: tuple[ContentFile, ...] = ()


def load(source: Path | Tree) -> tuple[RawContent, list[Problem]]:
    """Read every content file of `source` (a folder, or a `Tree` such as a git revision); problems
    are collected, never raised."""
    tree = Folder(source) if isinstance(source, Path) else source
    problems: list[Problem] = []
    reader = _Reader(tree, problems, parse_yaml)
    reader.scan()

    def single(name: str) -> RawDocument | None:
        return reader.yaml(name)  # absent: "berkas wajib ini tidak ditemukan"

    def optional(name: str) -> RawDocument | None:
        return reader.yaml(name) if tree.kind(name) is not None else None

    def companion(relative: str) -> str | None:
        return reader.text(relative) if tree.kind(relative) is not None else None

    regency_paths = reader.listing("regencies", ".yaml")
    clinics = []
    for path, province in _clinic_files(tree, reader):
        doc = reader.yaml(path)
        if doc is None:
            continue
        base = path.removesuffix(".yaml")
        body = companion(f"{base}.md")
        english = f"{base}{TRANSLATION_SUFFIX}.md"
        english_body = companion(english)
        # A province's clinic is named by its folder too: two provinces may each hold a 2025-cc1.
        stem = f"{province}-{doc.stem}" if province else doc.stem
        translation = RawDocument(reader.shown(english), stem, {}, {}, body=english_body) if english_body else None
        clinics.append(replace(doc, stem=stem, body=body, translation=translation, province=province,
                               foreword=_foreword(reader, base, stem)))
    pages = []
    for path in reader.listing("pages", ".md"):
        page = reader.markdown(path)
        english = path.removesuffix(".md") + f"{TRANSLATION_SUFFIX}.md"
        if page is not None and tree.kind(english) is not None:
            page = replace(page, translation=reader.markdown(english))
        if page is not None:
            pages.append(page)
    _orphan_translations(tree, reader)
    site = single("site.yaml")
    content = RawContent(
        root=source if isinstance(source, Path) else Path(tree.shown),
        site=site,
        sources=single("sources.yaml"),
        milestones=single("milestones.yaml"),
        indicators=single("indicators.yaml"),
        regencies=[d for p in regency_paths if (d := reader.yaml(p)) is not None],
        clinics=clinics,
        pages=pages,
        regency_files=frozenset(_stem(p) for p in regency_paths),
        provinces=optional("provinces.yaml"),  # only for a national site
        map=optional("map.yaml"),  # open data (issue 5): the schematic map's tile positions; a province may have none
        emblem=_emblem(reader, site),
        files=tuple(sorted(reader.files, key=lambda f: f.path)),
    )
    # A link inside a folder the loader reads is found twice: by the scan and by the reading.
    return content, list(dict.fromkeys(problems))


def _foreword(reader: _Reader, base: str, stem: str) -> RawDocument | None:
    """A clinic report's foreword, clinics/[<code>/]<slug>.pengantar.md, and its English text, if present."""
    relative = f"{base}{FOREWORD_SUFFIX}.md"
    if reader.tree.kind(relative) is None or (body := reader.text(relative)) is None:
        return None
    english = f"{base}{FOREWORD_SUFFIX}{TRANSLATION_SUFFIX}.md"
    english_body = reader.text(english) if reader.tree.kind(english) is not None else None
    translation = RawDocument(reader.shown(english), stem, {}, {}, body=english_body) if english_body else None
    return RawDocument(reader.shown(relative), stem, {}, {}, body=body, translation=translation)


EMBLEM_RE = re.compile(EMBLEM_PATTERN)


def _emblem(reader: _Reader, site: RawDocument | None) -> ContentFile | None:
    """The image site.yaml's `emblem` names: a file inside the content folder, read and checked like
    every content file (whether it is an image is checked in validate.py). A name of another shape is
    reported by validation."""
    name = site.data.get("emblem") if site is not None else None
    if not isinstance(name, str) or not EMBLEM_RE.fullmatch(name):
        return None
    if reader.tree.kind(name) is None:
        assert site is not None
        reader.problems.append(site.problem(("emblem",), f"berkas gambar tidak ditemukan: {reader.shown(name)}"
                                                         " (tulis nama berkas di dalam folder konten, atau null)"))
        return None
    return reader.binary(name)


PROVINCE_FOLDER = re.compile(r"[0-9]{2}")  # clinics/<code>/: a province's clinics on a national site


def _clinic_files(tree: Tree, reader: _Reader) -> list[tuple[str, str | None]]:
    """The clinic files (relative paths) with the province folder each is in: clinics/*.yaml, then
    clinics/<code>/*.yaml. Any other folder there is refused, so that no clinic is silently skipped."""
    found: list[tuple[str, str | None]] = [(path, None) for path in reader.listing("clinics", ".yaml")]
    if tree.kind("clinics") != "folder":
        return found
    for name in tree.names("clinics"):
        relative = f"clinics/{name}"
        if name.startswith(".") or name.endswith(".yaml") or tree.kind(relative) != "folder":
            continue
        if not PROVINCE_FOLDER.fullmatch(name):
            reader.fail(relative, f"folder {name!r} bukan kode provinsi; coaching clinic sebuah provinsi disimpan"
                                  " di folder bernama kode Kemendagri provinsinya, mis. clinics/62/")
            continue
        found += [(path, name) for path in reader.listing(relative, ".yaml")]
    return found


def _orphan_translations(tree: Tree, reader: _Reader) -> None:
    """An English file whose Indonesian original is missing (renamed, or a typo in its name), and a
    clinic's foreword without its clinic."""
    clinic_folders = ["clinics", *(f"clinics/{name}" for name in tree.names("clinics")
                                   if PROVINCE_FOLDER.fullmatch(name) and tree.kind(f"clinics/{name}") == "folder")]
    for folder, original in (("pages", ".md"), *((f, ".yaml") for f in clinic_folders)):
        for name in tree.names(folder):
            if name.endswith(f"{TRANSLATION_SUFFIX}.md") and not name.startswith("."):
                stem = name.removesuffix(f"{TRANSLATION_SUFFIX}.md")
                own = ".md" if stem.endswith(FOREWORD_SUFFIX) else original  # a foreword's English text
                if tree.kind(f"{folder}/{stem}{own}") is None:
                    reader.fail(f"{folder}/{name}",
                                f"terjemahan tanpa berkas asli; seharusnya ada {folder}/{stem}{own}")
    for folder in clinic_folders:
        for name in tree.names(folder):
            if name.endswith(f"{FOREWORD_SUFFIX}.md") and not name.startswith("."):
                stem = name.removesuffix(f"{FOREWORD_SUFFIX}.md")
                if tree.kind(f"{folder}/{stem}.yaml") is None:
                    reader.fail(f"{folder}/{name}",
                                f"kata pengantar tanpa coaching clinic; seharusnya ada {folder}/{stem}.yaml")
