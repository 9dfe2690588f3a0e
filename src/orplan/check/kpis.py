"""KPIs and the objective of a plan, recomputed from ``docs/rules.md``.

Costs and KPIs are computed over the *valid* plan entries: the first entry of each known
case. A case missing from the plan counts as unscheduled. A scheduled case in an unknown
session still counts as scheduled (surgical minutes, waiting, lateness, theatre changes, on
its entry's theatre and date) but belongs to no session, so adds no overtime or idle time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field, computed_field

from orplan.check.context import CheckContext, Placed, session_key
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = [
    "CostBreakdown",
    "Kpis",
    "compute_cost",
    "compute_kpis",
    "evaluate",
    "session_table",
]

PRIORITY_CLASSES = (1, 2, 3, 4)


class Kpis(BaseModel):
    """Key figures of a plan (names as in ``docs/rules.md``)."""

    scheduled: int = Field(description="Cases scheduled.")
    unscheduled: int = Field(description="Scenario cases not scheduled (or missing).")
    scheduled_by_priority: dict[int, int] = Field(
        description="Scheduled cases per priority class 1..4 (every class present)."
    )
    unscheduled_mandatory: int = Field(description="Mandatory cases not scheduled.")
    open_minutes: int = Field(description="Σ close − open over all sessions.")
    surgical_minutes: int = Field(description="Σ dur of scheduled cases.")
    utilisation: float = Field(description="surgical_minutes / open_minutes (0 if none).")
    overtime_minutes: int = Field(description="Σ over sessions of minutes past close.")
    sessions_with_overtime: int = Field(description="Sessions whose last case ends past close.")
    idle_minutes: int = Field(description="Σ over sessions of open minutes not booked.")
    deadline_breaches: int = Field(description="Cases with due ≤ H1 missed.")
    late_days: int = Field(description="Σ late(c) over cases.")
    waiting_days: int = Field(description="Σ date − max(release, H0) over scheduled cases.")
    theatre_changes: int = Field(description="Σ over surgeon-dates of distinct theatres − 1.")
    sessions_used: int = Field(description="Sessions with at least one case.")
    sessions_total: int = Field(description="Sessions in the scenario.")


class CostBreakdown(BaseModel):
    """The weighted cost terms of the objective; ``total`` is their sum."""

    unscheduled: int = Field(description="Σ weights.unscheduled[prio] over unscheduled cases.")
    waiting: int = Field(description="weights.waiting_day × waiting days.")
    deadline_breach: int = Field(description="weights.deadline_breach × breaches.")
    late_days: int = Field(description="weights.late_day × late days.")
    overtime: int = Field(description="weights.overtime_minute × overtime minutes.")
    idle: int = Field(description="weights.idle_minute × idle minutes.")
    theatre_changes: int = Field(description="weights.theatre_change × theatre changes.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        """The objective: the sum of all terms."""
        return (
            self.unscheduled
            + self.waiting
            + self.deadline_breach
            + self.late_days
            + self.overtime
            + self.idle
            + self.theatre_changes
        )


def _session_rows(ctx: CheckContext) -> list[dict[str, Any]]:
    by_session: dict[str, list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        if p.session is not None:
            by_session[session_key(p.session)].append(p)
    rows: list[dict[str, Any]] = []
    for s in sorted(ctx.scenario.sessions, key=lambda s: (s.date, s.theatre, s.open)):
        sid = session_key(s)
        items = sorted(by_session.get(sid, []), key=lambda p: (p.start, p.case.id))
        surgical = sum(p.case.duration for p in items)
        turnover = sum(p.turnover for p in items)
        last_end = max((p.end for p in items), default=None)
        overtime = max(0, last_end - s.close) if last_end is not None else 0
        idle = max(0, s.close - s.open - surgical - turnover)
        rows.append(
            {
                "session": sid,
                "theatre": s.theatre,
                "date": s.date,
                "open": s.open,
                "close": s.close,
                "specialty": s.specialty,
                "cases": len(items),
                "case_ids": [p.case.id for p in items],
                "surgical_minutes": surgical,
                "turnover_minutes": turnover,
                "last_end": last_end,
                "overtime": overtime,
                "idle": idle,
                "utilisation": surgical / (s.close - s.open),
            }
        )
    return rows


def session_table(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    """One row per scenario session, sorted by date, theatre and opening time.

    Parameters
    ----------
    scenario
        The scenario.
    plan
        The plan.

    Returns
    -------
    list of dict
        Keys: ``session``, ``theatre``, ``date`` (date), ``open`` and ``close`` (minutes),
        ``specialty``, ``cases`` (count), ``case_ids`` (in start order),
        ``surgical_minutes``, ``turnover_minutes``, ``last_end`` (minutes or None),
        ``overtime`` and ``idle`` (minutes, as in the cost definitions) and ``utilisation``
        (surgical / regular open minutes).
    """
    return _session_rows(CheckContext.build(scenario, plan))


def _days(later: dt.date, earlier: dt.date) -> int:
    return (later - earlier).days


def evaluate(ctx: CheckContext) -> tuple[Kpis, CostBreakdown, list[dict[str, Any]]]:
    """Compute KPIs, cost terms and the session table in one pass.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    tuple of (Kpis, CostBreakdown, list of dict)
        The KPIs, the weighted cost terms and the rows of :func:`session_table`.
    """
    sc = ctx.scenario
    w = sc.weights
    h0, h1 = ctx.h0, ctx.h1
    placed_by_case = {p.case.id: p for p in ctx.placed}

    by_priority = dict.fromkeys(PRIORITY_CLASSES, 0)
    unscheduled = unscheduled_mandatory = unscheduled_cost = 0
    surgical = waiting = breaches = late = 0
    for c in sc.cases:
        p = placed_by_case.get(c.id)
        if p is None:
            unscheduled += 1
            unscheduled_mandatory += int(c.mandatory)
            unscheduled_cost += w.unscheduled.get(c.priority, 0)
            if c.due is not None and c.due <= h1:
                breaches += 1
                late += _days(h1, c.due) + 1
            continue
        by_priority[c.priority] = by_priority.get(c.priority, 0) + 1
        surgical += c.duration
        earliest = h0 if c.release is None else max(c.release, h0)
        waiting += max(0, _days(p.date, earliest))
        if c.due is not None:
            if c.due <= h1 and p.date > c.due:
                breaches += 1
            late += max(0, _days(p.date, c.due))

    theatres_used: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for p in ctx.placed:
        theatres_used[(p.surgeon, p.date)].add(p.theatre)
    changes = sum(len(ts) - 1 for ts in theatres_used.values())

    rows = _session_rows(ctx)
    open_minutes = sum(r["close"] - r["open"] for r in rows)
    overtime = sum(r["overtime"] for r in rows)
    idle = sum(r["idle"] for r in rows)

    kpis = Kpis(
        scheduled=len(placed_by_case),
        unscheduled=unscheduled,
        scheduled_by_priority=by_priority,
        unscheduled_mandatory=unscheduled_mandatory,
        open_minutes=open_minutes,
        surgical_minutes=surgical,
        utilisation=surgical / open_minutes if open_minutes else 0.0,
        overtime_minutes=overtime,
        sessions_with_overtime=sum(1 for r in rows if r["overtime"] > 0),
        idle_minutes=idle,
        deadline_breaches=breaches,
        late_days=late,
        waiting_days=waiting,
        theatre_changes=changes,
        sessions_used=sum(1 for r in rows if r["cases"] > 0),
        sessions_total=len(rows),
    )
    cost = CostBreakdown(
        unscheduled=unscheduled_cost,
        waiting=w.waiting_day * waiting,
        deadline_breach=w.deadline_breach * breaches,
        late_days=w.late_day * late,
        overtime=w.overtime_minute * overtime,
        idle=w.idle_minute * idle,
        theatre_changes=w.theatre_change * changes,
    )
    return kpis, cost, rows


def compute_kpis(scenario: Scenario, plan: Plan) -> Kpis:
    """Return the KPIs of ``plan``.

    Parameters
    ----------
    scenario
        The scenario.
    plan
        The plan.

    Returns
    -------
    Kpis
        The key figures.
    """
    return evaluate(CheckContext.build(scenario, plan))[0]


def compute_cost(scenario: Scenario, plan: Plan) -> CostBreakdown:
    """Return the weighted cost terms (the objective) of ``plan``.

    Parameters
    ----------
    scenario
        The scenario.
    plan
        The plan.

    Returns
    -------
    CostBreakdown
        The cost terms and their total.
    """
    return evaluate(CheckContext.build(scenario, plan))[1]
