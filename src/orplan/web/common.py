"""Shared helpers of the pages: the app's state, the author, rendering, refusals."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import HTTPException, Request, UploadFile
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.responses import Response

from orplan.report.jinja import loader as report_loader
from orplan.web.jobs import JobManager
from orplan.web.settings import WebSettings
from orplan.web.store import Draft, ScenarioRow, Store, Version, Workspace

__all__ = [
    "AUTHOR_COOKIE",
    "ConflictError",
    "author_of",
    "jobs_of",
    "load",
    "read_upload",
    "render",
    "settings_of",
    "store_of",
    "templates",
]

AUTHOR_COOKIE = "orplan_author"

# Autoescape on for every template: scenario names, case ids and reasons are user text.
# The report's templates come after the app's own, so pages can include the report's day view.
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("orplan.web", "templates"), report_loader()]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)


class ConflictError(Exception):
    """A change that the current state refuses (409): a newer version, a broken plan."""

    def __init__(self, message: str, workspace_id: int | None = None) -> None:
        super().__init__(message)
        self.workspace_id = workspace_id


def store_of(request: Request) -> Store:
    """The app's database."""
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    """The app's settings."""
    settings: WebSettings = request.app.state.settings
    return settings


async def read_upload(request: Request, upload: UploadFile) -> bytes:
    """The bytes of an uploaded file; one larger than ``max_upload`` is refused (413)."""
    limit = settings_of(request).max_upload
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"upload too large: the limit is {limit:,} bytes")
    return data


def jobs_of(request: Request) -> JobManager:
    """The app's job manager."""
    jobs: JobManager = request.app.state.jobs
    return jobs


def author_of(request: Request, given: str | None = None) -> str:
    """Who is acting: the name typed in the form, else the name cookie, else 'planner'."""
    name = (given or request.cookies.get(AUTHOR_COOKIE) or "planner").strip()
    return " ".join(name.split())[:100] or "planner"


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render a template with the CSRF token and the author's name."""
    base = {"csrf": getattr(request.state, "csrf", ""), "author": author_of(request)}
    return templates.TemplateResponse(request, name, base | context, status_code=status_code)


def load(db: Session, kind: type[Any], key: int) -> Any:
    """The row with this id, or 404."""
    row = db.get(kind, key)
    if row is None:
        names = {
            Draft: "draft",
            Version: "version",
            Workspace: "workspace",
            ScenarioRow: "scenario",
        }
        raise HTTPException(404, f"no {names.get(kind, 'row')} {key}")
    return row
