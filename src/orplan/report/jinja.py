"""The Jinja2 environment of the report's templates (``orplan/report/templates``).

Autoescape is on for every template, whatever its name: scenario names, case ids, surgeons and
reasons are user text. ``StrictUndefined`` turns a field a template expects but the view does
not give into an error instead of a silently empty cell.
"""

from __future__ import annotations

from functools import cache

import jinja2

__all__ = ["TEMPLATES", "environment", "loader"]

TEMPLATES = "templates"
"""Folder of the templates inside the ``orplan.report`` package."""


def loader() -> jinja2.BaseLoader:
    """A loader for the report's templates (the web app chains it after its own)."""
    return jinja2.PackageLoader("orplan.report", TEMPLATES)


@cache
def environment() -> jinja2.Environment:
    """The shared environment (built once; templates are compiled on first use)."""
    return jinja2.Environment(
        loader=loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
