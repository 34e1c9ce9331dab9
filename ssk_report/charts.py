"""Chart geometry: scales, ticks, coordinates and where each label goes, for the SVG charts and the map.

Plain drawing data, no markup and no I/O: partials/_charts.html.j2 places it in <svg> elements and
formats every label people read (|number, |percent, _()). A chart is a frozen dataclass; its marks
(ticks, bars, points, cells, tiles, labels) are named tuples, which the templates unpack in their
loops (a page draws thousands of them). Coordinates are rounded as they are written in SVG.
The geometry is the same in every language, so a label's width is estimated from what is known here
(a value's digits, a period's years) and, for words, from their widest wording in either language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, Literal, NamedTuple, TypeVar

from .i18n import LANGUAGES, format_number, format_percent, regency_name
from .model import (
    AreaStatus,
    Cohort,
    IndicatorStatus,
    MapLayout,
    Observation,
    Ranked,
    Ranking,
    RegencyStatus,
    Stage,
    Target,
)

Anchor = Literal["start", "middle", "end"]
Key = TypeVar("Key", Stage, int)


def at(value: float) -> float:
    """A coordinate as written in SVG: one decimal, without a trailing ".0" (a page holds thousands)."""
    rounded = round(value, 1)
    return int(rounded) if rounded % 1 == 0 else rounded


# ---- Text extents ----------------------------------------------------------------------------------

# Advance widths in em of DejaVu Sans, regular and bold: the widest of the fonts a chart may be drawn
# in (the page's system font, Liberation Sans or Arial), so an estimate errs on the safe side.
_EM: dict[str, tuple[float, float]] = {
    **dict.fromkeys("0123456789", (0.636, 0.696)),
    **dict.fromkeys(",.:;·' ", (0.318, 0.38)),
    "%": (0.95, 1.002), "–": (0.5, 0.5), "-": (0.361, 0.415), "?": (0.531, 0.58), "↑": (0.838, 0.838),
    **dict.fromkeys("fijlrt", (0.331, 0.406)), **dict.fromkeys("mw", (0.896, 0.983)),
    **dict.fromkeys("IJ", (0.295, 0.372)), **dict.fromkeys("MW", (0.926, 1.049)),
}
_UPPER, _LOWER = (0.684, 0.763), (0.604, 0.674)  # the average of the other letters

# Words the geometry does not know (they are translated in the templates), as the width in em of
# their widest wording in either language, regular weight:
TARGET_WORDS_EM = 8.1  # "Target nasional " (id), before a target's period and value
DATA_YEAR_EM = 5.5  # "tahun data" (id), under the timeline's data year
NORTH_EM = 10  # "↑ north · schematic" (en), in the map's legend
STAGE_EM = 8.2  # "Belum diketahui" (id), the longest stage name in the map's legend


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated advance of `text` at font `size`."""
    weight = int(bold)
    em = sum((_EM.get(c) or (_UPPER if c.isupper() else _LOWER))[weight] for c in text)
    return em * size


class Box(NamedTuple):
    """An axis-aligned rectangle in SVG units (y grows downwards); a tuple, as a chart tries dozens."""

    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: Box) -> float:
        """The area this box shares with `other` (written out: a chart asks this a few hundred times)."""
        left, top, right, bottom = self
        if other.left >= right or other.right <= left or other.top >= bottom or other.bottom <= top:
            return 0.0
        return ((right if right < other.right else other.right) - (left if left > other.left else other.left)) * (
            (bottom if bottom < other.bottom else other.bottom) - (top if top > other.top else other.top))

    def outside(self, bounds: Box) -> float:
        """The area of this box that lies outside `bounds`."""
        return (self.right - self.left) * (self.bottom - self.top) - self.overlap(bounds)

    def crosses(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment from `a` to `b` passes through this box (Liang–Barsky clipping)."""
        (x, y), (x2, y2) = a, b
        if (x > self.right and x2 > self.right) or (x < self.left and x2 < self.left) \
                or (y > self.bottom and y2 > self.bottom) or (y < self.top and y2 < self.top):
            return False  # most lines are nowhere near: no need to clip
        dx, dy = x2 - x, y2 - y
        low, high = 0.0, 1.0
        for p, q in ((-dx, x - self.left), (dx, self.right - x), (-dy, y - self.top), (dy, self.bottom - y)):
            if p == 0:
                if q < 0:
                    return False
            elif p < 0:
                low = max(low, q / p)
            else:
                high = min(high, q / p)
        return low <= high


class Label(NamedTuple):
    """Where a text goes: its anchor point (SVG x, baseline y) and text-anchor. A tuple: a chart
    makes dozens while it looks for places."""

    x: float
    y: float
    anchor: Anchor = "middle"


def _label(x: float, y: float, anchor: Anchor) -> Label:
    return Label(at(x), at(y), anchor)


def text_box(label: Label, width: float, size: float) -> Box:
    """The box a text of `width` at `label` covers, with a pixel of margin around it."""
    left = label.x - {"start": 0.0, "middle": width / 2, "end": width}[label.anchor]
    return Box(left - 1, label.y - 0.76 * size - 1, left + width + 1, label.y + 0.2 * size + 1)


Spot = tuple[float, float]  # (x, y)
Segment = tuple[Spot, Spot]  # a line from one spot to another


@dataclass
class _Crowd:
    """What is already drawn in a chart, for placing one more label where it collides least."""

    bounds: Box
    boxes: list[Box]  # the marks (points) and the labels placed so far
    lines: list[Segment]
    cost: tuple[float, float] = (0.0, 0.0)  # of the labels placed so far: area outside, clutter

    def place(self, candidates: Iterable[tuple[float, float, Anchor]], width: float, size: float,
              own: Segment | None = None) -> Label:
        """The first candidate (x, y, anchor) that collides with nothing, else the one that collides
        least: first the least area outside the bounds (a label there would be clipped or run into
        the axis labels), then the least clutter, where a crossed line counts as much as a sizeable
        overlap. `own`: the line the label belongs to (a target's label runs along it). Candidates
        are tried as they come, and rounded as they will be written."""
        best: tuple[float, float, Label, Box] | None = None
        for x, y, anchor in candidates:
            label = Label(at(x), at(y), anchor)
            box = text_box(label, width, size)
            outside = box.outside(self.bounds)
            if best is not None and outside > best[0]:
                continue
            clutter = 0.0
            for other in self.boxes:
                clutter += box.overlap(other)
            for line in self.lines:
                if line != own and box.crosses(*line):
                    clutter += 40
            if best is None or (outside, clutter) < best[:2]:
                best = outside, clutter, label, box
                if outside == clutter == 0:
                    break
        assert best is not None, "a label needs a place to go"
        self.boxes.append(best[3])
        self.cost = (self.cost[0] + best[0], self.cost[1] + best[1])
        return best[2]


_HIGHER: tuple[tuple[float, Anchor], ...] = ((0, "middle"), (7, "start"), (-7, "end"))


def _around(x: float, y: float, before: float | None, after: float | None,
            low: bool = False) -> list[tuple[float, float, Anchor]]:
    """Where a point's label may go, best first. `before`, `after`: how far the neighbouring years'
    points lie below this one (negative: above), if they are measured. The label goes first where
    the line is not: over a peak, under a dip, and beside a slope on the side it does not climb to
    (under and right of a rise, over and right of a fall); then every other place around the point;
    for a `low` point (near the baseline, where labels cannot go under), also higher over it."""
    under: tuple[float, float, Anchor] = (x, y + 19, "middle")
    over: tuple[float, float, Anchor] = (x, y - 11, "middle")
    right: tuple[float, float, Anchor] = (x + 9, y + 4.5, "start")
    left: tuple[float, float, Anchor] = (x - 9, y + 4.5, "end")
    diagonals: list[tuple[float, float, Anchor]] = [(x + 7, y + dy, "start") for dy in (19, -11)]
    diagonals += [(x - 7, y + dy, "end") for dy in (19, -11)]
    higher: list[tuple[float, float, Anchor]] = [(x + dx, y - dy, anchor) for dy in (25, 39) for dx, anchor in _HIGHER]
    order = [under, over, right, left, *diagonals, *(higher if low else ())]
    before = after if before is None else before
    after = before if after is None else after
    if before is not None and after is not None:
        if before > 0 and after > 0:
            first = [over]
        elif before < 0 < after:  # falling
            first = [diagonals[1], diagonals[2]]
        elif after < 0 < before:  # rising
            first = [diagonals[0], diagonals[3]]
        else:
            first = [under]
        order = first + [place for place in order if place not in first]
    return order


# ---- Scales --------------------------------------------------------------------------------------

_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


def nice_step(top: float, most: int) -> int:
    """The smallest round step that divides 0..`top` into at most `most` steps."""
    return next((s for s in _STEPS if s >= top / most), _STEPS[-1])


def percent_top(peak: float) -> float:
    """The top of a percentage axis: a round value with room (a tenth) above the highest mark."""
    wanted = peak * 1.1
    return next((t for t in (5, 10, 20, 25, 40, 50, 60, 80, 100) if t >= wanted),
                100 if peak <= 100 else math.ceil(wanted / 100) * 100)


class Tick(NamedTuple):
    """A gridline at `at` (x or y) and its value."""

    at: float
    value: float


class Rect(NamedTuple):
    """A rectangle to draw, as SVG's <rect> has it."""

    x: float
    y: float
    width: float
    height: float


# ---- Horizontal bars: regencies per stage and per progress year -------------------------------------


class Bar(NamedTuple, Generic[Key]):
    key: Key  # the stage, or the progress year
    regencies: int  # how many: the bar's length
    x: float
    y: float
    width: float
    height: float
    name: Label  # the row's name, left of the plot
    figure: Label  # the count, right of the bar


@dataclass(frozen=True)
class BarChart(Generic[Key]):
    width: float
    height: float
    left: float  # the plot's edges: bars start at `left`; the scale's top lands at `right`
    right: float
    bottom: float
    ticks: tuple[Tick, ...]
    tick_label_y: float  # each tick's value, under the axis at the tick's x
    title: Label  # the axis title
    bars: tuple[Bar[Key], ...]


BAR_WIDTH, BAR_LEFT, BAR_ROW = 420, 146, 32
_COUNT_SIZE = 17  # bold, right of each bar


def bars(counts: Mapping[Key, int], top: int) -> BarChart[Key]:
    """One horizontal bar per row of `counts`, in its order, on a scale from 0 to `top`. The right
    margin holds the longest bar's count, so a bar that fills the scale keeps its figure in view."""
    top = max(top, 1)
    longest = max(counts.values(), default=0)
    right = max(30.0, 8 + text_width(format_number(longest, "id"), _COUNT_SIZE, bold=True))
    scale = (BAR_WIDTH - BAR_LEFT - right) / top
    plot = len(counts) * BAR_ROW
    step = nice_step(top, 8)
    rows = tuple(
        Bar(key, count, BAR_LEFT, at(i * BAR_ROW + 5), at(count * scale), BAR_ROW - 10,
            _label(BAR_LEFT - 10, i * BAR_ROW + BAR_ROW / 2 + 5, "end"),
            _label(BAR_LEFT + count * scale + 6, i * BAR_ROW + BAR_ROW / 2 + 5.5, "start"))
        for i, (key, count) in enumerate(counts.items()))
    return BarChart(
        BAR_WIDTH, plot + 42, BAR_LEFT, at(BAR_WIDTH - right), plot,
        tuple(Tick(at(BAR_LEFT + value * scale), value) for value in range(0, top + 1, step)), plot + 15,
        _label((BAR_LEFT + BAR_WIDTH - right) / 2, plot + 34, "middle"), rows)


def stage_bars(stage_counts: Mapping[Stage, int]) -> BarChart[Stage]:
    """Regencies per stage, on a scale of all regencies."""
    return bars(stage_counts, sum(stage_counts.values()))


def progress_bars(progress_year_counts: Mapping[int, int], regencies: int) -> BarChart[int] | None:
    """Regencies at M4 per progress year 1..N; a year nobody is in is a row of 0, so no year is skipped.
    The scale runs one past the fullest year (at most to all regencies), so no bar fills it. None
    when no regency is at M4."""
    if not progress_year_counts:
        return None
    last = max(progress_year_counts)
    counts = {year: progress_year_counts.get(year, 0) for year in range(1, last + 1)}
    return bars(counts, min(max(counts.values()) + 1, regencies))


# ---- An indicator's values over the years, against its targets --------------------------------------


class YearTick(NamedTuple):
    x: float
    year: int
    current: bool  # the data year, set in bold


class TargetMark(NamedTuple):
    target: Target
    x1: float
    x2: float
    y: float
    label: Label


class Point(NamedTuple):
    observation: Observation
    x: float
    y: float
    label: Label


@dataclass(frozen=True)
class IndicatorChart:
    width: float
    height: float
    left: float  # the plot's edges
    right: float
    top: float
    bottom: float
    band: Rect  # the data year's column
    value_ticks: tuple[Tick, ...]  # the first is the baseline (0)
    value_label_x: float  # each value tick's label, anchored at its end here,
    value_label_dy: float  # this far under the gridline
    year_ticks: tuple[YearTick, ...]
    year_label_y: float
    x_title: Label
    y_title: Label  # drawn rotated by -90°: x and y are in the rotated frame
    targets: tuple[TargetMark, ...]
    lines: tuple[str, ...]  # one polyline (SVG points) per run of consecutive years
    points: tuple[Point, ...]
    centre: Label  # where "belum ada data" goes when there are no values


IND_WIDTH, IND_HEIGHT = 440, 240
IND_LEFT, IND_RIGHT, IND_TOP, IND_BOTTOM = 54, 432, 14, 190
_VALUE_SIZE, _TARGET_SIZE, _POINT_R = 13, 11.5, 5
_YEARS_SHOWN = 10  # year labels at most; beyond, every n-th year counted from the data year


def target_label_width(t: Target) -> float:
    """The width of a target's label: its scope's words, then its period and value."""
    return TARGET_WORDS_EM * _TARGET_SIZE + text_width(f"{t.start}–{t.end}: {format_percent(t.value, 'id')}",
                                                       _TARGET_SIZE)


def indicator(status: IndicatorStatus, year: int) -> IndicatorChart:
    """One indicator of one area: a point per measured year, joined only between consecutive years
    (a year without a value breaks the line rather than draw a value nobody measured); a segment per
    target over its period; value and target labels placed where they collide with nothing (or least)."""
    series, targets = status.series, status.targets
    years = [o.year for o in series]
    first = min([*years, *(t.start for t in targets), year])
    last = max([*years, *(t.end for t in targets), year])
    band = (IND_RIGHT - IND_LEFT) / (last - first + 1)
    top = percent_top(max([*(o.value for o in series), *(t.value for t in targets), 0]))
    step = nice_step(top, 5)
    per = (IND_BOTTOM - IND_TOP) / top

    def x_of(y: int) -> float:
        return IND_LEFT + (y - first + 0.5) * band

    def y_of(value: float) -> float:
        return IND_BOTTOM - value * per

    every = math.ceil((last - first + 1) / _YEARS_SHOWN)
    year_ticks = tuple(YearTick(at(x_of(y)), y, y == year) for y in range(first, last + 1) if (y - year) % every == 0)
    value_ticks = tuple(Tick(at(y_of(i * step)), i * step) for i in range(round(top / step) + 1))

    points = [(o, at(x_of(o.year)), at(y_of(o.value))) for o in series]
    runs: list[list[Spot]] = []
    for i, (o, x, y) in enumerate(points):
        if i == 0 or o.year != series[i - 1].year + 1:
            runs.append([])
        runs[-1].append((x, y))
    lines = [run for run in runs if len(run) > 1]
    spans = [(t, at(IND_LEFT + (t.start - first) * band), at(IND_LEFT + (t.end - first + 1) * band), at(y_of(t.value)))
             for t in targets]

    marks, placed = _labels(points, lines, spans)

    middle = (IND_LEFT + IND_RIGHT) / 2
    return IndicatorChart(
        IND_WIDTH, IND_HEIGHT, IND_LEFT, IND_RIGHT, IND_TOP, IND_BOTTOM,
        Rect(at(IND_LEFT + (year - first) * band), IND_TOP, at(band), IND_BOTTOM - IND_TOP),
        value_ticks, IND_LEFT - 6, 4, year_ticks, IND_BOTTOM + 15,
        _label(middle, IND_HEIGHT - 6, "middle"), _label(-(IND_TOP + IND_BOTTOM) / 2, 14, "middle"),
        tuple(marks), tuple(" ".join(f"{x},{y}" for x, y in run) for run in lines), tuple(placed),
        _label(middle, (IND_TOP + IND_BOTTOM) / 2 + 5, "middle"))


def _labels(points: list[tuple[Observation, float, float]], lines: list[list[Spot]],
            spans: list[tuple[Target, float, float, float]]) -> tuple[list[TargetMark], list[Point]]:
    """Where the labels of an indicator chart's targets and points go: inside the plot (clear of the
    axis labels around it), off the marks, the lines and each other where there is room. Target
    labels first: they are wide, with few places to go. Where that leaves a collision, the values'
    labels first may leave less; the layout that collides least is drawn."""

    def crowd() -> _Crowd:
        return _Crowd(
            bounds=Box(IND_LEFT + 2, 1, IND_WIDTH - 1, IND_BOTTOM - 2),
            boxes=[Box(x - _POINT_R - 1, y - _POINT_R - 1, x + _POINT_R + 1, y + _POINT_R + 1) for _, x, y in points],
            lines=[*((a, b) for run in lines for a, b in pairwise(run)),
                   *(((x1, y), (x2, y)) for _, x1, x2, y in spans)])

    def target_labels(crowd: _Crowd) -> list[TargetMark]:
        marks = []
        for t, x1, x2, y in spans:
            width = target_label_width(t)
            # Along the line at either end, above or below it; then further off the line, to clear
            # a point that sits on it.
            ends: tuple[tuple[float, Anchor], ...] = ((x1 + 3, "start"), (x2 - 3, "end"))
            candidates = ((x, y + dy, anchor) for dy in (-5, 14, -14, 23, -23) for x, anchor in ends)
            marks.append(TargetMark(t, x1, x2, y, crowd.place(candidates, width, _TARGET_SIZE, ((x1, y), (x2, y)))))
        return marks

    height = {o.year: y for o, _, y in points}

    def value_labels(crowd: _Crowd) -> list[Point]:
        placed = []
        for o, x, y in points:
            width = text_width(format_percent(o.value, "id"), _VALUE_SIZE, bold=True)
            before, after = (height[n] - y if n in height else None for n in (o.year - 1, o.year + 1))
            low = y > IND_BOTTOM - 30
            placed.append(Point(o, x, y, crowd.place(_around(x, y, before, after, low), width, _VALUE_SIZE)))
        return placed

    first_try = crowd()
    marks, placed = target_labels(first_try), value_labels(first_try)
    if first_try.cost != (0, 0) and spans and points:
        second_try = crowd()
        placed_2, marks_2 = value_labels(second_try), target_labels(second_try)
        if second_try.cost < first_try.cost:
            return marks_2, placed_2
    return marks, placed


# ---- An indicator's ranking: every regency with a value for one year --------------------------------


class RankBar(NamedTuple):
    entry: Ranked
    y: float  # the bar's top
    width: float
    name: Label  # the regency's name, left of the plot
    figure: Label  # its value, right of the bar


class TargetRule(NamedTuple):
    """A target that applies in the ranking's year, drawn across the bars at its value."""

    target: Target
    x: float
    top: float  # the rule runs from here to the plot's bottom
    label: Label  # on its own row above the plot


@dataclass(frozen=True)
class RankingChart:
    width: float
    height: float
    left: float  # the plot's edges: bars start at `left`; the scale's top lands at `right`
    right: float
    top: float
    bottom: float
    bar_height: float
    name_size: float
    ticks: tuple[Tick, ...]
    tick_label_y: float
    title: Label  # the axis title, under the tick labels
    targets: tuple[TargetRule, ...]
    bars: tuple[RankBar, ...]


RANK_WIDTH, RANK_ROW, RANK_BAR, RANK_PAD = 480, 22, 14, 4
_NAME_SIZE, _RANK_VALUE_SIZE, _RULE_ROW = 12.5, 12, 16
_NAMES_AT_MOST = 0.42  # of the width: longer names are set smaller


def ranking(r: Ranking) -> RankingChart | None:
    """One horizontal bar per ranked regency, best first, on a percentage scale from 0; a vertical rule
    per target that applies in the ranking's year, each labelled on a row of its own above the bars
    (right of its rule, or left of it where the right has no room).
    Names go left of the plot in a column as wide as the longest name in either language; None when
    no regency has a value."""
    if not r.ranked:
        return None
    names = [regency_name(e.regency.type, e.regency.name, lang) for e in r.ranked for lang in LANGUAGES]
    widest = max(text_width(name, _NAME_SIZE) for name in names)
    room = RANK_WIDTH * _NAMES_AT_MOST
    name_size = _NAME_SIZE if widest <= room else round(_NAME_SIZE * room / widest, 1)
    left = RANK_PAD + min(widest, room) + 8
    figures = max(text_width(format_percent(e.observation.value, "id"), _RANK_VALUE_SIZE, bold=True) for e in r.ranked)
    right = RANK_WIDTH - RANK_PAD - figures - 6
    top_value = percent_top(max([*(e.observation.value for e in r.ranked), *(t.value for t in r.targets), 0]))
    per = (right - left) / top_value
    top = RANK_PAD + _RULE_ROW * len(r.targets) + (4 if r.targets else 0)
    bottom = top + RANK_ROW * len(r.ranked)
    rules = []
    # Rows from the lowest target down, each rule from its label to the bars: a label written to the right
    # of its rule then crosses no rule of a row above it.
    for i, t in enumerate(sorted(r.targets, key=lambda t: t.value)):
        x = left + t.value * per
        baseline = RANK_PAD + _RULE_ROW * i + 11.5
        width = target_label_width(t)
        label = (_label(x + 4, baseline, "start") if x + 4 + width <= RANK_WIDTH - RANK_PAD
                 else _label(x - 4, baseline, "end") if x - 4 - width >= RANK_PAD
                 else _label(RANK_WIDTH - RANK_PAD, baseline, "end"))
        rules.append(TargetRule(t, at(x), at(baseline + 4), label))
    rule_xs = [rule.x for rule in rules]

    def figure_x(value: float) -> float:
        """Right of the bar; where a target's rule would cross the value, right of that rule instead."""
        x = left + value * per + 5
        width = text_width(format_percent(value, "id"), _RANK_VALUE_SIZE, bold=True)
        for rule in sorted(rule_xs):
            if x - 3 <= rule <= x + width + 4:
                x = rule + 4
        return x

    bars = tuple(
        RankBar(e, at(top + i * RANK_ROW + (RANK_ROW - RANK_BAR) / 2), at(e.observation.value * per),
                _label(left - 8, top + i * RANK_ROW + RANK_ROW / 2 + 4.5, "end"),
                _label(figure_x(e.observation.value), top + i * RANK_ROW + RANK_ROW / 2 + 4.5, "start"))
        for i, e in enumerate(r.ranked))
    step = nice_step(top_value, 5)
    return RankingChart(
        RANK_WIDTH, bottom + 42, at(left), at(right), top, bottom, RANK_BAR, name_size,
        tuple(Tick(at(left + v * per), v) for v in range(0, int(top_value) + 1, step)), bottom + 15,
        _label((left + right) / 2, bottom + 34, "middle"), tuple(rules), bars)


# ---- A regency's PPSP timeline ---------------------------------------------------------------------


class Cell(NamedTuple):
    year: int
    stage: Stage
    progress_year: int | None
    x: float
    top: float
    width: float
    middle: float
    year_y: float  # the year's label, above the cell
    main_y: float  # the cell's text: "M4" (with the progress year under it at sub_y), "M1–M3" or "?"
    sub_y: float


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    cells: tuple[Cell, ...]
    size: Literal["long", "medium", "short"]  # how much the cells have room to say
    frame: Rect  # drawn round the data year (the last cell)
    data_label: Label  # "tahun data", under the frame


TL_WIDTH, TL_PAD, TL_GAP, TL_CELL, TL_PER_ROW, TL_ROW = 420, 4, 4, 84, 8, 80
_MAIN_Y = {Stage.M4: 43, Stage.M1_M3: 52, Stage.UNKNOWN: 53}  # "M4" sits higher: its progress goes under it


def timeline(cohort: Cohort, year: int) -> Timeline | None:
    """One cell per year from 2020 (or the first PPSP year known) to the data year `year`; None when
    neither PPSP year is known. More than eight years wrap onto rows of equal length, so a cell stays
    wide enough for its text. Everything stays inside the picture: the data year's frame and its label
    included, at either end of a row."""
    if cohort.m1_m3_year is None and cohort.m4_year is None:
        return None
    first = min(y for y in (2020, cohort.m1_m3_year, cohort.m4_year, year) if y is not None)
    count = year - first + 1
    rows = math.ceil(count / TL_PER_ROW)
    per_row = math.ceil(count / rows)
    width = min(TL_CELL, (TL_WIDTH - 2 * TL_PAD - TL_GAP * (per_row - 1)) / per_row)
    cells = []
    for i, y in enumerate(range(first, year + 1)):
        row, column = divmod(i, per_row)
        x, base = TL_PAD + column * (width + TL_GAP), row * TL_ROW
        cells.append(Cell(y, cohort.stage(y), cohort.progress_year(y), at(x), base + 22, at(width), at(x + width / 2),
                          base + 14, base + _MAIN_Y[cohort.stage(y)], base + 61))
    last = cells[-1]
    label = DATA_YEAR_EM * 11
    middle = min(max(last.middle, TL_PAD + label / 2), TL_WIDTH - TL_PAD - label / 2)
    return Timeline(
        TL_WIDTH, (rows - 1) * TL_ROW + 100, tuple(cells),
        "long" if width >= 80 else "medium" if width >= 52 else "short",
        Rect(at(last.x - 2), last.top - 2, at(width + 4), 54),
        _label(middle, last.top + 68, "middle"))


# ---- The schematic tile-grid map --------------------------------------------------------------------


Subject = TypeVar("Subject", RegencyStatus, AreaStatus)


class Tile(NamedTuple, Generic[Subject]):
    """A regency's tile on its province's map, or a province's on the national map."""

    status: Subject
    column: int
    row: int
    x: float
    y: float
    middle: float
    lines: tuple[tuple[str, float], ...]  # the name, wrapped: (text, baseline y)
    name_size: float
    status_y: float  # the status line (a stage and progress, a share at M4), at the bottom of the tile
    # The national map's colour: 0 no regency has reported, 1..5 the share at M4 in fifths (share_band),
    # and whether the text is dark on a light fill (else white on a dark one).
    band: int = 0
    light: bool = True


class LegendEntry(NamedTuple):
    stage: Stage
    x: float
    text_x: float


Entry = TypeVar("Entry")


@dataclass(frozen=True)
class TileMap(Generic[Subject, Entry]):
    """A province's regencies (legend: stages, and north), or a nation's provinces (legend: bands)."""

    width: float
    height: float
    tile_width: float
    tile_height: float
    tiles: tuple[Tile[Subject], ...]
    legend_y: float
    legend: tuple[Entry, ...]
    north: Label | None = None


TILE_W, TILE_H, TILE_GAP, MAP_PAD = 100, 64, 6, 3  # MAP_PAD: room for a tile's border and focus ring
_LEGEND_STEP = 118
# The legend's three stages, then the north arrow with room for their widest wording.
MAP_MIN_WIDTH = math.ceil(2 * MAP_PAD + 2 * _LEGEND_STEP + 24 + (STAGE_EM + NORTH_EM) * 11.5 + 16)


def wrap_name(name: str, size: float = 12.5, chars: int = 12) -> tuple[tuple[str, ...], float]:
    """A regency's name in lines of at most `chars` characters, and the font size that keeps them
    inside a tile: a name of more than three lines is set smaller in longer lines, and a word too
    long for the tile smaller still."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3 and chars == 12:
        return wrap_name(name, 10, 16)
    longest = max((text_width(line, size, bold=True) for line in lines), default=0)
    room = TILE_W - 6
    return tuple(lines), size if longest <= room else round(size * room / longest, 1)


def _tile_text(name: str, y: float) -> tuple[tuple[tuple[str, float], ...], float]:
    """A tile's name at `y` (its top), wrapped, centred in the room above its status line: each line
    with its baseline, and the font size."""
    lines, size = wrap_name(name)
    lead = size + 0.5  # the line height
    first = y + (TILE_H - lead * len(lines) - 12) / 2 + lead - 1
    return tuple((text, at(first + lead * i)) for i, text in enumerate(lines)), size


def tile_map(layout: MapLayout, statuses: Iterable[RegencyStatus]) -> TileMap[RegencyStatus, LegendEntry]:
    """A tile per regency placed in `layout`, in the order of `statuses` (those without a cell are
    left out), each with its name wrapped and centred above its status line; the legend under them."""
    tiles: list[Tile[RegencyStatus]] = []
    for status in statuses:
        cell = layout.tiles.get(status.regency.slug)
        if cell is None:
            continue
        column, row = cell
        x, y = MAP_PAD + column * (TILE_W + TILE_GAP), MAP_PAD + row * (TILE_H + TILE_GAP)
        lines, size = _tile_text(status.regency.name, y)
        tiles.append(Tile(status, column, row, x, y, at(x + TILE_W / 2), lines, size, y + TILE_H - 8))
    width = max(2 * MAP_PAD + layout.columns * (TILE_W + TILE_GAP) - TILE_GAP, MAP_MIN_WIDTH)
    bottom = MAP_PAD + layout.rows * (TILE_H + TILE_GAP) - TILE_GAP
    stages = (Stage.M4, Stage.M1_M3, Stage.UNKNOWN)
    return TileMap(
        width, bottom + 44, TILE_W, TILE_H, tuple(tiles), bottom + 14,
        tuple(LegendEntry(stage, MAP_PAD + i * _LEGEND_STEP, MAP_PAD + i * _LEGEND_STEP + 24)
              for i, stage in enumerate(stages)),
        Label(width - MAP_PAD, 11.5, "end"))


# ---- The national map: a tile per province, coloured by its share of regencies at M4 ---------------------


class BandEntry(NamedTuple):
    band: int
    x: float
    y: float  # the swatch's top, from the legend's top
    text_x: float


# A share at M4 falls in band 1 + the number of these bounds it reaches: 0-<20 %, 20-<40 %, ... 80-100 %.
SHARE_BANDS = (0.2, 0.4, 0.6, 0.8)
DARK_FROM = 4  # bands drawn dark enough for white text
PER_COLUMN = 6  # provinces in a column before the region continues in the next
_BAND_STEP, _BAND_ROW = 124, 22  # a legend entry: "belum melapor" (id), "no reports yet" (en), after its swatch


def share_band(share: float | None) -> int:
    """0 when nothing is known (no regency has reported), else 1-5 by fifths of the share (0-1)."""
    return 0 if share is None else 1 + sum(share >= bound for bound in SHARE_BANDS)


def province_map(areas: Iterable[AreaStatus]) -> TileMap[AreaStatus, BandEntry]:
    """A schematic tile map of a national site's provinces, not geography: one column (or more, of at
    most PER_COLUMN tiles) per region, the first digit of the Kemendagri code (1 Sumatra, 2 the Riau
    Islands, 3 Java, 5 Bali and Nusa Tenggara, 6 Kalimantan, 7 Sulawesi, 8 Maluku, 9 Papua), west to
    east; in a column the provinces in code order, top down. Each tile is filled by the band of its
    share of regencies at M4 (share_band); the legend of the bands under the tiles, in rows that fit."""
    regions: dict[str, list[AreaStatus]] = {}
    for area in sorted(areas, key=lambda a: a.code):
        regions.setdefault(area.code[0], []).append(area)
    tiles: list[Tile[AreaStatus]] = []
    column = 0
    for members in regions.values():
        for start in range(0, len(members), PER_COLUMN):
            for row, area in enumerate(members[start:start + PER_COLUMN]):
                x, y = MAP_PAD + column * (TILE_W + TILE_GAP), MAP_PAD + row * (TILE_H + TILE_GAP)
                lines, size = _tile_text(area.area.name, y)
                band = share_band(area.m4_share)
                tiles.append(Tile(area, column, row, x, y, at(x + TILE_W / 2), lines, size, y + TILE_H - 8,
                                  band, band < DARK_FROM))
            column += 1
    rows = max((t.row for t in tiles), default=-1) + 1
    width = max(2 * MAP_PAD + column * (TILE_W + TILE_GAP) - TILE_GAP, 2 * MAP_PAD + 2 * _BAND_STEP)
    per_row = max(1, int((width - 2 * MAP_PAD + 12) // _BAND_STEP))
    legend = tuple(BandEntry(band, MAP_PAD + (band % per_row) * _BAND_STEP, (band // per_row) * _BAND_ROW,
                             MAP_PAD + (band % per_row) * _BAND_STEP + 24) for band in range(len(SHARE_BANDS) + 2))
    bottom = MAP_PAD + rows * (TILE_H + TILE_GAP) - TILE_GAP
    return TileMap(width, bottom + 20 + (legend[-1].y + 14) + 6, TILE_W, TILE_H, tuple(tiles), bottom + 14, legend)
