"""Jinja: the one environment factory, the filters and link helpers, and the record of what a template
read (which is what a page's or a PDF's key is made of; see keys.py).

While an output renders, the environment notes which render variables its templates look up
(`history`, `downloads`, …) and which attributes of `content` they read (`content.statuses`, …). An
output whose recorded inputs are all unchanged would read the same values and make the same bytes.
A method of the content called from a template (`content.status_of(…)`) is noted as reading all of
the content.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import chartdata, charts, diff, i18n, plan
from .markup import render_markdown
from .model import Clinic, Content, Lang, Regency, Text
from .plan import Output, Plan
from .tabular import number_text

CONTENT = "content"  # the render variable whose attributes are recorded one by one; as a read: all of it


@dataclass
class Recorder:
    """Installed on an environment while one output renders."""

    content: Any
    reads: set[str] = field(default_factory=set)


class SiteEnvironment(jinja2.Environment):
    recorder: Recorder | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.recorder is not None and obj is self.recorder.content:
            self.recorder.reads.add(f"{CONTENT}.{attribute}")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recorder is not None and obj is self.recorder.content and isinstance(argument, str):
            self.recorder.reads.add(f"{CONTENT}.{argument}")
        return super().getitem(obj, argument)


class _RecordingContext(jinja2.runtime.Context):
    """Notes each variable a template (or a macro module imported with context) looks up; `content`
    itself only where it is handed whole to Python code (a global function), which may read any of it."""

    environment: SiteEnvironment

    def resolve_or_missing(self, key: str) -> Any:
        if self.environment.recorder is not None and key != CONTENT:  # its attributes are noted one by one
            self.environment.recorder.reads.add(key)
        return super().resolve_or_missing(key)

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = __self.environment.recorder
        if recorder is not None and type(__obj) is not _MACRO:  # a page makes hundreds of calls: kept cheap
            content = recorder.content
            for value in (*args, *kwargs.values()) if kwargs else args:
                if value is content:
                    recorder.reads.add(CONTENT)
        return super().call(__obj, *args, **kwargs)


_MACRO = jinja2.runtime.Macro
SiteEnvironment.context_class = _RecordingContext


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates shared by the environments of one build, in memory only: each template is
    compiled once, not once per language (a fifth of a one-regency rebuild at 514 regencies)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def environment(templates: Path, lang: Lang = i18n.DEFAULT_LANGUAGE,
                compiled: jinja2.BytecodeCache | None = None) -> SiteEnvironment:
    """Autoescape for every file name, undefined names are errors, UI strings and formatting in `lang`."""
    env = SiteEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=compiled,
        autoescape=True,  # select_autoescape() would skip our .j2 names
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # text files (robots.txt) end with a newline
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    translate = _translator(lang)
    env.globals.update(_=translate, gettext=translate)
    untranslated = env.get_template("partials/_untranslated.html.j2")

    def text(value: Text | str | None, markdown: bool = False) -> Markup | str:
        """A content text in `lang`; Indonesian, visibly marked, where the translation is missing."""
        if value is None:
            return Markup("") if markdown else ""
        if isinstance(value, str):
            return render_markdown(value) if markdown else value
        shown = value.get(lang)
        body = render_markdown(shown) if markdown else shown
        if lang != i18n.DEFAULT_LANGUAGE and value.en is None:
            return Markup(untranslated.render(body=body, block=markdown, lang=lang))  # noqa: S704 - autoescaped
        return body

    env.globals.update(
        charts=charts,
        lang=lang,
        languages=i18n.LANGUAGES,
        url=_url,
        alternate=_alternate,
        clinic_report_path=lambda slug: plan.clinic_report_path(slug, lang),
        volume_path=lambda slug, province: plan.volume_path(slug, province, lang),
        handout_path=lambda slug: plan.handout_path(slug, lang),
        chart_csv=chartdata.csv_path,  # the figures beside a chart (issue 24)
        chart_svg=_chart_svg,
    )
    env.filters.update(
        describe=lambda change: diff.describe(change, lang),
        t=text,
        md=lambda value: text(value, markdown=True),
        name=lambda regency: (i18n.regency_name(regency.type, regency.name, lang)
                              if isinstance(regency, Regency) else ""),
        fullname=lambda regency: (i18n.regency_full_name(regency.type, regency.name, lang)
                                  if isinstance(regency, Regency) else ""),
        clinic_title=lambda clinic: i18n.clinic_title(clinic.number, clinic.cycle_year, lang)
        if isinstance(clinic, Clinic) else "",
        clinic_short=lambda clinic: i18n.clinic_short(clinic.number, clinic.cycle_year, lang)
        if isinstance(clinic, Clinic) else "",
        number=lambda value, digits=0: i18n.format_number(value, lang, digits),
        percent=lambda value, digits=2: i18n.format_percent(value, lang, digits),
        money=lambda value: i18n.format_money(value, lang),
        day=lambda value: i18n.format_day(value, lang),
        month=lambda year, month: i18n.format_month(year, month, lang),
        filesize=lambda size: i18n.format_size(size, lang),
        period=lambda start, end: i18n.format_period(start, end, lang),
        raw=number_text,  # a number as the CSV files write it: a data table cell's machine-readable value
        url_parts=url_parts,
    )
    return env


def url_parts(address: str) -> list[str]:
    """A web address in the pieces a line may break between: each ends with its "/" or "." (a run of
    them, so "https://" stays whole), the last with the address."""
    return [piece for piece in re.findall(r"[^/.]*(?:[/.]+|$)", address) if piece]


def _translator(lang: Lang) -> Callable[..., Markup]:
    """`_()` for templates, as Jinja's newstyle gettext behaves (the message is trusted markup, its
    %(name)s values are escaped) but a few times cheaper: a page calls it hundreds of times, and
    the extension's version goes through two context calls per message."""
    catalogue = i18n.translations(lang)

    @cache
    def message(text: str) -> Markup:
        return Markup(catalogue.gettext(text))  # noqa: S704 - our own reviewed catalogue, as Jinja's i18n does

    def translate(text: str, **values: Any) -> Markup:
        return message(text) % values if values else message(text)

    return translate


def environments(templates: Path) -> dict[Lang, SiteEnvironment]:
    compiled = _Compiled()
    return {lang: environment(templates, lang, compiled) for lang in i18n.LANGUAGES}


def render(env: SiteEnvironment, output: Output, variables: Mapping[str, Any], reads: set[str] | None = None) -> str:
    """`output` made by its template; with `reads`, what the templates read is added to it."""
    template = env.get_template(output.template)
    if reads is not None:
        env.recorder = Recorder(variables[CONTENT], reads)
    try:
        return template.render(variables, output=output, subject=output.subject)
    finally:
        env.recorder = None


# Paths that are the same file for every language: shared assets, the open data downloads and the
# (already localised) PDFs.
_UNPREFIXED = ("assets/", "pagefind/", "data/", *(f"{folder}/" for folder in plan.REPORTS.values()))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link from the page being rendered to `target`, kept relative so the site works from file://
    and from any sub-path. `target` is a page as in the Indonesian edition ("kabupaten/index.html"):
    the link goes to the same page in the current page's language."""
    output: Output = context["output"]
    if not target.startswith(_UNPREFIXED):
        target = plan.PREFIX[output.lang] + target
    if output.key == "404.html":
        return _root(context) + target
    return relative(target, posixpath.dirname(output.path))


def _root(context: jinja2.runtime.Context) -> str:
    """Where the 404 page's links start. A web server sends that page for a missing path at any
    depth, where no relative link reaches the site: its links start at the site's address when it
    is known, else at the server's root (as MkDocs does; the README says so)."""
    content: Content = context[CONTENT]
    base_url = content.site.base_url
    return (base_url.rstrip("/") if base_url else "") + "/"


def relative(target: str, here: str) -> str:
    """posixpath.relpath(target, here or "."), in a fraction of its time for the plain relative paths
    of our pages (a national site's pages link tens of thousands of times); a path with an empty,
    "." or ".." part, or a target that holds `here`, goes to relpath itself."""
    parts, base = target.split("/"), here.split("/") if here else []
    if not _PLAIN.isdisjoint(parts) or not _PLAIN.isdisjoint(base) or f"{here}/".startswith(f"{target}/"):
        return posixpath.relpath(target, here or ".")
    common = 0
    while common < len(base) and common < len(parts) - 1 and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:])


_PLAIN = frozenset(("", ".", ".."))


@jinja2.pass_context
def _chart_svg(context: jinja2.runtime.Context, figure: str) -> str:
    """The file of a chart's picture, beside the page that draws it (its figure's id after the page's
    name): pages.py writes it from the page's markup, and the map's links keep working in it."""
    output: Output = context["output"]
    return f"{posixpath.basename(output.path).removesuffix('.html')}-{figure}.svg"


@jinja2.pass_context
def _alternate(context: jinja2.runtime.Context, lang: Lang) -> str | None:
    """A link to this same page in `lang`, or None when that edition is not built."""
    output: Output = context["output"]
    site_plan: Plan = context["plan"]
    target = site_plan.path_in(output, lang)
    if target is None:
        return None
    if output.key == "404.html":
        return _root(context) + target
    return posixpath.relpath(target, posixpath.dirname(output.path) or ".")
