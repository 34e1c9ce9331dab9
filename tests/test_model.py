"""Derived figures live in the model; each one is pinned down here."""

from __future__ import annotations

import datetime as dt

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
    empty = regency().completeness([LAYAK, BABS], 2025)
    assert empty.ratio == 0
    assert empty.missing == ("population", "area_km2", "m1_m3_year", "m4_year", "pokja", "ssk",
                             "indicator:ald_layak", "indicator:babs")
    filled = regency(
        population={"value": 1000, "year": 2025, "source": "s"},
        ppsp={"m4_year": 2021, "source": "s"},
        indicators={"babs": [{"year": 2024, "value": 1.5, "source": "s"}]},
    ).completeness([LAYAK, BABS], 2025)
    assert filled.filled == ("population", "m4_year", "indicator:babs")
    assert filled.ratio == pytest.approx(3 / 8)


def test_completeness_counts_only_the_items_that_apply_at_the_stage() -> None:
    """The M4 year lies ahead of a regency still in M1–M3: it is neither filled nor missing there."""
    starting = regency(ppsp={"m1_m3_year": 2025, "source": "s"}).completeness([LAYAK, BABS], 2025)
    assert starting.not_applicable == ("m4_year",)
    assert "m4_year" not in starting.missing and starting.applicable == 7
    assert starting.ratio == pytest.approx(1 / 7)
    at_m4 = regency(ppsp={"m4_year": 2024, "source": "s"}).completeness([LAYAK, BABS], 2025)
    assert at_m4.not_applicable == () and at_m4.applicable == 8 and "m1_m3_year" in at_m4.missing
    unknown = regency().completeness([LAYAK, BABS], 2025)  # either year would settle the stage
    assert unknown.not_applicable == () and {"m1_m3_year", "m4_year"} <= set(unknown.missing)


def test_real_content_completeness_differs_where_the_data_differ(content: Content) -> None:
    """Regencies that hold different data do not share a completeness figure; the count is per stage."""
    figures = {s.regency.slug: (len(s.completeness.filled), s.completeness.applicable) for s in content.statuses}
    assert (figures["lamandau"], figures["kapuas"], figures["kotawaringin-barat"], figures["palangka-raya"]) == (
        (4, 12), (3, 11), (3, 12), (2, 12))
    for a in content.statuses:
        for b in content.statuses:
            if set(a.completeness.filled) != set(b.completeness.filled):
                assert a.completeness.ratio != b.completeness.ratio, (a.regency.slug, b.regency.slug)


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
    assert [(c.target.end, c.status, c.value_year) for c in babs.checks] == [(2024, "behind", 2023)]  # ended last
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
    """A 2024 value is not judged against a 2025–2029 target: not assessable yet, with the pace it needs."""
    status = {s.indicator.id: s for s in content.province_indicators}
    aman = status["ald_aman"]
    assert aman.latest is not None and (aman.latest.year, aman.latest.value) == (2024, 11.07)
    assert [(c.target.scope, c.target.value, c.status, c.reason, c.pace) for c in aman.checks] == [
        ("province", 20.0, "not_assessable", "before_period", 1.79),
        ("national", 30.0, "not_assessable", "before_period", 3.79)]
    assert aman.status == "not_assessable"
    layak = status["ald_layak"]  # 2023 lies in 2020–2024: judged, and the period is over (no pace)
    assert [(c.status, c.value_year, c.pace) for c in layak.checks] == [("behind", 2023, None)]
    assert status["sampah_terlayani"].status == "no_data"


def test_a_value_is_judged_only_within_the_target_period() -> None:
    target = Target(indicator="babs", scope="province", start=2025, end=2029, value=1, source="s")
    before = assess(BABS, [Observation(year=2024, value=3, source="s")], [target], 2025)
    assert (before.status, before.checks[0].reason, before.checks[0].pace) == ("not_assessable", "before_period", 0.4)
    within = assess(BABS, [Observation(year=2026, value=3, source="s")], [target], 2026)
    assert (within.status, within.checks[0].value_year, within.checks[0].pace) == ("behind", 2026, 0.67)
    met = assess(BABS, [Observation(year=2026, value=0.5, source="s")], [target], 2026)
    assert (met.status, met.checks[0].pace) == ("met", None)  # nothing left to gain
    old = Target(indicator="babs", scope="province", start=2015, end=2019, value=1, source="s")
    after = assess(BABS, [Observation(year=2021, value=3, source="s")], [old], 2025)
    assert (after.status, after.checks[0].reason, after.checks[0].pace) == ("not_assessable", "after_period", None)


def test_clinics_are_ordered_by_date_and_know_their_predecessor(content: Content) -> None:
    """CC1 2025 of the new cohort falls between nothing: the previous clinic is the same series'."""
    cc1, cc6, cc7 = content.clinics_by_date
    assert (cc1.slug, cc6.slug, cc7.slug) == ("2025-cc1", "2025-cc6", "2025-cc7")
    assert content.latest_clinic is cc7
    assert content.previous_clinic(cc7) is cc6
    assert content.previous_clinic(cc6) is None and content.previous_clinic(cc1) is None
    assert cc1.attendance == 2 and cc6.attendance == 11 and cc7.attendance == 10


def test_a_regency_is_recorded_at_its_cohort_clinic_and_outside_another_group_s(content: Content) -> None:
    kapuas, lamandau = content.status_of("kapuas"), content.status_of("lamandau")
    assert [c.slug for c in kapuas.clinics] == ["2025-cc1"]
    assert [c.slug for c in kapuas.outside_clinics] == ["2025-cc6"]  # CC6 was for M4; Kapuas was in M1–M3
    assert [c.slug for c in lamandau.clinics] == ["2025-cc7"]
    assert [c.slug for c in lamandau.unknown_clinics] == ["2025-cc6"]  # CC6 names no participants
    assert [c.slug for c in content.status_of("palangka-raya").unknown_clinics] == ["2025-cc6"]


def test_content_as_of_a_clinic_holds_nothing_that_came_later(content: Content) -> None:
    cc6 = content.clinics_by_date[1]
    then = content.as_of(cc6.end)
    assert then.site.as_of == dt.date(2025, 8, 14)
    assert [c.slug for c in then.clinics_by_date] == ["2025-cc1", "2025-cc6"]
    assert [(a.indicator, a.year) for a in then.actuals if a.indicator == "ald_aman"] == [("ald_aman", 2023)]
    lamandau = then.regency_by_slug["lamandau"]
    assert [n.date for n in lamandau.notes] == [dt.date(2023, 6, 22), dt.date(2025, 8, 13)]  # not CC7's
    assert (lamandau.ppsp.m1_m3_year, lamandau.ppsp.m4_year) == (2023, 2024)  # CC6 coverage (August 2025)
    assert "kaltengterkini-2025-11-06" not in {s for st in then.statuses for s in st.sources}
    assert then.targets == content.targets  # undated plans hold at every date
    early = content.as_of(dt.date(2025, 7, 31)).regency_by_slug["lamandau"].ppsp
    assert (early.m1_m3_year, early.m4_year, early.source) == (2023, None, None)  # the 2023 source only
    assert content.site.as_of == dt.date(2025, 11, 6)  # the content itself is unchanged


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
        "kepmendagri-2025", "cahyadsn-wilayah", "berita-cc6-2025", "big-2024", "kaltengterkini-2025-11-06")
    assert set(kobar.sources) > set(kobar.regency.cited_sources)  # plus the targets' sources
    cc7 = content.latest_clinic
    assert cc7 is not None
    assert [s.regency.slug for s, _ in content.report_sections(cc7)][:2] == ["gunung-mas", "barito-utara"]
    assert len(content.report_sections(content.clinics_by_date[1])) == 14  # CC6 names no participants
    assert content.report_sources(cc7)[0] == "kaltengterkini-2025-11-06"


def test_every_source_can_be_opened_or_is_known_not_to_be(content: Content) -> None:
    """The decree is cited as itself and read through the public dataset; no project-internal source."""
    ids = {s.id for s in content.sources}
    assert not ids & {"ringkasan-domain", "pengetahuan-umum"}
    decree = content.source_by_id["kepmendagri-2025"]
    assert decree.title.startswith("Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 Tahun 2025")
    assert decree.via == "cahyadsn-wilayah" and content.source_by_id["cahyadsn-wilayah"].url
    assert content.openable_sources == ids - {"kaltengterkini-2025-12", "rpjmn-2020-2024", "rpjmn-2025-2029",
                                              "rpjmd-kalteng-2025-2029"}
    province = {(a.indicator, a.year): a.source for a in content.actuals}
    assert province[("ald_layak", 2023)] == "kaltengsatunusantara-2024"
    assert province[("ald_aman", 2024)] == "kaltengterkini-2025-12"


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
