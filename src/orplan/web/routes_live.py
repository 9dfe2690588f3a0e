"""Booking a patient and the day's events from the draft page (``orplan.live``).

* ``POST /drafts/{id}/book``: the best slots for a waiting-list case, or a new patient uploaded
  as a case file (:func:`orplan.live.book`, in a worker process like a solve); the
  suggestions, each checked, are kept in the draft.
* ``POST /drafts/{id}/book/take``: take one suggestion: the plan and its change list replace
  the draft's, and are saved as a version (as a replan's are).
* ``POST /drafts/{id}/events``: one event typed in the page (a case cancelled or late, a
  surgeon away, a theatre closed) applied by :func:`orplan.live.replan`, as an events file is.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from orplan.check import check
from orplan.errors import PlanInvalidError, ScenarioError
from orplan.live.changes import change_list
from orplan.plan.io import plan_digest
from orplan.scenario.io import validation_problems
from orplan.web.common import (
    ConflictError,
    author_of,
    jobs_of,
    load,
    read_upload,
    settings_of,
    store_of,
)
from orplan.web.jobs import Job
from orplan.web.routes_draft import start_replan
from orplan.web.security import check_csrf
from orplan.web.store import Draft, Store
from orplan.web.versioning import save_version
from orplan.web.workbench import (
    aligned,
    parse_case,
    plan_from_json,
    plan_text,
    scenario_from_json,
    scenario_to_json,
)

__all__ = ["router"]

router = APIRouter()
CSRF = [Depends(check_csrf)]

#: The events the page's form can build, and the field naming what each is about.
EVENT_KINDS = {
    "case-cancelled": "case",
    "case-late": "case",
    "surgeon-absent": "surgeon",
    "theatre-closed": "theatre",
}


def _moment(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ScenarioError(field, [f"{text!r} is not a date and time YYYY-MM-DDTHH:MM"]) from None


def _parent(draft: Draft) -> tuple[Any, Any]:
    """The draft's scenario and plan, refused unless the plan keeps every rule."""
    scenario = scenario_from_json(draft.scenario_json)
    plan = plan_from_json(draft.plan_json) if draft.plan_json else None
    if plan is None or not check(scenario, plan).ok:
        raise ConflictError(
            "a booking starts from a plan that keeps every rule: solve or fix the violations first"
        )
    return scenario, aligned(plan, scenario)


@router.post("/drafts/{draft_id}/book", dependencies=CSRF)
async def book(
    request: Request,
    draft_id: int,
    case: Annotated[str, Form()] = "",
    now: Annotated[str, Form()] = "",
    new_case: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Look for the best slots for a waiting-list case, or for a new patient uploaded as a
    case file (a job; the page polls it)."""
    moment = _moment(now, "now") if now else None
    if jobs_of(request).active(draft_id) is not None:
        raise ConflictError("a job is running on this draft: wait for it or cancel it first")
    new = None
    if new_case is not None and new_case.filename:
        data = await read_upload(request, new_case)
        name = Path(new_case.filename).name
        new = parse_case(name, data)
    store = store_of(request)
    with store.session() as db:
        draft = load(db, Draft, draft_id)
    scenario, parent = _parent(draft)
    if new is not None:
        if any(c.id == new.id for c in scenario.cases):
            raise ScenarioError(name, [f"id: case id {new.id!r} is already in the scenario"])
        case = new.id
    elif not case:
        raise ScenarioError(
            "case", ["choose a case from the waiting list or upload a new patient's case file"]
        )
    elif not any(c.id == case for c in scenario.cases):
        raise ScenarioError("case", [f"no case with id {case!r} in this scenario"])
    work = {
        "scenario": draft.scenario_json,
        "plan": plan_text(parent),
        "case": case,
        "new_case": new.model_dump_json() if new is not None else None,
        "now": moment.isoformat() if moment else None,
        "top": 5,
        "settings": dict(settings_of(request).book),
    }
    author = author_of(request)
    stored = _keep_suggestions(store, draft_id, author, plan_digest(parent))
    job = jobs_of(request).submit("book", draft_id, work, stored)
    with store.session() as db:
        store.audit(db, author, "book", draft.workspace_id, f"draft {draft_id}: slots for {case}")
        db.commit()
    return RedirectResponse(f"/drafts/{draft_id}?job={job.id}", status_code=303)


def _keep_suggestions(store: Store, draft_id: int, author: str, parent_digest: str) -> Any:
    """The job callback: check every suggested plan, keep them in the draft."""

    def stored(_job: Job, result: dict[str, Any]) -> str:
        scenario = scenario_from_json(result["scenario"])
        for suggestion in result["suggestions"]:
            report = check(scenario, plan_from_json(suggestion["plan"]))
            if not report.ok:  # never offered: the booking code is at fault
                raise PlanInvalidError("the checker rejected a suggestion:\n" + report.summary())
        kept = {
            "case": result["case"],
            "parent": parent_digest,
            "scenario": result["scenario"],
            "reason": result["reason"],
            "suggestions": result["suggestions"],
        }
        count = len(result["suggestions"])
        note = f"{count} slot(s) for {result['case']}: take one below"
        with store.session() as db:
            draft = load(db, Draft, draft_id)
            draft.suggestions_json = json.dumps(kept)
            draft.note = note
            store.audit(db, author, "book", draft.workspace_id, f"draft {draft_id}: {note}")
            db.commit()
        return note

    return stored


@router.post("/drafts/{draft_id}/book/take", dependencies=CSRF)
def take(request: Request, draft_id: int, rank: Annotated[int, Form()]) -> Response:
    """Take suggestion ``rank``: checked again, kept in the draft, saved as a version."""
    if jobs_of(request).active(draft_id) is not None:
        raise ConflictError("a job is running on this draft: wait for it or cancel it first")
    who = author_of(request)
    store = store_of(request)
    with store.session() as db:
        draft: Draft = load(db, Draft, draft_id)
        if not draft.suggestions_json:
            raise ConflictError("there are no suggestions to take: book a patient first")
        kept = json.loads(draft.suggestions_json)
        chosen = next((s for s in kept["suggestions"] if s["rank"] == rank), None)
        if chosen is None:
            raise ConflictError(f"there is no suggestion {rank}")
        _scenario, parent = _parent(draft)
        if plan_digest(parent) != kept["parent"]:
            raise ConflictError(
                "the plan changed since these slots were suggested: book the patient again"
            )
        scenario = scenario_from_json(kept["scenario"])
        plan = plan_from_json(chosen["plan"])
        report = check(scenario, plan, parent=parent)
        if not report.ok:
            raise PlanInvalidError("the checker rejected the booking:\n" + report.summary())
        case = next(c for c in scenario.cases if c.id == kept["case"])
        # The booked row as orplan book --apply writes it (change_list), then the moves the
        # suggestion was checked with.
        booked = change_list(scenario, parent, plan, tolerance=0)
        changes = [*(c.as_row() for c in booked if c.case == case.id), *chosen["moves"]]
        draft.scenario_json = scenario_to_json(scenario)
        draft.plan_json = plan_text(plan)
        draft.changes_json = json.dumps(changes)
        draft.suggestions_json = None
        reason = (
            f"book: {case.id} on {chosen['date']} in {chosen['theatre']} at {chosen['start']}, "
            f"{len(chosen['moves'])} other case(s) moved"
        )
        try:
            version = save_version(store, db, draft, who, reason, draft.base_version_id)
            draft.note = f"{reason}; saved as version {version.id}"
        except ConflictError as exc:
            draft.note = f"{reason}; kept in the draft only: {exc}"
        store.audit(db, who, "book", draft.workspace_id, f"draft {draft_id}: {draft.note}")
        db.commit()
    return RedirectResponse(f"/drafts/{draft_id}?day={chosen['date']}", status_code=303)


def event_from_form(form: dict[str, str]) -> Any:
    """One event of the page's form as :class:`orplan.live.PlanEvents`.

    Raises
    ------
    ScenarioError
        Naming the form field, e.g. ``event form: from: ...``.
    """
    from orplan.live.events import PlanEvents

    kind = form.get("kind", "")
    about = EVENT_KINDS.get(kind)
    if about is None:
        raise ScenarioError("event form", [f"kind: {kind!r} is not one of {sorted(EVENT_KINDS)}"])
    event: dict[str, Any] = {"kind": kind, "at": form.get("now", ""), about: form.get("what", "")}
    if kind == "case-cancelled":
        event["reason"] = form.get("reason") or "cancelled"
    elif kind == "case-late":
        event["expected_end"] = form.get("until") or None
    else:
        event["from"] = form.get("start") or form.get("now", "")
        event["until"] = form.get("until") or None
    if form.get("reason") and kind != "case-cancelled":
        event["note"] = form["reason"]
    data = {"format": "orplan-events/1", "events": [event]}
    try:
        return PlanEvents.model_validate(data)
    except ValidationError as exc:
        problems = [p.removeprefix("events[0].") for p in validation_problems(exc, data)]
        raise ScenarioError("event form", problems) from None


@router.post("/drafts/{draft_id}/events", dependencies=CSRF)
def events(
    request: Request,
    draft_id: int,
    kind: Annotated[str, Form()],
    what: Annotated[str, Form()],
    now: Annotated[str, Form()],
    start: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Apply one event from the form as of ``now`` (a replan job)."""
    form = {"kind": kind, "what": what.strip(), "now": now, "start": start, "until": until}
    parsed = event_from_form(form | {"reason": " ".join(reason.split())[:200]})
    moment = _moment(now, "now")
    return start_replan(request, draft_id, parsed, moment, f"{kind} {what}")
