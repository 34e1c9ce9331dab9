"""Stage 1: read the content folder into raw documents that remember where each value came from.

Nothing here knows what a regency is; it turns bytes into plain Python values plus a map from
field paths to (line, column), and refuses the YAML features a content file never needs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

# libyaml's C parser is ~5x faster; the pure-Python one is the fallback, with identical results.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = "---"
TRANSLATION_SUFFIX = ".en"  # tentang.md is Indonesian; tentang.en.md, if present, is its English text

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

    def __init__(self, path: str) -> None:
        self.path = path
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
            if key in result or key in first_line:
                self._fail(
                    key_node, (*loc, key),
                    f"kunci ganda (baris {first_line[key]} dan {line}); hapus salah satunya",
                )
                continue
            first_line[key] = line
            result[key] = self.value(value_node, (*loc, key))
            self.positions[(*loc, key)] = (line, key_node.start_mark.column + 1)
        return result

    def _scalar(self, node: yaml.Node, loc: Location) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row, column = (mark.line + 1 + shift, mark.column + 1) if mark else (first_line, 1)
        return None, {}, [Problem(path, row, column, "", f"YAML tidak valid: {_explain(exc.problem or exc.context)}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(path, first_line, 1, "", f"YAML tidak valid: {exc}")]
    if node is None:
        return None, {}, [Problem(path, first_line, 1, "", "berkas kosong; isi data yang diharapkan")]
    composer = _Composer(path)
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


class ParseCache:
    """Parsed YAML by a hash of its text, kept in one file between builds, so that a rebuild parses
    only the files that changed: at 514 regencies, parsing is most of loading. A text with problems
    is never kept, so every problem is reported on every build. Entries are stored pickled as soon
    as they are parsed, and unpickled afresh when used, so nothing a later stage does to the values
    can reach the cache. The file is trusted like the rest of the build cache (SECURITY.md)."""

    _VERSION = hashlib.sha256(Path(__file__).read_bytes() + yaml.__version__.encode()).digest()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kept: dict[bytes, bytes] = {}
        self._used: dict[bytes, bytes] = {}
        try:
            kept = pickle.loads(path.read_bytes())  # noqa: S301 (the build cache is trusted, SECURITY.md)
            self._kept = kept if isinstance(kept, dict) else {}
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            pass  # no cache yet, or an unreadable one: parse everything

    def parse(self, text: str, path: str, first_line: int = 1) -> Parsed:
        key = hashlib.sha256(self._VERSION + first_line.to_bytes(4, "big") + text.encode()).digest()
        stored = self._kept.get(key)
        if stored is not None:
            self._used[key] = stored
            data, positions = pickle.loads(stored)  # noqa: S301 (as above)
            return data, positions, []
        data, positions, problems = parse_yaml(text, path, first_line)
        if not problems:
            self._used[key] = pickle.dumps((data, positions), protocol=pickle.HIGHEST_PROTOCOL)
        return data, positions, problems

    def save(self) -> None:
        """Keep the entries this build used (and no others); written whole, then renamed into place."""
        if self._used.keys() == self._kept.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(self._used, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


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
}


def _explain(problem: str | None) -> str:
    problem = problem or "tidak diketahui"
    for english, indonesian in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"{indonesian} ({problem})"
    return problem


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file as text, or None after recording why it cannot be read."""
    shown = display_path(path)
    if path.is_symlink():
        problems.append(Problem(shown, 1, 1, "", "tautan simbolik (symlink) tidak diizinkan di folder konten"))
        return None
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(shown, 1, 1, "",
                                f"berkas terlalu besar ({len(raw):,} byte; paling besar {MAX_FILE_BYTES:,} byte)"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(shown, 1, 1, "", "berkas diawali BOM; simpan sebagai UTF-8 tanpa BOM"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(shown, line, column, "",
                                f"bukan teks UTF-8 (byte {raw[exc.start]:#04x}); simpan berkas sebagai UTF-8"))
        return None


def load_yaml_file(path: Path, problems: list[Problem], parse: Parse = parse_yaml) -> RawDocument | None:
    text = read_text(path, problems)
    if text is None:
        return None
    shown = display_path(path)
    data, positions, found = parse(text, shown)
    problems.extend(found)
    if data is None:
        return None
    return RawDocument(shown, path.stem, data, positions, reported=_reported(found))


def _reported(problems: list[Problem]) -> frozenset[Location]:
    return frozenset(tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", pr.field) if p)
                     for pr in problems)


def load_markdown_file(path: Path, problems: list[Problem], parse: Parse = parse_yaml) -> RawDocument | None:
    """A Markdown page: YAML front matter between `---` lines, then the body."""
    text = read_text(path, problems)
    if text is None:
        return None
    shown = display_path(path)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FRONT_MATTER:
        problems.append(Problem(shown, 1, 1, "", "halaman harus diawali front matter YAML di antara dua baris '---'"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT_MATTER), None)
    if end is None:
        problems.append(Problem(shown, 1, 1, "", "front matter tidak ditutup dengan baris '---'"))
        return None
    data, positions, found = parse("".join(lines[1:end]), shown, first_line=2)
    problems.extend(found)
    if data is None:
        return None
    positions[("body",)] = (end + 2, 1)
    return RawDocument(shown, path.stem, data, positions, body="".join(lines[end + 1:]),
                       reported=_reported(found))


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


def _files(folder: Path, suffix: str, problems: list[Problem]) -> list[Path]:
    if folder.is_symlink():
        problems.append(Problem(display_path(folder), 1, 1, "",
                                "tautan simbolik (symlink) tidak diizinkan di folder konten"))
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix != suffix:
            continue
        if path.stem.endswith(TRANSLATION_SUFFIX) and suffix == ".md":
            continue  # an English companion, read beside its Indonesian file
        if not SLUG_RE.match(path.stem):
            problems.append(Problem(display_path(path), 1, 1, "",
                                    f"nama berkas {path.name!r} tidak valid;"
                                    " pakai huruf kecil a-z, angka dan tanda '-'"))
            continue
        found.append(path)
    return found


def _orphan_translations(root: Path, problems: list[Problem]) -> None:
    """An English file whose Indonesian original is missing (renamed, or a typo in its name)."""
    for folder, original in (("pages", ".md"), ("clinics", ".yaml")):
        for english in sorted((root / folder).glob(f"*{TRANSLATION_SUFFIX}.md")):
            stem = english.name.removesuffix(f"{TRANSLATION_SUFFIX}.md")
            if not (root / folder / f"{stem}{original}").is_file():
                problems.append(Problem(display_path(english), 1, 1, "",
                                        f"terjemahan tanpa berkas asli; seharusnya ada {folder}/{stem}{original}"))


def _present(path: Path) -> bool:
    """An optional file is there (a symlink counts, so that it is refused with its own message)."""
    return path.is_file() or path.is_symlink()


def load(root: Path, cache: ParseCache | None = None) -> tuple[RawContent, list[Problem]]:
    """Read every content file under `root`; problems are collected, never raised. With `cache`,
    unchanged files are not parsed again (the caller saves it)."""
    problems: list[Problem] = []
    parse = cache.parse if cache is not None else parse_yaml

    def single(name: str) -> RawDocument | None:
        path = root / name
        if not path.is_file():
            problems.append(Problem(display_path(path), 1, 1, "", "berkas wajib ini tidak ditemukan"))
            return None
        return load_yaml_file(path, problems, parse)

    def each_yaml(folder: str) -> list[RawDocument]:
        docs = (load_yaml_file(p, problems, parse) for p in _files(root / folder, ".yaml", problems))
        return [d for d in docs if d is not None]

    regency_files = frozenset(p.stem for p in _files(root / "regencies", ".yaml", []))

    clinics = []
    for doc in each_yaml("clinics"):
        narrative = root / "clinics" / f"{doc.stem}.md"
        body = read_text(narrative, problems) if narrative.is_file() else None
        english = narrative.with_suffix(f"{TRANSLATION_SUFFIX}.md")
        english_body = read_text(english, problems) if english.is_file() else None
        translation = RawDocument(display_path(english), doc.stem, {}, {}, body=english_body) if english_body else None
        clinics.append(RawDocument(doc.path, doc.stem, doc.data, doc.positions, body=body, reported=doc.reported,
                                   translation=translation))
    pages = []
    for path in _files(root / "pages", ".md", problems):
        page = load_markdown_file(path, problems, parse)
        english = path.with_suffix(f"{TRANSLATION_SUFFIX}.md")
        if page is not None and english.is_file():
            page = replace(page, translation=load_markdown_file(english, problems, parse))
        if page is not None:
            pages.append(page)
    _orphan_translations(root, problems)
    content = RawContent(
        root=root,
        site=single("site.yaml"),
        sources=single("sources.yaml"),
        milestones=single("milestones.yaml"),
        indicators=single("indicators.yaml"),
        regencies=each_yaml("regencies"),
        clinics=clinics,
        pages=pages,
        regency_files=regency_files,
        provinces=(load_yaml_file(root / "provinces.yaml", problems, parse)
                   if (root / "provinces.yaml").is_file() else None),
        # open data (issue 5): the schematic map's tile positions; a province may have none.
        map=load_yaml_file(root / "map.yaml", problems, parse) if _present(root / "map.yaml") else None,
    )
    return content, problems
