"""The site in a real browser (Playwright driving Debian's Chromium): no console errors or failed
requests, nothing from another host, no horizontal scrolling at 360 px, a working language
switcher and skip link, visible focus, axe-core (WCAG 2.2 AA) with no serious or critical
violation, and a light home page. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# One page of each template, in both languages.
SAMPLES = ["index.html", "kabupaten/index.html", "kabupaten/kotawaringin-barat.html", "kabupaten/pulang-pisau.html",
           "tahapan.html", "klinik/index.html", "klinik/2025-cc7.html", "klinik/2025-cc6.html", "tentang.html",
           "sumber-data.html", "perubahan.html", "data.html", "cari.html", "404.html"]
SAMPLES += [f"en/{path}" for path in SAMPLES]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium (scripts/setup.sh --test)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


class Watch:
    """Console errors, failed requests and requests to other hosts while a page loads."""

    def __init__(self, page: Page, base: str) -> None:
        self.problems: list[str] = []
        self.bytes = 0
        host = urlparse(base).netloc
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # ERR_ABORTED: the browser dropped the request because the test moved on to the next page
        # (the favicon loads lazily); a missing file shows up as an HTTP error status instead.
        page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED"
                else self.problems.append(f"failed: {r.url} ({r.failure})"))
        page.on("request", lambda r: None if urlparse(r.url).netloc == host
                else self.problems.append(f"other host: {r.url}"))
        page.on("response", self._response)

    def _response(self, response: object) -> None:
        status = response.status  # type: ignore[attr-defined]
        url = response.url  # type: ignore[attr-defined]
        if status >= 400 and not url.endswith("/404.html"):
            self.problems.append(f"HTTP {status}: {url}")
        if status < 400:
            self.bytes += len(response.body())  # type: ignore[attr-defined]


def all_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_page_loads_cleanly_and_fits_360px(browser: Browser, server: str, site: Path) -> None:
    problems = []
    context = browser.new_context(viewport={"width": 360, "height": 800})
    for path in all_pages(site):
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(server + path, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path}: scrolls sideways by {overflow}px at 360px")
        page.close()
        problems += [f"{path}: {p}" for p in watch.problems]
    context.close()
    assert len(all_pages(site)) > 40
    assert problems == []


def test_language_switcher_goes_to_the_same_page(browser: Browser, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "kabupaten/lamandau.html")
    page.click("a[hreflang=en]")
    assert page.url == server + "en/kabupaten/lamandau.html"
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("a[hreflang=id]")
    assert page.url == server + "kabupaten/lamandau.html"
    page.close()


def test_skip_link_is_first_visible_on_focus_and_moves_focus(browser: Browser, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {href: e.getAttribute('href'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow, visible: r.width > 0 && r.height > 0 && r.top >= 0}; }""")
    assert focused["href"] == "#konten"
    assert focused["visible"]
    assert (focused["outline"] != "none" and focused["width"] >= 2) or focused["shadow"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "konten"
    page.keyboard.press("Tab")  # the first link in the content shows where the focus is
    focused = page.evaluate("() => { const e = document.activeElement; const s = getComputedStyle(e); "
                            "return [e.tagName, e.closest('main') !== null, s.outlineStyle, s.outlineWidth]; }")
    assert focused[0] == "A" and focused[1], focused
    assert focused[2] != "none" and float(focused[3].removesuffix("px")) >= 2, focused
    page.close()


def test_axe_finds_no_serious_or_critical_violation(browser: Browser, server: str) -> None:
    assert AXE.exists(), "axe-core is needed: npm install --prefix tests/.node axe-core@4 (scripts/setup.sh --test)"
    page = browser.new_page()
    summary: dict[str, dict[str, int]] = {}
    serious = []
    for path in SAMPLES:
        page.goto(server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        counts: dict[str, int] = {"passes": len(result["passes"]), "incomplete": len(result["incomplete"])}
        for violation in result["violations"]:
            impact = violation["impact"] or "unknown"
            counts[impact] = counts.get(impact, 0) + len(violation["nodes"])
            if impact in ("serious", "critical"):
                serious.append(f"{path}: {violation['id']} ({impact}): {violation['nodes'][0]['target']}")
        summary[path] = counts
    page.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    assert serious == []


def test_home_page_weighs_under_100_kb_with_nothing_from_other_hosts(browser: Browser, server: str) -> None:
    page = browser.new_page()
    watch = Watch(page, server)
    page.goto(server + "index.html", wait_until="networkidle")
    page.close()
    assert watch.problems == []
    assert watch.bytes < 100_000, f"home page with its CSS and images: {watch.bytes} bytes"


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 2000), ("phone", 390, 2400)])
def test_screenshots_as_artifacts(browser: Browser, server: str, name: str, width: int, height: int) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    for path in ("index.html", "kabupaten/lamandau.html", "klinik/2025-cc7.html", "en/index.html"):
        page.goto(server + path)
        target = folder / f"{path.replace('/', '_').removesuffix('.html')}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    page.close()


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("cari.html", "Lamandau", "kabupaten/lamandau.html"),
    ("en/cari.html", "Lamandau", "en/kabupaten/lamandau.html"),
])
def test_search_finds_a_regency_in_each_language(browser: Browser, server: str, path: str, query: str,
                                                 expected: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})  # usable on a phone
    watch = Watch(page, server)
    page.goto(server + path)
    page.fill("#cari input", query)
    link = page.locator(f"#cari a[href$='{expected}']").first
    link.wait_for(timeout=10_000)
    assert watch.problems == []
    # The tables that list every regency (overviews, chart data) are left out of the index: the
    # regency's own page comes first, and the list of all regencies is no hit.
    found = page.locator("#cari .pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")
    assert found[0].endswith(expected)
    assert not [path for path in found if path.endswith(("kabupaten/index.html", "tahapan.html"))], found
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.close()
