"""The HTML pages (and the site's other text files: feed, sitemap, robots.txt), and the static assets.

Pages render in this process, one by one: with the charts' geometry computed in Python a page takes a
few milliseconds, and a pool of processes would cost more CPU (starting, receiving the content) than it
saves in time. A page is made again only when something it read has changed (products.template_key).
Each chart a page draws is also written as an SVG file beside it, cut from the page (chart_files).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from . import keys
from .model import Lang
from .plan import Output
from .products import RenderContext, Tally, Units, template_key
from .publish import Staging
from .store import Store
from .templating import SiteEnvironment, render


class Pages:
    def __init__(self, context: RenderContext, envs: dict[Lang, SiteEnvironment]) -> None:
        self.context, self.envs = context, envs

    def publish(self, out: Staging, store: Store) -> Tally:
        context, hasher = self.context, keys.Hasher()
        name = flavour("pages", context)
        units = Units(store, name, lambda unit, reads: template_key(context, hasher, context.plan.by_path[unit], reads))
        made = 0
        for page in context.plan.pages:
            files = units.reuse(page.path)
            if files is None:
                reads: set[str] = set()
                html = render(self.envs[page.lang], page, context.variables(page), reads)
                files = {page.path: html.encode(), **chart_files(page, html)}
                units.keep(page.path, tuple(sorted(reads)), files)
                made += 1
            for path, data in files.items():
                out.write(path, data)
        units.close()
        copy_static(context.templates / "static", out)
        return Tally(len(context.plan.pages), made)


# A chart the page draws, marked with the name of the file its picture also goes to (issue 24; see
# templating._chart_svg): cut from the page's own markup, the file is the very picture the page shows.
# A chart's SVG holds no other <svg>.
_CHART = re.compile(r'<svg class="chart-svg" data-file="([a-z0-9_.-]+\.svg)".*?</svg>', re.DOTALL)


def chart_files(page: Output, html: str) -> dict[str, bytes]:
    """The pictures of the charts on a page, as SVG files beside it (so the map's links still lead to
    the regencies' pages)."""
    folder = posixpath.dirname(page.path)
    return {posixpath.join(folder, found[1]): b'<?xml version="1.0" encoding="UTF-8"?>\n' + found[0].encode() + b"\n"
            for found in _CHART.finditer(html)}


def flavour(product: str, context: RenderContext) -> str:
    """A product's name in the store. A site with PDFs links them from its pages, so it is kept apart:
    the preview's website-only builds and its full builds in the background do not undo each other."""
    return f"{product}+pdf" if context.plan.documents else product


def copy_static(source: Path, out: Staging, prefix: str = "assets") -> None:
    """The theme's static files (CSS, icons), as they are."""
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out.write(f"{prefix}/{path.relative_to(source).as_posix()}", path.read_bytes())
