"""Indonesian first, English second: both editions from one build, every UI string translated."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ssk_report import i18n
from ssk_report.errors import ContentError
from ssk_report.pipeline import Settings, build

from .conftest import CONTENT, ROOT, TEMPLATES, run_build, site_pages

PO = ROOT / "ssk_report" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str] = {}
        self.lang = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):  # not the feed's link
            self.alternates[a["hreflang"] or ""] = a["href"] or ""
        if tag == "a" and a.get("hreflang"):
            self.switcher[a["hreflang"] or ""] = a["href"] or ""

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text())
    return parser


def test_every_page_exists_in_both_languages(site: Path) -> None:
    indonesian = {p.relative_to(site).as_posix() for p in site_pages(site) if not p.is_relative_to(site / "en")}
    english = {p.relative_to(site / "en").as_posix() for p in (site / "en").rglob("*.html")}
    assert indonesian == english
    assert len(indonesian) > 20


def test_switcher_and_alternates_link_to_the_same_page(site: Path) -> None:
    for page in site_pages(site):
        relative = page.relative_to(site).as_posix()
        info = head(page)
        other = "id" if relative.startswith("en/") else "en"
        assert info.lang == ("en" if other == "id" else "id"), relative
        assert set(info.alternates) == {"id", "en"}, relative
        link, here = info.switcher[other], posixpath.dirname(relative)
        if page.name == "404.html":  # sent for a missing path at any depth, it links from the server's root
            assert link.startswith("/"), relative
            link, here = link.removeprefix("/"), ""
        target = posixpath.normpath(posixpath.join(here, link))
        expected = relative.removeprefix("en/") if other == "id" else "en/" + relative
        assert target == expected, relative
        assert (site / target).is_file()


def test_english_pages_link_within_the_english_edition(site: Path) -> None:
    page = (site / "en" / "kabupaten" / "lamandau.html").read_text()
    assert 'href="../index.html"' in page  # en/index.html, not the Indonesian home
    assert 'href="../../assets/style.css"' in page


@pytest.mark.parametrize(("lang", "number", "percent", "day", "money"), [
    ("id", "294.602", "76,31%", "6 November 2025", "Rp1.250.000"),
    ("en", "294,602", "76.31%", "6 November 2025", "IDR 1,250,000"),
])
def test_numbers_dates_and_money_per_locale(lang: i18n.Lang, number: str, percent: str, day: str, money: str) -> None:
    assert i18n.format_number(294602, lang) == number
    assert i18n.format_percent(76.31, lang) == percent
    assert i18n.format_day(dt.date(2025, 11, 6), lang) == day
    assert i18n.format_money(1_250_000, lang) == money
    assert i18n.format_period(dt.date(2025, 8, 13), dt.date(2025, 8, 14), "id") == "13–14 Agustus 2025"
    assert i18n.format_period(dt.date(2025, 8, 13), dt.date(2025, 8, 14), "en") == "13–14 August 2025"


def test_every_ui_string_has_an_english_translation() -> None:
    """Extracts the messages from templates and code now, so a new untranslated string fails here."""
    method_map = [("ssk_report/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    used = {message for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options, keywords)
            if isinstance(message, str)}
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = sorted(m for m in used if m not in catalog or not catalog[m].string or catalog[m].fuzzy)
    assert missing == []
    for message in catalog:
        if message.id:
            assert (set(PLACEHOLDER.findall(str(message.id)))
                    == set(PLACEHOLDER.findall(str(message.string)))), message.id


def test_no_indonesian_ui_string_in_the_english_edition(site: Path) -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    # Content may quote Indonesian on purpose (document titles, "Strategi Sanitasi Kabupaten/Kota"):
    # a phrase that occurs in the content files is not evidence of a missing UI translation.
    content_text = " ".join(p.read_text() for p in CONTENT.rglob("*") if p.is_file())
    phrases = [str(m.id) for m in catalog if m.id and m.string != m.id and len(str(m.id)) > 12
               and "%(" not in str(m.id) and str(m.id) not in content_text]
    assert len(phrases) > 100
    leaks = []
    for page in (site / "en").rglob("*.html"):
        text = head(page).text
        leaks += [f"{page.relative_to(site)}: {p}" for p in phrases if p in text]
    assert leaks == []


def test_missing_english_content_falls_back_visibly_and_strict_fails(tmp_path: Path, content_dir: Path) -> None:
    site_yaml = content_dir / "site.yaml"
    text = site_yaml.read_text()
    title = re.search(r"^title:.*?(?=^\w)", text, flags=re.S | re.M)
    assert title is not None
    site_yaml.write_text(text.replace(title.group(0), "title: Judul Tanpa Terjemahan\n"))
    out = run_build(tmp_path, content_dir, pdf=False)
    english = (out / "en" / "index.html").read_text()
    assert '<span class="untranslated" lang="id"' in english and "Judul Tanpa Terjemahan" in english
    assert "<title>Home — Judul Tanpa Terjemahan</title>" in english  # no markup inside <title>
    with pytest.raises(ContentError) as caught:
        build(Settings(content_dir=content_dir, templates_dir=TEMPLATES, out_dir=tmp_path / "strict", pdf=False,
                       strict=True))
    assert str(caught.value.problems[0]).replace(f"{content_dir}/", "content/") == (
        "content/site.yaml:2:1: title: belum ada terjemahan bahasa Inggris (en)")
