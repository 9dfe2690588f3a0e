"""Plan a scenario: ``solve(scenario) -> Result``, checked by the independent checker.

The search itself is in :mod:`orplan.solver.strategies` (whole model, day windows, or both)
and :mod:`orplan.solver.search` (one CP-SAT run); settings and results in
:mod:`orplan.solver.settings`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ortools

import orplan
from orplan.errors import PlanInvalidError
from orplan.plan.model import Plan, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario
from orplan.solver.explain import unplaceable_mandatory
from orplan.solver.options import build_options
from orplan.solver.search import with_reasons
from orplan.solver.settings import Progress, Result, SolveSettings, relative_gap
from orplan.solver.strategies import (
    SMALL_MODEL_MAX_OPTIONS,
    WHOLE_MODEL_MAX_OPTIONS,
    solve_both,
    solve_by_days,
    solve_whole,
)

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
    from orplan.check import check  # the second opinion; imported here to keep it separate

    settings = settings or SolveSettings()
    began = time.perf_counter()
    case_options = build_options(scenario)
    missing = unplaceable_mandatory(scenario, case_options)
    if missing:
        return Result("INFEASIBLE", None, None, None, None, time.perf_counter() - began, missing)
    size = sum(len(entry.options) for entry in case_options)
    strategy = settings.strategy
    if strategy == "auto":
        if size > WHOLE_MODEL_MAX_OPTIONS:
            strategy = "days"
        elif size > SMALL_MODEL_MAX_OPTIONS:
            strategy = "both"
        else:
            strategy = "whole"
        if settings.deterministic_time is not None:
            # Day windows are cut by the wall clock; only the whole model replays exactly.
            strategy = "whole"
    if strategy == "days":
        outcome = solve_by_days(scenario, case_options, settings, progress, began)
    elif strategy == "both":
        outcome = solve_both(scenario, case_options, settings, progress, began)
    else:
        if start is not None and not check(scenario, start).ok:
            # A broken start would be returned as the plan when the search finds nothing.
            start = None
        outcome = solve_whole(scenario, case_options, settings, progress, began, start)
    if isinstance(outcome, Result):
        return outcome
    entries, status, stopped_by, bound, objective, first_time = outcome
    if bound is not None:
        # Every cost term of docs/rules.md is >= 0, so 0 is a valid bound; CP-SAT's own can be
        # negative on large models (the objective is written as a constant minus rewards).
        bound = max(0.0, bound)
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
    run.objective = objective
    run.gap = gap
    return Result(
        status, plan, objective, bound, gap, wall, check=report, model_objective=model_objective
    )


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
