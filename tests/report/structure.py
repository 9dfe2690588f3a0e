"""A report's structure in a few numbers, to compare a rendering against a stored baseline.

The baseline (``data/baseline_structure.json``) was taken from the f-string renderer before
the report moved to Jinja2 templates; the templates must keep every section, id, case mark
and heading.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.ids: list[str] = []
        self.cases: Counter[str] = Counter()
        self.tags: Counter[str] = Counter()
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags[tag] += 1
        if found.get("id"):
            self.ids.append(str(found["id"]))
            if tag == "section":
                self.sections.append(str(found["id"]))
        if found.get("data-case"):
            self.cases[f"{tag}:{found['data-case']}"] += 1
        if tag in ("h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)


def outline(html: str) -> dict[str, Any]:
    """Sections in order, every id, case marks per element, element counts and headings."""
    parser = _Outline()
    parser.feed(html)
    return {
        "sections": parser.sections,
        "ids": parser.ids,
        "cases": dict(sorted(parser.cases.items())),
        "tags": dict(sorted(parser.tags.items())),
        "headings": parser.headings,
    }
