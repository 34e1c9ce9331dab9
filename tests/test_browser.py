"""The site in a real browser (Playwright driving Debian's Chromium): no console errors or failed
requests, nothing from another host, nothing wider than a phone's screen at 360 and 390 px, a menu
folded on phones, a working language switcher and skip link, visible focus, axe-core (WCAG 2.2 AA
and best practices) with no serious or critical violation at desktop and phone widths, a 404 page
that works at any depth, a search page that says what to do when opened from the disk, and a light
home page; and the browser editor, admin/: its regencies, its forms, and what a save writes. Screenshots
go to test-artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ssk_report import admin
from ssk_report.cli import main
from ssk_report.model import Content
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT, ROOT, add_regency_values, run_build, site_pages
from .test_admin import INSTALL, cms_save, form_fields

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Best practices too: "label-title-only" (a field whose only label is its title), for one, is one.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONES = [360, 390]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class WebServer(QuietHandler):
    """A static web server as the README asks for: the site at `prefix`, and a missing path answered
    with the site's 404.html (nginx's `error_page 404 /404.html;`)."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".outside-the-site")
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@contextlib.contextmanager
def web_server(site: Path, prefix: str = "/") -> Iterator[str]:
    """The address of `site` served at `prefix`; `site` may be built after the server starts."""
    handler = functools.partial(type("Site", (WebServer,), {"prefix": prefix}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with web_server(site) as address:
        yield address


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
    return [p.relative_to(site).as_posix() for p in site_pages(site)]


# Elements that stick out of the page sideways, the outermost of each (visually hidden text, clipped
# to 1 px, and what is inside a box that scrolls sideways stay in their box), and boxes that scroll
# sideways. A chart's are the charts' own test's: the map keeps a readable size and scrolls in its
# figure, saying so.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth, found = [];
  const held = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== "visible") return true; return false; };
  const name = e => `<${e.tagName.toLowerCase()} class="${e.getAttribute("class") || ""}">`;
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.left < -1 || r.right > width + 1) && !held(e) && !found.some(f => f.contains(e)))
      found.push(e);
    else if (getComputedStyle(e).overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1 && r.width > 1
             && !e.closest(".chart"))
      found.push(e);
  }
  return found.map(e => `${name(e)} from ${Math.round(e.getBoundingClientRect().left)}`
    + ` to ${Math.round(e.getBoundingClientRect().right)}px, ${e.scrollWidth}px of content`);
}"""


def fit_and_load_problems(page: Page, watch: Watch, path: str) -> list[str]:
    """What is wrong with the page just loaded: sideways scrolling, elements wider than the screen, and
    what `watch` saw while it loaded (emptied for the next page)."""
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{path}: scrolls sideways by {overflow}px")
    problems += [f"{path}: {element} is wider than the screen" for element in page.evaluate(TOO_WIDE)]
    problems += [f"{path}: {p}" for p in watch.problems]
    watch.problems.clear()
    return problems


def test_every_page_loads_cleanly_and_fits_a_phone(browser: Browser, server: str, site: Path) -> None:
    """At the narrowest phone width; at 390 px the axe-core pass below checks the same on the same load."""
    problems = []
    context = browser.new_context(viewport={"width": min(PHONES), "height": 800})
    for path in all_pages(site):
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(server + path, wait_until="load")
        problems += fit_and_load_problems(page, watch, path)
        page.close()
    context.close()
    assert len(all_pages(site)) > 40
    assert problems == []


@pytest.mark.parametrize("width", PHONES)
def test_phone_menu_is_folded_and_opens_from_the_keyboard(browser: Browser, server: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + "kabupaten/lamandau.html")
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 130, header  # it took about 220 px unfolded
    assert not page.get_by_role("link", name="Tahapan", exact=True).is_visible()
    for _ in range(4):  # the skip link, the site's name, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Tahapan", exact=True).is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Beranda"
    page.keyboard.press("Enter")
    page.wait_for_url(server + "index.html")
    page.close()


def test_desktop_menu_is_open_without_a_button(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "en/index.html")
    assert page.get_by_role("link", name="Milestones", exact=True).is_visible()
    assert not page.locator("summary", has_text="Menu").is_visible()
    page.close()


@pytest.mark.parametrize("width", PHONES)
def test_a_values_year_stays_on_its_row_on_a_phone(browser: Browser, server: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    for path in ("index.html", "en/index.html"):
        page.goto(server + path)
        rows = page.evaluate("""() => [...document.querySelectorAll("td.num .muted")].map(year => {
            const value = document.createRange();
            value.selectNodeContents(year.parentElement.firstChild);
            return [year.parentElement.textContent.trim(), value.getClientRects()[0].top,
                    year.getBoundingClientRect().top]; })""")
        assert rows, path
        assert [text for text, value, year in rows if abs(value - year) > 2] == [], path
    page.close()


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


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_axe_finds_no_serious_or_critical_violation(browser: Browser, server: str, site: Path, name: str,
                                                     width: int) -> None:
    """On every page, both languages (a regency's page differs with what is known of it). On the same
    load, the page must load cleanly and, on a phone, fit the screen (every page at 390 px wide)."""
    assert AXE.exists(), "axe-core is needed: npm install --prefix tests/.node axe-core@4 (scripts/setup.sh --test)"
    page = browser.new_page(viewport={"width": width, "height": 800})
    watch = Watch(page, server)
    summary: dict[str, dict[str, int]] = {}
    serious = []
    problems: list[str] = []
    for path in all_pages(site):
        page.goto(server + path, wait_until="load")
        problems += fit_and_load_problems(page, watch, path) if width in PHONES else [
            f"{path}: {p}" for p in watch.problems]
        watch.problems.clear()
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
    (ARTIFACTS / f"axe-summary-{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    assert serious == []
    assert problems == []


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
    for path in ("index.html", "kabupaten/lamandau.html", "klinik/2025-cc7.html", "cari.html", "en/index.html"):
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


NOT_FOUND = "kabupaten/tidak/ada/halaman.html"  # a missing page three folders down


def check_not_found_page(browser: Browser, address: str) -> None:
    """The 404 page sent for a missing nested path is styled, and every link on it leads somewhere."""
    page = browser.new_page()
    watch = Watch(page, address)
    response = page.goto(address + NOT_FOUND)
    assert response is not None and response.status == 404
    assert page.locator("h1").text_content() == "Halaman tidak ditemukan"
    header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header == "rgb(11, 79, 108)"  # the stylesheet came: the header wears the site's colour
    links = page.evaluate("[...document.querySelectorAll('a[href]:not([href^=\"#\"])')].map(a => a.href)")
    assert len(links) > 10
    broken = [f"{link}: {status}" for link in links if (status := page.request.get(link).status) != 200]
    assert broken == []
    page.close()
    assert watch.problems == [f"HTTP 404: {address}{NOT_FOUND}",  # the page itself, as it should be
                              "console error: Failed to load resource: the server responded with a status of 404 "
                              "(Not Found)"]


def test_404_page_works_for_a_nested_missing_path(browser: Browser, server: str) -> None:
    check_not_found_page(browser, server)


def test_404_page_works_for_a_nested_missing_path_under_base_url(browser: Browser, tmp_path: Path,
                                                                 content_dir: Path) -> None:
    """Published below the server's root (as a GitHub project site is), with base_url saying where."""
    with web_server(tmp_path / "output", prefix="/progres/") as address:
        site_yaml = content_dir / "site.yaml"
        site_yaml.write_text(site_yaml.read_text().replace("base_url: null", f"base_url: {address}"))
        run_build(tmp_path, content_dir, pdf=False)
        check_not_found_page(browser, address)


@pytest.mark.parametrize(("path", "says"), [
    ("cari.html", "Pencarian tidak berfungsi bila situs dibuka langsung dari disk"),
    ("en/cari.html", "Search does not work when the site is opened straight from the disk"),
])
def test_search_page_opened_from_the_disk_says_how_to_serve_the_site(browser: Browser, site: Path, path: str,
                                                                     says: str) -> None:
    page = browser.new_page()
    watch = Watch(page, "file:///")
    page.goto((site / path).as_uri())
    note = page.locator("#cari-disk")
    assert note.is_visible()
    assert says in note.text_content() and "ssk-report serve" in note.text_content()
    assert page.locator("#cari input").count() == 0  # no search field left waiting forever
    assert watch.problems == []
    page.get_by_role("link", name="Coaching Clinic", exact=True).click()  # the rest of the page works
    assert page.url == (site / path).parent.joinpath("klinik", "index.html").as_uri()
    page.close()


@pytest.mark.parametrize("path", ["cari.html", "en/cari.html"])
def test_search_field_has_a_visible_label(browser: Browser, server: str, path: str) -> None:
    page = browser.new_page()
    page.goto(server + path)
    label = page.locator("label[for=cari-kata]")
    assert label.is_visible()
    assert page.locator("#cari input").get_attribute("id") == "cari-kata"
    # Pagefind's own placeholder is drawn at 20 % opacity (1.3:1); ours is legible, 4.5:1 on white.
    color, opacity = page.evaluate("""() => { const s = getComputedStyle(document.querySelector("#cari input"),
        "::placeholder"); return [s.color.match(/[0-9.]+/g).map(Number), Number(s.opacity)]; }""")
    assert contrast_on_white([channel * opacity + 255 * (1 - opacity) for channel in color[:3]]) >= 4.5
    page.close()


def contrast_on_white(rgb: list[float]) -> float:
    """WCAG 2's contrast ratio of a colour (0-255 per channel) against white."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


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


# ---- Issue 24: the indicator pages (with regency values), the accessibility statement ------------------

NEW_PAGES = ["indikator/index.html", "indikator/ald_layak.html", "indikator/babs.html", "indikator/desa_sbs.html",
             "en/indikator/ald_layak.html", "aksesibilitas.html", "en/aksesibilitas.html", "kabupaten/lamandau.html"]


@pytest.fixture(scope="module")
def valued_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled content with labelled synthetic regency values (so the rankings are drawn), served."""
    root = tmp_path_factory.mktemp("valued-site")
    shutil.copytree(CONTENT, root / "content")
    add_regency_values(root / "content")
    out = run_build(root, root / "content", pdf=False)
    with web_server(out) as address:
        yield address


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_new_pages_have_no_serious_axe_violation_fit_the_screen_and_are_photographed(
        browser: Browser, valued_server: str, name: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for path in NEW_PAGES:
        watch = Watch(page, valued_server)
        page.goto(valued_server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems += [f"{path}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
                     if v["impact"] in ("serious", "critical")]
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            problems.append(f"{path}: scrolls sideways")
        problems += [f"{path}: {element} is wider than the screen" for element in page.evaluate(TOO_WIDE)]
        problems += [f"{path}: {p}" for p in watch.problems]
        page.screenshot(path=str(folder / f"issue24-{path.replace('/', '_').removesuffix('.html')}-{name}.png"),
                        full_page=True)
    page.close()
    assert problems == []


def test_ranking_marks_and_focus_stay_visible_under_forced_colours(browser: Browser, valued_server: str) -> None:
    """Under a dark high-contrast theme the ranking's bars, target rule and labels are drawn in system
    colours apart from the canvas, and a focused link (a regency, a download) shows its outline."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.emulate_media(forced_colors="active", color_scheme="dark")
    page.goto(valued_server + "indikator/ald_layak.html")
    canvas_css = page.evaluate("getComputedStyle(document.body).backgroundColor")
    canvas = tuple(int(v) for v in canvas_css[canvas_css.index("(") + 1:-1].split(",")[:3])
    fills = page.evaluate("""() => [...document.querySelectorAll('#grafik-peringkat rect.rank, '
        + '#grafik-peringkat text')].map(e => getComputedStyle(e).fill)""")
    assert fills and canvas_css not in fills
    shares = {selector: _ink_share(page, selector, canvas) for selector in (
        "#grafik-peringkat rect.rank", "#grafik-peringkat line.target", "#grafik-peringkat text.target-label",
        "#grafik-peringkat .values text")}
    assert all(share > 0.08 for share in shares.values()), shares
    for selector in ("#grafik-peringkat a.chart-csv", "#grafik-peringkat tbody a"):
        page.focus(selector)  # then reached from the keyboard, as :focus-visible wants
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate(f"document.activeElement === document.querySelector({selector!r})")
        outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert outline[0] != "none" and outline[1] >= 2, (selector, outline)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "issue24-forced-colours-ranking.png"), full_page=True)
    page.close()


# ---- The browser editor (admin/) ------------------------------------------------------------------------
# On its test backend: Sveltia CMS's "test-repo", which keeps the repository's files in the browser's own
# storage (the origin private file system) and reads and writes them with the same code as its
# local-folder mode. The page's configuration is the one the build wrote, its backend set to the test
# one; the content is the Kalteng content, copied into the browser's storage first. What the editor
# writes is compared with what the round-trip tests (tests/test_admin.py) take it to write.

STORE = "sveltia-cms-test"  # the test backend's folder in the origin private file system
WRITE = """async ([folder, files]) => {
  let top = await navigator.storage.getDirectory();
  for (const name of folder.split('/')) top = await top.getDirectoryHandle(name, {create: true});
  for (const [path, text] of Object.entries(files)) {
    let here = top;
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) here = await here.getDirectoryHandle(part, {create: true});
    const writer = await (await here.getFileHandle(parts.at(-1), {create: true})).createWritable();
    await writer.write(text);
    await writer.close();
  }
}"""
READ = """async ([folder, path]) => {
  let here = await navigator.storage.getDirectory();
  const folders = [...folder.split('/'), ...path.split('/').slice(0, -1)];
  for (const name of folders) here = await here.getDirectoryHandle(name);
  return await (await (await here.getFileHandle(path.split('/').at(-1))).getFile()).text();
}"""
KALTENG = {f"content/{p.relative_to(CONTENT).as_posix()}": p.read_text() for p in sorted(CONTENT.rglob("*"))
           if p.is_file()}


@pytest.fixture(scope="module")
def editor(browser: Browser, server: str, site: Path) -> Iterator[tuple[Page, Watch]]:
    """The admin page, signed in to the test backend holding the Kalteng content, shared by this
    module's tests (each edits a file of its own); nothing from another host is fetched (such a
    request is refused and reported)."""
    assert (site / "admin" / "index.html").is_file(), INSTALL
    config = yaml.safe_load((site / "admin" / "config.yml").read_text())
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    context.route("**/admin/config.yml*", lambda route: route.fulfill(
        content_type="application/yaml", body=yaml.safe_dump({**config, "backend": {"name": "test-repo"}})))
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(server + "404.html")  # a light page of the same site: its storage is the editor's
    page.evaluate(WRITE, [STORE, KALTENG])
    page.goto(server + "admin/")
    page.get_by_role("button", name="Work with Test Repository").click()
    page.get_by_role("treeitem", name="Kabupaten/kota").wait_for()
    yield page, watch
    context.close()


def open_entry(page: Page, server: str, path: str) -> None:
    page.goto(f"{server}admin/#/collections/{path}")
    page.get_by_role("button", name="Save").wait_for()


def form_section(page: Page, name: str) -> Locator:
    """A top-level field's section of the open form. The editor draws a field only once it nears the
    view: the last one drawn is scrolled to until this one is."""
    section = page.locator(f"section[data-key-path='{name}']")
    for _ in range(30):
        if section.count():
            break
        page.locator("section[data-key-path]:not([data-key-path*='.'])").last.scroll_into_view_if_needed()
        page.wait_for_timeout(100)
    return section


def save(page: Page, folder: str, path: str) -> str:
    """Save the form; the file as written, once it differs from what it was (the "Entry saved." of an
    earlier save may still be showing)."""
    page.get_by_role("button", name="Save").click()
    before = KALTENG[path]
    for _ in range(100):
        with contextlib.suppress(PlaywrightError):  # read while the editor writes it
            saved: str = page.evaluate(READ, [folder, path])
            if saved != before:
                return saved
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was not saved")


def test_the_regency_collection_lists_the_14_regencies(editor: tuple[Page, Watch], content: Content) -> None:
    page, watch = editor
    page.get_by_role("treeitem", name="Kabupaten/kota").click()
    rows = page.get_by_role("grid", name="Entries").get_by_role("row")
    rows.first.wait_for()
    listed = [row.get_attribute("aria-label") or row.inner_text().strip() for row in rows.all()]
    assert listed == sorted(r.name for r in content.regencies)
    assert len(listed) == 14
    assert watch.problems == []


def test_a_regency_form_shows_the_models_fields_with_their_indonesian_labels(editor: tuple[Page, Watch],
                                                                            server: str, content: Content) -> None:
    page, watch = editor
    open_entry(page, server, f"{admin.REGENCIES}/entries/lamandau")
    fields = form_fields(content, "regency")
    for field in fields:
        section = form_section(page, field["name"])
        assert section.count() == 1, field["name"]
        assert section.get_by_text(field["label"], exact=True).first.is_visible(), field["name"]
    assert page.get_by_role("textbox", name="Ibu kota").input_value() == "Nanga Bulik"
    assert page.get_by_text("Kota pusat pemerintahan; kosong bila belum diketahui.").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-regency.png"))
    assert watch.problems == []


def test_an_edit_saved_through_the_form_changes_only_that_value_and_validates(
        editor: tuple[Page, Watch], server: str, site: Path, content: Content, tmp_path: Path) -> None:
    page, watch = editor
    open_entry(page, server, f"{admin.REGENCIES}/entries/katingan")
    page.get_by_role("textbox", name="Ibu kota").fill("Kasongan (uji)")
    saved = save(page, STORE, "content/regencies/katingan.yaml")
    original = KALTENG["content/regencies/katingan.yaml"]
    # The file is what the round-trip tests take the editor to write (tests/cms_save.mjs)
    edit = [["capital"], "Kasongan (uji)"]
    assert saved == cms_save(site / admin.FOLDER, content, [("regency", original, [edit])])[0]
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    (copy / "regencies" / "katingan.yaml").write_text(saved)
    assert main(["validate", "--content", str(copy)]) == 0
    edited = load_content(Settings(content_dir=copy))
    expected = [r.model_copy(update={"capital": "Kasongan (uji)"}) if r.slug == "katingan" else r
                for r in content.regencies]
    assert edited.model_dump() == content.model_copy(update={"regencies": expected}).model_dump()
    assert watch.problems == []


@pytest.mark.parametrize(("kind", "path", "entry", "label", "value", "edit"), [
    ("clinic", "content/clinics/2025-cc7.yaml", f"{admin.CLINICS}/entries/2025-cc7", "Kota", "Palangka Raya (uji)",
     [["city"], "Palangka Raya (uji)"]),
    ("sources", "content/sources.yaml", f"{admin.SETTINGS}/entries/sumber", None, None, None),
    ("page", "content/pages/tentang.md", f"{admin.PAGES}/entries/tentang", "Judul", "Tentang Situs Ini (uji)",
     [["title"], "Tentang Situs Ini (uji)"]),
])
def test_other_forms_save_as_the_round_trip_tests_expect(editor: tuple[Page, Watch], server: str, site: Path,
                                                         content: Content, kind: str, path: str, entry: str,
                                                         label: str | None, value: str | None, edit: Any) -> None:
    """A clinic (dates, lists, texts, relations), the list of sources and a page (one file per
    language): saved by the form as tests/cms_save.mjs saves them."""
    page, watch = editor
    open_entry(page, server, entry)
    if label is None:  # a list of records, folded: the first is opened
        page.get_by_role("button", name="Expand All").first.click()
        label, value, edit = "Judul", "Judul uji", [["sources", 0, "title"], "Judul uji"]
    page.get_by_role("textbox", name=label).first.fill(value)
    saved = save(page, STORE, path)
    original = KALTENG[path]
    if kind == "page":  # the editor's own format: the edit made by hand, as a person would
        expected = original.replace("title: Tentang Situs Ini\n", f"title: {value}\n")
        assert expected != original
        assert saved == cms_save(site / admin.FOLDER, content, [("page", expected, [])])[0] == expected
        assert page.evaluate(READ, [STORE, "content/pages/tentang.en.md"]) == KALTENG["content/pages/tentang.en.md"]
    else:
        assert saved == cms_save(site / admin.FOLDER, content, [(kind, original, [edit])])[0]
    assert watch.problems == []


def test_on_a_laptop_the_editor_works_on_the_repository_folder(browser: Browser, server: str, site: Path,
                                                               content: Content) -> None:
    """The Kalteng site names no git host: on this machine's address (as `ssk-report serve` serves
    it) the page offers the local-folder mode only, with the configuration the build wrote. The
    folder a person would pick is played by a folder of the browser's own storage."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())
    context.add_init_script("window.showDirectoryPicker = async () =>"
                            " (await navigator.storage.getDirectory()).getDirectoryHandle('ssk-report');")
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(server + "404.html")
    page.evaluate(WRITE, ["ssk-report", {**KALTENG, ".git/HEAD": "ref: refs/heads/main\n"}])
    page.goto(server + "admin/")
    page.get_by_role("button", name="Work with Local Repository").wait_for()
    assert [b.inner_text() for b in page.get_by_role("button").all() if b.is_visible()] == [
        "Work with Local Repository"]  # not the git host's sign-in: none is configured
    page.get_by_role("button", name="Work with Local Repository").click()
    open_entry(page, server, f"{admin.REGENCIES}/entries/seruyan")
    page.get_by_role("textbox", name="Ibu kota").fill("Kuala Pembuang (uji)")
    saved = save(page, "ssk-report", "content/regencies/seruyan.yaml")
    original = KALTENG["content/regencies/seruyan.yaml"]
    edit = [["capital"], "Kuala Pembuang (uji)"]
    assert saved == cms_save(site / admin.FOLDER, content, [("regency", original, [edit])])[0]
    assert watch.problems == []
    context.close()


def test_published_without_a_git_host_the_page_says_how_to_edit_on_a_laptop(browser: Browser,
                                                                            site: Path) -> None:
    """At the site's public address, with no git host to sign in to, the page explains instead of
    starting an editor that cannot save anywhere."""
    public = "https://kalteng.example/"

    def published(route: Route) -> None:
        path = route.request.url.removeprefix(public)
        route.fulfill(path=site / (path + "index.html" if path.endswith("/") else path))

    context = browser.new_context()
    context.route(f"{public}**", published)
    page = context.new_page()
    page.goto(f"{public}admin/")
    note = page.locator("#ssk-local-only")
    assert note.is_visible() and "ssk-report serve" in note.inner_text()
    assert page.get_by_role("button").count() == 0
    context.close()
