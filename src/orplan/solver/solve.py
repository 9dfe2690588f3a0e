"""Plan a scenario: ``solve(scenario) -> Result``, checked by the independent checker.

The search itself is in :mod:`orplan.solver.strategies` (whole model, day windows, or both)
and :mod:`orplan.solver.search` (one CP-SAT run); settings and results in
:mod:`orplan.solver.settings`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import ortools

import orplan
from orplan.errors import PlanInvalidError
from orplan.plan.model import CaseAssignment, Plan, PlanStatus, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario
from orplan.solver.bound_runs import add_capacity_bound, collect_bounds, stop_runs
from orplan.solver.capacity_lp import start_capacity_bound
from orplan.solver.decompose import solve_decompose
from orplan.solver.explain import unplaceable_mandatory
from orplan.solver.lp_bound import (
    LpBound,
    LpOutcome,
    lp_skipped,
    start_lp_and_mip_bounds,
)
from orplan.solver.options import CaseOptions, build_options
from orplan.solver.search import with_reasons
from orplan.solver.settings import Progress, Result, SolveSettings, best_bound, relative_gap
from orplan.solver.strategies import (
    SMALL_MODEL_MAX_OPTIONS,
    WHOLE_MODEL_MAX_OPTIONS,
    Outcome,
    solve_both,
    solve_by_days,
    solve_whole,
)
from orplan.solver.unavoidable import decidable_gap, unavoidable_cost
from orplan.solver.whole_mip import solve_whole_mip_start

#: Share of the time limit HiGHS gets for the MIP's dual bound (``mip_bound``). Its bound
#: comes from the root (cuts) and then creeps (pilot-week-s1: 36,004 at 10 s, 36,251 at
#: 27 s, 36,253 at 240 s; docs/solver.md), while its core is taken from the search.
MIP_BOUND_SHARE = 0.4

__all__ = [
    "SMALL_MODEL_MAX_OPTIONS",
    "WHOLE_MODEL_MAX_OPTIONS",
    "Progress",
    "Result",
    "SolveSettings",
    "relative_gap",
    "rule_result",
    "solve",
]


def solve(
    scenario: Scenario,
    settings: SolveSettings | None = None,
    *,
    progress: Callable[[Progress], None] | None = None,
    start: Plan | None = None,
) -> Result:
    """Plan the scenario with CP-SAT and verify the plan with the independent checker.

    Parameters
    ----------
    scenario
        A validated scenario.
    settings
        Search settings (defaults: 30 s, 2 workers, seed 0).
    progress
        Called with each new incumbent (objective, bound, gap, elapsed seconds).
    start
        A plan to start the search from instead of the planner's rule (e.g. the plan being
        edited, for "re-solve the rest"); it must keep every hard rule of ``scenario`` (else
        the rule's plan is used). Only the whole-model search uses it.

    Returns
    -------
    Result
        Status, plan (best found; marked by ``run.stopped_by`` when the time limit or Ctrl-C
        ended the search), objective, bound, gap, KPIs, and an explanation when no plan exists.

    Raises
    ------
    PlanInvalidError
        If the checker finds a broken hard rule or a different cost: a bug, never a result.
    """
    settings = settings or SolveSettings()
    began = time.perf_counter()
    case_options = build_options(scenario)
    missing = unplaceable_mandatory(scenario, case_options)
    if missing:
        return Result("INFEASIBLE", None, None, None, None, time.perf_counter() - began, missing)
    size = sum(len(entry.options) for entry in case_options)
    unavoidable = float(unavoidable_cost(scenario, case_options).total)
    strategy = _strategy(settings, size)
    # Alongside the search, both from one build of the assignment MIP. A small whole model
    # is mostly proven optimal within its limit, and child processes per solve would then
    # be wasted: its LP starts after the search, only when there is no proof (collect_bounds), and
    # it gets no MIP bound.
    alongside = strategy != "whole" or size > SMALL_MODEL_MAX_OPTIONS
    lp, mip_bound = start_lp_and_mip_bounds(
        scenario,
        case_options,
        max(1.0, 0.5 * settings.time_limit) if settings.lp_bound and alongside else None,
        max(1.0, MIP_BOUND_SHARE * settings.time_limit)
        if settings.mip_bound and alongside
        else None,
    )
    if settings.lp_bound and lp is None:
        lp = lp_skipped(size)  # a small whole model's LP skipped for size says so at once
    capacity = None
    if settings.lp_bound and (lp_skipped(size) is not None or strategy == "days"):
        # The assignment LP is skipped for size; its session-capacity relaxation is small
        # enough (hospital-month: 648,857 in 17 s, against the unavoidable 220,020). Day
        # windows get it too: at their size the assignment LP may not end in its time
        # (a two-week hospital, 119,395 options: no optimum in 30 s), and the windows
        # start from its rounded plan.
        left = max(1.0, settings.time_limit - (time.perf_counter() - began))
        capacity = start_capacity_bound(scenario, case_options, left)
    benders = None
    if settings.benders_bound:
        # Alongside the search, ending with it: the master's dual bound grows with its time.
        # Imported here: benders -> baselines.mip -> board -> baselines.common, which
        # imports orplan.solver (this package) for its settings: a cycle at module level.
        from orplan.solver.benders import BendersRun, BendersSettings

        budget = max(1.0, settings.time_limit - (time.perf_counter() - began) - 1.0)
        benders = BendersRun(
            scenario, case_options, BendersSettings(time_limit=budget, seed=settings.seed)
        )
    try:
        outcome, lp, stage_bound = _search(
            scenario, case_options, settings, strategy, _best_known(progress, unavoidable),
            began, start, lp, capacity,
        )  # fmt: skip
        if stage_bound is not None and mip_bound is None:
            mip_bound = stage_bound  # the small whole model's MIP-start stage proved it
    except BaseException:
        stop_runs("search failed", lp, mip_bound, capacity, benders)
        raise
    if isinstance(outcome, Result):
        stop_runs("no plan", lp, mip_bound, capacity, benders)
        return outcome
    entries, status, stopped_by, cpsat_bound, objective, first_time = outcome
    try:
        bounds, notes = collect_bounds(
            scenario, case_options, status, stopped_by, cpsat_bound, lp, unavoidable,
            settings, began, benders, mip_bound,
        )  # fmt: skip
        add_capacity_bound(capacity, status, stopped_by, settings, began, bounds, notes)
    except KeyboardInterrupt:
        # Ctrl-C while waiting for a bound: the planner wants the plan now. The bounds
        # still running are stopped, and those already collected stand.
        stopped_by = "interrupted"
        bounds, notes = collect_bounds(
            scenario, case_options, status, stopped_by, cpsat_bound, lp, unavoidable,
            settings, began, benders, mip_bound,
        )  # fmt: skip
        add_capacity_bound(capacity, status, stopped_by, settings, began, bounds, notes)
    bound_source, bound = best_bound(bounds)
    return _checked(
        scenario, settings, began, entries, status, stopped_by, objective, first_time,
        strategy, bound, bound_source, "; ".join(notes) or None, bounds, unavoidable,
    )  # fmt: skip


def _best_known(
    progress: Callable[[Progress], None] | None, unavoidable: float
) -> Callable[[Progress], None] | None:
    """Progress with the best bound known, chosen by :func:`best_bound` as the final one is.

    CP-SAT's first bound can be far below zero on large models (docs/solver.md); the
    unavoidable cost is valid from the start. A report is passed on only when its cost or
    bound differs from the last one passed on: the strategies re-report a plan they take
    over from another stage (the day windows taking the LP-rounded plan), which is neither
    a new plan nor a better bound.
    """
    if progress is None:
        return None
    report = progress
    last: list[tuple[float | None, float | None]] = []

    def best(p: Progress) -> None:
        if p.bound is not None:
            _, bound = best_bound({"cpsat": p.bound, "unavoidable": unavoidable})
            p = replace(p, bound=bound, gap=relative_gap(p.objective, bound))
        # (no bound from the search yet, e.g. the start plan: none is shown)
        if last and last[0] == (p.objective, p.bound):
            return
        last[:] = [(p.objective, p.bound)]
        report(p)

    return best


def _strategy(settings: SolveSettings, size: int) -> str:
    """The strategy to run: ``settings.strategy``, or for ``auto`` the one for ``size``."""
    if settings.strategy != "auto":
        return settings.strategy
    if settings.deterministic_time is not None:
        # Day windows are cut by the wall clock; only the whole model replays exactly.
        return "whole"
    if size > WHOLE_MODEL_MAX_OPTIONS:
        return "days"
    if size > SMALL_MODEL_MAX_OPTIONS:
        # Measured at 60 s (docs/solver.md): decompose beat both on pilot-week-s1/s2 and
        # scale-t16-s1; without the LP (lp_bound=False) it would only fall back to both.
        return "decompose" if settings.lp_bound else "both"
    return "whole"


def _search(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    strategy: str,
    progress: Callable[[Progress], None] | None,
    began: float,
    start: Plan | None,
    lp: LpBound | LpOutcome | None,
    capacity: LpBound | LpOutcome | None = None,
) -> tuple[Result | Outcome, LpBound | LpOutcome | None, LpOutcome | None]:
    """Run ``strategy``; ``decompose`` collects the LP and hands it back, and the small
    whole model with ``mip_start`` hands back its stage's MIP bound (else None)."""
    from orplan.check import check

    if strategy == "days":
        # The capacity LP (where the assignment LP is too big) rounded starts the windows.
        guide = capacity if isinstance(capacity, LpBound) else None
        outcome = solve_by_days(scenario, case_options, settings, progress, began, guide)
    elif strategy == "decompose":
        outcome, lp = solve_decompose(scenario, case_options, settings, progress, began, lp)
    elif strategy == "both":
        outcome = solve_both(scenario, case_options, settings, progress, began)
    else:
        if start is not None and not check(scenario, start).ok:
            # A broken start would be returned as the plan when the search finds nothing.
            start = None
        size = sum(len(entry.options) for entry in case_options)
        # The stage's HiGHS run is timed by the wall clock: not in a deterministic replay.
        if (
            settings.mip_start
            and settings.deterministic_time is None
            and (size <= SMALL_MODEL_MAX_OPTIONS)
        ):
            outcome, stage_bound = solve_whole_mip_start(
                scenario, case_options, settings, progress, began, start
            )
            return outcome, lp, stage_bound
        outcome = solve_whole(scenario, case_options, settings, progress, began, start)
    return outcome, lp, None


def _checked(
    scenario: Scenario,
    settings: SolveSettings,
    began: float,
    entries: list[CaseAssignment],
    status: PlanStatus,
    stopped_by: str,
    objective: float | None,
    first_time: float | None,
    strategy: str,
    bound: float,
    bound_source: str,
    bound_note: str | None,
    bounds: dict[str, float],
    unavoidable: float,
) -> Result:
    """Record the run, check the plan independently and return the result."""
    from orplan.check import check  # the second opinion; imported here to keep it separate

    wall = time.perf_counter() - began
    gap = relative_gap(objective, bound)
    run = SolverRun(
        orplan_version=orplan.__version__,
        ortools_version=getattr(ortools, "__version__", "unknown"),
        scenario=scenario.name,
        scenario_sha256=scenario_digest(scenario),
        seed=settings.seed,
        time_limit=settings.time_limit,
        workers=settings.workers,
        status=status,
        stopped_by=stopped_by,
        objective=objective,
        bound=bound,
        gap=gap,
        wall_time=round(wall, 3),
        time_to_first=None if first_time is None else round(first_time, 3),
        strategy=strategy,
        bound_source=bound_source,
        bound_note=bound_note,
        bounds=bounds,
        unavoidable=unavoidable,
    )
    plan = Plan(run=run, cases=entries)
    report = check(scenario, plan)
    if not report.ok:
        raise PlanInvalidError(
            "the independent checker rejected the solver's plan (a bug in orplan):\n"
            + report.summary()
        )
    # Before optimality, helper variables (overtime, idle, theatre changes) may sit above
    # their true values, so the model's objective can only over-state the plan's cost; the
    # checker's cost is the plan's true cost and is what orplan reports.
    if objective is not None and (
        report.cost.total > objective + 0.5
        or (status == "OPTIMAL" and abs(report.cost.total - objective) > 0.5)
    ):
        raise PlanInvalidError(
            f"the checker's cost {report.cost.total} does not match the solver's objective "
            f"{objective} (a bug in orplan): {report.cost}"
        )
    model_objective = objective
    objective = float(report.cost.total)
    gap = relative_gap(objective, bound)
    if bound > objective + 0.5:
        # A lower bound above a checked plan's cost is wrong (a bug in orplan): say so, and
        # let it prove nothing.
        note = f"bound {bound:,.0f} ({bound_source}) above the plan's cost: not a valid bound"
        bound_note = f"{bound_note}; {note}" if bound_note else note
        run.bound_note = bound_note
    elif status == "FEASIBLE" and bound >= objective:
        # A bound of another source (HiGHS's MIP bound, the unavoidable cost) proves the
        # plan; ``stopped_by`` still says why the search ended.
        status = "OPTIMAL"
        run.status = status
    run.objective = objective
    run.gap = gap
    run.gap_decidable = decidable_gap(objective, bound, unavoidable)
    return Result(
        status, plan, objective, bound, gap, wall, check=report, model_objective=model_objective,
        bound_source=bound_source, bound_note=bound_note, bounds=bounds, unavoidable=unavoidable,
    )  # fmt: skip


def rule_result(scenario: Scenario) -> Result:
    """The planner's-rule plan as a checked :class:`Result` (for comparisons, e.g. in
    ``orplan simulate``): earliest deadline first, first fit, mean durations."""
    from orplan.baselines.rule import rule_plan
    from orplan.check import check

    began = time.perf_counter()
    plan = rule_plan(scenario)
    report = check(scenario, plan)
    if not report.ok:
        raise PlanInvalidError("the checker rejected the rule plan:\n" + report.summary())
    entries = with_reasons(scenario, build_options(scenario), plan)
    wall = time.perf_counter() - began
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
        objective=float(report.cost.total),
        bound=None,
        gap=None,
        wall_time=round(wall, 3),
        time_to_first=round(wall, 3),
        strategy="rule",
    )
    checked = Plan(run=run, cases=entries)
    # Reasons on unscheduled entries change neither the rules nor the cost: one check suffices.
    return Result("FEASIBLE", checked, float(report.cost.total), None, None, wall, check=report)
