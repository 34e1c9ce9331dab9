"""Charts and the schematic map: the geometry (ssk_report.charts: scales, ticks, coordinates, where
labels go), and the pictures built from it: each holds the numbers it claims, says "belum ada data"
where there is none, is accessible (title, description, a table first), and map.yaml is checked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssk_report import charts, plan
from ssk_report.charts import Box, IndicatorChart, Label
from ssk_report.errors import ContentError
from ssk_report.i18n import format_percent
from ssk_report.model import (
    Cohort,
    Content,
    Indicator,
    IndicatorStatus,
    MapLayout,
    Observation,
    Regency,
    Stage,
    Target,
    assess,
    rank,
)
from ssk_report.pipeline import Settings, load_content

from .conftest import render_output, run_build, site_pages

SVG = "{http://www.w3.org/2000/svg}"


def page(site: Path, name: str) -> ET.Element:
    return html5lib.parse((site / name).read_text(), namespaceHTMLElements=False)


def figure(root: ET.Element, id: str) -> ET.Element:
    found = root.find(f".//figure[@id='{id}']")
    assert found is not None, f"no figure #{id}"
    return found


def svg_of(fig: ET.Element) -> ET.Element:
    found = fig.find(f".//{SVG}svg")
    assert found is not None
    return found


def texts(element: ET.Element) -> list[str]:
    return [" ".join("".join(t.itertext()).split()) for t in element.iter(f"{SVG}text")]


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def number(value: str | None) -> float:
    assert value is not None
    return float(value)


# ---- Geometry: scales and ticks ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "written"), [(12.0, "12"), (12.04, "12"), (12.35, "12.3"), (-0.04, "0"),
                                                (388.333, "388.3"), (7, "7")])
def test_coordinates_are_written_with_one_decimal_and_no_trailing_zero(value: float, written: str) -> None:
    assert str(charts.at(value)) == written


@pytest.mark.parametrize(("top", "most", "step"), [(3, 8, 1), (14, 8, 2), (67, 8, 10), (514, 8, 100),
                                                   (1200, 8, 200), (5, 5, 1), (40, 5, 10), (60, 5, 20), (25, 5, 5)])
def test_tick_step_is_the_smallest_round_step_giving_at_most_so_many_steps(top: int, most: int, step: int) -> None:
    assert charts.nice_step(top, most) == step


@pytest.mark.parametrize(("peak", "top"), [(0, 5), (2.53, 5), (11.16, 20), (30, 40), (76.31, 100), (90, 100),
                                           (95, 100), (100, 100), (130, 200)])
def test_percent_axis_leaves_a_tenth_of_room_above_the_highest_mark(peak: float, top: float) -> None:
    assert charts.percent_top(peak) == top


def test_stage_bars_are_proportional_with_ticks_every_two_regencies() -> None:
    chart = charts.stage_bars({Stage.M4: 10, Stage.M1_M3: 2, Stage.UNKNOWN: 2})
    assert [(b.key, b.regencies) for b in chart.bars] == [(Stage.M4, 10), (Stage.M1_M3, 2), (Stage.UNKNOWN, 2)]
    assert [t.value for t in chart.ticks] == list(range(0, 15, 2))
    m4, m1_m3, _ = chart.bars
    assert m4.width == pytest.approx(5 * m1_m3.width, abs=0.1)
    assert chart.ticks[-1].at == chart.right == pytest.approx(chart.left + 14 / 10 * m4.width, abs=0.2)
    assert [b.y for b in chart.bars] == [5, 37, 69] and chart.height == 3 * 32 + 42


def test_progress_bars_fill_years_nobody_is_in_and_leave_room_above_the_fullest() -> None:
    chart = charts.progress_bars({1: 2, 3: 4}, regencies=14)
    assert chart is not None
    assert [(b.key, b.regencies) for b in chart.bars] == [(1, 2), (2, 0), (3, 4)]
    assert chart.ticks[-1].value == 5  # 4 + 1
    assert charts.progress_bars({}, regencies=14) is None
    assert charts.progress_bars({1: 14}, regencies=14).ticks[-1].value == 14  # type: ignore[union-attr]


def test_national_bars_keep_every_count_inside_the_picture() -> None:
    """514 regencies all at M4: the bar fills the scale and its three-digit count still fits."""
    chart = charts.stage_bars({Stage.M4: 514, Stage.M1_M3: 0, Stage.UNKNOWN: 0})
    assert [t.value for t in chart.ticks] == [0, 100, 200, 300, 400, 500]
    full = chart.bars[0]
    assert full.x + full.width == pytest.approx(chart.right, abs=0.1)
    width = charts.text_width("514", 17, bold=True)
    assert full.figure.x + width <= chart.width
    assert width > 30 - 6  # more than the fixed margin that once clipped it


# ---- Geometry: an indicator against its targets ----------------------------------------------------

PERCENT = Indicator(id="ald_aman", subsector="air_limbah", name="Akses sanitasi aman", unit="percent", better="up")


def status(values: dict[int, float], targets: list[tuple[str, int, int, float]], year: int = 2025) -> IndicatorStatus:
    return assess(PERCENT, [Observation(year=y, value=v, source="s") for y, v in values.items()],
                  [Target(indicator="ald_aman", scope=scope, start=start, end=end, value=value, source="s")
                   for scope, start, end, value in targets], year)  # type: ignore[arg-type]


def label_boxes(chart: IndicatorChart) -> dict[str, Box]:
    """Every value and target label's box, by its text (formatted as the Indonesian page has it)."""
    boxes = {}
    for p in chart.points:
        text = format_percent(p.observation.value, "id")
        boxes[text] = charts.text_box(p.label, charts.text_width(text, 13, bold=True), 13)
    for t in chart.targets:
        text = f"Target provinsi {t.target.start}–{t.target.end}: {format_percent(t.target.value, 'id')}"
        boxes[text] = charts.text_box(t.label, charts.text_width(text, 11.5), 11.5)
    return boxes


def axis_boxes(chart: IndicatorChart) -> list[Box]:
    """The tick labels around the plot: percentages left of it, years under it."""
    return [*(charts.text_box(Label(chart.value_label_x, t.at + chart.value_label_dy, "end"),
                              charts.text_width(format_percent(t.value, "id", 0), 12), 12) for t in chart.value_ticks),
            *(charts.text_box(Label(t.x, chart.year_label_y, "middle"), charts.text_width(str(t.year), 12), 12)
              for t in chart.year_ticks)]


def test_indicator_scales_years_to_bands_and_values_to_the_plot() -> None:
    chart = charts.indicator(status({2023: 11.16, 2024: 11.07}, [("national", 2020, 2024, 15),
                                                                  ("national", 2025, 2029, 30),
                                                                  ("province", 2025, 2029, 20)]), 2025)
    assert [t.value for t in chart.value_ticks] == [0, 10, 20, 30, 40]  # 30 × 1.1 → 40, every 10
    assert [t.at for t in chart.value_ticks] == [190, 146, 102, 58, 14]
    assert [t.year for t in chart.year_ticks] == list(range(2020, 2030))
    assert [t.year for t in chart.year_ticks if t.current] == [2025]
    band = (432 - 54) / 10
    assert [(p.x, p.y) for p in chart.points] == [(charts.at(54 + 3.5 * band), charts.at(190 - 11.16 * 4.4)),
                                                 (charts.at(54 + 4.5 * band), charts.at(190 - 11.07 * 4.4))]
    assert chart.lines == (f"{chart.points[0].x},{chart.points[0].y} {chart.points[1].x},{chart.points[1].y}",)
    assert [(t.x1, t.x2, t.y) for t in chart.targets] == [(54, 243, 124), (243, 432, 58), (243, 432, 102)]
    assert chart.band.x == 243 and chart.band.width == pytest.approx(band, abs=0.1)


def test_a_missing_year_breaks_the_line() -> None:
    """2021 and 2024 measured, 2022–2023 not: two points, no line between them as if measured."""
    chart = charts.indicator(status({2021: 40, 2024: 60}, []), 2025)
    assert len(chart.points) == 2 and chart.lines == ()
    chart = charts.indicator(status({2021: 40, 2022: 45, 2024: 60, 2025: 62}, []), 2025)
    assert len(chart.lines) == 2  # 2021–2022 and 2024–2025, nothing across 2023
    assert [len(line.split()) for line in chart.lines] == [2, 2]
    assert str(chart.points[1].x) in chart.lines[0] and str(chart.points[2].x) in chart.lines[1]


def test_a_value_next_to_its_target_keeps_both_labels_apart() -> None:
    """19.8 % in the data year, against a province target of 20 % from that year on: the value's
    label, the target's label and the axis labels do not collide, and neither covers the point."""
    chart = charts.indicator(status({2024: 18.2, 2025: 19.8}, [("province", 2025, 2029, 20),
                                                               ("national", 2025, 2029, 30)]), 2025)
    boxes = label_boxes(chart)
    assert len(boxes) == 4
    placed = list(boxes.values())
    for i, box in enumerate(placed):
        assert all(box.overlap(other) == 0 for other in placed[i + 1:]), boxes
        assert all(box.overlap(axis) == 0 for axis in axis_boxes(chart))
        for p in chart.points:
            assert box.overlap(Box(p.x - 5, p.y - 5, p.x + 5, p.y + 5)) == 0
    value, target = chart.points[1], next(t for t in chart.targets if t.target.value == 20)
    assert abs(value.y - target.y) < 2  # they really are close


def test_low_values_over_a_target_at_zero_keep_their_labels_apart() -> None:
    """Three values under 2 % beside a target of 0 %: no label can go under its point, so they rise
    over them, each clear of the others and of the target's label."""
    chart = charts.indicator(status({2021: 11.51, 2022: 14.73, 2023: 1.49, 2024: 0.74, 2025: 0.42},
                                    [("national", 2025, 2029, 0)]), 2025)
    placed = list(label_boxes(chart).values())
    assert len(placed) == 6
    for i, box in enumerate(placed):
        assert all(box.overlap(other) == 0 for other in placed[i + 1:]), placed
        assert all(box.overlap(Box(p.x - 5, p.y - 5, p.x + 5, p.y + 5)) == 0 for p in chart.points)


def test_labels_of_the_first_year_stay_clear_of_the_value_axis() -> None:
    """A high value in the first year: its label once sat over the "80%" tick label."""
    chart = charts.indicator(status({2021: 94.46, 2022: 62.5, 2024: 87.01, 2025: 70.1},
                                    [("national", 2025, 2029, 95)]), 2025)
    first = label_boxes(chart)["94,46%"]
    assert first.left >= chart.left
    assert all(first.overlap(axis) == 0 for axis in axis_boxes(chart))


def test_a_target_at_zero_puts_its_label_above_the_baseline() -> None:
    chart = charts.indicator(status({2023: 2.53}, [("national", 2020, 2024, 0)]), 2025)
    (target,) = chart.targets
    assert target.y == chart.bottom and target.label.y < chart.bottom


def test_a_long_period_labels_every_other_year_always_with_the_data_year() -> None:
    chart = charts.indicator(status({2012: 10, 2025: 30}, [("national", 2025, 2030, 40)]), 2025)
    years = [t.year for t in chart.year_ticks]
    assert 2025 in years and len(years) <= 10 and years == list(range(2013, 2031, 2))


years = st.integers(min_value=2015, max_value=2029)
percents = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2))


@given(values=st.dictionaries(years, percents, max_size=15),
       targets=st.lists(st.tuples(st.sampled_from(["national", "province"]), years, st.integers(0, 5), percents),
                        max_size=4))
def test_every_label_stays_inside_the_plot_clear_of_the_axis_labels(
        values: dict[int, float], targets: list[tuple[str, int, int, float]]) -> None:
    chart = charts.indicator(status(values, [(s, start, start + n, v) for s, start, n, v in targets]), 2025)
    inside = Box(chart.left, 0, chart.width, chart.bottom)
    for box in label_boxes(chart).values():
        assert box.outside(inside) == 0
        assert all(box.overlap(axis) == 0 for axis in axis_boxes(chart))
    assert all(p.x == charts.at(p.x) and p.y == charts.at(p.y) for p in chart.points)


def test_text_box_covers_the_text_from_its_anchor() -> None:
    assert charts.text_box(Label(100, 50, "start"), 40, 10) == Box(99, 41.4, 141, 53)
    assert charts.text_box(Label(100, 50, "middle"), 40, 10).left == 79
    assert charts.text_box(Label(100, 50, "end"), 40, 10).right == 101
    assert Box(0, 0, 10, 10).crosses((-5, 5), (15, 5)) and not Box(0, 0, 10, 10).crosses((-5, 12), (15, 12))
    assert Box(0, 0, 10, 10).crosses((2, 2), (3, 3))  # wholly inside


# ---- Geometry: the timeline and the map ----------------------------------------------------------


def inside(box: Box, width: float, height: float) -> bool:
    return box.left >= 0 and box.top >= 0 and box.right <= width and box.bottom <= height


# ---- Geometry: an indicator's ranking ---------------------------------------------------------------

BABS = Indicator(id="babs", subsector="air_limbah", name="BABS", unit="percent", better="down")


def ranked(values: dict[str, float], indicator: Indicator = PERCENT, targets: tuple[tuple[str, float], ...] = ()
           ) -> charts.RankingChart:
    """A ranking of regencies named by `values` (kabupaten, codes in that order) for 2024."""
    regencies = [Regency(slug=f"r{n}", name=name, type="kabupaten", kemendagri_code=f"{11 + n // 90}.{n % 90 + 1:02d}",
                         bps_code=f"{11 + n // 90}{n % 90 + 1:02d}", indicators={indicator.id: [
                             Observation(year=2024, value=value, source="s")]})
                 for n, (name, value) in enumerate(values.items())]
    chart = charts.ranking(rank(indicator, regencies, [
        Target(indicator=indicator.id, scope=scope, start=2020, end=2024, value=value, source="s")  # type: ignore[arg-type]
        for scope, value in targets]))
    assert chart is not None
    return chart


def test_ranking_bars_are_proportional_best_first_with_names_left_and_values_right() -> None:
    chart = ranked({"Lamandau": 40.0, "Katingan": 80.0, "Sukamara": 20.0})
    assert [(b.entry.regency.name, b.entry.rank) for b in chart.bars] == [
        ("Katingan", 1), ("Lamandau", 2), ("Sukamara", 3)]
    first, second, third = chart.bars
    assert first.width == pytest.approx(2 * second.width, abs=0.1) == pytest.approx(4 * third.width, abs=0.2)
    assert chart.ticks[-1].value == 100 and chart.ticks[-1].at == chart.right  # 80 % with a tenth above: 100 %
    assert [b.y for b in chart.bars] == [chart.top + 4, chart.top + 26, chart.top + 48]
    # The name column holds the longest name in either language ("Kab. Sukamara", "Sukamara Regency").
    widest = max(charts.text_width(n, 12.5) for n in ("Kab. Lamandau", "Lamandau Regency", "Sukamara Regency"))
    assert chart.left == pytest.approx(4 + widest + 8, abs=0.1) and chart.name_size == 12.5
    for bar in chart.bars:
        assert bar.name.anchor == "end" and bar.name.x == chart.left - 8
        assert bar.figure.x == pytest.approx(chart.left + bar.width + 5, abs=0.2)
        value = charts.text_width(format_percent(bar.entry.observation.value, "id"), 12, bold=True)
        assert bar.figure.x + value <= chart.width
    assert chart.height == chart.bottom + 42 and chart.bottom == chart.top + 3 * 22


def test_ranking_of_a_lower_is_better_indicator_puts_the_smallest_first() -> None:
    chart = ranked({"A": 2.5, "B": 0.0, "C": 2.5}, BABS)
    assert [(b.entry.regency.name, b.entry.rank, b.width) for b in chart.bars][:1] == [("B", 1, 0)]
    assert [b.entry.rank for b in chart.bars] == [1, 2, 2]


def test_ranking_targets_are_rules_labelled_on_rows_of_their_own_clear_of_the_other_rules() -> None:
    chart = ranked({"A": 50.0, "B": 10.0}, targets=(("national", 30.0), ("province", 20.0)))
    province, national = chart.targets  # lowest first: each label right of its rule crosses no rule above
    assert (province.target.scope, national.target.scope) == ("province", "national")
    assert chart.top == 4 + 2 * 16 + 4
    per = (chart.right - chart.left) / 60  # 50 % with a tenth above: 60 %
    for rule in chart.targets:
        assert rule.x == pytest.approx(chart.left + rule.target.value * per, abs=0.1)
        assert rule.top < chart.top and rule.label.y < rule.top
    boxes = [charts.text_box(r.label, charts.target_label_width(r.target), 11.5) for r in chart.targets]
    assert boxes[0].overlap(boxes[1]) == 0
    assert all(box.left >= 0 and box.right <= chart.width for box in boxes)
    for box, rule in zip(boxes, chart.targets, strict=True):
        others = [r for r in chart.targets if r is not rule and r.top < box.bottom]
        assert not any(box.crosses((r.x, r.top), (r.x, chart.bottom)) for r in others)


def test_a_value_whose_label_a_rule_would_cross_is_written_right_of_the_rule() -> None:
    chart = ranked({"A": 86.0, "B": 40.0}, targets=(("national", 90.0),))
    (rule,) = chart.targets
    near, far = chart.bars
    assert near.figure.x == pytest.approx(rule.x + 4, abs=0.1)  # not at the bar's end, under the rule
    assert far.figure.x == pytest.approx(chart.left + far.width + 5, abs=0.2)
    for bar in chart.bars:
        box = charts.text_box(bar.figure, charts.text_width(format_percent(bar.entry.observation.value, "id"), 12,
                                                                  bold=True), 12)
        assert not box.crosses((rule.x, rule.top), (rule.x, chart.bottom)) and box.right <= chart.width


def test_a_target_near_the_right_edge_labels_to_the_left_of_its_rule() -> None:
    chart = ranked({"A": 90.0}, targets=(("national", 95.0),))
    (rule,) = chart.targets
    assert rule.label.anchor == "end" and rule.label.x == pytest.approx(rule.x - 4, abs=0.1)
    assert rule.label.x - charts.target_label_width(rule.target) >= 0


def test_long_names_are_set_smaller_and_no_ranking_without_values() -> None:
    chart = ranked({"Nama Kabupaten Yang Sangat Panjang Sekali Untuk Diuji": 10.0})
    assert chart.name_size < 12.5 and chart.left <= 4 + 0.42 * 480 + 8 + 0.1
    assert charts.ranking(rank(PERCENT, [])) is None


def test_a_national_ranking_keeps_one_row_per_regency() -> None:
    chart = ranked({f"Sintetis {n:04d}": n / 10 for n in range(514)})
    assert len(chart.bars) == 514 and chart.height == chart.top + 514 * 22 + 42
    assert chart.bars[0].entry.observation.value == 51.3 and chart.bars[-1].width == 0


def test_timeline_keeps_the_data_years_frame_and_label_inside_the_picture() -> None:
    """The highlighted last year was drawn 2 px past the right edge (and its border 3 px wide)."""
    timeline = charts.timeline(Cohort(m4_year=2021, source="s"), 2025)
    assert timeline is not None
    assert [(c.year, c.stage, c.progress_year) for c in timeline.cells] == [
        (2020, Stage.UNKNOWN, None), *((y, Stage.M4, y - 2020) for y in range(2021, 2026))]
    frame = timeline.frame
    assert (frame.x - 1.5, frame.x + frame.width + 1.5) == (timeline.cells[-1].x - 3.5,
                                                            timeline.cells[-1].x + timeline.cells[-1].width + 3.5)
    assert frame.x - 1.5 >= 0 and frame.x + frame.width + 1.5 <= timeline.width
    label = charts.text_box(timeline.data_label, charts.DATA_YEAR_EM * 11, 11)
    assert inside(label, timeline.width, timeline.height)
    assert timeline.cells[0].x - 0.75 >= 0  # the first cell's dashed border too
    assert timeline.size == "medium"


def test_a_long_timeline_wraps_into_rows_of_readable_cells() -> None:
    timeline = charts.timeline(Cohort(m1_m3_year=2010, m4_year=2011, source="s"), 2025)
    assert timeline is not None
    assert len(timeline.cells) == 16
    rows = sorted({c.top for c in timeline.cells})
    assert len(rows) == 2 and all(sum(c.top == r for c in timeline.cells) == 8 for r in rows)
    assert all(c.width >= 48 for c in timeline.cells)
    assert all(charts.text_width(str(c.year), 11, bold=True) < c.width for c in timeline.cells)
    last = timeline.cells[-1]
    assert timeline.frame.y == last.top - 2 and timeline.height == 180
    assert inside(charts.text_box(timeline.data_label, charts.DATA_YEAR_EM * 11, 11), timeline.width, timeline.height)


def test_a_timeline_of_one_year_keeps_its_label_inside() -> None:
    """The data year as the first cell: its frame and label start at the left edge."""
    timeline = charts.timeline(Cohort(m1_m3_year=2025, source="s"), 2020)
    assert timeline is not None and [c.year for c in timeline.cells] == [2020]
    assert timeline.frame.x - 1.5 >= 0
    assert inside(charts.text_box(timeline.data_label, charts.DATA_YEAR_EM * 11, 11), timeline.width, timeline.height)


def test_no_timeline_without_a_cohort_year() -> None:
    assert charts.timeline(Cohort(), 2025) is None


def test_map_places_tiles_by_cell_inside_the_picture_with_room_for_the_focus_ring(content: Content) -> None:
    assert content.map is not None
    drawn = charts.tile_map(content.map, content.statuses)
    assert [t.status.regency.slug for t in drawn.tiles] == [s.regency.slug for s in content.statuses]
    for tile in drawn.tiles:
        column, row = content.map.tiles[tile.status.regency.slug]
        assert (tile.x, tile.y) == (3 + column * 106, 3 + row * 70)
        assert tile.x - 2 >= 0 and tile.x + 100 + 2 <= drawn.width and tile.y + 64 + 2 <= drawn.legend_y
        assert all(charts.text_width(text, tile.name_size, bold=True) <= 100 for text, _ in tile.lines)
    assert drawn.width == 6 * 106 - 6 + 6 and drawn.height == drawn.legend_y + 30
    assert drawn.legend[-1].text_x + charts.STAGE_EM * 11.5 < drawn.north.x - charts.NORTH_EM * 11.5


def test_long_names_wrap_and_shrink_to_fit_a_tile() -> None:
    assert charts.wrap_name("Kotawaringin Barat") == (("Kotawaringin", "Barat"), 12.5)
    lines, size = charts.wrap_name("Padangsidimpuan")
    assert lines == ("Padangsidimpuan",) and size < 12.5
    assert charts.text_width("Padangsidimpuan", size, bold=True) <= 94
    lines, size = charts.wrap_name("Kepulauan Siau Tagulandang Biaro")
    assert len(lines) <= 3 and size == 10


def test_map_leaves_out_a_regency_without_a_cell(content: Content) -> None:
    layout = MapLayout(tiles={"lamandau": (0, 0)})
    assert [t.status.regency.slug for t in charts.tile_map(layout, content.statuses).tiles] == ["lamandau"]


# ---- Province charts ------------------------------------------------------------------------------


def test_stage_chart_shows_10_m4_2_m1_m3_and_2_unknown(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "grafik-tahap")
    bars = {b.get("data-stage"): int(b.get("data-count") or 0) for b in svg_of(fig).iter(f"{SVG}rect")
            if b.get("class") == "bar"}
    assert bars == {"m4": 10, "m1_m3": 2, "unknown": 2}
    assert bars == {stage.value: n for stage, n in content.stage_counts.items()}
    counts = [t for t in svg_of(fig).iter(f"{SVG}text") if t.get("class") == "count"]
    assert [text_of(t) for t in counts] == ["10", "2", "2"]
    widths = {b.get("data-stage"): number(b.get("width")) for b in svg_of(fig).iter(f"{SVG}rect")
              if b.get("class") == "bar"}
    assert widths["m4"] == pytest.approx(5 * widths["m1_m3"], rel=0.01)  # bar length proportional to count
    table = text_of(fig.find(".//table"))  # type: ignore[arg-type]
    assert "Kab. Kapuas" in table and "Kota Palangka Raya" in table


def test_progress_chart_counts_regencies_per_progress_year(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "grafik-progres")
    bars = [(b.get("data-label"), int(b.get("data-count") or 0)) for b in svg_of(fig).iter(f"{SVG}rect")
            if b.get("class") == "bar"]
    assert bars == [(f"Tahun ke-{year}", n) for year, n in content.progress_year_counts.items()]
    assert "Kab. Kotawaringin Barat" in text_of(fig.find(".//table"))  # type: ignore[arg-type]


def test_province_ald_aman_chart_marks_both_years_and_every_target(site: Path) -> None:
    fig = figure(page(site, "index.html"), "grafik-indikator-ald_aman")
    svg = svg_of(fig)
    points = {int(c.get("data-year") or 0): c for c in svg.iter(f"{SVG}circle") if c.get("class") == "value"}
    assert {year: number(c.get("data-value")) for year, c in points.items()} == {2023: 11.16, 2024: 11.07}
    targets = {(t.get("data-scope"), t.get("data-start"), t.get("data-end")): t
               for t in svg.iter(f"{SVG}line") if t.get("class") == "target"}
    assert {k: number(t.get("data-value")) for k, t in targets.items()} == {
        ("national", "2020", "2024"): 15, ("national", "2025", "2029"): 30, ("province", "2025", "2029"): 20}
    labels = texts(svg)
    assert {"11,16%", "11,07%", "Target provinsi 2025–2029: 20%", "Target nasional 2025–2029: 30%"} <= set(labels)
    # Positions agree with the values: higher values are higher up (smaller y).
    y = {k: number(t.get("y1")) for k, t in targets.items()}
    assert y[("national", "2025", "2029")] < y[("province", "2025", "2029")] < y[("national", "2020", "2024")]
    assert y[("national", "2020", "2024")] < number(points[2023].get("cy")) < number(points[2024].get("cy"))
    # ...and the years run left to right, each target spanning its own period.
    province_from = number(targets[("province", "2025", "2029")].get("x1"))
    assert number(points[2023].get("cx")) < number(points[2024].get("cx")) < province_from


def test_province_indicators_without_values_say_belum_ada_data(site: Path) -> None:
    home = page(site, "index.html")
    assert {f.get("id") for f in home.iter("figure") if "chart-indicator" in (f.get("class") or "")} == {
        "grafik-indikator-ald_layak", "grafik-indikator-ald_aman", "grafik-indikator-babs"}
    empty = text_of(home.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk indikator berikut di Provinsi Kalimantan Tengah:")
    for name in ("Rumah tangga terlayani pengumpulan sampah", "Sampah terolah di fasilitas",
                 "Desa/Kelurahan Stop BABS (SBS)"):
        assert name in empty


def test_english_charts_use_english_numbers_and_words(site: Path) -> None:
    labels = texts(svg_of(figure(page(site, "en/index.html"), "grafik-indikator-ald_aman")))
    assert {"11.16%", "11.07%", "Provincial target 2025–2029: 20%", "National target 2025–2029: 30%"} <= set(labels)


# ---- Regency charts --------------------------------------------------------------------------------


def test_regency_without_indicator_data_renders_the_no_data_state(site: Path) -> None:
    lamandau = page(site, "kabupaten/lamandau.html")
    assert not [f for f in lamandau.iter("figure") if "chart-indicator" in (f.get("class") or "")]
    empty = text_of(lamandau.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk semua indikator di Kab. Lamandau:")


def test_regency_with_a_value_gets_its_chart(tmp_path: Path, content_dir: Path) -> None:
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace(
        "indicators: {}",
        "indicators:\n  ald_aman:\n    - {year: 2024, value: 8.5, source: kaltengsatunusantara-2024}"))
    out = run_build(tmp_path, content_dir, pdf=False)
    lamandau = page(out, "kabupaten/lamandau.html")
    svg = svg_of(figure(lamandau, "grafik-indikator-ald_aman"))
    assert [(c.get("data-year"), c.get("data-value")) for c in svg.iter(f"{SVG}circle")] == [("2024", "8.5")]
    assert "8,5%" in texts(svg)
    assert "Kab. Lamandau" in text_of(svg.find(f"{SVG}title"))  # type: ignore[arg-type]
    empty = text_of(lamandau.find(".//*[@id='grafik-indikator-nodata']"))  # type: ignore[arg-type]
    assert empty.startswith("Belum ada data untuk indikator berikut") and "Akses sanitasi aman" not in empty


def lamandau_with(content_dir: Path, values: str, lang: str = "id") -> ET.Element:
    """Lamandau's page, rendered alone, with `values` (YAML lines under `indicators:`)."""
    path = content_dir / "regencies" / "lamandau.yaml"
    path.write_text(path.read_text().replace("indicators: {}", "indicators:\n" + values))
    content = load_content(Settings(content_dir=content_dir))
    site_plan = plan.plan(content)
    page = next(o for o in site_plan.pages if o.key == "kabupaten/lamandau.html" and o.lang == lang)
    return html5lib.parse(render_output(content, page, site_plan),
                          namespaceHTMLElements=False)


def drawn_texts(svg: ET.Element) -> list[tuple[str, Box]]:
    """Each unrotated text of a picture with the box it covers, from its own and inherited attributes
    (and the translations of the groups it is in)."""
    parents = {child: parent for parent in svg.iter() for child in parent}

    def inherited(element: ET.Element, name: str, default: str) -> str:
        while element is not None:
            if element.get(name) is not None:
                return element.get(name)  # type: ignore[return-value]
            element = parents.get(element)  # type: ignore[assignment]
        return default

    def shift(element: ET.Element) -> tuple[float, float]:
        dx = dy = 0.0
        while element is not None:
            moved = re.fullmatch(r"translate\(([-\d.]+)[ ,]([-\d.]+)\)", element.get("transform") or "")
            if moved:
                dx, dy = dx + float(moved[1]), dy + float(moved[2])
            element = parents.get(element)  # type: ignore[assignment]
        return dx, dy

    found = []
    for text in svg.iter(f"{SVG}text"):
        if "rotate" in (text.get("transform") or ""):
            continue
        size = float(inherited(text, "font-size", "13"))
        anchor = inherited(text, "text-anchor", "start")
        width = charts.text_width(text_of(text), size, inherited(text, "font-weight", "normal") == "bold")
        dx, dy = shift(text)
        at = Label(float(text.get("x") or 0) + dx, float(text.get("y") or 0) + dy, anchor)  # type: ignore[arg-type]
        found.append((text_of(text), charts.text_box(at, width, size)))
    return found


def collisions(svg: ET.Element) -> list[str]:
    """Texts that overlap each other, or cover a value's point."""
    texts = drawn_texts(svg)
    found = [f"{a!r} over {b!r}" for i, (a, box) in enumerate(texts) for b, other in texts[i + 1:]
             if box.overlap(other) > 0]
    for point in svg.iter(f"{SVG}circle"):
        x, y = number(point.get("cx")), number(point.get("cy"))
        found += [f"{a!r} over the point of {point.get('data-year')}" for a, box in texts
                  if box.overlap(Box(x - 5, y - 5, x + 5, y + 5)) > 0]
    return found


def test_a_line_is_broken_where_a_year_has_no_value(content_dir: Path) -> None:
    """Values for 2021 and 2024 only: two points and no line drawn through 2022–2023 as if measured."""
    lamandau = lamandau_with(content_dir, "  ald_aman:\n"
                             "    - {year: 2021, value: 6.5, source: big-2024}\n"
                             "    - {year: 2024, value: 9.5, source: big-2024}")
    svg = svg_of(figure(lamandau, "grafik-indikator-ald_aman"))
    assert [c.get("data-year") for c in svg.iter(f"{SVG}circle")] == ["2021", "2024"]
    assert list(svg.iter(f"{SVG}polyline")) == []


def test_value_and_target_labels_do_not_collide(content_dir: Path) -> None:
    """19,8 % next to the province target of 20 %, and a high first-year value beside the axis."""
    lamandau = lamandau_with(content_dir, "  ald_aman:\n"
                             "    - {year: 2024, value: 18.2, source: big-2024}\n"
                             "    - {year: 2025, value: 19.8, source: big-2024}\n"
                             "  ald_layak:\n"
                             "    - {year: 2020, value: 94.46, source: big-2024}\n"
                             "    - {year: 2021, value: 62.5, source: big-2024}\n"
                             "    - {year: 2023, value: 87.01, source: big-2024}\n"
                             "    - {year: 2024, value: 89.1, source: big-2024}")
    for id in ("grafik-indikator-ald_aman", "grafik-indikator-ald_layak"):
        svg = svg_of(figure(lamandau, id))
        assert collisions(svg) == [], id
        assert {"19,8%", "Target provinsi 2025–2029: 20%"} <= set(texts(svg)) or id.endswith("layak")


def test_timeline_shows_each_year_stage_and_progress(site: Path) -> None:
    fig = figure(page(site, "kabupaten/kotawaringin-barat.html"), "grafik-tahapan")
    cells = [(r.get("data-year"), r.get("data-stage")) for r in svg_of(fig).iter(f"{SVG}rect")
             if r.get("class") == "year"]
    assert cells == [("2020", "unknown"), *((str(y), "m4") for y in range(2021, 2026))]
    labels = texts(svg_of(fig))
    assert "th. ke-1" in labels and "th. ke-5" in labels and "tahun acuan" in labels
    assert "2025: M4, tahun ke-5." in text_of(svg_of(fig).find(f"{SVG}desc"))  # type: ignore[arg-type]


def test_timeline_draws_the_data_year_whole(site: Path) -> None:
    """The data year's thick frame (and its label) once ran past the right edge of the picture."""
    svg = svg_of(figure(page(site, "kabupaten/kotawaringin-barat.html"), "grafik-tahapan"))
    width = number((svg.get("viewBox") or "").split()[2])
    (frame,) = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == "none"]
    stroke = number(frame.get("stroke-width")) / 2
    assert number(frame.get("x")) - stroke >= 0
    assert number(frame.get("x")) + number(frame.get("width")) + stroke <= width
    assert all(box.left >= 0 and box.right <= width for _, box in drawn_texts(svg))
    assert collisions(svg) == []


def test_timeline_without_cohort_years_says_belum_ada_data(site: Path) -> None:
    pulang_pisau = page(site, "kabupaten/pulang-pisau.html")
    assert pulang_pisau.find(".//figure[@id='grafik-tahapan']") is None
    notes = [text_of(p) for p in pulang_pisau.iter("p") if p.get("class") == "empty"]
    assert any("Data tahun M1–M3 dan M4 belum ada" in n for n in notes)


# ---- Accessibility of every chart -------------------------------------------------------------------


def test_every_chart_has_title_desc_and_its_table_first(site: Path) -> None:
    seen = 0
    for path in site_pages(site):
        root = page(site, path.relative_to(site).as_posix())
        for fig in root.iter("figure"):
            if "chart" not in (fig.get("class") or "").split():
                continue
            seen += 1
            order = [e for e in fig.iter() if e.tag in ("table", f"{SVG}svg")]
            assert [e.tag for e in order][:2] == ["table", f"{SVG}svg"], f"{path}: table before the picture"
            svg = order[1]
            assert svg.get("role") in ("img", "group")
            ids = (svg.get("aria-labelledby") or "").split()
            assert [svg.find(f"*[@id='{i}']").tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]  # type: ignore[union-attr]
            assert all(text_of(svg.find(f"*[@id='{i}']")) for i in ids)  # type: ignore[arg-type]
            assert fig.find("figcaption") is not None
    assert seen >= 2 * (1 + 2 + 3 + 12)  # map, stage and progress, 3 indicators; 12 timelines; both languages


def test_no_chart_uses_a_script_or_an_outside_file(site: Path) -> None:
    home = (site / "index.html").read_text()
    assert "<script" not in home and "xlink:href" not in home
    assert re.findall(r'fill="url\(#([\w-]+)\)"', home)  # patterns are defined inline, per chart
    for pattern in set(re.findall(r'fill="url\(#([\w-]+)\)"', home)):
        assert f'id="{pattern}"' in home


# ---- The schematic map --------------------------------------------------------------------------


def test_map_has_one_linked_tile_per_regency_and_says_it_is_schematic(site: Path, content: Content) -> None:
    fig = figure(page(site, "index.html"), "peta")
    svg = svg_of(fig)
    tiles = {g.get("data-slug"): g.get("data-stage") for g in svg.iter(f"{SVG}g") if g.get("class") == "tile"}
    assert tiles == {s.regency.slug: s.stage.value for s in content.statuses}
    links = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert links == {f"kabupaten/{slug}.html" for slug in tiles}
    assert "Peta skematis, bukan batas wilayah sebenarnya" in text_of(fig.find("figcaption"))  # type: ignore[arg-type]
    assert "Peta skematis" in text_of(svg.find(f"{SVG}title"))  # type: ignore[arg-type]
    legend = texts(svg)
    assert {"M4", "M1–M3", "Belum diketahui"} <= set(legend)
    assert "Sukamara" in legend and "M4 · tahun ke-4" in legend


def test_map_and_charts_in_the_report_have_no_links(content: Content) -> None:
    """PDFs never link to website pages; the charts are the same macros with `link=false`."""
    site_plan = plan.plan(content)
    report = next(o for o in site_plan.documents if o.path == "laporan/2025-cc7.pdf")
    html = render_output(content, report, site_plan)
    root = html5lib.parse(html, namespaceHTMLElements=False)
    for id in ("peta", "grafik-tahap", "grafik-progres", "grafik-indikator-ald_aman"):
        fig = figure(root, id)
        assert not list(fig.iter("a")) and not list(fig.iter(f"{SVG}a")), id
    assert svg_of(figure(root, "peta")).get("role") == "img"


def test_map_is_optional(tmp_path: Path, content_dir: Path) -> None:
    (content_dir / "map.yaml").unlink()
    out = run_build(tmp_path, content_dir, pdf=False)
    assert page(out, "index.html").find(".//figure[@id='peta']") is None
    assert page(out, "index.html").find(".//figure[@id='grafik-tahap']") is not None


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  lamandau: [0, 1]", "  lamandau: [1, 1]",
     "content/map.yaml:9:3: tiles.seruyan: sel [1, 1] sudah dipakai oleh lamandau (baris 8); pilih sel lain"),
    ("  lamandau: [0, 1]", "  lamandu: [0, 1]",  # problems are listed in line order
     "content/map.yaml:6:1: tiles: kabupaten/kota belum ditempatkan di peta: lamandau"
     " (tambahkan baris 'slug: [kolom, baris]' untuk masing-masing)\n"
     "content/map.yaml:8:3: tiles.lamandu: kabupaten/kota tidak dikenal (\"lamandu\", seharusnya salah satu dari: "
     "barito-selatan, barito-timur, barito-utara, gunung-mas, kapuas, katingan, kotawaringin-barat, "
     "kotawaringin-timur, lamandau, murung-raya, palangka-raya, pulang-pisau, seruyan, sukamara)"),
    ("  lamandau: [0, 1]\n", "",
     "content/map.yaml:6:1: tiles: kabupaten/kota belum ditempatkan di peta: lamandau"
     " (tambahkan baris 'slug: [kolom, baris]' untuk masing-masing)"),
    ("  lamandau: [0, 1]", "  lamandau: [0]",
     "content/map.yaml:8:3: tiles.lamandau: posisi harus [kolom, baris], dua bilangan bulat 0 sampai 49"
     " (tertulis [0])"),
    ("layout: tile-grid", "layout: choropleth",
     "content/map.yaml:2:1: layout: nilai tidak dikenal (tertulis \"choropleth\","
     " seharusnya salah satu dari: 'tile-grid')"),
])
def test_map_yaml_problems_are_located_and_explained(content_dir: Path, edit: Callable[[str, str, str], None],
                                                     old: str, new: str, expected: str) -> None:
    edit("map.yaml", old, new)
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    messages = [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]
    assert messages == expected.split("\n")
