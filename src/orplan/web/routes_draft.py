"""The draft pages: the day view, moves, pins, solve / re-solve the rest, replan, save."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from orplan.check import CheckReport, check
from orplan.errors import PlanInvalidError, ScenarioError
from orplan.plan.model import Plan
from orplan.report.view_days import day_panel
from orplan.scenario.model import Scenario
from orplan.web.common import (
    AUTHOR_COOKIE,
    ConflictError,
    author_of,
    jobs_of,
    load,
    read_upload,
    render,
    settings_of,
    store_of,
)
from orplan.web.dayfilter import surgeon_filter
from orplan.web.display import shown_changes, shown_scenario
from orplan.web.jobs import Job
from orplan.web.security import check_csrf
from orplan.web.store import Draft, Store, Workspace
from orplan.web.versioning import save_version
from orplan.web.workbench import (
    aligned,
    hhmm,
    move_case,
    parse_clock,
    parse_events,
    pin_case,
    plan_from_json,
    plan_text,
    scenario_from_json,
    scenario_to_json,
    unpin_case,
)

router = APIRouter()
CSRF = [Depends(check_csrf)]


def _state(draft: Draft) -> tuple[Scenario, Plan | None, CheckReport | None]:
    scenario = scenario_from_json(draft.scenario_json)
    plan = plan_from_json(draft.plan_json) if draft.plan_json else None
    return scenario, plan, check(scenario, plan) if plan is not None else None


def _idle(request: Request, draft_id: int) -> None:
    job = jobs_of(request).active(draft_id)
    if job is not None:
        raise ConflictError(
            f"a {job.kind} is running on this draft (job {job.id}): wait for it or cancel it first"
        )


def _back(draft_id: int, day: str = "") -> Response:
    query = f"?day={day}" if day else ""
    return RedirectResponse(f"/drafts/{draft_id}{query}", status_code=303)


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, draft_id: int, day: str = "", job: int = 0) -> Response:
    """The workbench: day view, unscheduled cases, violations, forms."""
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
        space = load(db, Workspace, draft.workspace_id)
        head = store.head(db, space.id)
    scenario, plan, report = _state(draft)
    dates = scenario.dates()
    date = next((d for d in dates if d.isoformat() == day), dates[0])
    entries = {e.case: e for e in plan.cases} if plan else {}
    waiting = [
        (c, entries[c.id].reason if c.id in entries else "not planned yet")
        for c in scenario.cases
        if c.id not in entries or not entries[c.id].scheduled
    ]
    running = jobs_of(request).get(job) if job else jobs_of(request).active(draft_id)
    hooks = {"draft": draft.id, "csrf": getattr(request.state, "csrf", ""), "day": date.isoformat()}
    # The one drawing of the day (the report's day view), with the drag-and-drop hooks;
    # patient ids as the pseudonymise setting wants them shown.
    shown = shown_scenario(request, scenario)
    dayview = day_panel(shown, plan, report, date, hooks) if plan and report else None
    context: dict[str, Any] = {
        "draft": draft,
        "space": space,
        "head": head,
        "scenario": shown,
        "plan": plan,
        "report": report,
        "dates": dates,
        "day": date,
        "dayview": dayview,
        "waiting": waiting,
        "pins": [c for c in scenario.cases if c.pinned is not None],
        "sessions": [s for s in scenario.sessions if s.date == date],
        "job": running.as_dict() if running else None,
        "changes": shown_changes(request, json.loads(draft.changes_json or "[]")),
        "booking": json.loads(draft.suggestions_json) if draft.suggestions_json else None,
        "filter": surgeon_filter(scenario, plan, date),
        "hhmm": hhmm,
        "stale": head is not None and head.id != draft.base_version_id,
    }
    return render(request, "draft.html", context)


@router.get("/api/drafts/{draft_id}")
def draft_json(request: Request, draft_id: int) -> Response:
    """The draft as JSON: plan, violations in words, pins, base and newest version."""
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
        head = store.head(db, draft.workspace_id)
    scenario, plan, report = _state(draft)
    return JSONResponse(
        {
            "id": draft.id,
            "workspace": draft.workspace_id,
            "base_version": draft.base_version_id,
            "head_version": head.id if head else None,
            "note": draft.note,
            "plan": plan.model_dump(mode="json") if plan else None,
            "violations": [v.model_dump() for v in report.violations] if report else [],
            "cost": report.cost.total if report else None,
            "pins": [c.id for c in scenario.cases if c.pinned is not None],
            "changes": shown_changes(request, json.loads(draft.changes_json or "[]")),
        }
    )


def _edit(
    request: Request, draft_id: int, author: str, action: str, detail: str, change: Any
) -> None:
    """Apply ``change(scenario, plan) -> (scenario, plan)`` to a draft, with an audit row."""
    _idle(request, draft_id)
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
        scenario, plan, _ = _state(draft)
        scenario, plan = change(scenario, plan)
        draft.scenario_json = scenario_to_json(scenario)
        draft.plan_json = plan_text(plan) if plan is not None else None
        report = check(scenario, plan) if plan is not None else None
        words = "" if report is None or report.ok else f" ({len(report.violations)} violation(s))"
        draft.note = f"{detail}{words}"
        draft.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        store.audit(db, author, action, draft.workspace_id, f"draft {draft_id}: {detail}")
        db.commit()


@router.post("/drafts/{draft_id}/move", dependencies=CSRF)
def move(
    request: Request,
    draft_id: int,
    case: Annotated[str, Form()],
    session: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
) -> Response:
    """Move a case to a session and start ("" session: unschedule it)."""
    minutes = parse_clock(start) if start else None

    def change(scenario: Scenario, plan: Plan | None) -> tuple[Scenario, Plan]:
        if plan is None:
            raise ConflictError("there is no plan to edit yet: solve first")
        return scenario, move_case(scenario, plan, case, session or None, minutes)

    where = f"to {session} at {start or 'opening'}" if session else "off the plan"
    _edit(request, draft_id, author_of(request), "move", f"moved {case} {where}", change)
    return _back(draft_id, day)


@router.post("/drafts/{draft_id}/pin", dependencies=CSRF)
def pin(
    request: Request,
    draft_id: int,
    case: Annotated[str, Form()],
    action: Annotated[str, Form()] = "pin",
    day: Annotated[str, Form()] = "",
) -> Response:
    """Pin a case to its planned slot (``action=unpin``: free it)."""

    def change(scenario: Scenario, plan: Plan | None) -> tuple[Scenario, Plan | None]:
        if action == "unpin":
            return unpin_case(scenario, case), plan
        if plan is None:
            raise ConflictError("there is no plan yet: solve first, then pin")
        return pin_case(scenario, plan, case), plan

    verb = "unpin" if action == "unpin" else "pin"
    _edit(request, draft_id, author_of(request), verb, f"{verb}ned {case}", change)
    return _back(draft_id, day)


def _finish(store: Store, draft_id: int, author: str, parent: Plan | None) -> Any:
    """The job callback: check the result, keep it in the draft, save it as a version."""

    def stored(job: Job, result: dict[str, Any]) -> str:
        plan = plan_from_json(result["plan"])
        with store.session() as db:
            draft = load(db, Draft, draft_id)
            scenario = scenario_from_json(result.get("scenario") or draft.scenario_json)
            report = check(scenario, plan, parent=parent)
            if not report.ok:  # never stored, even as a draft: the solver is at fault
                raise PlanInvalidError("the checker rejected the new plan:\n" + report.summary())
            draft.scenario_json = scenario_to_json(scenario)
            draft.plan_json = plan_text(plan)
            draft.changes_json = json.dumps(result["changes"]) if "changes" in result else None
            what = f"cost {report.cost.total:,.0f}, {report.kpis.scheduled} cases scheduled"
            reason = f"{job.kind}: {what}"
            if job.kind == "replan":
                reason = f"replan: {len(result['changes'])} change(s), {what}"
            try:
                version = save_version(store, db, draft, author, reason, draft.base_version_id)
                note = f"{reason}; saved as version {version.id}"
            except ConflictError as exc:
                note = f"{reason}; kept in the draft only: {exc}"
            draft.note = note
            store.audit(db, author, job.kind, draft.workspace_id, f"draft {draft_id}: {note}")
            db.commit()
        return note

    return stored


@router.post("/drafts/{draft_id}/solve", dependencies=CSRF)
def solve(request: Request, draft_id: int) -> Response:
    """Solve (or re-solve the rest, pins kept) in a worker process; the page polls it."""
    _idle(request, draft_id)
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
    scenario, plan, report = _state(draft)
    # Warm start from the plan on screen when it keeps every rule (pins included).
    start = plan_text(aligned(plan, scenario)) if plan and report and report.ok else None
    work = {
        "scenario": draft.scenario_json,
        "start": start,
        "settings": dict(settings_of(request).solve),
    }
    author = author_of(request)
    job = jobs_of(request).submit("solve", draft_id, work, _finish(store, draft_id, author, None))
    with store.session() as db:
        store.audit(db, author, "solve", draft.workspace_id, f"draft {draft_id}: job {job.id}")
        db.commit()
    return RedirectResponse(f"/drafts/{draft_id}?job={job.id}", status_code=303)


@router.post("/drafts/{draft_id}/replan", dependencies=CSRF)
async def replan(
    request: Request,
    draft_id: int,
    now: Annotated[str, Form()],
    events: Annotated[UploadFile, File()],
) -> Response:
    """Apply an events file as of ``now`` (orplan.live.replan) in a worker process."""
    data = await read_upload(request, events)
    parsed = parse_events(events.filename or "events.yaml", data)
    try:
        moment = dt.datetime.fromisoformat(now)
    except ValueError:
        raise ScenarioError("now", [f"{now!r} is not a date and time YYYY-MM-DDTHH:MM"]) from None
    return start_replan(request, draft_id, parsed, moment, events.filename or "events")


def start_replan(
    request: Request, draft_id: int, parsed: Any, moment: dt.datetime, name: str
) -> Response:
    """Submit a replan job of ``draft_id`` for the events ``parsed`` (a PlanEvents) at
    ``moment``; the redirect to the page that follows it (also used by the events form)."""
    settings = settings_of(request)
    _idle(request, draft_id)
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
    scenario, plan, report = _state(draft)
    if plan is None or report is None or not report.ok:
        raise ConflictError(
            "replan starts from a plan that keeps every rule: solve or fix the violations first"
        )
    parent = aligned(plan, scenario)
    work = {
        "scenario": draft.scenario_json,
        "plan": plan_text(parent),
        "events": parsed.model_dump_json(by_alias=True),
        "now": moment.isoformat(),
        "events_name": name,
        "settings": dict(settings.replan),
    }
    author = author_of(request)
    job = jobs_of(request).submit(
        "replan", draft_id, work, _finish(store, draft_id, author, parent)
    )
    with store.session() as db:
        store.audit(
            db,
            author,
            "replan",
            draft.workspace_id,
            f"draft {draft_id}: {len(parsed.events)} event(s) at {moment}, job {job.id}",
        )
        db.commit()
    return RedirectResponse(f"/drafts/{draft_id}?job={job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_status(request: Request, job_id: int) -> Response:
    """Progress of a job (cost, bound, gap) for the page's poll."""
    job = jobs_of(request).get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return JSONResponse(job.as_dict())


@router.post("/jobs/{job_id}/cancel", dependencies=CSRF)
def cancel(request: Request, job_id: int) -> Response:
    """Stop a job; nothing of it is stored."""
    job = jobs_of(request).get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    jobs_of(request).cancel(job_id)
    return RedirectResponse(f"/drafts/{job.draft_id}", status_code=303)


@router.post("/drafts/{draft_id}/save", dependencies=CSRF)
def save(
    request: Request,
    draft_id: int,
    reason: Annotated[str, Form()],
    base_version: Annotated[str, Form()] = "",
    author: Annotated[str, Form()] = "",
) -> Response:
    """Save the draft as a version; 409 when a newer version exists than ``base_version``."""
    _idle(request, draft_id)
    who = author_of(request, author)
    store = store_of(request)
    with store.session() as db:
        draft: Draft = load(db, Draft, draft_id)
        base = int(base_version) if base_version.isdigit() else None
        version = save_version(store, db, draft, who, reason, base)
        store.audit(
            db,
            who,
            "save",
            draft.workspace_id,
            f"version {version.id} from draft {draft_id}: {version.reason}",
        )
        draft.note = f"saved as version {version.id}"
        db.commit()
    response = _back(draft_id)
    response.set_cookie(AUTHOR_COOKIE, who, samesite="strict")
    return response
