"""How the horizon is searched: one whole model, day windows, or day windows then the whole.

``solve`` picks one by size (:data:`SMALL_MODEL_MAX_OPTIONS`, :data:`WHOLE_MODEL_MAX_OPTIONS`);
each returns the plan entries with status, stop reason, bound, objective and the time to the
first plan, or a finished :class:`~orplan.solver.settings.Result` when there is no plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from ortools.sat.python import cp_model

from orplan.plan.model import CaseAssignment, Plan, PlanStatus
from orplan.scenario.model import Scenario
from orplan.solver.build import build_model
from orplan.solver.explain import explain_infeasible
from orplan.solver.lns import NoStartPlanError, lns_solve
from orplan.solver.lp_bound import LpBound
from orplan.solver.options import CaseOptions
from orplan.solver.search import (
    STATUS,
    Watcher,
    compact,
    read_plan,
    run_search,
    set_parameters,
    start_ready,
    with_reasons,
)
from orplan.solver.settings import Progress, Result, SolveSettings
from orplan.solver.warmstart import complete_hint, hint_plan, start_plan

#: Above this many (case, session) options the whole-horizon model is too big for two cores
#: (model size and memory grow with options; see docs/cpsat-notes.md) and the plan is built
#: day window by day window instead.
WHOLE_MODEL_MAX_OPTIONS = 60_000

#: Share of the limit the day windows wait for a guide LP before they start. The
#: hospital-month capacity LP takes about 18-22 s on one thread; its rounded plan gains 77k
#: where the windows gain about 1k a second, so waiting pays (at 30 s: 1,137,990 against
#: 1,211,195 with a 40 % wait that missed it).
GUIDE_SHARE = 0.75
#: The same without a warm start (no plan to fall back on while waiting).
COLD_GUIDE_SHARE = 0.25

#: Up to this many options the whole model alone is best (the demo, with 95 options, is
#: proven optimal in about 6 s; day windows first only delay the proof).
SMALL_MODEL_MAX_OPTIONS = 1_000

Outcome = tuple[list[CaseAssignment], PlanStatus, str, float | None, float | None, float | None]


def solve_whole(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    start: Plan | None = None,
) -> Result | Outcome:
    """One CP-SAT model over the whole horizon, warm-started, then the compaction stage.

    ``start`` is the plan to start from (default: the planner's rule when ``warm_start``).
    """
    sm = build_model(scenario, case_options)
    if start is None and settings.warm_start:
        start = start_plan(scenario)
    start_time = start_ready(start, progress, began)
    if start is not None:
        hint_plan(sm, start)
        complete_hint(sm.model, min(5.0, max(0.5, 0.05 * settings.time_limit)))
    solver = cp_model.CpSolver()
    # The limit counts from the call: building the model and the start plan took some of it.
    # Keep a tenth of what is left (at most 10 s) for compaction, so the limit is honoured.
    left = replace(
        settings, time_limit=max(1.0, settings.time_limit - (time.perf_counter() - began))
    )
    reserve = min(10.0, 0.1 * left.time_limit) if settings.compact else 0.0
    set_parameters(solver, replace(left, time_limit=max(0.5, left.time_limit - reserve)))
    watcher = Watcher(progress, began)
    code, interrupted = run_search(solver, sm, watcher)
    first_time = start_time if start_time is not None else watcher.first_time
    wall = time.perf_counter() - began
    status = STATUS.get(code, "UNKNOWN")
    if status == "INFEASIBLE":
        return Result(status, None, None, None, None, wall, explain_infeasible(sm))
    if status == "UNKNOWN" and start is not None:
        # The search found nothing better in time: the warm start is the best plan known.
        bound = solver.best_objective_bound if watcher.first_time is not None else None
        stopped_by = "interrupted" if interrupted else "time_limit"
        return (
            with_reasons(scenario, case_options, start),
            "FEASIBLE",
            stopped_by,
            bound,
            None,
            first_time if first_time is not None else wall,
        )
    if status in ("UNKNOWN", "MODEL_INVALID"):
        why = "stopped by Ctrl-C" if interrupted else f"time limit {settings.time_limit:g} s"
        text = [f"no plan found before the search ended ({why})"]
        if status == "MODEL_INVALID":
            text = [f"internal model error: {sm.model.validate()}"]
        return Result(status, None, None, None, None, wall, text)
    objective = solver.objective_value
    bound = solver.best_objective_bound
    final = solver
    if settings.compact and not interrupted:
        compacted = compact(sm, solver, left, objective)
        if compacted is not None:
            final = compacted
            objective = float(compacted.value(sm.objective))
    if status == "OPTIMAL":
        stopped_by = "optimal"
    elif interrupted:
        stopped_by = "interrupted"
    else:
        stopped_by = "time_limit"
    return read_plan(sm, final), status, stopped_by, bound, objective, first_time


def solve_by_days(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    guide: LpBound | None = None,
) -> Result | Outcome:
    """Rolling horizon then day-window search (see solver/lns.py); no global bound.

    ``guide``: an LP running beside the search (the session-capacity LP where the
    assignment LP is too big). If it is solved within :data:`GUIDE_SHARE` of the limit, its
    solution rounded (:func:`~orplan.solver.firstplan.lp_rounded_plan`) starts the windows
    when it is cheaper than the rule's plan (hospital-month-s1: 1,142,430 against 1,219,075).
    """
    start = start_plan(scenario) if settings.warm_start else None
    start_time = start_ready(start, progress, began)
    if guide is not None:
        try:
            rounded = _guided_start(scenario, case_options, settings, began, guide, start)
        except KeyboardInterrupt:  # while waiting for HiGHS (a child process)
            if start is None:
                wall = time.perf_counter() - began
                return Result("UNKNOWN", None, None, None, None, wall, ["stopped by Ctrl-C"])
            entries = with_reasons(scenario, case_options, start)
            return entries, "FEASIBLE", "interrupted", None, None, start_time
        if rounded is not None:
            start = rounded
            ready = start_ready(start, progress, began)
            start_time = start_time if start_time is not None else ready
    initial = None
    if start is not None:
        initial = {e.case: e for e in start.cases if e.scheduled}
    # The day windows count their own seconds; the limit and reports count from the call.
    offset = time.perf_counter() - began

    def improved(elapsed: float, cost: float) -> None:
        if progress is not None:
            progress(Progress(offset + elapsed, cost, None, None))

    try:
        placed, _windows, first_time, interrupted = lns_solve(
            scenario, max(1.0, settings.time_limit - offset), settings.workers, settings.seed,
            on_improve=improved, initial=initial, case_options=case_options,
        )  # fmt: skip
    except NoStartPlanError as exc:
        return Result("UNKNOWN", None, None, None, None, time.perf_counter() - began, [str(exc)])
    if first_time is None:
        why = "stopped by Ctrl-C" if interrupted else f"time limit {settings.time_limit:g} s"
        return Result(
            "UNKNOWN", None, None, None, None, time.perf_counter() - began,
            [f"no complete plan before the search ended ({why})"],
        )  # fmt: skip
    entries = with_reasons(scenario, case_options, Plan(cases=list(placed.values())))
    stopped_by = "interrupted" if interrupted else "time_limit"
    first_time = start_time if start_time is not None else offset + first_time
    return entries, "FEASIBLE", stopped_by, None, None, first_time


def _guided_start(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    began: float,
    guide: LpBound,
    start: Plan | None,
) -> Plan | None:
    """The guide LP's solution rounded, when it is back in time and beats ``start``."""
    from orplan.solver.firstplan import lp_rounded_plan, plan_cost

    # Without a start plan the rolling start needs its time if the LP is late: wait less.
    share = GUIDE_SHARE if start is not None else COLD_GUIDE_SHARE
    wait = share * settings.time_limit - (time.perf_counter() - began)
    done = guide.ready(max(0.0, wait))
    if done is None or not done.weights:
        return None
    rounded = lp_rounded_plan(scenario, case_options, done.weights)
    if rounded is None:
        return None
    cost = plan_cost(scenario, rounded)
    if start is not None and cost >= plan_cost(scenario, start):
        return None
    return rounded


def solve_both(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
) -> Result | Outcome:
    """Day-window search for half the time, then the whole model started from its plan.

    Measured on pilot-week (30 s, loaded 2-core machine): the day windows found cost 53,690
    where the whole model alone reached 60,480 from the same rule start; the whole model
    adds the proven bound (and any cross-day improvement) in the second half.
    """
    if len(scenario.sessions) < 2 or settings.time_limit < 6:
        return solve_whole(scenario, case_options, settings, progress, began)
    # Limits count from ``began``: the day windows end halfway through what is left now.
    spent = time.perf_counter() - began
    first = replace(
        settings, time_limit=spent + 0.5 * max(0.0, settings.time_limit - spent), compact=False
    )
    outcome = solve_by_days(scenario, case_options, first, progress, began)
    if isinstance(outcome, Result):
        return solve_whole(scenario, case_options, settings, progress, began)
    entries, _status, stopped_by, _bound, _objective, first_time = outcome
    if stopped_by == "interrupted":
        return outcome
    whole = solve_whole(
        scenario, case_options, settings, progress, began, start=Plan(cases=entries)
    )
    if isinstance(whole, Result):
        return outcome
    plan_entries, status, stopped_by, bound, objective, _ = whole
    return plan_entries, status, stopped_by, bound, objective, first_time
