"""The live plan: a published plan changed on the day, checked like any plan.

One door for the command line and the web app::

    events = load_events("events.yaml")
    result = replan(scenario, plan, events, now=dt.datetime(2027, 3, 1, 10, 20))
    result.plan, result.changes, result.scenario   # checked plan, who to tell, live scenario

See ``docs/rules.md`` for the rules of the day (pinned, frozen, now, emergency window) and
:mod:`orplan.live.stages` for the objective. Names are imported on first use, so the command
line starts without loading OR-Tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.live.api import (
        LEVELS,
        Change,
        LiveSituation,
        PlanEvents,
        ReplanResult,
        ReplanSettings,
        apply_events,
        change_list,
        changes_frame,
        load_events,
        parent_problems,
        replan,
    )
    from orplan.live.book import BookSettings, Suggestion, Suggestions, book, load_new_case
    from orplan.live.book_record import apply_suggestion

_EXPORTS = {
    "LEVELS": "orplan.live.stages",
    "Change": "orplan.live.changes",
    "LiveSituation": "orplan.live.situation",
    "PlanEvents": "orplan.live.events",
    "ReplanResult": "orplan.live.api",
    "ReplanSettings": "orplan.live.stages",
    "BookSettings": "orplan.live.book",
    "Suggestion": "orplan.live.book",
    "Suggestions": "orplan.live.book",
    "book": "orplan.live.book",
    "load_new_case": "orplan.live.book",
    "apply_suggestion": "orplan.live.book_record",
    "apply_events": "orplan.live.situation",
    "change_list": "orplan.live.changes",
    "changes_frame": "orplan.live.changes",
    "load_events": "orplan.live.events",
    "parent_problems": "orplan.live.api",
    "replan": "orplan.live.api",
}

__all__ = [
    "LEVELS",
    "BookSettings",
    "Change",
    "LiveSituation",
    "PlanEvents",
    "ReplanResult",
    "ReplanSettings",
    "Suggestion",
    "Suggestions",
    "apply_events",
    "apply_suggestion",
    "book",
    "change_list",
    "changes_frame",
    "load_events",
    "load_new_case",
    "parent_problems",
    "replan",
]


# ``book`` is both a function and a submodule: lazy_package keeps the function.
lazy_package(__name__, _EXPORTS)
