"""The record of a booking: the plan of a chosen suggestion, ready to be written."""

from __future__ import annotations

import datetime as dt

import ortools

import orplan
from orplan.check import check
from orplan.errors import PlanInvalidError
from orplan.live.book import Suggestion
from orplan.plan.io import plan_digest
from orplan.plan.model import LiveRecord, Plan, SolverRun
from orplan.scenario.io import scenario_digest

__all__ = ["apply_suggestion"]


def apply_suggestion(suggestion: Suggestion, *, tolerance: int = 0) -> Plan:
    """The new plan of a suggestion, with its record, checked again before it is returned.

    ``plan.run.scenario_sha256`` is the digest of ``suggestion.booking.scenario`` (save that
    scenario beside the plan); ``plan.live.parent_sha256`` that of the published plan.
    A booking made ahead of the horizon records the horizon's first minute as ``now``.

    Raises
    ------
    PlanInvalidError
        The checker rejected the plan (a bug in orplan).
    """
    booking = suggestion.booking
    scenario = booking.scenario
    report = check(scenario, suggestion.plan, parent=booking.parent)
    if not report.ok:
        raise PlanInvalidError(
            "the independent checker rejected the booked plan (a bug in orplan):\n"
            + report.summary()
        )
    cost = float(report.cost.total)
    kinds = [m.kind for m in suggestion.moves]
    run = SolverRun(
        orplan_version=orplan.__version__,
        ortools_version=getattr(ortools, "__version__", "unknown"),
        scenario=scenario.name,
        scenario_sha256=scenario_digest(scenario),
        seed=0,
        time_limit=0.0,
        workers=1,
        status="FEASIBLE",
        stopped_by="other",
        objective=cost,
        bound=None,
        gap=None,
        wall_time=0.0,
        strategy="book",
    )
    now = booking.now or dt.datetime.combine(scenario.horizon.start, dt.time())
    record = LiveRecord(
        parent_sha256=plan_digest(booking.parent),
        now=now,
        events=1,
        window_days=1,
        tolerance=tolerance,
        levels={
            "cancelled": 0.0,
            "moved_day": float(kinds.count("moved-day")),
            "moved_theatre": float(kinds.count("moved-theatre")),
            "moved_time": float(kinds.count("moved-time")),
            "overtime_minutes": float(report.kpis.overtime_minutes),
            "cost": cost,
        },
    )
    return Plan(run=run, cases=suggestion.plan.cases, live=record)
