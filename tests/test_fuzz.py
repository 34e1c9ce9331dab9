"""Property tests: any YAML value anywhere in any content file either builds or ends in our clean
content error, never a traceback. `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py` runs longer."""

from __future__ import annotations

import datetime as dt
import posixpath
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssk_report import plan, templating
from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT, render_output

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
