"""Publishing: sitemap, robots.txt, Atom feed, canonical URLs and Open Graph tags from base_url,
all omitted cleanly when base_url is not set."""

from __future__ import annotations

import xml.dom.minidom
from pathlib import Path

from .conftest import run_build

BASE = "https://pokja-ppsp.example.org/progres"


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
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html"}
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
