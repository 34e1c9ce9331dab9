"""A tidy table of the open data: its columns and rows, written as CSV, described in the data package
(opendata.py), and made both for the whole site's data and for the figures beside each chart
(chartdata.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Cell = str | int | float | None
FieldType = Literal["string", "integer", "number", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    type: FieldType
    description: str


@dataclass(frozen=True)
class Table:
    """One tidy table: written as CSV, described in the data package, and a sheet of the workbook."""

    name: str  # resource name and sheet name
    path: str  # inside data/
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    primary_key: tuple[str, ...] = ()


def number_text(value: int | float) -> str:
    """A number as the CSV files write it (76.31, 294602, 90): as Python writes it, without a trailing
    `.0`. The charts' data tables carry the same text as each figure's machine-readable value."""
    return repr(value).removesuffix(".0") if isinstance(value, float) else str(value)
