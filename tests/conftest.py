"""Shared fixtures: a private copy of the real content to break or extend, and built sites."""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import settings as hypothesis_settings
from pypdf import PdfReader

from ssk_report.diff import ChangeLog
from ssk_report.history import History
from ssk_report.model import Content
from ssk_report.pipeline import Settings, build, load_content
from ssk_report.plan import Output, Plan
from ssk_report.products import RenderContext
from ssk_report.templating import environment, render

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"

# Test-only action items: no real ones are public yet, so these are labelled as test data.
FIXTURE_ACTION_ITEMS = """
action_items:
  - id: uji-cc6-01
    title: "[DATA UJI] Menyerahkan data capaian akses sanitasi aman"
    owner: Pokja PPSP Kab. Lamandau
    due: 2025-10-31
    status: done
    regency: lamandau
  - id: uji-cc6-02
    title: "[DATA UJI] Menyusun rencana perluasan layanan lumpur tinja"
    owner: Pokja PPSP Kab. Katingan
    due: 2025-12-15
    status: in_progress
    regency: katingan
"""


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds that name no cache folder use the user's cache folder: in tests, a folder of their own."""
    os.environ["SSK_REPORT_CACHE"] = str(tmp_path_factory.mktemp("user-cache"))


def render_output(content: Content, output: Output, site_plan: Plan, **variables: Any) -> str:
    """One planned output rendered by its template, as the build renders it (no history, no changes)."""
    context = RenderContext(content, site_plan, History(), ChangeLog(), TEMPLATES, "(code not needed here)",
                            **variables)
    return render(environment(TEMPLATES, output.lang), output, context.variables(output))


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the bundled content that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def edit(content_dir: Path) -> Callable[[str, str, str], None]:
    """Replace `old` by `new` in one content file, failing loudly if `old` is not there."""

    def _edit(relative: str, old: str, new: str) -> None:
        path = content_dir / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))

    return _edit


@pytest.fixture
def with_action_items(content_dir: Path, edit: Callable[[str, str, str], None]) -> Path:
    """The content plus test-only action items agreed at CC6 (for the follow-up table at CC7)."""
    edit("clinics/2025-cc6.yaml", "action_items: []", FIXTURE_ACTION_ITEMS.strip())
    return content_dir


# Test-only regency values (issue 24): no regency's indicator values are public yet, so these are made
# by code, labelled as test data, with a source of their own. Per indicator: (better, year -> value per
# regency in Kemendagri order, None where it has none). For ald_layak, 2024 is the latest year: one
# regency has only an older value, two have none, and two share a value; babs is lower-is-better.
SYNTHETIC_SOURCE = """
  - id: uji-sintetis
    title: "[DATA UJI] Nilai kabupaten/kota sintetis untuk pengujian, bukan data nyata"
    publisher: ssk-report tests
    year: 2025
"""


def synthetic_values(slugs: list[str]) -> dict[str, dict[str, dict[int, float]]]:
    """Values by regency slug (in Kemendagri order), indicator and year: repeatable, made by code."""
    values: dict[str, dict[str, dict[int, float]]] = {slug: {} for slug in slugs}
    for n, slug in enumerate(slugs):
        layak = {2023: round(40 + n * 2.5, 2)}
        if n not in (1, 5, 9):  # 1: only the older year; 5, 9: no value at all
            layak[2024] = round(45 + (n * 37) % 50 + 0.31, 2)
        if n not in (5, 9):
            values[slug]["ald_layak"] = layak
        if n in (3, 7):
            values[slug]["ald_layak"][2024] = 61.5  # a tie
        if n % 2 == 0:
            values[slug]["babs"] = {2024: round((n * 13) % 9 + 0.5, 2)}
    return values


@pytest.fixture
def with_regency_values(content_dir: Path) -> dict[str, dict[str, dict[int, float]]]:
    """The content plus labelled synthetic indicator values for the regencies; returns them."""
    return add_regency_values(content_dir)


def add_regency_values(content_dir: Path) -> dict[str, dict[str, dict[int, float]]]:
    """Write labelled synthetic indicator values into the regencies of `content_dir`; returns them."""
    sources = content_dir / "sources.yaml"
    sources.write_text(sources.read_text().rstrip("\n") + "\n" + SYNTHETIC_SOURCE)
    files = {path.stem: path for path in (content_dir / "regencies").glob("*.yaml")}
    codes = {slug: re.search(r'kemendagri_code: "([0-9.]+)"', path.read_text())[1]  # type: ignore[index]
             for slug, path in files.items()}
    values = synthetic_values(sorted(files, key=lambda slug: codes[slug]))
    for slug, indicators in values.items():
        if not indicators:
            continue
        lines = "".join(f"  {indicator}:\n" + "".join(
            f"    - {{year: {year}, value: {value}, source: uji-sintetis}}\n" for year, value in series.items())
            for indicator, series in indicators.items())
        text = files[slug].read_text()
        assert "indicators: {}\n" in text, slug
        files[slug].write_text(text.replace("indicators: {}\n", "indicators:\n" + lines))
    return values


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(Settings(content_dir=CONTENT))


def xml_root(path: Path) -> ElementTree.Element:
    """A file the build wrote, parsed as XML: raises unless it is well-formed."""
    return ElementTree.parse(path).getroot()  # noqa: S314 - our own output, parsed to check it


def site_pages(site: Path) -> list[Path]:
    """Every page of a built site: its HTML files but the browser editor's (admin/), which is no page
    of the site."""
    return sorted(p for p in site.rglob("*.html") if not p.is_relative_to(site / "admin"))


@functools.cache
def _page_texts(path: str, version: tuple[int, int, int]) -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_page_texts(path: Path) -> tuple[str, ...]:
    """The text of each page of a PDF, extracted once per session for each version of the file (the
    tests that read every PDF of the shared full build share one extraction)."""
    stat = path.stat()
    return _page_texts(str(path), (stat.st_ino, stat.st_mtime_ns, stat.st_size))


def run_build(tmp: Path, content_dir: Path = CONTENT, pdf: bool = True, **settings: Any) -> Path:
    out = tmp / "output"
    build(Settings(content_dir=content_dir, templates_dir=TEMPLATES, out_dir=out, pdf=pdf, **settings))
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled content built once without PDFs, for the website tests."""
    return run_build(tmp_path_factory.mktemp("site"), pdf=False)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled content (outside git) built once with PDFs, by two workers started with
    `spawn` (as on Windows and macOS), its store beside it (tests/test_pdfs.py builds on it)."""
    root = tmp_path_factory.mktemp("full")
    shutil.copytree(CONTENT, root / "content")
    return run_build(root, root / "content", workers=2, start_method="spawn", cache_dir=root / "store")


# Bounded in CI; `HYPOTHESIS_PROFILE=long` for a longer search on demand.
hypothesis_settings.register_profile("ci", max_examples=40, deadline=None)
hypothesis_settings.register_profile("long", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
