"""What every product shares: the render context, the units kept in the store, and their keys.

A product is a kind of output made from the plan: the open data files (opendata.py), the HTML pages
(pages.py), the search index (search.py) and the PDFs (pdfs.py). Each makes its output in units (a page,
a document, a search bundle, the data folder), and for every unit asks one question: is its key the key
it was made with last time? The key covers the code and templates, the unit's identity and a digest
of each input the unit read when it was last made (keys.py); if it is unchanged, the unit's files come
from the store, else the unit is made again and stored. Each product's `publish(out)` writes its files
into the staging folder and returns a Tally.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import keys
from .diff import ChangeLog
from .history import History
from .model import Content
from .plan import Output, Plan, content_for
from .store import Store
from .templating import CONTENT


@dataclass(frozen=True)
class Attached:
    """A file embedded in an archival PDF, dated so that the PDF stays byte-identical."""

    name: str
    data: bytes
    description: str
    date: dt.datetime


@dataclass(frozen=True)
class RenderContext:
    """Everything the templates of a build may read; shared, pickled, with the PDF workers."""

    content: Content
    plan: Plan
    history: History
    changes: ChangeLog
    templates: Path
    code: str  # keys.code_digest of the package and the templates
    content_label: str = "content"  # the content folder as the user names it, for messages
    downloads: Mapping[str, int] = field(default_factory=dict)  # open data files' sizes, for the Data page
    attachments: tuple[Attached, ...] = ()  # for the archival PDFs

    def variables(self, output: Output) -> dict[str, Any]:
        """The render variables of `output` (besides itself and its subject). A clinic's page and report
        see the content as it stood at their clinic (plan.content_for)."""
        return {CONTENT: content_for(output, self.content), "plan": self.plan, "history": self.history,
                "changes": self.changes, "downloads": self.downloads}


@dataclass(frozen=True)
class Tally:
    """How many units a product published, and how many of them it made (the rest came from the store)."""

    units: int = 0
    made: int = 0


class Units:
    """One product's units in the store, keyed by `key(unit, reads)`."""

    def __init__(self, store: Store, product: str, key: Callable[[str, tuple[str, ...]], str]) -> None:
        self.store, self.product, self.key = store, product, key
        self.seen: set[str] = set()

    def reuse(self, unit: str) -> dict[str, bytes] | None:
        """The unit's files as made before, if its key is unchanged and its files are intact."""
        self.seen.add(unit)
        entry = self.store.entry(self.product, unit)
        if entry is None or entry.key != self.key(unit, entry.reads):
            return None
        return self.store.files(entry)

    def keep(self, unit: str, reads: tuple[str, ...], files: dict[str, bytes]) -> None:
        self.seen.add(unit)
        self.store.put(self.product, unit, self.key(unit, reads), reads, files)

    def close(self) -> None:
        """Forget the units this build did not make or reuse (a removed regency's page)."""
        self.store.keep_only(self.product, self.seen)


def template_key(context: RenderContext, hasher: keys.Hasher, output: Output, reads: tuple[str, ...]) -> str:
    """The key of an output made by a template: the code, the output's identity and subject, and each
    render variable or content attribute its templates read (see templating.Recorder)."""
    variables = context.variables(output)
    parts = [context.code, repr((output.path, output.template, output.lang, output.key, output.variant,
                                 output.archive)), hasher.digest(output.subject)]
    if output.archive:  # the archival copy carries the content files
        parts.append(hasher.digest(context.attachments))
    for name in reads:
        if name == CONTENT:
            value = variables[CONTENT]
        elif name.startswith(f"{CONTENT}."):
            value = getattr(variables[CONTENT], name.removeprefix(f"{CONTENT}."), _MISSING)
        elif name in variables:
            value = variables[name]
        else:
            continue  # a global (url, _, a macro module): part of the code
        try:
            parts.append(f"{name}={hasher.digest(value)}")
        except TypeError:  # a method of the content: it may read any of it
            parts.append(f"{name}={hasher.digest(variables[CONTENT])}")
    return keys.combine(parts)


_MISSING = "(missing)"


def replace_downloads(context: RenderContext, sizes: Mapping[str, int]) -> RenderContext:
    return dataclasses.replace(context, downloads=dict(sizes))
