"""The figures beside each chart (issue 24): a CSV per chart kind and area, holding exactly what the
chart's data table shows, one row per table row, in its order and with its columns (plus the name of
an area and the source of a value, where the table shows them otherwise).

Charts of the whole site (the map, the bars per stage and per progress year, the indicators of the
province or nation, the indicators' rankings) have one file each; on a national site each province
has up to three (its bars and its indicators); each regency has at most two (its timeline, its
indicators), and only for the charts its page draws. Where one file serves several
charts of a kind (the indicators of an area, the rankings), its first column says which chart a row
belongs to: the figure's `data-part`. So a national site of 38 provinces and 514 regencies has at most 1,147 of them.
Files are written by the open data (opendata.py), listed in its data package, and linked from each
chart (templates/partials/_charts.html.j2, through `csv_path`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .i18n import regency_name
from .model import AreaStatus, Content, IndicatorStatus, Ranking, Regency, RegencyStatus
from .tabular import Cell, Column, Table

FOLDER = "grafik"  # inside data/

SLUG = Column("slug", "string", "Pengenal kabupaten/kota (nama berkas dan halaman)")
NAME = Column("name", "string", "Nama kabupaten/kota")
STAGE = Column("stage", "string", "Tahap: m4, m1_m3 atau unknown (belum diketahui)")
PROGRESS = Column("progress_year", "integer", "Tahun ke-N tahap M4 (tahun mulai M4 = 1); kosong sebelum M4")
COUNT = Column("regencies", "integer", "Jumlah kabupaten/kota")
SLUGS = Column("regency_slugs", "string", "Kabupaten/kota dalam baris ini (pengenal), dipisah titik koma")
INDICATOR = Column("indicator", "string", "Id indikator: grafik tempat baris ini berada")
SOURCE = Column("source_id", "string", "Id sumber nilai (sumber.csv)")

INDICATOR_COLUMNS = (
    INDICATOR,
    Column("series", "string", "Seri: value (capaian), target_national atau target_province; sebuah baris value"
                               " tanpa tahun dan nilai berarti belum ada data"),
    Column("period", "string", "Tahun nilai, atau periode target (awal-akhir)"),
    Column("value", "number", "Nilai (persen, 0-100)"),
    SOURCE,
)


def csv_path(kind: str, slug: str | None = None, province: str | None = None) -> str:
    """Where the CSV of a chart kind lives in the output: of the whole site, of one regency, or of one
    province of a national site."""
    if slug is not None:
        return f"data/{FOLDER}/kabupaten/{slug}/{kind}.csv"
    return f"data/{FOLDER}/{kind}.csv" if province is None else f"data/{FOLDER}/provinsi/{province}/{kind}.csv"


def tables(content: Content) -> list[Table]:
    """Every chart's figures as a table: the site's charts, then each province's, then each regency's."""
    statuses = content.statuses
    found = [
        Table("grafik-peta", _inside(csv_path("peta")), "Peta tahap PPSP kabupaten/kota: data grafik",
              (SLUG, STAGE, PROGRESS, NAME),
              tuple((s.regency.slug, s.stage.value, s.progress_year, _name(s.regency))
                    for s in statuses if content.map and s.regency.slug in content.map.tiles), ("slug",)),
        *_area_tables(content.area_status, None),
        Table("grafik-peringkat", _inside(csv_path("peringkat")), "Peringkat kabupaten/kota per indikator: data grafik",
              (INDICATOR, Column("rank", "integer", "Peringkat (nilai yang sama berbagi peringkat)"), SLUG,
               Column("value", "number", "Nilai (persen, 0-100)"), Column("year", "integer", "Tahun nilai"),
               SOURCE, NAME),
              tuple(row for r in content.rankings for row in _ranked(r)), ("indicator", "slug")),
    ]
    for area in content.province_statuses:
        found += _area_tables(area, area.code)
    for s in statuses:
        found += _regency_tables(content, s)
    return found


def _area_tables(area: AreaStatus, code: str | None) -> list[Table]:
    """The bars per stage and per progress year and the indicator charts of an area as its page draws
    them: the site's own (`code` None, files at the top of grafik/) or one province of a national site."""
    statuses, counts = area.statuses, area.progress_year_counts
    suffix, of = ("", "") if code is None else (f"-{code}", f" Provinsi {area.area.name}")
    found = [Table(f"grafik-tahap{suffix}", _inside(csv_path("tahap", province=code)),
                   f"Kabupaten/kota{of} per tahap: data grafik", (STAGE, COUNT, SLUGS),
                   tuple((stage.value, n, _slugs(s for s in statuses if s.stage is stage))
                         for stage, n in area.stage_counts.items()), ("stage",))]
    if counts:  # as the chart: every year from 1 to the latest, a year nobody is in as 0
        found.append(Table(
            f"grafik-progres{suffix}", _inside(csv_path("progres", province=code)),
            f"Kabupaten/kota{of} tahap M4 menurut tahun ke-N: data grafik", (PROGRESS, COUNT, SLUGS),
            tuple((year, counts.get(year, 0), _slugs(s for s in statuses if s.progress_year == year))
                  for year in range(1, max(counts) + 1)), ("progress_year",)))
    found.append(Table(f"grafik-indikator{suffix}", _inside(csv_path("indikator", province=code)),
                       f"Indikator wilayah{of} terhadap target: data grafik", INDICATOR_COLUMNS,
                       tuple(row for s in area.indicators for row in _series(s))))
    return found


def _regency_tables(content: Content, status: RegencyStatus) -> list[Table]:
    r, name = status.regency, _name(status.regency)
    found = []
    if r.ppsp.m1_m3_year is not None or r.ppsp.m4_year is not None:  # as charts.timeline
        first = min(y for y in (2020, r.ppsp.m1_m3_year, r.ppsp.m4_year, content.year) if y is not None)
        found.append(Table(
            f"grafik-tahapan-{r.slug}", _inside(csv_path("tahapan", r.slug)),
            f"Tahap PPSP {name} per tahun: data grafik",
            (Column("year", "integer", "Tahun"), STAGE, PROGRESS),
            tuple((year, r.ppsp.stage(year).value, r.ppsp.progress_year(year))
                  for year in range(first, content.year + 1)), ("year",)))
    measured = [s for s in status.indicators if s.series]
    if measured:  # the page charts only the indicators with values
        found.append(Table(
            f"grafik-indikator-{r.slug}", _inside(csv_path("indikator", r.slug)),
            f"Indikator {name} terhadap target: data grafik", INDICATOR_COLUMNS,
            tuple(row for s in measured for row in _series(s))))
    return found


def _series(status: IndicatorStatus) -> Iterable[tuple[Cell, ...]]:
    """An indicator chart's table: its values by year (a value row without either when it has none),
    then every target with its period."""
    i = status.indicator.id
    if not status.series:
        yield (i, "value", None, None, None)
    for o in status.series:
        yield (i, "value", str(o.year), o.value, o.source)
    for t in status.targets:
        yield (i, f"target_{t.scope}", f"{t.start}-{t.end}", t.value, t.source)


def _ranked(r: Ranking) -> Iterable[tuple[Cell, ...]]:
    for e in r.ranked:
        yield (r.indicator.id, e.rank, e.regency.slug, e.observation.value, e.observation.year, e.observation.source,
               _name(e.regency))


def _slugs(statuses: Iterable[RegencyStatus]) -> str:
    return ";".join(s.regency.slug for s in statuses)


def _name(regency: Regency) -> str:
    return regency_name(regency.type, regency.name, "id")


def _inside(path: str) -> str:
    """A path in the output as the data package names it: inside data/."""
    return path.removeprefix("data/")
