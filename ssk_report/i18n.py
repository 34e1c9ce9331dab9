"""Language: the one translation function for UI strings and locale-aware formatting filters.

Every UI string in templates and code goes through `gettext`; today the Indonesian source strings are
shown as written (Indonesian is the source language), and an English catalogue plugs in here.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal

from .model import Lang

LANGUAGES: tuple[Lang, ...] = ("id",)
DEFAULT_LANGUAGE: Lang = "id"


@cache
def translations(lang: Lang) -> _gettext.NullTranslations:
    """The catalogue for `lang`; Indonesian is the source language, so it needs none."""
    return _gettext.NullTranslations()


def gettext(message: str, lang: Lang = DEFAULT_LANGUAGE) -> str:
    return translations(lang).gettext(message)


def format_number(value: float | None, lang: Lang, digits: int = 0) -> str:
    """`294602` -> `294.602` in Indonesian; trailing zeros kept so columns line up."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def format_percent(value: float | None, lang: Lang, digits: int = 2) -> str:
    """`76.31` (already a percentage) -> `76,31%`; trailing zeros dropped: `20%`, `23,8%`."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang) + "%"


def format_day(value: dt.date | None, lang: Lang) -> str:
    """`2025-11-06` -> `6 November 2025`."""
    return "" if value is None else format_date(value, format="d MMMM y", locale=lang)


def format_period(start: dt.date, end: dt.date, lang: Lang) -> str:
    """`13–14 Agustus 2025` for a clinic that spans days, a single date otherwise."""
    if start == end:
        return format_day(start, lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_day(end, lang)}"
    return f"{format_day(start, lang)} – {format_day(end, lang)}"
