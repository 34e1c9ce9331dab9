"""A national edition: areas as one hierarchy (nation -> province -> regency), on the synthetic demo.

The model and its checks: values, targets and clinics carry their province; every province of
provinces.yaml is an area with what it is expected to hold, reported or not; a report that spans
provinces is printed as volumes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssk_report.demo import ALL_REGENCIES, PROVINCES, write_demo
from ssk_report.errors import ContentError
from ssk_report.model import Content, Stage, Target
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT

REGENCIES = 40  # a small national demo: some provinces report all, some part, three nothing


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("national") / "content", REGENCIES)


@pytest.fixture(scope="module")
def national(demo: Path) -> Content:
    return load_content(Settings(content_dir=demo))


@pytest.fixture
def demo_copy(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo that a test may break."""
    return Path(shutil.copytree(demo, tmp_path / "content"))


def problems(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    return [str(p).replace(f"{content_dir}/", "content/") for p in caught.value.problems]


# ---- The demo --------------------------------------------------------------------------------------


def test_demo_provinces_have_their_real_sizes_and_some_have_not_reported(national: Content) -> None:
    sizes = {code: count for code, count, _ in PROVINCES}
    assert sum(sizes.values()) == ALL_REGENCIES == 514 and len(sizes) == 38
    areas = national.province_statuses
    assert all(a.expected == sizes[a.code] and a.reported <= a.expected for a in areas)
    assert len({a.expected for a in areas}) > 3  # provinces of varying size
    assert sum(a.reported for a in areas) == len(national.regencies) == REGENCIES
    assert [a.reported for a in areas].count(0) == 3
    assert any(0 < a.reported < (a.expected or 0) for a in areas)
    assert set(national.stage_counts.values()) != {0} and all(national.stage_counts.values())  # every stage


def test_the_whole_nation_reports_every_province_in_full(tmp_path: Path) -> None:
    content = load_content(Settings(content_dir=write_demo(tmp_path / "content", ALL_REGENCIES)))
    assert [(a.code, a.reported) for a in content.province_statuses] == [(c, n) for c, n, _ in PROVINCES]
    with pytest.raises(ValueError, match="1 to 514"):
        write_demo(tmp_path / "more", ALL_REGENCIES + 1)


# ---- Clinics of provinces ----------------------------------------------------------------------------


def test_two_provinces_may_each_hold_a_2025_cc1(national: Content, demo: Path) -> None:
    own = sorted(p.name for p in (demo / "clinics").iterdir() if p.is_dir())
    assert len(own) == 2 and all((demo / "clinics" / code / "2025-cc1.yaml").is_file() for code in own)
    cc1 = {c.slug: c for c in national.clinics if c.number == 1}
    assert set(cc1) == {"2025-cc1", *(f"{code}-2025-cc1" for code in own)}
    assert [cc1[f"{code}-2025-cc1"].province for code in own] == own
    assert cc1["2025-cc1"].province is None and cc1["2025-cc1"].file_stem == "2025-cc1"
    assert cc1[f"{own[0]}-2025-cc1"].file_stem == f"{own[0]}/2025-cc1"
    # Each province lists its own clinic, and not the other's.
    for area in national.province_statuses:
        held = {c.slug for c in area.clinics if c.province}
        assert held == ({f"{area.code}-2025-cc1"} if area.code in own else set())


def test_a_province_clinic_names_regencies_of_its_own_province(national: Content, demo_copy: Path) -> None:
    code = sorted(p.name for p in (demo_copy / "clinics").iterdir() if p.is_dir())[0]
    stranger = next(s.regency for a in national.province_statuses if a.code != code for s in a.statuses)
    path = demo_copy / "clinics" / code / "2025-cc1.yaml"
    text = path.read_text()
    first = text.split("- regency: ")[1].split("\n")[0]
    path.write_text(text.replace(f"- regency: {first}\n", f"- regency: {stranger.slug}\n", 1))
    line, column = next((i, row.index("regency") + 1) for i, row in enumerate(path.read_text().splitlines(), 1)
                        if stranger.slug in row)
    prefix = stranger.kemendagri_code.split(".")[0]
    assert problems(demo_copy) == [
        f"content/clinics/{code}/2025-cc1.yaml:{line}:{column}: participants[0].regency: \"{stranger.slug}\" berada di"
        f" provinsi {prefix}, bukan di provinsi coaching clinic ini ({code}, folder clinics/{code}/)"]


def test_a_clinic_folder_is_a_known_province_code(demo_copy: Path) -> None:
    (demo_copy / "clinics" / "99").mkdir()
    shutil.copy(demo_copy / "clinics" / "2025-cc2.yaml", demo_copy / "clinics" / "99" / "2025-cc2.yaml")
    (demo_copy / "clinics" / "lama").mkdir()
    found = problems(demo_copy)
    assert "content/clinics/lama:1:1: folder 'lama' bukan kode provinsi; coaching clinic sebuah provinsi disimpan" \
           " di folder bernama kode Kemendagri provinsinya, mis. clinics/62/" in found
    assert any(p.startswith("content/clinics/99/2025-cc2.yaml:2:1: folder clinics/99/: provinsi tidak dikenal"
                            ' ("99", seharusnya kode provinsi dari provinces.yaml: "') for p in found)


def test_a_province_clinic_file_takes_its_province_from_the_folder_only(demo_copy: Path) -> None:
    code = sorted(p.name for p in (demo_copy / "clinics").iterdir() if p.is_dir())[0]
    path = demo_copy / "clinics" / code / "2025-cc1.yaml"
    path.write_text(path.read_text() + f"province: '{code}'\n")
    flat = demo_copy / "clinics" / f"{code}-2025-cc2.yaml"
    shutil.copy(demo_copy / "clinics" / "2025-cc2.yaml", flat)
    found = problems(demo_copy)
    assert any(p.endswith("province: provinsi coaching clinic diambil dari nama foldernya (clinics/<kode provinsi>/);"
                          " hapus kunci ini") for p in found)
    assert any(p.endswith(f"nama berkas harus 2025-cc2.yaml sesuai cycle_year dan number (tertulis"
                          f" {code}-2025-cc2.yaml); coaching clinic sebuah provinsi disimpan di folder clinics/{code}/")
               for p in found)


def test_a_province_site_may_keep_its_clinics_in_its_own_folder_only(content_dir: Path) -> None:
    (content_dir / "clinics" / "62").mkdir()
    shutil.move(content_dir / "clinics" / "2025-cc1.yaml", content_dir / "clinics" / "62" / "2025-cc1.yaml")
    content = load_content(Settings(content_dir=content_dir))
    assert {c.slug for c in content.clinics} == {"62-2025-cc1", "2025-cc6", "2025-cc7"}
    (content_dir / "clinics" / "62").rename(content_dir / "clinics" / "63")
    assert problems(content_dir) == ['content/clinics/63/2025-cc1.yaml:4:1: folder clinics/63/: provinsi tidak dikenal'
                                     ' ("63", seharusnya kode provinsi situs ini, "62")']


# ---- Values and targets carry their area --------------------------------------------------------------


def test_each_province_is_judged_against_its_own_targets(national: Content) -> None:
    own = {t.area for t in national.targets if t.area}
    assert own and all(t.scope == "province" for t in national.targets if t.area)
    for area in national.province_statuses:
        targets = {(c.target.scope, c.target.area) for i in area.indicators for c in i.checks}
        regency_targets = {(c.target.scope, c.target.area) for s in area.statuses for i in s.indicators
                           for c in i.checks}
        expected = {("national", None)} | ({("province", area.code)} if area.code in own else set())
        assert targets == expected
        assert regency_targets <= expected
        values = {(i.indicator.id, o.year) for i in area.indicators for o in i.series}
        assert values == {(a.indicator, a.year) for a in national.actuals if a.area == area.code}
    assert {c.target.area for i in national.province_indicators for c in i.checks} == {None}
    assert all(a.area is None for i in national.province_indicators for a in i.series)  # type: ignore[attr-defined]


def test_areas_of_values_and_targets_are_checked(demo_copy: Path) -> None:
    path = demo_copy / "indicators.yaml"
    text = path.read_text()
    first = text.index("area: '")
    code = text[first + 7:first + 9]
    text = text[:first] + "area: '99'" + text[first + 10:]
    text = text.replace(f"  area: '{code}'\n", "", 1)  # a province target without its province
    path.write_text(text)
    found = problems(demo_copy)
    assert any(': targets[' in p and 'area: provinsi tidak dikenal ("99", seharusnya kode provinsi dari'
               ' provinces.yaml' in p for p in found)
    assert any(p.endswith('scope: target provinsi di situs nasional perlu area: kode Kemendagri provinsinya,'
                          ' mis. area: "62"') for p in found)
    with pytest.raises(ValueError, match="target nasional berlaku untuk seluruh Indonesia"):
        Target(indicator="babs", scope="national", start=2025, end=2029, value=0, source="s", area="62")


def test_a_province_has_no_more_regency_files_than_regencies(demo_copy: Path) -> None:
    path = demo_copy / "provinces.yaml"
    content = load_content(Settings(content_dir=demo_copy))
    area = max(content.province_statuses, key=lambda a: a.reported)
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == f"kemendagri_code: '{area.code}'")
    count = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("regency_count:"))
    lines[count] = "  regency_count: 1"
    path.write_text("\n".join(lines) + "\n")
    index = content.provinces.index(area.area)
    assert problems(demo_copy) == [f"content/provinces.yaml:{count + 1}:3: provinces[{index}]"
                                   f".regency_count: lebih kecil dari jumlah berkas kabupaten/kota provinsi ini"
                                   f" (tertulis 1, ada {area.reported} berkas di regencies/)"]


# ---- Areas ------------------------------------------------------------------------------------------------


def test_every_province_is_an_area_and_the_nation_sums_them(national: Content) -> None:
    areas = national.province_statuses
    assert [a.code for a in areas] == sorted(p.kemendagri_code for p in national.provinces)
    nation = national.area_status
    assert nation.level == "national" and nation.expected == sum(a.expected or 0 for a in areas)
    assert nation.reported == sum(a.reported for a in areas) == len(national.statuses)
    for stage in Stage:
        assert nation.stage_counts[stage] == sum(a.stage_counts[stage] for a in areas)
    empty = next(a for a in areas if not a.reported)
    assert empty.m4_share is None and empty.completeness is None and empty.progress_spread is None
    some = next(a for a in areas if a.stage_counts[Stage.M4])
    assert some.m4_share == some.stage_counts[Stage.M4] / (some.expected or 0)
    years = sorted(s.progress_year for s in some.statuses if s.progress_year)
    assert some.progress_spread is not None and some.progress_spread[::2] == (years[0], years[-1])
    assert all(s.province == a.area for a in areas for s in a.statuses)


def test_a_province_site_is_one_area_as_today(content: Content) -> None:
    assert content.province_statuses == []
    own = content.area_status
    assert own.level == "province" and own.area == content.site.province and own.expected is None
    assert list(own.indicators) == content.province_indicators
    assert all(s.province == content.site.province for s in content.statuses)
    assert content.statuses_by_province == [(content.site.province, content.statuses)]


def test_a_report_across_provinces_is_planned_as_volumes(national: Content) -> None:
    everyone = national.clinics_by_date[-1]
    assert everyone.province is None and len(everyone.participants) == REGENCIES
    volumes = national.report_volumes(everyone)
    assert [p.kemendagri_code for p, _ in volumes] == [a.code for a in national.province_statuses if a.reported]
    assert [s.regency.slug for _, sections in volumes for s, _ in sections] == sorted(
        (p.regency for p in everyone.participants), key=lambda slug: national.regency_by_slug[slug].kemendagri_code)
    own = next(c for c in national.clinics if c.province)
    assert national.report_volumes(own) == []  # a province's clinic: one ordinary report


def test_kalteng_content_files_are_unchanged_by_the_national_model() -> None:
    """The bundled (provincial) content is valid as it is: no key of the national model is required."""
    content = load_content(Settings(content_dir=CONTENT))
    assert all(a.area is None for a in content.actuals) and all(t.area is None for t in content.targets)
    assert all(c.province is None for c in content.clinics)
