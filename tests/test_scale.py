"""National scope and synthetic data: regencies across provinces, labelled synthetic, repeatable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssk_report import plan
from ssk_report.demo import LABEL, write_demo
from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, load_content

from .conftest import render_output, run_build


def test_demo_is_repeatable_and_labelled_synthetic(tmp_path: Path) -> None:
    a = write_demo(tmp_path / "a", 30, seed=7)
    b = write_demo(tmp_path / "b", 30, seed=7)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    for path in (a / "regencies").glob("*.yaml"):
        text = path.read_text()
        assert text.startswith("# SYNTHETIC DATA") and LABEL in text
    assert LABEL in (a / "site.yaml").read_text()


def test_national_site_refuses_a_regency_of_an_unknown_province(tmp_path: Path) -> None:
    content_dir = write_demo(tmp_path / "content", 20)
    regency = content_dir / "regencies" / "sintetis-0001.yaml"
    code = load_content(Settings(content_dir=content_dir)).regency_by_slug["sintetis-0001"].kemendagri_code
    regency.write_text(regency.read_text().replace(f"kemendagri_code: '{code}'", "kemendagri_code: '99.01'"))
    with pytest.raises(ContentError, match=r"kemendagri_code: provinsi tidak dikenal \(\"99.01\""):
        load_content(Settings(content_dir=content_dir))


def test_national_report_charts_count_long_bars_instead_of_naming_every_regency(tmp_path: Path) -> None:
    """A bar of more than 40 regencies, printed or on the national home page, gives their number and
    where the names are; a short bar names them (on the web, in a table folded away)."""
    content = load_content(Settings(content_dir=write_demo(tmp_path / "content", 90)))  # M4 over 40, the rest under
    site_plan = plan.plan(content, languages=("id",))
    report = next(o for o in site_plan.documents if o.key.startswith("report:"))
    html = render_output(content, report, site_plan)
    start = html.index('id="grafik-tahap"')
    chart = html[start:html.index("</table>", start)]
    rows = [(s.stage, [x for x in content.statuses if x.stage == s.stage]) for s in content.statuses]
    long = {stage: members for stage, members in rows if len(members) > 40}
    short = {stage: members for stage, members in rows if len(members) <= 40}
    assert long and short, "the demo should give one bar over 40 regencies and one under"
    assert chart.count("terlalu banyak untuk dicetak; lihat versi web atau data terbuka") == len(long)
    for members in long.values():
        assert not any(s.regency.name in chart for s in members)
    for members in short.values():
        assert all(s.regency.name in chart for s in members)
    # The national home page: the same, pointing to the province pages (a thousand links otherwise).
    home = (run_build(tmp_path, tmp_path / "content", pdf=False) / "index.html").read_text()
    figure = home[home.index('id="grafik-tahap"'):]
    table = figure[:figure.index("</table>")]
    assert table.count("terlalu banyak untuk didaftar di sini; namanya ada di halaman setiap provinsi") == len(long)
    for members in short.values():
        assert all(f">{s.regency.type.replace('kabupaten', 'Kab.').replace('kota', 'Kota')} {s.regency.name}</a>"
                   in table for s in members)
    assert figure.index('<details class="chart-data">') < figure.index("<table")  # folded on the web
