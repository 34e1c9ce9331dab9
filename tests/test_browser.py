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


# ---- Charts on a phone and under forced colours ------------------------------------------------------

CHART_PAGES = ["index.html", "kabupaten/kotawaringin-barat.html", "en/index.html"]


@pytest.mark.parametrize("width", [360, 390])
def test_charts_fit_a_phone_and_the_map_says_it_scrolls(browser: Browser, server: str, width: int) -> None:
    """No chart is wider than the screen; the map, which keeps a readable size, scrolls inside its
    figure with a visible sentence saying so, and scrolled to its end shows the east of the province."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    for path in CHART_PAGES:
        page.goto(server + path)
        boxes = page.locator("figure.chart").evaluate_all(
            "figs => figs.map(f => { const r = f.getBoundingClientRect(); const s = f.querySelector('svg');"
            " const p = s.getBoundingClientRect(); const scrolls = s.closest('.chart-scroll') !== null;"
            " return [f.id, r.left, r.right, scrolls ? r.right : p.right]; })")
        assert boxes, path
        for id, left, right, picture in boxes:
            assert left >= 0 and right <= width and picture <= width + 0.5, (path, id, left, right, picture)
    page.goto(server + "index.html")
    scroller, cue = page.locator("#peta .chart-scroll"), page.locator("#peta .chart-scroll-cue")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert cue.is_visible() and "Geser peta" in cue.inner_text()
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    east = page.locator("#peta g.tile[data-slug='barito-timur']").evaluate("t => t.getBoundingClientRect().right")
    assert east <= width
    page.close()


def test_the_map_says_nothing_of_scrolling_where_it_fits(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "index.html")
    assert page.locator("#peta .chart-scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
    assert not page.locator("#peta .chart-scroll-cue").is_visible()
    page.close()


def _ink_share(page: Page, selector: str, canvas: tuple[int, int, int]) -> float:
    """The share of pixels in the box of the first element matching `selector` that differ clearly
    from the canvas colour, in a screenshot."""
    from io import BytesIO

    from PIL import Image

    element = page.locator(selector).first
    element.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = element.bounding_box()  # a line's box has no height: the clip gives it its stroke's
    assert box is not None, selector
    clip = {"x": box["x"], "y": box["y"] - 1, "width": box["width"], "height": max(box["height"], 2) + 2}
    image = Image.open(BytesIO(page.screenshot(clip=clip))).convert("RGB")
    data = image.tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    return sum(sum(abs(a - b) for a, b in zip(p, canvas, strict=True)) > 150 for p in pixels) / len(pixels)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_chart_marks_stay_visible_under_forced_colours(browser: Browser, server: str, scheme: str) -> None:
    """Under a high-contrast theme (Chromium's forced-colours emulation), every chart's text, bars,
    hatching, target lines and map tiles are drawn in the system's colours, apart from the canvas,
    and the marks keep their second cues (hatched, dashed, dotted)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.emulate_media(forced_colors="active", color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(server + "index.html")
    canvas_css = page.evaluate("getComputedStyle(document.body).backgroundColor")
    canvas = tuple(int(v) for v in canvas_css[canvas_css.index("(") + 1:-1].split(",")[:3])
    styles = page.evaluate("""() => {
        const style = (sel, prop) => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e)[prop]);
        return {
          text: style('.chart-svg text:not([data-stage="m4"] text, .on-m4 text)', 'fill'),
          onM4: style('.chart-svg [data-stage="m4"] text, .chart-svg .on-m4 text', 'fill'),
          m4: style('.chart-svg rect[data-stage="m4"], .chart-svg [data-stage="m4"] > rect', 'fill'),
          unknown: style('.chart-svg rect[data-stage="unknown"], .chart-svg [data-stage="unknown"] > rect', 'stroke'),
          dashes: style('.chart-svg rect[data-stage="unknown"]', 'strokeDasharray'),
          hatch: [style('#peta-svg-hatch .hatch-ground', 'fill')[0], style('#peta-svg-hatch .hatch-line', 'fill')[0]],
          national: style('.chart-svg line.target[data-scope="national"]', 'strokeDasharray'),
          province: style('.chart-svg line.target[data-scope="province"]', 'strokeDasharray'),
          targets: style('.chart-svg line.target', 'stroke'),
          values: style('.chart-svg circle.value', 'fill'),
        };
    }""")
    assert styles["text"] and styles["m4"] and styles["unknown"] and styles["values"]
    for kind in ("text", "m4", "unknown", "targets", "values"):
        assert canvas_css not in styles[kind], (kind, canvas_css, set(styles[kind]))
    assert set(styles["onM4"]) == {canvas_css} and canvas_css not in styles["m4"]  # reversed out of M4's fill
    assert styles["hatch"][0] != styles["hatch"][1] and canvas_css in styles["hatch"]
    assert "none" not in styles["dashes"] and set(styles["national"]).isdisjoint(styles["province"])
    # ... and they are drawn: some ink in the box of each kind of mark, on a screenshot.
    shares = {selector: _ink_share(page, selector, canvas) for selector in (
        "#grafik-tahap text.count", "#grafik-tahap rect.bar[data-stage='m4']",
        "#grafik-tahap rect.bar[data-stage='m1_m3']",
        "#peta g.tile[data-stage='m4']", "#peta g.tile[data-stage='unknown'] text",
        "#grafik-indikator-ald_aman line.target[data-scope='province']", "#grafik-indikator-ald_aman circle.value",
        "#grafik-indikator-ald_aman text.target-label")}
    assert all(share > 0.08 for share in shares.values()), shares
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"forced-colours-{scheme}.png"), full_page=True)
    page.close()
