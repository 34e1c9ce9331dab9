"""Publishing: sitemap, robots.txt, Atom feed, canonical URLs and Open Graph tags from base_url,
all omitted cleanly when base_url is not set."""

from __future__ import annotations

import shutil
import xml.dom.minidom
from pathlib import Path

import pytest

from .conftest import CONTENT, run_build, site_pages, xml_root
from .test_history import git
from .test_i18n import head

BASE = "https://pokja-ppsp.example.org/progres"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_without_base_url_there_is_no_sitemap_feed_or_canonical(site: Path) -> None:
    for name in ("sitemap.xml", "robots.txt", "feed.xml"):
        assert not (site / name).exists()
    home = (site / "index.html").read_text()
    assert 'rel="canonical"' not in home and "og:url" not in home


def test_with_base_url(tmp_path: Path, content_dir: Path) -> None:
    site_yaml = content_dir / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("base_url: null", f"base_url: {BASE}/"))
    out = run_build(tmp_path, content_dir, pdf=False)
    sitemap = xml.dom.minidom.parse(str(out / "sitemap.xml"))  # noqa: S318 - our own output
    locations = {n.firstChild.data for n in sitemap.getElementsByTagName("loc")}
    pages = {p.relative_to(out).as_posix() for p in site_pages(out) if p.name != "404.html"}
    assert locations == {f"{BASE}/{page}" for page in pages}
    assert (out / "robots.txt").read_text().endswith(f"Sitemap: {BASE}/sitemap.xml\n")
    feed = xml.dom.minidom.parse(str(out / "feed.xml"))  # noqa: S318 - our own output
    entries = feed.getElementsByTagName("entry")
    assert [e.getElementsByTagName("id")[0].firstChild.data for e in entries] == [
        f"{BASE}/klinik/2025-cc7.html", f"{BASE}/klinik/2025-cc6.html", f"{BASE}/klinik/2025-cc1.html"]
    summaries = [e.getElementsByTagName("summary")[0].firstChild.data for e in entries]
    assert summaries[2].startswith("12 Agustus 2025 · belum dicatat. Peserta: 2")  # no venue recorded, never "None"
    page = (out / "en" / "kabupaten" / "lamandau.html").read_text()
    assert f'<link rel="canonical" href="{BASE}/en/kabupaten/lamandau.html">' in page
    assert '<meta property="og:title" content="Lamandau Regency">' in page
    assert '<meta property="og:locale" content="en_GB">' in page
    missing = (out / "404.html").read_text()
    assert f'href="{BASE}/assets/style.css"' in missing  # the 404 page works at any depth


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled content with base_url, in a git repository: Lamandau's file changed after the rest."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(CONTENT, root / "content")
    site_yaml = root / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("base_url: null", f"base_url: {BASE}/"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "content", date="2025-08-10T10:00:00+07:00")
    lamandau = root / "content" / "regencies" / "lamandau.yaml"
    lamandau.write_text(lamandau.read_text().replace("capital: Nanga Bulik", "capital: Nanga Bulik (kota)"))
    git(root, "commit", "-q", "-am", "Lamandau", date="2025-10-01T10:00:00+07:00")
    return run_build(root, root / "content", pdf=False)


def test_alternates_are_absolute_with_an_x_default(published: Path) -> None:
    for page, indonesian in (("en/kabupaten/lamandau.html", "kabupaten/lamandau.html"),
                             ("index.html", "index.html"), ("en/404.html", "404.html")):
        info = head(published / page)
        assert info.alternates == {"id": f"{BASE}/{indonesian}", "en": f"{BASE}/en/{indonesian}",
                                   "x-default": f"{BASE}/{indonesian}"}, page


def test_the_sitemap_dates_each_page_by_its_last_data_change(published: Path) -> None:
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in xml_root(published / "sitemap.xml").findall(f"{SITEMAP}url")}
    lastmod = {loc: url.findtext(f"{SITEMAP}lastmod") for loc, url in urls.items()}
    assert lastmod[f"{BASE}/kabupaten/lamandau.html"] == "2025-10-01"
    assert lastmod[f"{BASE}/en/kabupaten/lamandau.html"] == "2025-10-01"
    assert lastmod[f"{BASE}/kabupaten/kapuas.html"] == "2025-08-10"
    assert lastmod[f"{BASE}/klinik/2025-cc7.html"] == "2025-08-10"
    assert lastmod[f"{BASE}/index.html"] == "2025-10-01"  # an overview shows every regency
    links = {(link.get("hreflang"), link.get("href"))
             for link in urls[f"{BASE}/kabupaten/kapuas.html"].findall("{http://www.w3.org/1999/xhtml}link")}
    assert links == {("id", f"{BASE}/kabupaten/kapuas.html"), ("en", f"{BASE}/en/kabupaten/kapuas.html"),
                     ("x-default", f"{BASE}/kabupaten/kapuas.html")}


def test_without_history_the_sitemap_dates_pages_by_the_data_date(tmp_path: Path, content_dir: Path) -> None:
    site_yaml = content_dir / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("base_url: null", f"base_url: {BASE}/"))
    out = run_build(tmp_path, content_dir, pdf=False)
    dates = {url.findtext(f"{SITEMAP}lastmod") for url in xml_root(out / "sitemap.xml").findall(f"{SITEMAP}url")}
    assert dates == {"2025-11-06"}  # as_of in site.yaml


def test_the_english_edition_has_its_own_feed_linked_from_its_pages(published: Path) -> None:
    feed = xml_root(published / "en" / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == f"{BASE}/en/feed.xml"
    assert feed.findtext(f"{ATOM}title") == "PPSP Sanitation Progress — Central Kalimantan — Coaching Clinic"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"{BASE}/en/klinik/2025-cc7.html",
                                                          f"{BASE}/en/klinik/2025-cc6.html",
                                                          f"{BASE}/en/klinik/2025-cc1.html"]
    assert entries[0].findtext(f"{ATOM}title") == "2025 Coaching Clinic 7 on SSK Implementation"
    assert "Bapperida Hall, Kalimantan Tengah Province" in entries[0].findtext(f"{ATOM}summary", "")
    english = (published / "en" / "kabupaten" / "lamandau.html").read_text()
    assert f'type="application/atom+xml" href="{BASE}/en/feed.xml"' in english
    indonesian = (published / "kabupaten" / "lamandau.html").read_text()
    assert f'type="application/atom+xml" href="{BASE}/feed.xml"' in indonesian
