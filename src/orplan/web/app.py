"""The FastAPI app: ``create_app(settings)``, its error pages and the start page.

Pages are server-rendered Jinja2 templates (``templates/``); one small script
(``static/workbench.js``) polls job progress and moves cases by drag and drop. Nothing is
loaded from the network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.responses import JSONResponse, RedirectResponse, Response

from orplan.errors import OrplanError, ScenarioError
from orplan.web.common import (
    AUTHOR_COOKIE,
    ConflictError,
    author_of,
    read_upload,
    render,
    settings_of,
    store_of,
)
from orplan.web.jobs import JobManager
from orplan.web.security import TOKEN_COOKIE, Guard, check_csrf, same_secret
from orplan.web.settings import WebSettings
from orplan.web.store import Draft, Store, Workspace, default_db_url, open_store
from orplan.web.workbench import listed_scenario, parse_scenario, scenario_to_json

__all__ = ["create_app"]


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "text/html" not in accept


def _problem(request: Request, status: int, title: str, lines: list[str]) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": "\n".join(lines)}, status_code=status)
    return render(request, "error.html", {"title": title, "lines": lines}, status_code=status)


def create_app(settings: WebSettings | None = None, store: Store | None = None) -> FastAPI:
    """The workbench app.

    Parameters
    ----------
    settings
        Server settings (defaults: loopback, no token, SQLite under the user's data folder).
    store
        An opened database; by default :func:`~orplan.web.store.open_store` of
        ``settings.db_url``.

    Returns
    -------
    FastAPI
    """
    settings = settings or WebSettings()
    store = store or open_store(settings.db_url or default_db_url())
    jobs = JobManager(settings.max_jobs)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="orplan workbench", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings, app.state.store, app.state.jobs = settings, store, jobs
    app.add_middleware(Guard, settings=settings)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(ScenarioError)
    async def bad_input(request: Request, exc: ScenarioError) -> Response:
        return _problem(request, 400, "Bad input: nothing was stored", str(exc).splitlines())

    @app.exception_handler(OrplanError)
    async def refused(request: Request, exc: OrplanError) -> Response:
        return _problem(request, 400, "Refused: nothing was stored", str(exc).splitlines())

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, exc: ConflictError) -> Response:
        return _problem(request, 409, "Conflict: nothing was stored", [str(exc)])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _problem(request, exc.status_code, "Refused", [str(exc.detail)])

    from orplan.web.routes_draft import router as draft_router
    from orplan.web.routes_export import router as export_router
    from orplan.web.routes_live import router as live_router
    from orplan.web.routes_versions import router as versions_router

    app.include_router(draft_router)
    app.include_router(versions_router)
    app.include_router(live_router)
    app.include_router(export_router)
    _add_start_pages(app)
    return app


def _add_start_pages(app: FastAPI) -> None:
    @app.get("/")
    def index(request: Request) -> Response:
        with store_of(request).session() as db:
            spaces = db.scalars(select(Workspace).order_by(Workspace.id.desc())).all()
            drafts = {d.workspace_id: d.id for d in db.scalars(select(Draft).order_by(Draft.id))}
        files = list(settings_of(request).scenario_files())
        return render(request, "index.html", {"spaces": spaces, "drafts": drafts, "files": files})

    @app.get("/login")
    def login_page(request: Request) -> Response:
        return render(request, "login.html", {"error": ""})

    @app.post("/login")
    def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
        wanted = settings_of(request).token
        if not wanted or not same_secret(token, wanted):
            return render(request, "login.html", {"error": "wrong token"}, status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.post("/workspaces", dependencies=[Depends(check_csrf)])
    async def load_scenario(
        request: Request,
        author: Annotated[str, Form()] = "",
        pick: Annotated[str, Form()] = "",
        upload: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        settings = settings_of(request)
        if upload is not None and upload.filename:
            data = await read_upload(request, upload)
            source = Path(upload.filename).name
            scenario = parse_scenario(source, data)
        elif pick:
            # Only a name from the listing is accepted: the path is the server's own.
            path = settings.scenario_files().get(pick)
            if path is None:
                raise ScenarioError(pick, ["not one of the listed scenarios"])
            source = path.name
            assert settings.scenarios_dir is not None  # a listed file lies in it
            scenario = listed_scenario(path, settings.scenarios_dir)
        else:
            raise ScenarioError("scenario", ["choose a listed scenario or upload a file"])
        who = author_of(request, author)
        store = store_of(request)
        with store.session() as db:
            body = scenario_to_json(scenario)
            from orplan.scenario.io import scenario_digest

            row = store.scenario_row(db, scenario_digest(scenario), scenario.name, body)
            space = Workspace(name=scenario.name, source=source, scenario_id=row.id, author=who)
            db.add(space)
            db.flush()
            draft = Draft(workspace_id=space.id, author=who, scenario_json=body)
            db.add(draft)
            store.audit(db, who, "load", space.id, f"loaded {source} ({len(scenario.cases)} cases)")
            db.commit()
        response = RedirectResponse(f"/drafts/{draft.id}", status_code=303)
        response.set_cookie(AUTHOR_COOKIE, who, samesite="strict")
        return response
