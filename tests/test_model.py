"""Derived figures live in the model; each one is pinned down here."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ssk_report.model import Cohort, Content, Indicator, Observation, Regency, Stage, Target, Text, assess, rank

LAYAK = Indicator(id="ald_layak", subsector="air_limbah", name=Text(id="Layak"), unit="percent", better="up")
BABS = Indicator(id="babs", subsector="air_limbah", name=Text(id="BABS"), unit="percent", better="down")


def regency(**fields: object) -> Regency:
    base: dict[str, object] = {"slug": "contoh", "name": "Contoh", "type": "kabupaten",
                               "kemendagri_code": "62.99", "bps_code": "6299"}
    return Regency.model_validate(base | fields)


@pytest.mark.parametrize(("m4_year", "as_of", "expected"), [
    (2021, 2025, 5),  # Kotawaringin Barat at CC7: year 5
    (2024, 2025, 2),  # Lamandau at CC7: year 2
    (2025, 2025, 1),  # the M4 year itself is year 1
    (2026, 2025, None),  # before M4 there is no progress year
    (None, 2025, None),
])
def test_progress_year_counts_the_m4_year_as_year_one(m4_year: int | None, as_of: int, expected: int | None) -> None:
    cohort = Cohort(m4_year=m4_year, source="s" if m4_year else None)
    assert cohort.progress_year(as_of) == expected


def test_stage_follows_the_cohort_years() -> None:
    assert Cohort(m4_year=2021, source="s").stage(2025) is Stage.M4
    assert Cohort(m1_m3_year=2025, source="s").stage(2025) is Stage.M1_M3
    assert Cohort(m1_m3_year=2025, m4_year=2026, source="s").stage(2025) is Stage.M1_M3
    assert Cohort(m1_m3_year=2026, source="s").stage(2025) is Stage.UNKNOWN
    assert Cohort().stage(2025) is Stage.UNKNOWN


def test_m4_must_come_after_m1_m3_and_years_need_a_source() -> None:
    with pytest.raises(ValidationError, match="m4_year harus sesudah m1_m3_year"):
        Cohort(m1_m3_year=2024, m4_year=2024, source="s")
    with pytest.raises(ValidationError, match="tahun tahapan perlu sumber"):
        Cohort(m4_year=2024)


def test_completeness_counts_key_fields_and_catalogue_indicators() -> None:
    empty = regency().completeness([LAYAK, BABS])
    assert empty.ratio == 0
    assert empty.missing == ("population", "area_km2", "m1_m3_year", "m4_year", "pokja", "ssk",
                             "indicator:ald_layak", "indicator:babs")
    filled = regency(
        population={"value": 1000, "year": 2025, "source": "s"},
        ppsp={"m4_year": 2021, "source": "s"},
        indicators={"babs": [{"year": 2024, "value": 1.5, "source": "s"}]},
    ).completeness([LAYAK, BABS])
    assert filled.filled == ("population", "m4_year", "indicator:babs")
    assert filled.ratio == pytest.approx(3 / 8)


def test_assess_uses_the_better_direction_and_prefers_the_province_target() -> None:
    targets = [
        Target(indicator="babs", scope="national", start=2020, end=2024, value=0, source="s"),
        Target(indicator="ald_layak", scope="national", start=2025, end=2029, value=90, source="s"),
        Target(indicator="ald_layak", scope="province", start=2025, end=2029, value=80, source="s"),
    ]
    met = assess(LAYAK, [Observation(year=2024, value=70, source="s"),
                         Observation(year=2025, value=85, source="s")], targets, 2025)
    assert met.latest is not None and met.latest.value == 85  # the latest year counts, not the largest value
    assert [(c.target.scope, c.status) for c in met.checks] == [("province", "met"), ("national", "behind")]
    assert met.status == "met"
    babs = assess(BABS, [Observation(year=2023, value=2.53, source="s")], targets, 2025)
    assert [(c.target.end, c.status) for c in babs.checks] == [(2024, "behind")]  # the last period that ended
    assert assess(BABS, [Observation(year=2023, value=0, source="s")], targets, 2025).status == "met"
    assert assess(LAYAK, [], targets, 2025).status == "no_data"
    assert assess(BABS, [], [], 2025).checks == ()


def test_real_content_derives_the_progress_years_stated_at_cc7(content: Content) -> None:
    """The CC7 article's progress years follow from the stored M4 years (and are never stored twice)."""
    stated = {"lamandau": 2, "katingan": 2, "murung-raya": 3, "barito-timur": 3, "barito-selatan": 4,
              "sukamara": 4, "kotawaringin-timur": 5, "kotawaringin-barat": 5}
    assert {slug: content.status_of(slug).progress_year for slug in stated} == stated
    assert content.status_of("kapuas").stage is Stage.M1_M3
    assert content.status_of("pulang-pisau").stage is Stage.UNKNOWN
    assert content.stage_counts == {Stage.M4: 10, Stage.M1_M3: 2, Stage.UNKNOWN: 2}
    assert content.progress_year_counts == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2}


def test_province_totals_are_sums_of_the_regencies(content: Content) -> None:
    assert content.population_total is not None and content.population_total.value == 2_825_290
    assert content.area_total is not None and content.area_total.value == pytest.approx(153_430.36)


def test_province_indicators_against_targets(content: Content) -> None:
    status = {s.indicator.id: s for s in content.province_indicators}
    aman = status["ald_aman"]
    assert aman.latest is not None and (aman.latest.year, aman.latest.value) == (2024, 11.07)
    assert [(c.target.scope, c.target.value, c.status) for c in aman.checks] == [
        ("province", 20.0, "behind"), ("national", 30.0, "behind")]
    assert status["sampah_terlayani"].status == "no_data"


def test_clinics_are_ordered_by_date_and_know_their_predecessor(content: Content) -> None:
    cc6, cc7 = content.clinics_by_date
    assert (cc6.slug, cc7.slug) == ("2025-cc6", "2025-cc7")
    assert content.latest_clinic is cc7
    assert content.previous_clinic(cc7) is cc6
    assert content.previous_clinic(cc6) is None
    assert cc6.attendance == 11 and cc7.attendance == 10


def test_text_accepts_a_plain_string_as_indonesian() -> None:
    assert Text.model_validate("Air limbah").get("en") == "Air limbah"
    assert Text.model_validate({"id": "Air limbah", "en": "Wastewater"}).get("en") == "Wastewater"


def test_a_value_without_any_target_is_not_called_missing() -> None:
    status = assess(BABS, [Observation(year=2024, value=1.0, source="s")], [], 2025)
    assert status.status == "no_target"
    assert status.sources == ("s",)


def test_sources_are_collected_once_in_citation_order(content: Content) -> None:
    kobar = content.status_of("kotawaringin-barat")
    assert kobar.regency.cited_sources == (
        "kepmendagri-2025", "ringkasan-domain", "pengetahuan-umum", "kaltengterkini-2025-11-06", "big-2024")
    assert set(kobar.sources) > set(kobar.regency.cited_sources)  # plus the targets' sources
    cc7 = content.latest_clinic
    assert cc7 is not None
    assert [s.regency.slug for s, _ in content.report_sections(cc7)][:2] == ["gunung-mas", "barito-utara"]
    assert len(content.report_sections(content.clinics_by_date[0])) == 14  # CC6 names no participants
    assert content.report_sources(cc7)[0] == "kaltengterkini-2025-11-06"


def _valued(slug: str, code: str, values: dict[int, float], indicator: str = "babs") -> Regency:
    return regency(slug=slug, kemendagri_code=code, indicators={
        indicator: [{"year": year, "value": value, "source": "s"} for year, value in values.items()]})


def test_ranking_takes_the_latest_year_best_first_and_shares_places() -> None:
    """Lower is better for BABS: the smallest value ranks first; equal values share a place and keep
    the Kemendagri order; a regency whose value is older than the ranking year is not ranked."""
    regencies = [_valued("d", "62.04", {2024: 2.0}), _valued("a", "62.01", {2024: 3.5}),
                 _valued("c", "62.03", {2024: 2.0}), _valued("b", "62.02", {2023: 0.5}),
                 _valued("e", "62.05", {}), _valued("f", "62.06", {2022: 9.0, 2024: 1.0})]
    targets = [Target(indicator="babs", scope="national", start=2020, end=2024, value=0, source="s"),
               Target(indicator="babs", scope="national", start=2025, end=2029, value=0, source="s"),
               Target(indicator="ald_layak", scope="province", start=2020, end=2024, value=80, source="s")]
    ranking = rank(BABS, regencies, targets)
    assert ranking.year == 2024
    assert [(r.regency.slug, r.observation.value, r.rank) for r in ranking.ranked] == [
        ("f", 1.0, 1), ("c", 2.0, 2), ("d", 2.0, 2), ("a", 3.5, 4)]
    assert [(u.regency.slug, u.latest.year if u.latest else None) for u in ranking.unranked] == [
        ("b", 2023), ("e", None)]
    assert [(t.start, t.end) for t in ranking.targets] == [(2020, 2024)]  # the period holding 2024, this indicator's
    up = rank(LAYAK, [_valued("a", "62.01", {2024: 50}, "ald_layak"), _valued("b", "62.02", {2024: 70}, "ald_layak")])
    assert [r.regency.slug for r in up.ranked] == ["b", "a"]  # higher is better


def test_ranking_without_any_value_lists_every_regency_as_unknown(content: Content) -> None:
    for ranking in content.rankings:
        assert ranking.year is None and ranking.ranked == () and ranking.targets == ()
        assert [u.regency.slug for u in ranking.unranked] == [s.regency.slug for s in content.statuses]
    assert [r.indicator.id for r in content.rankings] == [i.id for i in content.indicators]
