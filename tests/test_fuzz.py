"""Property tests: any YAML value anywhere in any content file either builds or ends in our clean
content error, never a traceback. `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py` runs longer."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssk_report import plan, templating
from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, build, load_content

from .conftest import CONTENT, TEMPLATES, render_output, xml_root

FILES = ["site.yaml", "sources.yaml", "milestones.yaml", "indicators.yaml", "regencies/lamandau.yaml",
         "regencies/kapuas.yaml", "clinics/2025-cc7.yaml", "clinics/2025-cc6.yaml"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["62.09", "M4", "lamandau", "2025-cc7", "ald_aman", ""]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, (*prefix, i))
    return found


def replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data[path[0]] = replace(data[path[0]], path[1:], value)
    return data


def build_or_clean_error(content_dir: Path) -> None:
    try:
        content = load_content(Settings(content_dir=content_dir))
    except ContentError as exc:
        assert exc.problems, "a content error lists at least one problem"
        for problem in exc.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message
        return
    site_plan = plan.plan(content, with_pdf=False)
    for output in site_plan.pages:
        render_output(content, output, site_plan)


def with_file(relative: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content_dir = Path(tmp) / "content"
        shutil.copytree(CONTENT, content_dir)
        (content_dir / relative).write_text(text)
        build_or_clean_error(content_dir)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(relative=st.sampled_from(FILES), data=st.data(), value=values)
def test_any_value_anywhere_builds_or_fails_cleanly(relative: str, data: st.DataObject, value: Any) -> None:
    original = yaml.safe_load((CONTENT / relative).read_text())
    path = data.draw(st.sampled_from(paths(original)), label="path")
    with_file(relative, yaml.safe_dump(replace(original, path, value), allow_unicode=True))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(relative=st.sampled_from([*FILES, "pages/tentang.md"]), text=st.text(max_size=300))
def test_any_text_as_a_file_fails_cleanly(relative: str, text: str) -> None:
    with_file(relative, text)


segments = st.sampled_from(["", ".", "..", "en", "kabupaten", "kab", "data", "a.html", "index.html"])
relative_paths = st.lists(segments, max_size=4).map("/".join)


@given(target=relative_paths.filter(bool), here=relative_paths.filter(lambda p: not p.startswith("/")))
def test_page_links_are_what_relpath_gives(target: str, here: str) -> None:
    """The links' fast path (templating.relative) agrees with the standard library on any path."""
    assert templating.relative(target, here) == posixpath.relpath(target, here or ".")


# ---- validate passes => build passes (issue 18) ---------------------------------------------------------

# Values chosen to reach every later stage's limits: number formatting, sums, the workbook, JSON,
# XML (feeds, sitemap), CSV cells read as formulas, Markdown.
HOSTILE_TEXTS = ["Hotel A & B", "</title><entry><title>palsu</title></entry>", "]]>", "=HYPERLINK(\"x\")",
                 "-5", "+62 811", "@SUM(A1)", "\tx", "a\r\nb", "'\"", "{{ 7 * 7 }}", "x\u2028y", "&amp;", "<b>",
                 "- - - - - x", "> > > kutipan", "x" * 300, "\x85", "\ufeff"]
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 1e-320, 5e-324, 10**10, 10**10 + 1, 1e15, 2**63, 100, 100.0000001]),
)
texts = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(min_size=1, max_size=60).filter(str.strip))
any_value = st.one_of(scalars, numbers, texts)


def like(value: Any) -> st.SearchStrategy[Any]:
    """A replacement for `value`: mostly of its own type and near it (so that many mutations stay
    valid and reach the build), sometimes an extreme of its type, now and then any value at all."""
    if isinstance(value, bool):
        same: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(value, int | float):
        near = st.integers(min_value=-3, max_value=3).map(lambda d: value + d)
        same = st.one_of(near, near, st.floats(min_value=0, max_value=100), numbers)
    elif isinstance(value, str):
        same = st.one_of(texts, st.sampled_from(HOSTILE_TEXTS).map(lambda text: f"{value} {text}"))
    elif isinstance(value, dt.date):
        same = st.one_of(st.integers(min_value=-400, max_value=400).map(lambda d: value + dt.timedelta(days=d)),
                         st.dates(min_value=dt.date(1, 1, 1)))
    else:
        same = any_value
    return st.one_of(*[same] * 7, any_value)


def leaves(data: Any) -> list[tuple[Any, ...]]:
    return [path for path in paths(data) if not isinstance(_at(data, path), dict | list)]


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build cache for every example, as a user's machine keeps it between builds."""
    return tmp_path_factory.mktemp("cache")


@settings(max_examples=25, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_what_validate_accepts_build_can_build(data: st.DataObject, shared_cache: Path) -> None:
    """Mutations of the bundled content (with base_url, so the feeds and sitemap exist): whenever
    `validate` passes, `build --no-pdf` succeeds, and every XML and JSON file it writes parses."""
    with tempfile.TemporaryDirectory() as tmp:
        content_dir = Path(tmp) / "content"
        shutil.copytree(CONTENT, content_dir)
        site = content_dir / "site.yaml"
        site.write_text(site.read_text().replace("base_url: null", "base_url: https://ppsp.example.go.id/"))
        for _ in range(data.draw(st.sampled_from([1, 1, 1, 2, 3]), label="mutations")):
            relative = data.draw(st.sampled_from(FILES), label="file")
            original = yaml.safe_load((content_dir / relative).read_text())
            path = data.draw(st.sampled_from(leaves(original)), label="path")
            value = data.draw(like(_at(original, path)), label="value")
            (content_dir / relative).write_text(yaml.safe_dump(replace(original, path, value), allow_unicode=True))
        try:
            load_content(Settings(content_dir=content_dir))
        except ContentError:
            return  # validate exits 1: nothing is promised about the build
        out = Path(tmp) / "output"
        build(Settings(content_dir=content_dir, templates_dir=TEMPLATES, out_dir=out, pdf=False,
                       cache_dir=shared_cache))
        for file in out.rglob("*.xml"):
            xml_root(file)
        for file in out.glob("data/**/*.json"):
            json.loads(file.read_bytes())
