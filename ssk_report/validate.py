"""Stage 2: raw documents -> the typed content model, collecting every problem before stopping once."""

from __future__ import annotations

import base64
import difflib
import types
import typing
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem
from .loader import SLUG_RE, Location, RawContent, RawDocument
from .markup import render_markdown
from .model import (
    BASE_URL_PATTERN,
    CLINIC_SLUG,
    EMBLEM_PATTERN,
    ActionItem,
    Actual,
    Clinic,
    Content,
    Emblem,
    Indicator,
    MapLayout,
    Milestone,
    Page,
    Province,
    Regency,
    Site,
    Source,
    Subsector,
    Target,
    Text,
)
from .plan import SITE_PAGES

M = TypeVar("M", bound=BaseModel)

PATTERN_HINTS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": 'huruf kecil a-z, angka dan tanda "-", mis. "barito-timur"',
    r"^[a-z][a-z0-9_]*$": 'huruf kecil, angka dan "_", mis. "ald_aman"',
    r"^M[1-4]$": "M1, M2, M3 atau M4",
    r"^[0-9]{2}$": 'dua angka dalam tanda kutip, mis. "62"',
    r"^[0-9]{2}\.[0-9]{2}$": 'kode Kemendagri dalam tanda kutip, mis. "62.09"',
    r"^[0-9]{4}$": 'kode BPS empat angka dalam tanda kutip, mis. "6207"',
    r"^https?://\S+$": "alamat web yang diawali http:// atau https://",
    BASE_URL_PATTERN: "alamat situs yang diawali http:// atau https://, berisi huruf, angka dan . - _ ~ % /"
                      " saja (tanpa spasi, tanda kutip, &, ? atau #), mis. https://ppsp.kalteng.go.id/",
    r"^[0-9]{8} ?[0-9]{6} ?[0-9] ?[0-9]{3}$": 'NIP 18 angka dalam tanda kutip, mis. "19700101 199503 1 001"',
    EMBLEM_PATTERN: 'nama berkas PNG atau JPEG di dalam folder konten, mis. "lambang.png" (huruf, angka, "-", "_";'
                    ' tanpa ".." atau "/" di awal)',
    CLINIC_SLUG: "tahun-ccNOMOR, mis. 2025-cc7",
}


def show(value: Any) -> str:
    """A value as the user wrote it, for 'got X' in messages."""
    if value is None:
        return "kosong"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "pasangan kunci: nilai"
    if isinstance(value, list):
        return "daftar"
    return str(getattr(value, "isoformat", lambda: value)())


def _field_model(model: type[BaseModel], loc: Location) -> type[BaseModel] | None:
    """The model class found by following `loc` from `model` (to list the keys allowed there)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation, want_item=isinstance(part, int))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
            field = annotation.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
    annotation = _unwrap(annotation, want_item=False)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any, want_item: bool) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is list and want_item:
            annotation, want_item = typing.get_args(annotation)[0], False
        else:
            return annotation


def _message(error: Any, model: type[BaseModel]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    loc = tuple(p for p in error["loc"] if p != "[key]")
    got = f"tertulis {show(value)}"
    if kind == "missing":
        return "wajib diisi, tetapi tidak ada"
    if kind == "extra_forbidden":
        parent = _field_model(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; mungkin maksudnya {close[0]!r}?" if close else ""
        return f"kunci tidak dikenal {loc[-1]!r}{hint} (yang diizinkan: {', '.join(allowed)})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"harus bilangan bulat ({got})"
    if kind in ("float_type", "float_parsing"):
        return f"harus berupa angka ({got})"
    if kind == "finite_number":
        return f"harus berupa angka biasa, bukan tak hingga atau NaN ({got})"
    if kind == "string_type" and isinstance(value, int | float):
        return f"harus berupa teks: tulis di antara tanda kutip, mis. \"{value}\" ({got})"
    if kind == "string_type":
        return f"harus berupa teks ({got})"
    if kind == "string_too_short":
        return "tidak boleh kosong"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"format tidak sesuai ({got}, seharusnya {PATTERN_HINTS.get(pattern, pattern)})"
    if kind == "greater_than_equal":
        return f"terlalu kecil ({got}, seharusnya paling kecil {_bound(ctx['ge'])})"
    if kind == "less_than_equal":
        return f"terlalu besar ({got}, seharusnya paling besar {_bound(ctx['le'])})"
    if kind == "literal_error":
        return f"nilai tidak dikenal ({got}, seharusnya salah satu dari: {ctx['expected']})"
    if kind.startswith("date_"):
        return f"harus tanggal berformat YYYY-MM-DD ({got})"
    if kind == "list_type":
        return f"harus berupa daftar ({got})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"harus berupa pasangan kunci: nilai ({got})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']} ({got})"


def _bound(value: float) -> str:
    """A model's bound as people write it: 0, 2035, 10000000000 (not 0.0 or 1e10)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def parse(model: type[M], doc: RawDocument, data: Any, base: Location, problems: list[Problem]) -> M | None:
    """Validate `data` (found at `base` in `doc`) as `model`; record located problems on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            inner = tuple(p for p in error["loc"] if p != "[key]")
            if inner and inner[-1] == "id" and isinstance(_raw_at(data, inner[:-1]), str):
                inner = inner[:-1]  # a Text written as a plain string: the user wrote no "id" key
            loc = (*base, *inner)
            if not any(loc[: len(r)] == r for r in doc.reported):
                problems.append(doc.problem(loc, _message(error, model)))
        return None


def _raw_at(data: Any, loc: Location) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _items(model: type[M], doc: RawDocument | None, key: str, problems: list[Problem]) -> list[M]:
    """The list under `key` in a catalogue file, item by item so one bad item hides no others."""
    if doc is None:
        return []
    data = doc.data
    if not isinstance(data.get(key), list):
        problems.append(doc.problem((key,), "harus berupa daftar"
                                    f" ({'tidak ada' if key not in data else 'tertulis ' + show(data[key])})"))
        return []
    return [m for i, item in enumerate(data[key]) if (m := parse(model, doc, item, (key, i), problems))]


def _check_keys(doc: RawDocument | None, allowed: set[str], problems: list[Problem]) -> None:
    if doc is None:
        return
    for key in doc.data:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; mungkin maksudnya {close[0]!r}?" if close else ""
            problems.append(doc.problem((key,), f"kunci tidak dikenal {key!r}{hint}"
                                        f" (yang diizinkan: {', '.join(sorted(allowed))})"))


def _references(data: Any, loc: Location = ()) -> Iterator[tuple[Location, str]]:
    """Every source id a document cites, with where it is cited."""
    if isinstance(data, dict):
        for key, value in data.items():
            if (key in ("source", "via") or key.endswith("_source")) and isinstance(value, str):
                yield (*loc, key), value
            elif key == "sources" and isinstance(value, list):
                yield from (((*loc, key, i), v) for i, v in enumerate(value) if isinstance(v, str))
            else:
                yield from _references(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _references(value, (*loc, i))


def _unique(doc: RawDocument, items: list[tuple[Location, str]], what: str, problems: list[Problem],
            seen: dict[str, str] | None = None) -> None:
    seen = {} if seen is None else seen
    for loc, value in items:
        line = doc.locate(loc)[0]
        if value in seen:
            problems.append(doc.problem(loc, f"{what} {show(value)} sudah dipakai di {seen[value]}"))
        else:
            seen[value] = f"{doc.path}:{line}"


def validate(raw: RawContent, load_problems: list[Problem]) -> Content:
    """The typed content, or a ContentError listing every problem found in every file."""
    problems = list(load_problems)

    sources = _items(Source, raw.sources, "sources", problems)
    milestones = _items(Milestone, raw.milestones, "milestones", problems)
    subsectors = _items(Subsector, raw.indicators, "subsectors", problems)
    indicators = _items(Indicator, raw.indicators, "indicators", problems)
    targets = _items(Target, raw.indicators, "targets", problems)
    actuals = _items(Actual, raw.indicators, "actuals", problems)
    _check_keys(raw.sources, {"sources"}, problems)
    _check_keys(raw.milestones, {"source", "milestones"}, problems)
    _check_keys(raw.indicators, {"source", "subsectors", "indicators", "targets", "actuals"}, problems)
    site = parse(Site, raw.site, raw.site.data, (), problems) if raw.site else None
    provinces = _items(Province, raw.provinces, "provinces", problems)
    _check_keys(raw.provinces, {"provinces"}, problems)
    if site is not None and raw.site is not None and site.scope == "nation" and raw.provinces is None:
        problems.append(raw.site.problem(("scope",),
                                         "situs nasional memerlukan content/provinces.yaml (daftar provinsi)"))
    if raw.provinces is not None:
        _unique(raw.provinces, [(("provinces", i, "kemendagri_code"), p.kemendagri_code)
                                for i, p in enumerate(provinces)], "kode provinsi", problems)

    regencies = [r for doc in raw.regencies if (r := _with_slug(Regency, doc, {}, problems))]
    clinics = [c for doc in raw.clinics if (c := _with_slug(Clinic, doc, _narrative(doc) | _folder(doc), problems))]
    pages = [p for doc in raw.pages if (p := _with_slug(Page, doc, _page_texts(doc), problems))]
    problems += [doc.problem((), f"nama halaman {show(doc.stem)} sudah dipakai situs untuk halamannya sendiri"
                             f" ({doc.stem}.html); beri berkas ini nama lain, mis. tentang-{doc.stem}.md")
                 for doc in raw.pages if doc.stem in SITE_PAGES]

    # Ids as written, valid entries or not: a source with a problem of its own is reported once, there.
    source_ids = _raw_ids(raw.sources, "sources")
    if raw.sources is not None:  # without the registry every citation would be reported as unknown
        for doc in _documents(raw):
            for loc, ref in _references(doc.data):
                if ref not in source_ids:
                    problems.append(doc.problem(loc, f"sumber tidak dikenal ({show(ref)},"
                                                " seharusnya id dari sources.yaml)"))

    catalogue = {i.id: i for i in indicators}
    _check_catalogue(raw, subsectors, indicators, targets, actuals, milestones, catalogue, problems)
    _check_regencies(raw, regencies, site, provinces, catalogue, problems)
    if site is not None:
        _check_areas(raw, site, provinces, regencies, clinics, problems)
    _check_clinics(raw, clinics, regencies, milestones, subsectors, problems)
    _check_attendance(raw, regencies, clinics, problems)
    layout = _map_layout(raw, problems)  # open data (issue 5): the schematic map
    emblem = _emblem(raw, problems)
    _check_markdown(raw, regencies, clinics, pages, problems)

    if problems or site is None:
        raise ContentError(problems)
    return Content(site=site, provinces=provinces, sources=sources, milestones=milestones, subsectors=subsectors,
                   indicators=indicators, targets=targets, actuals=actuals, regencies=regencies,
                   clinics=clinics, pages=sorted(pages, key=lambda p: (p.order, p.slug)), map=layout, emblem=emblem)


_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _emblem(raw: RawContent, problems: list[Problem]) -> Emblem | None:
    """The cover's image, drawn only when it is a PNG or JPEG file (by its first bytes, not its name)."""
    if raw.emblem is None or raw.site is None:
        return None
    kind = next((kind for magic, kind in _IMAGE_TYPES.items() if raw.emblem.data.startswith(magic)), None)
    if kind is None:
        problems.append(raw.site.problem(("emblem",), f"berkas {show(raw.emblem.path)} bukan gambar PNG atau JPEG;"
                                                      " simpan lambang sebagai PNG atau JPEG"))
        return None
    return Emblem(path=raw.emblem.path, media_type=kind, base64=base64.b64encode(raw.emblem.data).decode())


def _map_layout(raw: RawContent, problems: list[Problem]) -> MapLayout | None:
    """content/map.yaml: every regency on exactly one cell of its own, and no tile for an unknown one.
    The tiles are checked even when another key of the file has a problem, so all are reported at once."""
    doc = raw.map
    if doc is None:
        return None
    tiles = doc.data.get("tiles")
    good: dict[str, tuple[int, int]] = {}
    if isinstance(tiles, dict):
        for slug, cell in tiles.items():
            if _is_cell(cell):
                good[slug] = (cell[0], cell[1])
            elif ("tiles", slug) not in doc.reported:
                problems.append(doc.problem(("tiles", slug), f"posisi harus [kolom, baris], dua bilangan bulat 0 sampai"
                                                             f" {MAP_SIZE - 1} (tertulis {_cell_text(cell)})"))
    layout = parse(MapLayout, doc, {**doc.data, "tiles": good} if isinstance(tiles, dict) else doc.data, (), problems)
    files = raw.regency_files  # a regency whose own file has problems still has its place on the map
    known = ", ".join(sorted(files)) or "belum ada"
    taken: dict[tuple[int, int], str] = {}
    for slug, cell in good.items():
        if not SLUG_RE.fullmatch(slug):
            continue  # reported by the model as a badly written slug
        if slug not in files:
            problems.append(doc.problem(("tiles", slug), f"kabupaten/kota tidak dikenal ({show(slug)}, seharusnya"
                                                         f" salah satu dari: {known})"))
        elif cell in taken:
            other = taken[cell]
            problems.append(doc.problem(("tiles", slug), f"sel [{cell[0]}, {cell[1]}] sudah dipakai oleh {other}"
                                                         f" (baris {doc.locate(('tiles', other))[0]}); pilih sel lain"))
        else:
            taken[cell] = slug
    unplaced = sorted(files - set(tiles if isinstance(tiles, dict) else ()))
    if unplaced and isinstance(tiles, dict):
        problems.append(doc.problem(("tiles",), f"kabupaten/kota belum ditempatkan di peta: {', '.join(unplaced)}"
                                                " (tambahkan baris 'slug: [kolom, baris]' untuk masing-masing)"))
    return layout


MAP_SIZE = 50  # cells per side; a province has at most a few dozen regencies


def _is_cell(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < MAP_SIZE for v in value))


def _cell_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(show(v)) for v in value) + "]"
    return show(value)


def _bilingual(indonesian: Any, english: Any) -> Any:
    """Join a text from an Indonesian file with the same text from its English companion file."""
    return {"id": indonesian, "en": english} if isinstance(indonesian, str) and isinstance(english, str) else indonesian


def _narrative(doc: RawDocument) -> dict[str, Any]:
    """A clinic's texts from its Markdown files: the narrative (<slug>.md) and the report's foreword
    (<slug>.pengantar.md), each with its English text where there is one."""
    texts = {}
    for key, source in (("narrative", doc), ("foreword", doc.foreword)):
        if source is not None and source.body and source.body.strip():
            texts[key] = _bilingual(source.body, source.translation.body if source.translation else None)
    return texts


def _folder(doc: RawDocument) -> dict[str, Any]:
    """A province's clinic: the province is the folder its file is in."""
    return {"province": doc.province} if doc.province else {}


def _page_texts(doc: RawDocument) -> dict[str, Any]:
    english = doc.translation
    if english is None:
        return {"body": doc.body or ""}
    return {key: _bilingual(doc.data.get(key), english.data.get(key)) for key in ("title", "description")} | {
        "body": _bilingual(doc.body or "", english.body)}


def _stem(document: RawDocument) -> str:
    return document.stem


def _slug(model: Regency | Clinic | Page) -> str:
    return model.slug


def missing_translations(raw: RawContent, content: Content) -> list[Problem]:
    """Every text people read that has no English version yet, located in its file."""
    pairs: list[tuple[RawDocument | None, BaseModel]] = [(raw.site, content.site)]
    pairs += [(raw.milestones, m) for m in content.milestones]
    pairs += [(raw.indicators, x) for x in [*content.subsectors, *content.indicators]]
    pairs += [(raw.sources, x) for x in content.sources]
    for documents, models in ((raw.regencies, content.regencies), (raw.clinics, content.clinics),
                              (raw.pages, content.pages)):  # a file each, named by the model's slug
        pairs += zip(sorted(documents, key=_stem), sorted(models, key=_slug), strict=True)
    if content.map is not None:  # open data (issue 5): the map's note
        pairs.append((raw.map, content.map))
    found: list[Problem] = []
    for doc, model in pairs:
        if doc is None:
            continue
        base: Location = ()
        if isinstance(model, Milestone | Subsector | Indicator | Source):
            key = {Milestone: "milestones", Subsector: "subsectors", Indicator: "indicators",
                   Source: "sources"}[type(model)]
            index = next(i for i, item in enumerate(_raw_list(doc, key))
                         if isinstance(item, dict) and item.get("id") == model.id)
            base = (key, index)
        found += [doc.problem(loc, "belum ada terjemahan bahasa Inggris (en)") for loc in _untranslated(model, base)]
    return found


def unopenable(raw: RawContent, content: Content) -> list[Problem]:
    """Every fact that readers cannot check: a citation of a source with no address of its own or
    through its route (`via`), and a capital with no source. Located where the fact is written;
    `validate --strict` reports them as errors."""
    openable = content.openable_sources
    found: list[Problem] = []
    for doc in [d for d in (raw.site, raw.indicators) if d is not None] + raw.regencies + raw.clinics:
        for loc, ids in _citations(doc.data):
            if not any(i in openable for i in ids):
                found.append(doc.problem(loc, f"sumber {show(ids[0])} belum dapat dibuka pembaca (tidak ada alamat web,"
                                              " juga tidak lewat via): isi url-nya di sources.yaml, atau rujuk"
                                              " sumber yang dapat dibuka"))
    docs = {d.stem: d for d in raw.regencies}
    capitals: list[tuple[RawDocument | None, Location, Province | Regency]] = [
        (raw.site, ("province", "capital"), content.site.province),
        *((docs.get(r.slug), ("capital",), r) for r in content.regencies)]
    for place_doc, loc, place in capitals:
        if place_doc is not None and place.capital and place.capital_source is None:
            found.append(place_doc.problem(loc, f"ibu kota {show(place.capital)} belum bersumber: isi capital_source"
                                                " dengan id sumber yang dapat dibuka (mis. undang-undang pembentukan"
                                                " daerah)"))
    return found


def after_as_of(raw: RawContent, content: Content) -> list[Problem]:
    """Every citation of a source dated after the data's reference date (site.yaml `as_of`): a page
    "as of" that date cannot show it. `validate --strict` reports them as errors."""
    day = content.site.as_of
    later = {s.id: s.known_from for s in content.sources if s.known_from is not None and s.known_from > day}
    return [doc.problem(loc, f"sumber {show(ids[0])} bertanggal sesudah tanggal acuan data (as_of {day} di"
                             f" site.yaml, sumber sejak {later[ids[0]]}): perbarui as_of, atau rujuk sumber yang"
                             " lebih awal")
            for doc in [d for d in (raw.indicators,) if d is not None] + raw.regencies + raw.clinics
            for loc, ids in _citations(doc.data) if ids[0] in later]


def _citations(data: Any, loc: Location = ()) -> Iterator[tuple[Location, list[str]]]:
    """Each citation with where it is written: a `source` with its `via` (either one that can be opened
    will do), an `x_source`, or one item of a `sources` list."""
    if isinstance(data, dict):
        if isinstance(data.get("source"), str):
            yield (*loc, "source"), [data["source"], *([data["via"]] if isinstance(data.get("via"), str) else [])]
        for key, value in data.items():
            if key.endswith("_source") and isinstance(value, str):
                yield (*loc, key), [value]
            elif key == "sources" and isinstance(value, list):
                yield from (((*loc, key, i), [v]) for i, v in enumerate(value) if isinstance(v, str))
            elif key not in ("source", "via"):
                yield from _citations(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _citations(value, (*loc, i))


def _untranslated(value: Any, loc: Location) -> list[Location]:
    if isinstance(value, Text):
        return [] if value.en else [loc]
    if isinstance(value, BaseModel):
        return [found for name in type(value).model_fields
                for found in _untranslated(getattr(value, name), (*loc, name))]
    if isinstance(value, list | tuple):
        return [found for i, item in enumerate(value) for found in _untranslated(item, (*loc, i))]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _untranslated(item, (*loc, key))]
    return []


def _raw_list(doc: RawDocument | None, key: str) -> list[Any]:
    value = doc.data.get(key) if doc else None
    return value if isinstance(value, list) else []


def _raw_ids(doc: RawDocument | None, key: str) -> set[str]:
    """The ids written in a catalogue list, whether or not their entries are otherwise valid."""
    return {item["id"] for item in _raw_list(doc, key) if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _with_slug(model: type[M], doc: RawDocument, extra: dict[str, Any], problems: list[Problem]) -> M | None:
    if "slug" in doc.data:
        problems.append(doc.problem(("slug",), "slug diambil dari nama berkas; hapus kunci ini"))
        return None
    if model is Clinic and "province" in doc.data:
        problems.append(doc.problem(("province",), "provinsi coaching clinic diambil dari nama foldernya"
                                                   " (clinics/<kode provinsi>/); hapus kunci ini"))
        return None
    return parse(model, doc, {**doc.data, "slug": doc.stem, **extra}, (), problems)


def _documents(raw: RawContent) -> list[RawDocument]:
    singles = [raw.site, raw.sources, raw.milestones, raw.indicators]
    return [d for d in singles if d is not None] + raw.regencies + raw.clinics + raw.pages


def _check_catalogue(raw: RawContent, subsectors: list[Subsector], indicators: list[Indicator],
                     targets: list[Target], actuals: list[Actual], milestones: list[Milestone],
                     catalogue: dict[str, Indicator], problems: list[Problem]) -> None:
    if raw.sources:
        ids = _raw_list(raw.sources, "sources")
        _unique(raw.sources, [(("sources", i, "id"), s["id"]) for i, s in enumerate(ids)
                              if isinstance(s, dict) and isinstance(s.get("id"), str)], "id sumber", problems)
    if raw.milestones:
        _unique(raw.milestones, [(("milestones", i, "id"), m.id) for i, m in enumerate(milestones)],
                "id tahapan", problems)
        absent = [m for m in ("M1", "M2", "M3", "M4") if m not in _raw_ids(raw.milestones, "milestones")]
        if absent:
            problems.append(raw.milestones.problem(("milestones",),
                                                   f"tahapan belum lengkap (tidak ada: {', '.join(absent)};"
                                                   " seharusnya M1, M2, M3 dan M4)"))
    doc = raw.indicators
    if doc is None:
        return
    _unique(doc, [(("indicators", i, "id"), ind.id) for i, ind in enumerate(indicators)], "id indikator", problems)
    _unique(doc, [(("subsectors", i, "id"), s.id) for i, s in enumerate(subsectors)], "id subsektor", problems)
    known_subsectors = {s.id for s in subsectors}
    for i, ind in enumerate(indicators):
        if ind.subsector not in known_subsectors:
            problems.append(doc.problem(("indicators", i, "subsector"),
                                        f"subsektor tidak dikenal ({show(ind.subsector)},"
                                        " seharusnya id dari daftar subsectors)"))
    for i, target in enumerate(targets):
        _check_value(doc, ("targets", i), target.indicator, target.value, catalogue, problems)
    for i, actual in enumerate(actuals):
        _check_value(doc, ("actuals", i), actual.indicator, actual.value, catalogue, problems)


def _check_value(doc: RawDocument, loc: Location, indicator_id: str, value: float,
                 catalogue: dict[str, Indicator], problems: list[Problem]) -> None:
    indicator = catalogue.get(indicator_id)
    if indicator is None:
        problems.append(doc.problem((*loc, "indicator") if loc[0] in ("targets", "actuals") else loc,
                                    f"indikator tidak dikenal ({show(indicator_id)},"
                                    f" seharusnya salah satu dari: {', '.join(catalogue)})"))
    elif indicator.unit == "percent" and not 0 <= value <= 100:
        problems.append(doc.problem((*loc, "value"),
                                    f"persentase di luar rentang (tertulis {value:g}, seharusnya 0 sampai 100)"))


def _check_regencies(raw: RawContent, regencies: list[Regency], site: Site | None, provinces: list[Province],
                     catalogue: dict[str, Indicator], problems: list[Problem]) -> None:
    docs = {d.stem: d for d in raw.regencies}
    kemendagri: dict[str, str] = {}
    bps: dict[str, str] = {}
    for regency in regencies:
        doc = docs[regency.slug]
        _unique(doc, [(("kemendagri_code",), regency.kemendagri_code)], "kode Kemendagri", problems, kemendagri)
        _unique(doc, [(("bps_code",), regency.bps_code)], "kode BPS", problems, bps)
        if site is not None and site.scope == "nation":
            prefix = regency.kemendagri_code.split(".")[0]
            province = next((p for p in provinces if p.kemendagri_code == prefix), None)
            if province is None:
                problems.append(doc.problem(("kemendagri_code",),
                                            f"provinsi tidak dikenal ({show(regency.kemendagri_code)},"
                                            " seharusnya diawali kode provinsi dari provinces.yaml)"))
            elif not regency.bps_code.startswith(province.bps_code):
                problems.append(doc.problem(("bps_code",), f"kode di luar provinsi ({show(regency.bps_code)},"
                                            f" seharusnya diawali \"{province.bps_code}\")"))
        elif site is not None:
            prefix = site.province.kemendagri_code
            if not regency.kemendagri_code.startswith(prefix + "."):
                problems.append(doc.problem(("kemendagri_code",),
                                            f"kode di luar provinsi ({show(regency.kemendagri_code)},"
                                            f" seharusnya diawali \"{prefix}.\")"))
            if not regency.bps_code.startswith(site.province.bps_code):
                problems.append(doc.problem(("bps_code",), f"kode di luar provinsi ({show(regency.bps_code)},"
                                            f" seharusnya diawali \"{site.province.bps_code}\")"))
        for indicator_id, observations in regency.indicators.items():
            if indicator_id not in catalogue:
                _check_value(doc, ("indicators", indicator_id), indicator_id, 0, catalogue, problems)
                continue
            years: set[int] = set()
            for i, obs in enumerate(observations):
                _check_value(doc, ("indicators", indicator_id, i), indicator_id, obs.value, catalogue, problems)
                if obs.year in years:
                    problems.append(doc.problem(("indicators", indicator_id, i, "year"),
                                                f"tahun {obs.year} tercatat dua kali untuk indikator ini"))
                years.add(obs.year)


def _check_areas(raw: RawContent, site: Site, provinces: list[Province], regencies: list[Regency],
                 clinics: list[Clinic], problems: list[Problem]) -> None:
    """Areas form one hierarchy, nation -> province -> regency: every value, target and clinic of a
    province names a province the site knows; a province's clinic names regencies of its own province;
    a province has no more regency files than the regencies it has."""
    national = site.scope == "nation"
    own = site.province.kemendagri_code
    codes = {p.kemendagri_code for p in provinces} if national else {own}
    known = ", ".join(f'"{c}"' for c in sorted(codes)) or "belum ada"
    where = f"kode provinsi dari provinces.yaml: {known}" if national else f'kode provinsi situs ini, "{own}"'

    def unknown(value: Any) -> str:
        return f"provinsi tidak dikenal ({show(value)}, seharusnya {where})"

    doc = raw.indicators
    for key in ("targets", "actuals"):
        for i, item in enumerate(_raw_list(doc, key)):
            if not isinstance(item, dict) or doc is None:
                continue
            area = item.get("area")
            if isinstance(area, str) and area not in codes:
                problems.append(doc.problem((key, i, "area"), unknown(area)))
            elif key == "targets" and national and item.get("scope") == "province" and area is None:
                problems.append(doc.problem((key, i, "scope"), "target provinsi di situs nasional perlu area: kode"
                                                                " Kemendagri provinsinya, mis. area: \"62\""))
    files = {d.stem: d for d in raw.clinics}
    province_of = {r.slug: r.kemendagri_code.split(".")[0] for r in regencies}
    for clinic in clinics:
        clinic_doc = files[clinic.slug]
        if clinic.province is None:
            continue
        if clinic.province not in codes:
            problems.append(clinic_doc.problem((), f"folder clinics/{clinic.province}/: {unknown(clinic.province)}"))
            continue
        named: list[tuple[Location, str]] = [(("participants", i, "regency"), p.regency)
                                             for i, p in enumerate(clinic.participants)]
        named += [(("action_items", i, "regency"), item.regency) for i, item in enumerate(clinic.action_items)
                  if item.regency is not None]
        for loc, slug in named:
            if slug in province_of and province_of[slug] != clinic.province:
                problems.append(clinic_doc.problem(loc, f"{show(slug)} berada di provinsi {province_of[slug]}, bukan di"
                                                        f" provinsi coaching clinic ini ({clinic.province}, folder"
                                                        f" clinics/{clinic.province}/)"))
    counted = Counter(province_of.values())
    places: list[tuple[RawDocument | None, Location, Province]] = [
        *((raw.provinces, ("provinces", i, "regency_count"), p) for i, p in enumerate(provinces)),
        (raw.site, ("province", "regency_count"), site.province)]
    for place_doc, loc, province in places:
        have = len(regencies) if province is site.province else counted[province.kemendagri_code]
        if place_doc is not None and province.regency_count is not None and have > province.regency_count:
            problems.append(place_doc.problem(loc, f"lebih kecil dari jumlah berkas kabupaten/kota provinsi ini"
                                                   f" (tertulis {province.regency_count}, ada {have} berkas di"
                                                   " regencies/)"))


def _check_attendance(raw: RawContent, regencies: list[Regency], clinics: list[Clinic],
                      problems: list[Problem]) -> None:
    """A regency whose facts cite a clinic's own source must be among the participants that clinic
    names (else one page says it attended and another that it did not). A clinic that names no
    participants contradicts nothing: who attended is not recorded."""
    naming: dict[str, list[Clinic]] = {}
    for clinic in clinics:
        if clinic.participants:
            for source in clinic.sources:
                naming.setdefault(source, []).append(clinic)
    docs = {d.stem: d for d in raw.regencies}
    for regency in regencies:
        doc = docs[regency.slug]
        for loc, ref in _references(doc.data):
            for clinic in naming.get(ref, []):
                if regency.slug not in {p.regency for p in clinic.participants}:
                    problems.append(doc.problem(loc, f"{show(ref)} adalah sumber coaching clinic {clinic.slug}, tetapi"
                                                     f" {regency.slug} tidak tercantum sebagai pesertanya di"
                                                     f" clinics/{clinic.slug}.yaml; tambahkan"
                                                     f" {{regency: {regency.slug}}} ke participants di berkas itu,"
                                                     " atau rujuk sumber lain"))


def _check_clinics(raw: RawContent, clinics: list[Clinic], regencies: list[Regency],
                   milestones: list[Milestone], subsectors: list[Subsector], problems: list[Problem]) -> None:
    docs = {d.stem: d for d in raw.clinics}
    by_slug = {r.slug: r for r in regencies}
    # Every regency file counts as known, even one with problems of its own (reported there).
    files = raw.regency_files
    known = ", ".join(sorted(files)) or "belum ada"
    milestone_ids = {m.id for m in milestones}
    subsector_ids = {s.id for s in subsectors}
    item_ids: dict[str, str] = {}
    for clinic in clinics:
        doc = docs[clinic.slug]
        if clinic.milestone_focus and milestone_ids and clinic.milestone_focus not in milestone_ids:
            problems.append(doc.problem(("milestone_focus",),
                                        f"tahapan tidak dikenal ({show(clinic.milestone_focus)})"))
        for i, sub in enumerate(clinic.scope):
            if sub not in subsector_ids:
                problems.append(doc.problem(("scope", i), f"subsektor tidak dikenal ({show(sub)},"
                                            f" seharusnya salah satu dari: {', '.join(sorted(subsector_ids))})"))
        _unique(doc, [(("participants", i, "regency"), p.regency) for i, p in enumerate(clinic.participants)],
                "peserta", problems)
        for i, participant in enumerate(clinic.participants):
            regency = by_slug.get(participant.regency)
            loc: Location = ("participants", i)
            if participant.regency not in files:
                problems.append(doc.problem((*loc, "regency"),
                                            f"kabupaten/kota tidak dikenal ({show(participant.regency)},"
                                            f" seharusnya salah satu dari: {known})"))
                continue
            if regency is None:
                continue
            derived = regency.ppsp.progress_year(clinic.cycle_year)
            if participant.progress_year is not None and derived is not None and derived != participant.progress_year:
                problems.append(doc.problem((*loc, "progress_year"),
                                            f"tidak cocok dengan m4_year {regency.ppsp.m4_year}"
                                            f" di regencies/{regency.slug}.yaml"
                                            f" (tertulis {participant.progress_year}, seharusnya {derived})"))
        items: list[tuple[Location, ActionItem]] = [(("action_items", i), item)
                                                    for i, item in enumerate(clinic.action_items)]
        if clinic.work_plan:
            items += [(("work_plan", "items", i), item) for i, item in enumerate(clinic.work_plan.items)]
        _unique(doc, [((*loc, "id"), item.id) for loc, item in items], "id butir tindak lanjut", problems, item_ids)
        for loc, item in items:
            if item.regency is not None and item.regency not in files:
                problems.append(doc.problem((*loc, "regency"), f"kabupaten/kota tidak dikenal ({show(item.regency)},"
                                            f" seharusnya salah satu dari: {known})"))



# How deep the HTML of one Markdown text may nest (lists in lists, quotes in quotes, raw tags):
# far more than any text needs, and far less than Python-Markdown and WeasyPrint can recurse
# through (about 250 and 140 levels) from wherever a template calls them.
MAX_MARKDOWN_DEPTH = 32


class _Depth(HTMLParser):
    """The deepest nesting of elements in (sanitised, well-formed) HTML."""

    VOID = frozenset({"br", "hr", "img", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth -= 1


def _markdown_depth(text: str) -> int:
    try:
        html = render_markdown(text)  # kept (lru_cache) for the pages and reports that show it
    except RecursionError:
        return MAX_MARKDOWN_DEPTH + 1  # deeper than Python-Markdown itself can go
    parser = _Depth()
    parser.feed(html)
    return parser.deepest


def _check_markdown(raw: RawContent, regencies: list[Regency], clinics: list[Clinic], pages: list[Page],
                    problems: list[Problem]) -> None:
    """The texts shown as Markdown (regency notes, clinic narratives, page bodies), each language."""
    texts: list[tuple[str, int, str, str | None]] = []  # where each text is written, and the text
    docs = {d.stem: d for d in raw.regencies}
    for regency in regencies:
        doc = docs[regency.slug]
        for i, note in enumerate(regency.notes):
            line = doc.locate(("notes", i))[0]
            texts += [(doc.path, line, f"notes[{i}]", note.text.id), (doc.path, line, f"notes[{i}]", note.text.en)]
    docs = {d.stem: d for d in raw.clinics}
    for clinic in clinics:  # the narrative is clinics/<slug>.md, its English text <slug>.en.md
        doc = docs[clinic.slug]
        if clinic.narrative:
            texts.append((doc.path.removesuffix(".yaml") + ".md", 1, "", clinic.narrative.id))
        if clinic.narrative and doc.translation:
            texts.append((doc.translation.path, 1, "", clinic.narrative.en))
        if clinic.foreword and doc.foreword:  # clinics/<slug>.pengantar.md and .pengantar.en.md
            texts.append((doc.foreword.path, 1, "", clinic.foreword.id))
            if doc.foreword.translation:
                texts.append((doc.foreword.translation.path, 1, "", clinic.foreword.en))
    docs = {d.stem: d for d in raw.pages}
    for page in pages:
        doc = docs[page.slug]
        texts.append((doc.path, doc.locate(("body",))[0], "", page.body.id))
        if doc.translation:
            texts.append((doc.translation.path, doc.translation.locate(("body",))[0], "", page.body.en))
    for path, line, field, text in texts:
        if text and _markdown_depth(text) > MAX_MARKDOWN_DEPTH:
            problems.append(Problem(path, line, 1, field, f"Markdown bertingkat terlalu dalam (lebih dari"
                                    f" {MAX_MARKDOWN_DEPTH} tingkat daftar, kutipan atau tag di dalam satu sama"
                                    " lain); sederhanakan teksnya"))
