"""What runs in a worker process: one solve or one replan, talking JSON over a pipe.

The server never solves in its own process (a solve holds the CPU for seconds to minutes).
Requests, progress and results cross the pipe as JSON bytes (``send_bytes``), never as
pickles of user data; only the pipe's handles are passed to the child.

Messages from the child, one JSON object each: ``{"type": "progress", "elapsed", "objective",
"bound", "gap"}``, then one of ``{"type": "done", ...}``, ``{"type": "failed", "message"}``
(no plan, or bad input: a line for the planner) or ``{"type": "error", "message"}`` (a bug).
"""

from __future__ import annotations

import datetime as dt
import json
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["run"]


def _send(conn: Connection, message: dict[str, Any]) -> None:
    conn.send_bytes(json.dumps(message).encode())


def _solve(conn: Connection, request: dict[str, Any]) -> dict[str, Any]:
    import orplan
    from orplan.plan.io import plan_to_json
    from orplan.solver.settings import Progress, SolveSettings
    from orplan.web.workbench import plan_from_json, scenario_from_json

    scenario = scenario_from_json(request["scenario"])
    start = plan_from_json(request["start"]) if request.get("start") else None

    def progress(p: Progress) -> None:
        _send(
            conn,
            {
                "type": "progress",
                "elapsed": p.elapsed,
                "objective": p.objective,
                "bound": p.bound,
                "gap": p.gap,
            },
        )

    settings = SolveSettings(**request["settings"])
    result = orplan.solve(scenario, settings, progress=progress, start=start)
    if result.plan is None:
        why = "; ".join(result.explanation) or result.status
        return {"type": "failed", "message": f"no plan: {why}"}
    return {"type": "done", "plan": plan_to_json(result.plan)}


def _replan(conn: Connection, request: dict[str, Any]) -> dict[str, Any]:
    from orplan.live.api import replan
    from orplan.live.events import PlanEvents
    from orplan.live.stages import ReplanSettings
    from orplan.plan.io import plan_to_json
    from orplan.web.workbench import plan_from_json, scenario_from_json, scenario_to_json

    scenario = scenario_from_json(request["scenario"])
    plan = plan_from_json(request["plan"])
    events = PlanEvents.model_validate_json(request["events"])
    now = dt.datetime.fromisoformat(request["now"])
    _send(conn, {"type": "progress", "elapsed": 0.0, "objective": None, "bound": None, "gap": None})
    result = replan(
        scenario,
        plan,
        events,
        now,
        ReplanSettings(**request["settings"]),
        plan_source="plan",
        events_source=request.get("events_name", "events"),
    )
    if result.plan is None:
        why = "; ".join(result.explanation) or result.status
        return {"type": "failed", "message": f"no plan: {why}"}
    return {
        "type": "done",
        "plan": plan_to_json(result.plan),
        "scenario": scenario_to_json(result.scenario),
        "changes": [change.as_row() for change in result.changes],
        "notes": list(result.notes),
    }


def _book(conn: Connection, request: dict[str, Any]) -> dict[str, Any]:
    from orplan.live.book import BookSettings, book
    from orplan.live.book_record import apply_suggestion
    from orplan.plan.io import plan_to_json
    from orplan.scenario.model import Case
    from orplan.web.workbench import plan_from_json, scenario_from_json, scenario_to_json

    scenario = scenario_from_json(request["scenario"])
    plan = plan_from_json(request["plan"])
    now = dt.datetime.fromisoformat(request["now"]) if request.get("now") else None
    _send(conn, {"type": "progress", "elapsed": 0.0, "objective": None, "bound": None, "gap": None})
    # A new patient comes as a whole case (JSON); a waiting-list patient by id.
    who: str | Case = request["case"]
    if request.get("new_case"):
        who = Case.model_validate_json(request["new_case"])
    suggestions = book(
        scenario,
        plan,
        who,
        now=now,
        top=int(request.get("top", 5)),
        settings=BookSettings(**request["settings"]),
        sources=("scenario", "plan", "case"),
    )
    if not suggestions:
        return {"type": "failed", "message": f"no slot for {request['case']}: {suggestions.reason}"}
    return {
        "type": "done",
        "case": request["case"],
        "scenario": scenario_to_json(suggestions.booking.scenario),
        "reason": suggestions.reason,
        # apply_suggestion checks each plan again and records the booking (plan.live).
        "suggestions": [
            s.as_dict() | {"plan": plan_to_json(apply_suggestion(s))} for s in suggestions
        ],
    }


def run(requests: Connection, replies: Connection) -> None:
    """Entry point of the worker process: read one request, answer, exit.

    Parameters
    ----------
    requests
        Read end: one JSON request ``{"kind": "solve" | "replan" | "book", ...}``.
    replies
        Write end: progress messages, then one final message.
    """
    from orplan.errors import OrplanError

    try:
        request = json.loads(requests.recv_bytes())
        work = {"solve": _solve, "replan": _replan, "book": _book}[request["kind"]]
        final = work(replies, request)
    except OrplanError as exc:
        final = {"type": "failed", "message": str(exc)}
    except Exception as exc:  # a bug: reported to the page, not hidden
        final = {"type": "error", "message": f"internal error: {type(exc).__name__}: {exc}"}
    _send(replies, final)
    replies.close()
