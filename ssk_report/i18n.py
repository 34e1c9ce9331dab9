"""Language: the one translation function for UI strings, and locale-aware formatting.

Indonesian is the source language: UI strings are written in Indonesian in templates and code, and
`ssk_report/locale/<lang>/LC_MESSAGES/messages.po` translates them. The .po files are compiled in
memory when a build starts (Babel), so no compiled catalogue is ever committed.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from .model import Lang

LANGUAGES: tuple[Lang, ...] = ("id", "en")
DEFAULT_LANGUAGE: Lang = "id"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


@cache
def translations(lang: Lang) -> _gettext.NullTranslations:
    """The compiled catalogue for `lang`; the source language needs none."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not po.is_file():
        return _gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return translations(lang).gettext(message)


def regency_name(kind: str, name: str, lang: Lang) -> str:
    """`Kab. Lamandau` / `Lamandau Regency`: the word order differs, so the pattern is translated."""
    pattern = gettext("Kab. %(name)s", lang) if kind == "kabupaten" else gettext("Kota %(name)s", lang)
    return pattern % {"name": name}


def regency_full_name(kind: str, name: str, lang: Lang) -> str:
    """`Kabupaten Lamandau` / `Lamandau Regency`: the name in titles and headings (tables use the short
    `Kab. Lamandau`). A city's name has no short form."""
    if kind != "kabupaten":
        return regency_name(kind, name, lang)
    return gettext("Kabupaten %(name)s", lang) % {"name": name}


def clinic_title(number: int, year: int, lang: Lang) -> str:
    """A clinic's full name, for its first mention on a page: titles and headings."""
    return gettext("Coaching Clinic %(number)s Implementasi SSK Tahun %(year)s", lang) % {"number": number,
                                                                                           "year": year}


def clinic_short(number: int, year: int, lang: Lang) -> str:
    """A clinic's short name, for every later mention: `CC7 2025`."""
    return gettext("CC%(number)s %(year)s", lang) % {"number": number, "year": year}


@lru_cache(maxsize=65536)  # Babel's formatting costs ~0.15 ms a call; a site repeats the same figures
def format_number(value: float | None, lang: Lang, digits: int = 0) -> str:
    """`294602` -> `294.602` (id) / `294,602` (en); trailing zeros kept so columns line up."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


@lru_cache(maxsize=65536)
def format_percent(value: float | None, lang: Lang, digits: int = 2) -> str:
    """`76.31` (already a percentage) -> `76,31%` (id) / `76.31%` (en); trailing zeros dropped."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang) + "%"


def format_money(value: float | None, lang: Lang) -> str:
    """Rupiah: `Rp1.250.000` (id) / `IDR 1,250,000` (en), whole rupiah as budgets are written."""
    if value is None:
        return ""
    pattern = "¤#,##0" if lang == "id" else "¤¤\u00a0#,##0"
    return format_currency(value, "IDR", format=pattern, locale=lang, currency_digits=False).replace("\u00a0", " ")


def format_size(size: int | None, lang: Lang) -> str:
    """A file's size: `812 byte` / `812 bytes`, `1.234,5 KB` / `1,234.5 KB`; a dash when unknown."""
    if size is None:
        return "–"
    if size < 1024:
        return gettext("%(n)s byte", lang) % {"n": format_number(size, lang)}
    return gettext("%(n)s KB", lang) % {"n": format_number(size / 1024, lang, 1)}


@lru_cache(maxsize=4096)
def format_day(value: dt.date | None, lang: Lang) -> str:
    """`2025-11-06` -> `6 November 2025` in both languages (Indonesian month names in id)."""
    return "" if value is None else format_date(value, format="d MMMM y", locale=lang)


def format_month(year: int, month: int, lang: Lang) -> str:
    """`Agustus 2025` / `August 2025`: a date recorded only to the month."""
    return format_date(dt.date(year, month, 1), format="MMMM y", locale=lang)


def format_period(start: dt.date, end: dt.date, lang: Lang) -> str:
    """`13–14 Agustus 2025` for a clinic that spans days, a single date otherwise."""
    if start == end:
        return format_day(start, lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_day(end, lang)}"
    return f"{format_day(start, lang)} – {format_day(end, lang)}"
