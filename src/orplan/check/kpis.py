"""KPIs and the objective of a plan, recomputed from ``docs/rules.md``.

Costs and KPIs are computed over the *valid* plan entries: the first entry of each known
case. A case missing from the plan counts as unscheduled. A scheduled case in an unknown
session still counts as scheduled (surgical minutes, waiting, lateness, theatre changes, on
its entry's theatre and date) but belongs to no session, so adds no overtime or idle time,
no early-sequencing cost and uses no staff team; it uses its entry's theatre's site for
PACU, ICU, ward and equipment.

Peak KPIs cover these keys (an empty dict when none apply):

* ``peak_recovery``: sites with a ``recovery`` unit, plus sites where a scheduled case has
  ``recovery_minutes > 0``;
* ``peak_icu`` / ``peak_ward``: sites with a ``beds`` unit of that kind, plus sites where a
  scheduled case spends a day of the horizon in such a bed (the same (site, kind) pairs as
  :func:`occupancy_table`); ``occupied`` counts only where a unit lists it;
* ``peak_equipment``: every equipment id of the scenario (0 when unused).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field, computed_field

from orplan.check import emergency, risk
from orplan.check import resources as res
from orplan.check.context import CheckContext, Placed, session_key
from orplan.plan.model import Plan
from orplan.scenario.model import BedUnit, Scenario

__all__ = [
    "CostBreakdown",
    "Kpis",
    "compute_cost",
    "compute_kpis",
    "evaluate",
    "occupancy_table",
    "recovery_profile",
    "session_table",
]

PRIORITY_CLASSES = (1, 2, 3, 4)


class Kpis(BaseModel):
    """Key figures of a plan (names as in ``docs/rules.md``)."""

    scheduled: int = Field(description="Cases scheduled.")
    unscheduled: int = Field(
        description="Scenario cases not scheduled (or missing), cancelled ones aside."
    )
    cancelled: int = Field(default=0, description="Cases cancelled (and not scheduled).")
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
    peak_recovery: dict[str, int] = Field(
        default_factory=dict, description="Site → most PACU beds in use at any minute."
    )
    peak_icu: dict[str, int] = Field(
        default_factory=dict,
        description="Site → highest daily ICU occupancy over the horizon, occupied included.",
    )
    peak_ward: dict[str, int] = Field(
        default_factory=dict,
        description="Site → highest daily ward occupancy over the horizon, occupied included.",
    )
    peak_equipment: dict[str, int] = Field(
        default_factory=dict,
        description="Equipment id → most units in use at any minute, set-up included.",
    )
    equipment_conflicts: int = Field(
        default=0,
        description="Number of equipment-capacity violations (stretches over the count).",
    )
    preference_misses: int = Field(
        default=0,
        description="Scheduled cases off their surgeon's preferred weekdays, plus those off "
        "the preferred theatres (a case can miss both).",
    )
    sessions_at_risk: int = Field(
        default=0,
        description="Used sessions whose normal-approximation chance of running past close "
        "exceeds rules.overtime_probability (α), i.e. session-overtime-risk violations; 0 "
        "when α is not set.",
    )
    max_overtime_probability: float = Field(
        default=0.0,
        description="Highest normal-approximation chance of running past close over used "
        "sessions (computed whether or not α is set; 0 when no session is used).",
    )
    longest_break_in_interval: dict[str, int] = Field(
        default_factory=dict,
        description="Site (or 'site/specialty' with rules.break_in_scope 'specialty') → "
        "longest break-in interval in minutes over its dates: a stretch in which every "
        "theatre of the group is operating or closed (van Essen et al. 2012).",
    )


class CostBreakdown(BaseModel):
    """The weighted cost terms of the objective; ``total`` is their sum."""

    unscheduled: int = Field(description="Σ weights.unscheduled[prio] over unscheduled cases.")
    waiting: int = Field(description="weights.waiting_day × waiting days.")
    deadline_breach: int = Field(description="weights.deadline_breach × breaches.")
    late_days: int = Field(description="weights.late_day × late days.")
    overtime: int = Field(description="weights.overtime_minute × overtime minutes.")
    idle: int = Field(description="weights.idle_minute × idle minutes.")
    theatre_changes: int = Field(description="weights.theatre_change × theatre changes.")
    early_sequencing: int = Field(
        default=0, description="Σ rule.weight × (start − open) over cases with an early flag."
    )
    surgeon_preference: int = Field(
        default=0, description="weights.surgeon_preference × preference misses."
    )
    bed_peak: int = Field(
        default=0,
        description="weights.bed_peak × Σ over sites with beds of the peak ICU + ward occupancy.",
    )
    break_in_interval: int = Field(
        default=0,
        description="weights.break_in_interval × Σ over site-dates of the longest break-in "
        "interval.",
    )

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
            + self.early_sequencing
            + self.surgeon_preference
            + self.bed_peak
            + self.break_in_interval
        )


def _session_rows(ctx: CheckContext) -> list[dict[str, Any]]:
    by_session: dict[str, list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        if p.session is not None:
            by_session[session_key(p.session)].append(p)
    risks = risk.session_risks(ctx)
    rows: list[dict[str, Any]] = []
    for s in sorted(ctx.scenario.sessions, key=lambda s: (s.date, s.theatre, s.open)):
        sid = session_key(s)
        at_risk = risks.get(sid)
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
                "cleaning_minutes": sum(p.cleaning for p in items),
                "last_end": last_end,
                "overtime": overtime,
                "idle": idle,
                "utilisation": surgical / (s.close - s.open),
                "overtime_probability": at_risk.probability if at_risk is not None else 0.0,
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
        ``surgical_minutes``, ``turnover_minutes`` (cleaning included),
        ``cleaning_minutes`` (the sequencing-rule part), ``last_end`` (minutes or None),
        ``overtime`` and ``idle`` (minutes, as in the cost definitions), ``utilisation``
        (surgical / regular open minutes) and ``overtime_probability`` (normal-approximation
        chance of running past close, as in ``session-overtime-risk``; 0.0 when unused).
    """
    return _session_rows(CheckContext.build(scenario, plan))


def _days(later: dt.date, earlier: dt.date) -> int:
    return (later - earlier).days


def _occupancy_rows(ctx: CheckContext) -> list[dict[str, Any]]:
    patients = res.bed_occupancy(ctx)
    units: dict[tuple[str, str], BedUnit] = {(u.site, u.kind): u for u in ctx.scenario.beds}
    rows: list[dict[str, Any]] = []
    for site, kind in sorted(set(units) | set(patients)):
        unit = units.get((site, kind))
        table = patients.get((site, kind))
        for d in range(ctx.scenario.horizon.days):
            date = ctx.h0 + dt.timedelta(days=d)
            ids = list(table[d]) if table is not None else []
            occupied = unit.occupied.get(date, 0) if unit is not None else 0
            total = occupied + len(ids)
            rows.append(
                {
                    "site": site,
                    "kind": kind,
                    "date": date,
                    "occupied": occupied,
                    "patients": len(ids),
                    "total": total,
                    "beds": unit.beds if unit is not None else None,
                    "free": unit.beds - total if unit is not None else None,
                    "case_ids": ids,
                }
            )
    return rows


def occupancy_table(
    scenario: Scenario, plan: Plan, context: CheckContext | None = None
) -> list[dict[str, Any]]:
    """ICU and ward occupancy per site, kind and horizon date, against capacity.

    Rows cover every (site, kind) with a ``beds`` unit and every (site, kind) where a
    scheduled case spends a horizon day in such a bed (a case operated on date *s* is in ICU
    on ``s ≤ d < s + icu_days`` and in a ward on ``s + icu_days ≤ d < s + icu_days +
    ward_days``, at its theatre's site).

    Parameters
    ----------
    scenario
        The scenario.
    plan
        The plan.
    context
        The checker's index of ``plan`` (:meth:`CheckContext.build`), if already built.

    Returns
    -------
    list of dict
        Sorted by site, kind and date. Keys: ``site``, ``kind`` (``"icu"`` or ``"ward"``),
        ``date``, ``occupied`` (pre-existing patients, 0 without a unit), ``patients``
        (cases of the plan), ``total``, ``beds`` (None without a unit: no limit), ``free``
        (``beds − total``, negative when over capacity; None without a unit) and
        ``case_ids``.
    """
    return _occupancy_rows(context or CheckContext.build(scenario, plan))


def recovery_profile(
    scenario: Scenario,
    plan: Plan,
    site: str,
    date: dt.date,
    context: CheckContext | None = None,
) -> list[tuple[int, int, int | None]]:
    """PACU beds in use and staffed at ``site`` on ``date``, as change points (for plots).

    Parameters
    ----------
    scenario
        The scenario.
    plan
        The plan.
    site
        Site of the recovery unit.
    date
        The date.
    context
        The checker's index of ``plan`` (:meth:`CheckContext.build`), if already built: a
        plot of many sites and dates builds it once, not once per call.

    Returns
    -------
    list of (int, int, int or None)
        ``(minute, in use, capacity)`` from ``minute`` until the next point, starting at
        minute 0; the capacity changes at period bounds. Capacity is None when the site has
        no recovery unit (no limit). Minutes may pass 1440 when recovery runs past midnight.
    """
    ctx = context or CheckContext.build(scenario, plan)
    unit = next((u for u in scenario.recovery if u.site == site), None)
    capacity, breaks = res.recovery_capacity(unit)
    intervals = res.recovery_intervals(ctx, site).get(date, [])
    return res.steps(intervals, capacity, breaks)


def _recovery_peaks(ctx: CheckContext) -> dict[str, int]:
    sites = {u.site for u in ctx.scenario.recovery}
    sites |= {p.site for p in ctx.placed if p.site is not None and p.case.recovery_minutes > 0}
    out: dict[str, int] = {}
    for site in sorted(sites):
        by_date = res.recovery_intervals(ctx, site)
        profiles = (res.steps(intervals, res.constant(0)) for intervals in by_date.values())
        out[site] = max((res.peak(profile) for profile in profiles), default=0)
    return out


def _equipment_peaks(ctx: CheckContext) -> tuple[dict[str, int], int]:
    peaks: dict[str, int] = {}
    conflicts = 0
    for item in ctx.scenario.equipment:
        top = 0
        for intervals in res.equipment_intervals(ctx, item).values():
            profile = res.steps(intervals, res.constant(item.count))
            top = max(top, res.peak(profile))
            conflicts += len(res.overloads(profile))
        peaks[item.id] = top
    return peaks, conflicts


def _bed_peaks(
    ctx: CheckContext, rows: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, int], int]:
    """Peak ICU and ward occupancy per site, and Σ over bed sites of the peak ICU + ward."""
    peaks: dict[str, dict[str, int]] = {kind: {} for kind in res.BED_KINDS}
    combined: dict[tuple[str, dt.date], int] = defaultdict(int)
    for r in rows:
        by_site = peaks[r["kind"]]
        by_site[r["site"]] = max(by_site.get(r["site"], 0), r["total"])
        combined[(r["site"], r["date"])] += r["total"]
    bed_sites = {u.site for u in ctx.scenario.beds}
    level = sum(
        max((n for (site, _), n in combined.items() if site == s), default=0) for s in bed_sites
    )
    return peaks["icu"], peaks["ward"], level


def _preference_misses(ctx: CheckContext) -> int:
    misses = 0
    for p in ctx.placed:
        surgeon = ctx.surgeons.get(p.surgeon)
        if surgeon is None:
            continue
        if surgeon.preferred_weekdays and p.date.weekday() not in surgeon.preferred_weekdays:
            misses += 1
        if surgeon.preferred_theatres and p.theatre not in surgeon.preferred_theatres:
            misses += 1
    return misses


def _early_sequencing(ctx: CheckContext) -> int:
    rules = [r for r in ctx.scenario.sequencing if r.position == "early"]
    if not rules:
        return 0
    total = 0
    for p in ctx.placed:
        if p.session is None or not p.case.flags:
            continue
        flags = set(p.case.flags)
        delay = max(0, p.start - p.session.open)
        total += sum(r.weight * delay for r in rules if r.flag in flags)
    return total


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
    cancelled = 0
    for c in sc.cases:
        p = placed_by_case.get(c.id)
        if p is None and c.cancelled is not None:
            cancelled += 1  # cancelled on the day: neither waiting nor costed (rules.md)
            continue
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
    bed_rows = _occupancy_rows(ctx)
    peak_icu, peak_ward, bed_level = _bed_peaks(ctx, bed_rows)
    peak_equipment, equipment_conflicts = _equipment_peaks(ctx)
    misses = _preference_misses(ctx)
    risks = risk.session_risks(ctx).values()
    alpha = sc.rules.overtime_probability
    open_minutes = sum(r["close"] - r["open"] for r in rows)
    overtime = sum(r["overtime"] for r in rows)
    idle = sum(r["idle"] for r in rows)
    break_in: dict[str, int] = {}
    for sd in emergency.site_days(ctx):
        break_in[sd.group] = max(break_in.get(sd.group, 0), sd.longest)
    break_in_total = sum(sd.longest for sd in emergency.site_days(ctx))

    kpis = Kpis(
        scheduled=len(placed_by_case),
        unscheduled=unscheduled,
        cancelled=cancelled,
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
        peak_recovery=_recovery_peaks(ctx),
        peak_icu=peak_icu,
        peak_ward=peak_ward,
        peak_equipment=peak_equipment,
        equipment_conflicts=equipment_conflicts,
        preference_misses=misses,
        sessions_at_risk=0 if alpha is None else sum(1 for r in risks if r.breaks(alpha)),
        max_overtime_probability=max((r.probability for r in risks), default=0.0),
        longest_break_in_interval=break_in,
    )
    cost = CostBreakdown(
        unscheduled=unscheduled_cost,
        waiting=w.waiting_day * waiting,
        deadline_breach=w.deadline_breach * breaches,
        late_days=w.late_day * late,
        overtime=w.overtime_minute * overtime,
        idle=w.idle_minute * idle,
        theatre_changes=w.theatre_change * changes,
        early_sequencing=_early_sequencing(ctx),
        surgeon_preference=w.surgeon_preference * misses,
        bed_peak=w.bed_peak * bed_level,
        break_in_interval=w.break_in_interval * break_in_total,
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
