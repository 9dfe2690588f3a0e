"""Large scenarios: rolling-horizon start and large-neighbourhood search over days.

A hospital month has hundreds of thousands of (case, session) options: too many for one
CP-SAT model on two cores. Days are almost independent in this problem — theatres, surgeons,
equipment, recovery and staff are all per date — so a *window* of a few days can be
re-planned exactly while the plan of every other day stays fixed:

* the window's sub-scenario keeps the window's sessions and every case not fixed elsewhere;
* ICU and ward beds, the one resource that spans days, see the fixed cases as beds already
  occupied, so bed limits and the bed-peak cost stay exact;
* every cost term of a fixed case is unchanged, so a better sub-plan is a better plan.

Start: days in order (rolling horizon), each solved with the cases still waiting. A mandatory
case is mandatory in a window only when no later window could take it. Then: windows of 1-3
random days are re-solved, hinted with the current plan, and kept when the cost drops.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import BedUnit, Case, Scenario
from orplan.solver.build import SurgeryModel, build_model
from orplan.solver.options import CaseOptions, build_options
from orplan.solver.warmstart import hint_plan


class NoStartPlanError(Exception):
    """A day of the rolling-horizon start had no plan (its mandatory cases do not fit)."""


@dataclass
class Window:
    """One sub-problem: the dates re-planned and its solve result."""

    days: tuple[int, ...]
    cost_before: float | None
    cost_after: float | None
    seconds: float


def _bed_use(
    scenario: Scenario, placed: dict[str, CaseAssignment]
) -> dict[tuple[str, str], dict[int, int]]:
    """(site, kind) -> day -> beds taken by the placed cases."""
    site_of = {t.id: t.site for t in scenario.theatres}
    cases = {c.id: c for c in scenario.cases}
    use: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for case_id, entry in placed.items():
        case = cases[case_id]
        if entry.date is None or entry.theatre is None:
            continue
        day = scenario.horizon.day_index(entry.date)
        site = site_of[entry.theatre]
        for d in range(day, day + case.icu_days):
            use[(site, "icu")][d] += 1
        for d in range(day + case.icu_days, day + case.icu_days + case.ward_days):
            use[(site, "ward")][d] += 1
    return use


def _leave_out_cost(scenario: Scenario, case: Case) -> float:
    """Cost per operating minute of leaving ``case`` unscheduled (priority and deadline)."""
    w = scenario.weights
    cost = w.unscheduled_cost(case.priority)
    if case.due is not None and case.due <= scenario.horizon.end:
        cost += w.deadline_breach + w.late_day * (scenario.horizon.end - case.due).days
    return cost / case.duration


def sub_scenario(
    scenario: Scenario,
    days: set[int],
    placed: dict[str, CaseAssignment],
    *,
    last_chance: dict[str, int] | None = None,
    eligible_days: dict[str, set[int]] | None = None,
    max_waiting: int | None = None,
) -> Scenario:
    """The scenario restricted to the sessions on ``days``, everything else held fixed.

    Parameters
    ----------
    scenario
        Full scenario.
    days
        Day indices re-planned.
    placed
        Current plan: case id -> scheduled entry (any day).
    last_chance
        Case id -> last day index with an eligible session; a mandatory case that is not
        yet placed is mandatory here only if its last chance lies in ``days`` (start phase).
    eligible_days
        Case id -> day indices with an eligible session; cases with none in ``days`` are
        left out (they could not be placed anyway).
    max_waiting
        Keep at most this many waiting (unplaced) cases, the most costly to leave out first,
        so that a window of a large hospital stays a small model. Mandatory cases and cases
        already placed in the window are always kept.
    """
    horizon = scenario.horizon
    sessions = [s for s in scenario.sessions if horizon.day_index(s.date) in days]
    fixed = {
        cid: e
        for cid, e in placed.items()
        if e.date is not None and horizon.day_index(e.date) not in days
    }
    cases = []
    waiting = []
    for case in scenario.cases:
        if case.id in fixed:
            continue
        if eligible_days is not None and not eligible_days.get(case.id, set()) & days:
            continue
        if case.mandatory:
            keep = case.id in placed
            if not keep and last_chance is not None:
                keep = last_chance.get(case.id, -1) in days
            if not keep:
                case = case.model_copy(update={"mandatory": False})
        if case.id in placed or case.mandatory:
            cases.append(case)
        else:
            waiting.append(case)
    if max_waiting is not None and len(waiting) > max_waiting:
        waiting.sort(key=lambda c: (-_leave_out_cost(scenario, c), c.due or horizon.end, c.id))
        waiting = waiting[:max_waiting]
    cases.extend(waiting)
    order = {c.id: i for i, c in enumerate(scenario.cases)}
    cases.sort(key=lambda c: order[c.id])
    use = _bed_use(scenario, fixed)
    dates = scenario.dates()
    beds = []
    for unit in scenario.beds:
        occupied = dict(unit.occupied)
        for day, n in use.get((unit.site, unit.kind), {}).items():
            if 0 <= day < len(dates):
                occupied[dates[day]] = occupied.get(dates[day], 0) + n
        beds.append(BedUnit(site=unit.site, kind=unit.kind, beds=unit.beds, occupied=occupied))
    # model_construct skips re-validation: the parts are already valid and this runs often.
    return Scenario.model_construct(
        **{**dict(scenario), "sessions": sessions, "cases": cases, "beds": beds}
    )


def _read(sm: SurgeryModel, solver: cp_model.CpSolver) -> dict[str, CaseAssignment]:
    return {entry.case: entry for entry in sm.scheduled(solver).values()}


def _solve_window(
    sub: Scenario,
    placed: dict[str, CaseAssignment],
    seconds: float,
    workers: int,
    seed: int,
    cost_of: Callable[[Scenario, dict[str, CaseAssignment]], float],
) -> tuple[dict[str, CaseAssignment] | None, float | None, float | None]:
    """Solve one window; returns (new placements in it, cost before, cost after)."""
    sm = build_model(sub, build_options(sub))
    mine = {cid: e for cid, e in placed.items() if cid in {c.id for c in sub.cases}}
    before = cost_of(sub, mine) if mine else None
    hint_plan(sm, Plan(cases=list(mine.values())))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    # Windows are solved many times for a few seconds each: measured on a hospital-month
    # day (7k options), full presolve took 5.4 s of a 15 s budget and these settings 0.6 s.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    status = solver.solve(sm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, before, None
    found = _read(sm, solver)
    return found, before, cost_of(sub, found)


def lns_solve(
    scenario: Scenario,
    time_limit: float,
    workers: int,
    seed: int,
    *,
    on_improve: Callable[[float, float], None] | None = None,
    initial: dict[str, CaseAssignment] | None = None,
    case_options: list[CaseOptions] | None = None,
) -> tuple[dict[str, CaseAssignment], list[Window], float | None, bool]:
    """Plan a large scenario by rolling horizon then day-window LNS.

    Parameters
    ----------
    on_improve
        Called with (elapsed seconds, plan cost) after the start and each improvement.
    initial
        A valid starting plan (case id -> scheduled entry); when given, the rolling-horizon
        start is skipped and the search only improves it.

    Returns
    -------
    placed
        Case id -> scheduled entry (cases not in it are unscheduled).
    windows
        The sub-problems solved, for reporting.
    first_time
        Seconds until every day had a plan (None if the start was not completed).
    interrupted
        Whether Ctrl-C ended the search.

    Raises
    ------
    NoStartPlanError
        If a day of the start phase has no plan at all.
    """
    from orplan.check import check  # the sub-plan's exact cost, independent of the model

    def cost_of(sub: Scenario, found: dict[str, CaseAssignment]) -> float:
        entries = [found.get(c.id) or CaseAssignment(case=c.id, scheduled=False) for c in sub.cases]
        return float(check(sub, Plan(cases=entries)).cost.total)

    began = time.perf_counter()
    rng = random.Random(seed)
    horizon = scenario.horizon
    session_days = sorted({horizon.day_index(s.date) for s in scenario.sessions})
    last_chance: dict[str, int] = {}
    eligible_days: dict[str, set[int]] = {}
    # The whole scenario's options take ~10 s on a hospital month: reuse the caller's.
    for entry in case_options if case_options is not None else build_options(scenario):
        if entry.options:
            last_chance[entry.case.id] = max(o.day for o in entry.options)
            eligible_days[entry.case.id] = {o.day for o in entry.options}
    per_day: dict[int, int] = defaultdict(int)
    for s in scenario.sessions:
        per_day[horizon.day_index(s.date)] += s.length
    mean_case = sum(c.duration + scenario.turnover_of(c) for c in scenario.cases) / max(
        1, len(scenario.cases)
    )

    def cap(days: set[int]) -> int:
        # About three candidates for every case that fits the window's open minutes.
        return int(3 * sum(per_day[d] for d in days) / max(1.0, mean_case)) + 20

    placed: dict[str, CaseAssignment] = {}
    windows: list[Window] = []
    # Start: one pass over the days in order. Each day gets an equal share of what is left
    # of the first third of the time (at least 4 s). Mandatory cases are placed at their
    # first chance when the day allows it (attempt 1), else only at their last (attempt 2);
    # a smaller candidate list is the last resort.
    start_budget = time_limit / 3
    if initial is not None:
        placed = dict(initial)
        session_days_to_start: list[int] = []
    else:
        session_days_to_start = session_days
    try:
        for position, day in enumerate(session_days_to_start):
            t0 = time.perf_counter()
            left = start_budget - (t0 - began)
            share = max(4.0, left / (len(session_days_to_start) - position))
            found = None
            attempts = (
                (eligible_days, cap({day}), share),
                (None, cap({day}), share),
                (None, cap({day}) // 4, 2 * share),
            )
            for first_chance, waiting, seconds in attempts:
                chance = (
                    {cid: day for cid, days in first_chance.items() if day in days}
                    if first_chance is not None
                    else last_chance
                )
                sub = sub_scenario(
                    scenario, {day}, placed, last_chance=chance,
                    eligible_days=eligible_days, max_waiting=waiting,
                )  # fmt: skip
                found, before, after = _solve_window(sub, placed, seconds, workers, seed, cost_of)
                if found is not None:
                    break
            if found is None and not any(c.mandatory for c in sub.cases):
                found, before, after = {}, None, None
            if found is None:
                raise NoStartPlanError(
                    f"no plan for {scenario.dates()[day]} in the rolling-horizon start: its "
                    "mandatory cases may not fit; try the whole-horizon model (--strategy whole)"
                )
            placed = {k: v for k, v in placed.items() if k not in {c.id for c in sub.cases}}
            placed.update(found)
            windows.append(Window((day,), before, after, time.perf_counter() - t0))
    except KeyboardInterrupt:
        return placed, windows, None, True
    first_time = time.perf_counter() - began
    total = cost_of(scenario, placed)
    if on_improve is not None:
        on_improve(first_time, total)
    try:
        _improve(
            scenario, placed, windows, began, time_limit, workers, rng, cost_of, total,
            on_improve, eligible_days, cap,
        )  # fmt: skip
    except KeyboardInterrupt:
        return placed, windows, first_time, True
    return placed, windows, first_time, False


def _improve(
    scenario: Scenario,
    placed: dict[str, CaseAssignment],
    windows: list[Window],
    began: float,
    time_limit: float,
    workers: int,
    rng: random.Random,
    cost_of: Callable[[Scenario, dict[str, CaseAssignment]], float],
    total: float,
    on_improve: Callable[[float, float], None] | None,
    eligible_days: dict[str, set[int]],
    cap: Callable[[set[int]], int],
) -> None:
    """Random windows of one to three days, re-solved with the current plan as hint (in place).

    A window holds about 30 sessions at most (one day of a large hospital, two or three of a
    pilot week) and gets 0.2 s per session (3-15 s): measured on this 2-core machine, larger
    windows did not even return their hinted plan within their time.
    """
    horizon = scenario.horizon
    session_days = sorted({horizon.day_index(s.date) for s in scenario.sessions})
    per_day = max(1.0, len(scenario.sessions) / max(1, len(session_days)))
    widest = max(1, min(3, int(30 // per_day)))
    overhead = 0.0
    while True:
        remaining = time_limit - (time.perf_counter() - began)
        # A window's search time is cut to what is left, so stop only when what is left
        # would not cover the last window's work outside its search (building the
        # sub-scenario, checking its plan) and a 2 s search. Stopping when a whole window
        # no longer fit left 6-10 s of a hospital month's 60 s unused (9 s windows).
        if remaining < 2.0 + 1.2 * overhead:
            break
        size = min(len(session_days), rng.randint(1, widest))
        days = set(rng.sample(session_days, size))
        t0 = time.perf_counter()
        sub = sub_scenario(
            scenario, days, placed, eligible_days=eligible_days, max_waiting=cap(days) * 2 // 3
        )
        built = time.perf_counter() - t0
        seconds = min(
            remaining - 1.0 - (time.perf_counter() - t0), 15.0, max(3.0, 0.2 * len(sub.sessions))
        )
        found, before, after = _solve_window(
            sub, placed, seconds, workers, rng.randrange(1 << 30), cost_of
        )
        last = time.perf_counter() - t0
        # A search may end before its budget: then the build is the overhead known.
        overhead = max(built, last - seconds)
        windows.append(Window(tuple(sorted(days)), before, after, last))
        if found is not None and after is not None and (before is None or after < before):
            for case in sub.cases:
                placed.pop(case.id, None)
            placed.update(found)
            total += after - (before or 0.0)
            if on_improve is not None:
                on_improve(time.perf_counter() - began, total)
