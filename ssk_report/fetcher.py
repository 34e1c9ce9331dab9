"""What WeasyPrint may read while it renders a PDF: files inside the allowed folders, and data: URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ContentFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint publishes no types
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
