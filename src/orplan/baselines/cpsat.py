"""CP-SAT runs for the benchmark: ``orplan.solve`` as is, and a variant warm-started by a hint.

:func:`solve_cpsat` calls :func:`orplan.solve` with its default model and settings and
records every incumbent. :func:`solve_cpsat_hint` builds the same model with
:func:`orplan.solver.build.build_model`, adds the rule baseline's plan as a (partial) hint —
assignment literals, surgeon literals and start times —, completes it to a full solution
with one short solve in which the hinted variables are fixed (:func:`complete_hint`), and
solves with the same parameters as the default. Both return plans checked by the independent
checker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import ortools
from ortools.sat.python import cp_model

import orplan
from orplan.baselines.common import MethodResult, Trace, relative_gap
from orplan.baselines.rule import solve_rule
from orplan.errors import PlanInvalidError
from orplan.plan.model import CaseAssignment, Plan, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario
from orplan.solver.warmstart import complete_hint, hint_plan

# The plan hint and its completion are the solver's own warm-start helpers.
add_plan_hint = hint_plan

__all__ = [
    "MIP_VARIANTS", "add_plan_hint", "complete_hint", "cpsat_run", "solve_cpsat",
    "solve_cpsat_hint",
]  # fmt: skip


#: Benchmark method -> (``mip_bound``, ``mip_start``) of the HiGHS-helper variants of
#: ``cpsat``; ``cpsat-mipstart-bound`` is the default since 2026-12-06, ``cpsat-nomip`` the
#: default before.
MIP_VARIANTS = {
    "cpsat-nomip": (False, False),
    "cpsat-mipbound": (True, False),
    "cpsat-mipstart": (False, True),
    "cpsat-mipstart-bound": (True, True),
}


def solve_cpsat(
    scenario: Scenario,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    warm_start: bool | None = None,
    strategy: str | None = None,
    benders_bound: bool = False,
    mip_bound: bool | None = None,
    mip_start: bool | None = None,
) -> MethodResult:
    """Run :func:`orplan.solve` with default settings and record its progress.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        CP-SAT's ``max_time_in_seconds`` (model building comes on top).
    workers
        CP-SAT workers.
    seed
        Random seed.
    warm_start
        Override ``SolveSettings.warm_start`` (start from the rule plan); None keeps the
        default.
    strategy
        Override ``SolveSettings.strategy`` (e.g. ``"decompose"``, method name
        ``cpsat-decompose``); None keeps ``"auto"``.
    benders_bound
        Also compute the logic-based Benders bound alongside the search (method name
        ``cpsat-benders``); the row's ``bound_source`` says ``benders`` when it wins.
    mip_bound
        Override ``SolveSettings.mip_bound`` (HiGHS's dual bound of the assignment MIP
        beside the search); None keeps the default.
    mip_start
        Override ``SolveSettings.mip_start`` (HiGHS from the incumbent's assignment inside
        ``decompose``); None keeps the default. Either override names the method
        ``cpsat-nomip``, ``cpsat-mipbound``, ``cpsat-mipstart`` or ``cpsat-mipstart-bound``
        by which of the two are on.

    Returns
    -------
    MethodResult
        Plan, checker report, CP-SAT's bound, incumbents over time. When the checker
        rejects the plan (``PlanInvalidError``) or none is found, ``plan`` is None and
        ``extra["error"]`` says why.
    """
    from orplan.solver.solve import Progress, SolveSettings
    from orplan.solver.solve import solve as cpsat_solve

    began = time.perf_counter()
    trace: Trace = []

    def progress(p: Progress) -> None:
        trace.append((time.perf_counter() - began, p.objective, p.bound))

    settings = SolveSettings(time_limit=time_limit, workers=workers, seed=seed)
    if warm_start is not None:
        settings = replace(settings, warm_start=warm_start)
    method = "cpsat" if warm_start is None else ("cpsat-warm" if warm_start else "cpsat-cold")
    if strategy is not None:
        settings = replace(settings, strategy=strategy)  # type: ignore[arg-type]
        method = f"cpsat-{strategy}"
    if benders_bound:
        settings = replace(settings, benders_bound=True)
        method = "cpsat-benders"
    if mip_bound is not None or mip_start is not None:
        settings = replace(
            settings,
            mip_bound=settings.mip_bound if mip_bound is None else mip_bound,
            mip_start=settings.mip_start if mip_start is None else mip_start,
        )
        flags = (settings.mip_bound, settings.mip_start)
        method = next(name for name, on in MIP_VARIANTS.items() if on == flags)
    try:
        result = cpsat_solve(scenario, settings, progress=progress)
    except PlanInvalidError as error:
        wall = time.perf_counter() - began
        return _failed(method, wall, trace, f"checker rejected the plan: {error}")
    wall = time.perf_counter() - began
    if result.plan is None or result.check is None:
        why = "; ".join(result.explanation) or result.status
        return _failed(method, wall, trace, why, status=result.status)
    cost = float(result.check.cost.total)
    trace.append((wall, cost, result.bound))
    return MethodResult(
        method=method,
        plan=result.plan,
        report=result.check,
        objective=cost,
        bound=result.bound,
        wall_time=wall,
        time_to_first=trace[0][0],
        time_to_best=trace[-2][0] if len(trace) > 1 else wall,
        trace=trace,
        extra={
            "status": result.status,
            "cpsat_objective": result.objective,
            # bound_source, unavoidable and gap_decidable are in plan.run (benchmark columns).
            "bound_note": result.bound_note,
            "bounds": result.bounds,
        },
    )


def _failed(
    method: str, wall: float, trace: Trace, why: str, status: str = "ERROR"
) -> MethodResult:
    return MethodResult(
        method=method,
        plan=None,
        report=None,
        objective=None,
        bound=None,
        wall_time=wall,
        time_to_first=None,
        time_to_best=None,
        trace=trace,
        extra={"status": status, "error": why},
    )


def _read(sm: Any, solver: cp_model.CpSolver) -> list[CaseAssignment]:
    placed = sm.scheduled(solver)
    return [
        placed.get(ci)
        or CaseAssignment(case=c.id, scheduled=False, reason="not selected by CP-SAT")
        for ci, c in enumerate(sm.scenario.cases)
    ]


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, began: float, trace: Trace) -> None:
        super().__init__()
        self._began = began
        self._trace = trace
        self._lock = threading.Lock()

    def on_solution_callback(self) -> None:
        with self._lock:
            self._trace.append(
                (time.perf_counter() - self._began, self.objective_value, self.best_objective_bound)
            )


def solve_cpsat_hint(
    scenario: Scenario,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    hint: Plan | None = None,
    max_options: int = 60_000,
) -> MethodResult:
    """CP-SAT on orplan's model, warm-started from a plan (default: the rule baseline's).

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        CP-SAT's ``max_time_in_seconds`` (the rule plan and model building come on top).
    workers
        CP-SAT workers.
    seed
        Random seed.
    hint
        The plan to start from; the rule baseline's plan when None.
    max_options
        Above this many (case, session) options the run is skipped (``extra["skipped"]``):
        the whole-horizon model is then too big for this machine, which is why
        :func:`orplan.solve` switches to its day-window strategy there.

    Returns
    -------
    MethodResult
        As :func:`solve_cpsat`; ``extra`` has the hint's cost and the number of hinted
        variables.
    """
    from orplan.check import check
    from orplan.solver.build import build_model
    from orplan.solver.options import build_options

    began = time.perf_counter()
    trace: Trace = []
    options = build_options(scenario)
    size = sum(len(entry.options) for entry in options)
    if size > max_options:
        why = (
            f"skipped: the whole-horizon model would have {size:,} options (> {max_options:,}); "
            "orplan.solve switches to its day-window strategy there"
        )
        result = _failed("cpsat-hint", time.perf_counter() - began, trace, why, "SKIPPED")
        result.extra["skipped"] = True
        return result
    hint_cost: float | None = None
    if hint is None:
        start = solve_rule(scenario)
        hint, hint_cost = start.plan, start.objective
    assert hint is not None
    sm = build_model(scenario, options)
    count = add_plan_hint(sm, hint)
    completed = complete_hint(sm.model, seconds=min(10.0, max(1.0, 0.1 * time_limit)))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = time_limit
    params.num_workers = workers
    params.random_seed = seed
    code = solver.solve(sm.model, _Recorder(began, trace))
    wall = time.perf_counter() - began
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _failed(
            "cpsat-hint", wall, trace, solver.status_name(code), solver.status_name(code)
        )
    run = SolverRun(
        orplan_version=orplan.__version__,
        ortools_version=getattr(ortools, "__version__", "unknown"),
        scenario=scenario.name,
        scenario_sha256=scenario_digest(scenario),
        seed=seed,
        time_limit=time_limit,
        workers=workers,
        status="OPTIMAL" if code == cp_model.OPTIMAL else "FEASIBLE",
        stopped_by="optimal" if code == cp_model.OPTIMAL else "time_limit",
        objective=solver.objective_value,
        bound=max(0.0, solver.best_objective_bound),
        gap=relative_gap(solver.objective_value, max(0.0, solver.best_objective_bound)),
        wall_time=round(wall, 3),
        time_to_first=round(trace[0][0], 3) if trace else None,
    )
    plan = Plan(run=run, cases=_read(sm, solver))
    report = check(scenario, plan)
    cost = float(report.cost.total)
    bound = max(0.0, float(solver.best_objective_bound))  # every cost term is >= 0
    trace.append((wall, cost, bound))
    return MethodResult(
        method="cpsat-hint",
        plan=plan,
        report=report,
        objective=cost,
        bound=bound,
        wall_time=wall,
        time_to_first=trace[0][0],
        time_to_best=trace[-2][0] if len(trace) > 1 else wall,
        trace=trace,
        extra={
            "status": run.status,
            "cpsat_objective": solver.objective_value,
            "hint_cost": hint_cost,
            "hinted": count,
            "hint_completed": completed,
        },
    )


def cpsat_run(
    scenario: Scenario,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    warm_start: bool = False,
) -> MethodResult:
    """Run CP-SAT (default, or warm-started from the rule plan).

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        CP-SAT search seconds.
    workers
        CP-SAT workers.
    seed
        Random seed.
    warm_start
        Start from the rule baseline's plan as a hint.

    Returns
    -------
    MethodResult
    """
    if warm_start:
        return solve_cpsat_hint(scenario, time_limit=time_limit, workers=workers, seed=seed)
    return solve_cpsat(scenario, time_limit=time_limit, workers=workers, seed=seed)
