"""What every baseline shares: eligible sessions, plan metadata and the result record.

The baselines decide eligibility from the scenario fields themselves (the rules of
``docs/rules.md``), not from the CP-SAT option builder, so a bug there does not carry over.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

import orplan
from orplan.plan.model import CaseAssignment, Plan, PlanStatus, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Case, Equipment, Scenario, Session, Surgeon, Theatre
from orplan.solver.settings import relative_gap

if TYPE_CHECKING:
    from orplan.check import CheckReport

__all__ = [
    "MethodResult",
    "Options",
    "Trace",
    "case_order_key",
    "ceil_to",
    "eligible_sessions",
    "finish_plan",
    "present_surgeons",
    "relative_gap",
]

StoppedBy = Literal["optimal", "time_limit", "interrupted", "infeasible", "other"]

Trace = list[tuple[float, float | None, float | None]]
"""Progress of a run: ``(elapsed seconds, objective, bound)`` points, in time order."""


@dataclass
class MethodResult:
    """A baseline's plan with what the benchmark records about the run.

    Attributes
    ----------
    method
        Method name (``rule``, ``mip``, ``cpsat``, ``cpsat-hint``).
    plan
        The plan (``run`` filled in), or None when the method produced none.
    report
        The independent checker's report on ``plan`` (None without a plan).
    objective
        The checker's cost of ``plan`` (None without a plan).
    bound
        The method's own lower bound on the cost, when it has one.
    wall_time
        Seconds from the call until the plan was ready, checker excluded.
    time_to_first
        Seconds until the first feasible plan (None when the method found none).
    time_to_best
        Seconds until the plan that was returned was found.
    trace
        ``(elapsed, objective, bound)`` points: the method's own figures over time.
    extra
        Method-specific figures (e.g. the MIP's own objective, dropped cases).
    """

    method: str
    plan: Plan | None
    report: CheckReport | None
    objective: float | None
    bound: float | None
    wall_time: float
    time_to_first: float | None
    time_to_best: float | None
    trace: Trace = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Whether a plan exists and the checker found no broken hard rule."""
        return self.report is not None and self.report.ok

    @property
    def gap(self) -> float | None:
        """Relative gap of the checker cost to the method's bound (None without either)."""
        return relative_gap(self.objective, self.bound)


def ceil_to(value: int, step: int) -> int:
    """Round ``value`` up to a multiple of ``step``.

    Parameters
    ----------
    value
        Minutes.
    step
        Grid in minutes (>= 1).

    Returns
    -------
    int
        The smallest multiple of ``step`` that is >= ``value``.
    """
    return -(-value // step) * step


def case_order_key(scenario: Scenario, case: Case) -> tuple[Any, ...]:
    """Planner's order: mandatory first, then earliest deadline, priority, release, id.

    Parameters
    ----------
    scenario
        The scenario (for the horizon start).
    case
        The case.

    Returns
    -------
    tuple
        Sort key; smaller is planned first.
    """
    due = case.due if case.due is not None else dt.date.max
    release = case.release if case.release is not None else scenario.horizon.start
    return (not case.mandatory, due, case.priority, release, case.id)


def present_surgeons(scenario: Scenario, case: Case, session: Session) -> list[str]:
    """Eligible surgeons of ``case`` whose hours on the session's date can hold it at all.

    Parameters
    ----------
    scenario
        The scenario.
    case
        The case.
    session
        A candidate session.

    Returns
    -------
    list of str
        Surgeon ids (scenario order of the eligibility rule).
    """
    by_id = {s.id: s for s in scenario.surgeons}
    return _present(by_id, scenario.surgeons_for(case), case, session)


def _present(
    by_id: dict[str, Surgeon], names: list[str], case: Case, session: Session
) -> list[str]:
    out = []
    for name in names:
        surgeon = by_id.get(name)
        if surgeon is None or case.duration > surgeon.max_minutes_per_day:
            continue
        window = surgeon.window(session.date)
        if window is None:
            continue
        lo = max(window[0], session.open)
        hi = min(window[1], session.close + session.overtime)
        if hi - lo >= case.duration:
            out.append(name)
    return out


Options = list[list[tuple[int, list[str]]]]
"""Per case: ``(session index, surgeon ids)`` pairs it may use, in (date, open) order."""


def eligible_sessions(scenario: Scenario) -> Options:
    """For each case, the sessions and surgeons it may use by every per-case rule.

    The per-case rules are: theatre and session specialty, theatre capabilities, site of
    site-bound equipment (and at least one unit), release date, hard deadline, session
    length with allowed overtime, and an eligible surgeon present long enough that date.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Options
        ``(session index, surgeon ids)`` per case, in (date, opening time, theatre) order.
    """
    theatres = {t.id: t for t in scenario.theatres}
    equipment = {e.id: e for e in scenario.equipment}
    surgeons = {s.id: s for s in scenario.surgeons}
    sessions = scenario.sessions
    order = sorted(
        range(len(sessions)),
        key=lambda i: (sessions[i].date, sessions[i].open, sessions[i].theatre),
    )
    # Per session: date, length and the id of its (date, open, end), whose present surgeons
    # are looked up once per case length and surgeon list rather than once per case: with
    # ~14,000 cases and ~3,000 sessions the pair loop took most of the rule's time.
    date_of = np.array([s.date.toordinal() for s in sessions], np.int64)
    length = np.array([s.close + s.overtime - s.open for s in sessions], np.int64)
    hours: dict[tuple[dt.date, int, int], int] = {}
    hours_of = np.array(
        [hours.setdefault((s.date, s.open, s.close + s.overtime), len(hours)) for s in sessions],
        np.int64,
    )
    windows: dict[tuple[str, dt.date], tuple[int, int] | None] = {}
    present: dict[tuple[int, int, tuple[str, ...]], list[str]] = {}
    h0 = scenario.horizon.start
    fixed: dict[tuple[Any, ...], npt.NDArray[np.int64]] = {}
    out: Options = []
    for case in scenario.cases:
        key = (case.specialty, tuple(case.requires), tuple(case.equipment))
        if key not in fixed:
            fixed[key] = np.array(
                [
                    si
                    for si in order
                    if _room_allows(theatres[sessions[si].theatre], equipment, case, sessions[si])
                ],
                np.int64,
            )
        names = tuple(
            n
            for n in scenario.surgeons_for(case)
            if n in surgeons and case.duration <= surgeons[n].max_minutes_per_day
        )
        found = fixed[key]
        keep = length[found] >= case.duration
        if case.release is not None:
            keep &= date_of[found] >= case.release.toordinal()
        if scenario.rules.deadlines_hard and case.due is not None and case.due >= h0:
            keep &= date_of[found] <= case.due.toordinal()
        found = found[keep]
        slots, first, which = np.unique(hours_of[found], return_index=True, return_inverse=True)
        heres: list[list[str]] = []
        for slot, at in zip(slots.tolist(), first.tolist(), strict=True):
            here = present.get((slot, case.duration, names))
            if here is None:
                session = sessions[int(found[at])]
                here = present[(slot, case.duration, names)] = [
                    name
                    for name in names
                    if _fits_hours(surgeons[name], windows, session, case.duration)
                ]
            heres.append(here)
        mine = [
            (si, list(here))
            for si, here in zip(found.tolist(), [heres[w] for w in which.tolist()], strict=True)
            if here
        ]
        out.append(mine)
    return out


def _fits_hours(
    surgeon: Surgeon,
    windows: dict[tuple[str, dt.date], tuple[int, int] | None],
    session: Session,
    duration: int,
) -> bool:
    """Whether ``surgeon``'s hours that day overlap the session by ``duration`` minutes."""
    window = windows.get((surgeon.id, session.date), (-1, -1))
    if window == (-1, -1):
        window = windows[(surgeon.id, session.date)] = surgeon.window(session.date)
    if window is None:
        return False
    lo = max(window[0], session.open)
    hi = min(window[1], session.close + session.overtime)
    return hi - lo >= duration


def _room_allows(
    theatre: Theatre, equipment: dict[str, Equipment], case: Case, session: Session
) -> bool:
    """Specialty, capability and equipment-site rules of one (case, session) pair."""
    if theatre.specialties and case.specialty not in theatre.specialties:
        return False
    if session.specialty is not None and session.specialty != case.specialty:
        return False
    if any(c not in theatre.capabilities for c in case.requires):
        return False
    return not any(
        equipment[e].count == 0
        or (equipment[e].site is not None and equipment[e].site != theatre.site)
        for e in case.equipment
    )


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def finish_plan(
    scenario: Scenario,
    entries: list[CaseAssignment],
    *,
    began: float,
    time_limit: float,
    workers: int,
    seed: int,
    bound: float | None = None,
    stopped_by: StoppedBy = "other",
    time_to_first: float | None = None,
) -> tuple[Plan, CheckReport, float]:
    """Wrap ``entries`` in a plan whose ``run`` records the checker's cost as objective.

    Parameters
    ----------
    scenario
        The scenario.
    entries
        One assignment per scenario case.
    began
        ``time.perf_counter()`` at the start of the method.
    time_limit, workers, seed
        The settings the method ran with.
    bound
        The method's lower bound on the cost, if any.
    stopped_by
        Why the method stopped (``SolverRun.stopped_by``).
    time_to_first
        Seconds to the first feasible plan (default: the wall time).

    Returns
    -------
    tuple of (Plan, CheckReport, float)
        The plan, the checker's report on it and the wall time in seconds (checker excluded).
    """
    from orplan.check import check

    wall = time.perf_counter() - began
    if bound is not None and not math.isfinite(bound):
        bound = None
    bare = Plan(cases=entries)
    report = check(scenario, bare)
    cost = float(report.cost.total)
    status: PlanStatus = "FEASIBLE"  # a baseline never claims a proof
    run = SolverRun(
        orplan_version=orplan.__version__,
        ortools_version=_version("ortools"),
        scenario=scenario.name,
        scenario_sha256=scenario_digest(scenario),
        seed=seed,
        time_limit=time_limit,
        workers=workers,
        status=status,
        stopped_by=stopped_by,
        objective=cost,
        bound=bound,
        gap=relative_gap(cost, bound),
        wall_time=round(wall, 3),
        time_to_first=round(wall if time_to_first is None else time_to_first, 3),
    )
    return Plan(run=run, cases=entries), report, wall
