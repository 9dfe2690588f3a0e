"""The live plan: a published plan changed on the day, checked like any plan.

One door for the command line and the web app::

    events = load_events("events.yaml")
    result = replan(scenario, plan, events, now=dt.datetime(2027, 3, 1, 10, 20))
    result.plan, result.changes, result.scenario   # checked plan, who to tell, live scenario

See ``docs/rules.md`` for the rules of the day (pinned, frozen, now, emergency window) and
:mod:`orplan.live.replan` for the objective.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import ortools

import orplan
from orplan.check import CheckReport, check
from orplan.errors import PlanInvalidError, ScenarioError
from orplan.live.book import (
    BookSettings,
    Suggestion,
    Suggestions,
    book,
    load_new_case,
)
from orplan.live.book_record import apply_suggestion
from orplan.live.changes import Change, change_list, changes_frame
from orplan.live.events import PlanEvents, load_events
from orplan.live.replan import LEVELS, ReplanSettings, solve_live
from orplan.live.situation import LiveSituation, apply_events
from orplan.plan.io import plan_digest
from orplan.plan.model import LiveRecord, Plan, PlanStatus, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario

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


@dataclass
class ReplanResult:
    """What a replan returns.

    Attributes
    ----------
    status
        ``OPTIMAL`` (every level proven), ``FEASIBLE``, or ``INFEASIBLE``/``UNKNOWN`` (no
        plan: ``explanation`` says why).
    plan
        The new plan (None when there is none), checked against ``scenario`` and the parent.
    scenario
        The live scenario the plan belongs to: save it beside the plan; the next replan of
        the day starts from the two.
    changes
        Who has to be told what.
    check
        The independent checker's report of ``plan``.
    notes
        What each event did, in plain words.
    """

    status: PlanStatus
    plan: Plan | None
    scenario: Scenario
    changes: list[Change] = field(default_factory=list)
    check: CheckReport | None = None
    notes: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    wall_time: float = 0.0


def parent_problems(scenario: Scenario, plan: Plan) -> list[str]:
    """Why ``plan`` cannot be the published plan of ``scenario`` (empty: it can).

    It must have been made for this scenario (same SHA-256, when the plan records one) and
    keep every hard rule of it.
    """
    run = plan.run
    if run is not None and run.scenario_sha256 != scenario_digest(scenario):
        return [
            f"run.scenario_sha256: the plan was made for another scenario "
            f"({run.scenario_sha256[:12]}, this one is {scenario_digest(scenario)[:12]})"
        ]
    report = check(scenario, plan)
    if not report.ok:
        first = report.violations[0]
        return [
            f"cases: the plan breaks {len(report.violations)} hard rule(s) of the scenario, "
            f"e.g. {first}; check it with orplan check"
        ]
    return []


def replan(
    scenario: Scenario,
    plan: Plan,
    events: PlanEvents,
    now: dt.datetime,
    settings: ReplanSettings | None = None,
    *,
    plan_source: str = "<plan>",
    events_source: str = "<events>",
) -> ReplanResult:
    """Re-plan a published plan after ``events``, as of ``now``: the smallest change.

    Parameters
    ----------
    scenario
        The scenario the published plan was made for.
    plan
        The published plan.
    events
        What happened since it was published.
    now
        The replanning moment: nothing that is not pinned starts before it; cases that
        started before it never move.
    settings
        Time limit, window, tolerance (see :class:`ReplanSettings`).
    plan_source, events_source
        File names for error messages.

    Returns
    -------
    ReplanResult

    Raises
    ------
    ScenarioError
        Bad input: a plan of another scenario, an event naming something unknown, a ``now``
        outside the horizon.
    PlanInvalidError
        The checker rejected the replanned plan (a bug in orplan; nothing is returned).
    """
    settings = settings or ReplanSettings()
    t0 = time.perf_counter()
    problems = parent_problems(scenario, plan)
    if problems:
        raise ScenarioError(plan_source, problems)
    sit = apply_events(scenario, plan, events, now, source=events_source)
    outcome = solve_live(sit, settings, t0)
    live = outcome.scenario or sit.scenario
    wall = time.perf_counter() - t0
    if not outcome.entries:
        return ReplanResult(
            outcome.status,
            None,
            live,
            notes=sit.notes,
            explanation=outcome.explanation or ["no plan found within the time limit"],
            wall_time=wall,
        )
    run = SolverRun(
        orplan_version=orplan.__version__,
        ortools_version=getattr(ortools, "__version__", "unknown"),
        scenario=live.name,
        scenario_sha256=scenario_digest(live),
        seed=settings.seed,
        time_limit=settings.time_limit,
        workers=settings.workers,
        status=outcome.status,
        stopped_by="optimal" if outcome.status == "OPTIMAL" else "time_limit",
        objective=outcome.model_cost,
        # A level's bound holds only with the levels above it fixed: no bound on the cost.
        bound=None,
        gap=None,
        wall_time=round(wall, 3),
        strategy="replan",
    )
    record = LiveRecord(
        parent_sha256=plan_digest(plan),
        now=now,
        events=len(events.events),
        window_days=settings.days,
        tolerance=settings.tolerance,
        levels=outcome.levels,
        proven=outcome.proven,
    )
    new = Plan(run=run, cases=outcome.entries, live=record)
    report = check(live, new, parent=plan)
    if not report.ok:
        raise PlanInvalidError(
            "the independent checker rejected the replanned plan (a bug in orplan):\n"
            + report.summary()
        )
    cost = float(report.cost.total)
    model_cost = outcome.model_cost
    if model_cost is not None and (
        cost > model_cost + 0.5 or (outcome.proven.get("cost") and abs(cost - model_cost) > 0.5)
    ):
        raise PlanInvalidError(
            f"the checker's cost {cost} does not match the model's {model_cost} (a bug)"
        )
    run.objective = cost
    record.levels["cost"] = cost
    changes = change_list(live, plan, new, tolerance=settings.tolerance)
    return ReplanResult(
        outcome.status,
        new,
        live,
        changes=changes,
        check=report,
        notes=sit.notes,
        wall_time=time.perf_counter() - t0,
    )
