"""Markdown from content files -> HTML that is safe to publish.

Python-Markdown passes raw HTML, `<script>` and `javascript:` links through untouched, so its output
is always cleaned by nh3 (an allow-list sanitiser) before a template may mark it safe.
"""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown -> sanitised HTML. Headings start at h2: the page template owns the h1."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
