"""Stage 4: Jinja turns each planned output into HTML; WeasyPrint turns print HTML into PDF bytes."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import i18n
from .errors import ContentError, Problem
from .markup import render_markdown
from .model import Content, Lang, Text
from .plan import Output, Plan, clinic_report_path, handout_path


def environment(templates: Path, lang: Lang = i18n.DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The one Jinja environment factory: autoescape for every file name, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # select_autoescape() would skip our .j2 names
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, url=_url, clinic_report_path=clinic_report_path, handout_path=handout_path)
    env.filters.update(
        t=lambda text: "" if text is None else (text.get(lang) if isinstance(text, Text) else str(text)),
        md=lambda text: Markup("") if text is None else render_markdown(text.get(lang) if isinstance(text, Text) else text),
        number=lambda value, digits=0: i18n.format_number(value, lang, digits),
        percent=lambda value, digits=2: i18n.format_percent(value, lang, digits),
        day=lambda value: i18n.format_day(value, lang),
        period=lambda start, end: i18n.format_period(start, end, lang),
    )
    return env


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link from the page being rendered to `target` (a path from the site root), kept relative so
    the site works from file:// and from any sub-path."""
    here = posixpath.dirname(context["output"].path)
    return posixpath.relpath(target, here or ".")


def render_html(env: jinja2.Environment, output: Output, content: Content, plan: Plan) -> str:
    template = env.get_template(output.template)
    return template.render(content=content, output=output, subject=output.subject, plan=plan)


class ContentFetcher(URLFetcher):
    """Lets WeasyPrint read files inside the allowed folders and data: URLs, nothing else.

    Refusals are collected so the build can report them, instead of WeasyPrint's silent skip.
    """

    def __init__(self, allowed: list[Path], source: str) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        self.source = source
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0].split("#")[0]).resolve()
            if any(path.is_relative_to(root) for root in self.allowed) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused: {url}")


def render_pdf(html: str, templates: Path, source: str) -> bytes:
    """Print HTML -> PDF bytes; relative links resolve inside `templates`, nothing outside it is read."""
    fetcher = ContentFetcher([templates], source)
    document = HTML(string=html, base_url=str(templates.resolve()) + "/", url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_identifier=source.encode(), custom_metadata=False)
    if fetcher.refused:
        raise ContentError([Problem(source, 1, 1, "", f"sumber daya di luar folder templat ditolak: {url}")
                            for url in fetcher.refused])
    return bytes(pdf)
