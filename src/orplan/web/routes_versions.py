"""The versions pages: history, diff of two versions, publish, a new draft from a version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import JSONResponse, RedirectResponse, Response

from orplan.web.common import ConflictError, author_of, load, render, store_of
from orplan.web.security import check_csrf
from orplan.web.store import Audit, Draft, ScenarioRow, Version, Workspace
from orplan.web.versioning import publish
from orplan.web.workbench import diff_plans, plan_from_json

router = APIRouter()
CSRF = [Depends(check_csrf)]


@router.get("/workspaces/{space_id}/versions")
def history(request: Request, space_id: int) -> Response:
    """Every version of a workspace, newest first, with the audit log."""
    with store_of(request).session() as db:
        space = load(db, Workspace, space_id)
        versions = db.scalars(
            select(Version).where(Version.workspace_id == space_id).order_by(Version.id.desc())
        ).all()
        audit = db.scalars(
            select(Audit).where(Audit.workspace_id == space_id).order_by(Audit.id.desc()).limit(200)
        ).all()
        # Ids and authors only: a draft row holds a whole scenario and plan (slow to load
        # dozens of them, measured by benchmarks/web/bench_load.py).
        drafts = db.execute(
            select(Draft.id, Draft.author).where(Draft.workspace_id == space_id).order_by(Draft.id)
        ).all()
    # The version patients are told about: the one published last (earlier ones stay marked).
    published = [(v.published_at, v.id) for v in versions if v.published_at is not None]
    current = max(published)[1] if published else None
    context = {
        "space": space,
        "versions": versions,
        "audit": audit,
        "drafts": drafts,
        "current": current,
    }
    return render(request, "versions.html", context)


@router.get("/workspaces/{space_id}/diff")
def diff(request: Request, space_id: int, a: int, b: int) -> Response:
    """Cases moved, added or cancelled from version ``a`` to version ``b``."""
    with store_of(request).session() as db:
        space = load(db, Workspace, space_id)
        old, new = load(db, Version, a), load(db, Version, b)
    rows = diff_plans(plan_from_json(old.plan_json), plan_from_json(new.plan_json))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"a": a, "b": b, "rows": [r.__dict__ for r in rows]})
    return render(request, "diff.html", {"space": space, "old": old, "new": new, "rows": rows})


@router.get("/versions/{version_id}/plan.json")
def plan_file(request: Request, version_id: int) -> Response:
    """The version's plan.json (for ``orplan check`` or ``orplan replan``)."""
    with store_of(request).session() as db:
        version = load(db, Version, version_id)
    return Response(
        version.plan_json,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="plan-v{version_id}.json"'},
    )


@router.post("/versions/{version_id}/publish", dependencies=CSRF)
def publish_version(request: Request, version_id: int) -> Response:
    """Publish a version: refused (409) when the checker finds violations (the refusal is
    audited too: who tried to tell patients about a broken plan)."""
    store = store_of(request)
    who = author_of(request)
    with store.session() as db:
        version = load(db, Version, version_id)
        try:
            publish(store, db, version, who)
        except ConflictError as exc:
            db.rollback()
            store.audit(db, who, "publish-refused", version.workspace_id, str(exc))
            db.commit()
            raise
        db.commit()
    return RedirectResponse(f"/workspaces/{version.workspace_id}/versions", status_code=303)


@router.post("/versions/{version_id}/draft", dependencies=CSRF)
def draft_from(request: Request, version_id: int, author: Annotated[str, Form()] = "") -> Response:
    """A new draft starting from a version (e.g. the newest, after a conflict)."""
    who = author_of(request, author)
    store = store_of(request)
    with store.session() as db:
        version = load(db, Version, version_id)
        row = load(db, ScenarioRow, version.scenario_id)
        draft = Draft(
            workspace_id=version.workspace_id,
            base_version_id=version.id,
            author=who,
            scenario_json=row.body,
            plan_json=version.plan_json,
            note=f"started from version {version.id}",
        )
        db.add(draft)
        db.flush()
        store.audit(
            db, who, "draft", version.workspace_id, f"draft {draft.id} from version {version.id}"
        )
        db.commit()
    return RedirectResponse(f"/drafts/{draft.id}", status_code=303)
