"""Run the search and read the plan back: ``solve(scenario) -> Result``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import ortools
from ortools.sat.python import cp_model

import orplan
from orplan.errors import PlanInvalidError
from orplan.plan.model import CaseAssignment, Plan, PlanStatus, SolverRun
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario
from orplan.solver.build import SurgeryModel, build_model
from orplan.solver.explain import (
    explain_infeasible,
    unplaceable_mandatory,
    unscheduled_reasons,
)
from orplan.solver.lns import NoStartPlanError, lns_solve
from orplan.solver.options import CaseOptions, build_options
from orplan.solver.warmstart import complete_hint, hint_plan, start_plan

if TYPE_CHECKING:
    from orplan.check import CheckReport, Kpis


@dataclass(frozen=True)
class SolveSettings:
    """Search settings; recorded in every plan.

    Parameters
    ----------
    time_limit
        Wall-clock seconds for the search.
    workers
        CP-SAT worker threads (2 suits this 2-core machine: it adds LNS to the main search).
    seed
        Random seed.
    deterministic_time
        Optional limit in CP-SAT's deterministic time units. With ``workers=1`` it makes a
        run repeat exactly, which a wall-clock limit cannot.
    compact
        After the search, spend a short extra solve (at most 10 % of the limit, ≤ 10 s)
        moving cases as early as possible without raising the cost: a plan with idle gaps
        before cases costs the same, but a planner would not accept it.
    warm_start
        Start the search from the planner's-rule plan (earliest deadline first, first fit),
        so a plan exists from the first second; the search only keeps a better one.
    strategy
        ``"whole"``: one model over the horizon (gives a proven bound); ``"days"``: rolling
        horizon and day-window search for scenarios too big for one model; ``"both"``:
        day windows for half the time, then the whole model from that plan (plan quality
        of the windows, bound of the whole model); ``"auto"`` picks ``"whole"`` up to
        ``SMALL_MODEL_MAX_OPTIONS`` options, ``"days"`` above ``WHOLE_MODEL_MAX_OPTIONS``,
        else ``"both"``.
    """

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic_time: float | None = None
    compact: bool = True
    strategy: Literal["auto", "whole", "days", "both"] = "auto"
    warm_start: bool = True


@dataclass(frozen=True)
class Progress:
    """One progress report: a new incumbent plan or a better bound."""

    elapsed: float
    objective: float | None
    bound: float | None
    gap: float | None


@dataclass
class Result:
    """What a solve returns.

    ``plan`` is None only when no plan exists (infeasible, or none found in time); then
    ``explanation`` says why in the hospital's terms.
    """

    status: PlanStatus
    plan: Plan | None
    objective: float | None
    bound: float | None
    gap: float | None
    wall_time: float
    explanation: list[str] = field(default_factory=list)
    check: CheckReport | None = None

    @property
    def kpis(self) -> Kpis | None:
        """KPIs recomputed by the independent checker (None without a plan)."""
        return self.check.kpis if self.check is not None else None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(objective - bound) / max(1, |objective|); None when either is missing."""
    if objective is None or bound is None:
        return None
    return max(0.0, objective - bound) / max(1.0, abs(objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports incumbents; keeps the time of the first one (seconds since ``began``)."""

    def __init__(self, report: Callable[[Progress], None] | None, began: float) -> None:
        super().__init__()
        self._report = report
        self._began = began
        self.first_time: float | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self._began
        if self.first_time is None:
            self.first_time = elapsed
        if self._report is not None:
            obj, bound = self.objective_value, max(0.0, self.best_objective_bound)
            self._report(Progress(elapsed, obj, bound, relative_gap(obj, bound)))


def _start_ready(
    start: Plan | None, progress: Callable[[Progress], None] | None, began: float
) -> float | None:
    """Report a checked start plan as the first plan; return when it was ready.

    The start (the planner's rule) has passed the checker, and it is what the solve returns
    if nothing better is found or Ctrl-C stops the search, so it counts as the first plan.
    """
    if start is None or start.run is None or start.run.objective is None:
        return None
    elapsed = time.perf_counter() - began
    if progress is not None:
        progress(Progress(elapsed, start.run.objective, None, None))
    return elapsed


def _parameters(solver: cp_model.CpSolver, settings: SolveSettings) -> None:
    params = solver.parameters
    params.max_time_in_seconds = settings.time_limit
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    if settings.deterministic_time is not None:
        params.max_deterministic_time = settings.deterministic_time
    # Ctrl-C is handled in Python (see _run) so the run can be marked as interrupted.
    params.catch_sigint_signal = False


def _run(solver: cp_model.CpSolver, sm: SurgeryModel, watcher: _Watcher) -> tuple[Any, bool]:
    """Solve in a worker thread so Ctrl-C in the main thread can stop the search cleanly."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        outcome["status"] = solver.solve(sm.model, watcher)

    thread = threading.Thread(target=work, name="orplan-cpsat", daemon=True)
    thread.start()
    interrupted = False
    while thread.is_alive():
        try:
            thread.join(timeout=0.2)
        except KeyboardInterrupt:
            interrupted = True
            # A stop sent before the search starts can be lost (or-tools #3621): repeat it.
            while thread.is_alive():
                solver.stop_search()
                thread.join(timeout=0.2)
    return outcome.get("status", cp_model.UNKNOWN), interrupted


def _compact(
    sm: SurgeryModel, solver: cp_model.CpSolver, settings: SolveSettings, cost: float
) -> cp_model.CpSolver | None:
    """Second stage: same or lower cost, cases started as early as possible.

    The cost is held with a constraint (lexicographic objectives, cpsat-notes section 3), the
    first plan is given as a complete hint, and the sum of start times is minimised. Returns
    the solver holding the compacted plan, or None if it found nothing in its time.
    """
    model = sm.model.clone()
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(sm.model.get_int_var_from_proto_index(index)))
    # clone() keeps variable indices, so the objective expression can be rebuilt on the clone
    # by evaluating the original expression's proto.
    objective = model.proto.objective
    expr = sum(
        coeff * model.get_int_var_from_proto_index(var)
        for var, coeff in zip(objective.vars, objective.coeffs, strict=True)
    )
    offset = objective.offset
    model.clear_objective()
    model.add(expr + round(offset) <= round(cost))
    model.minimize(sum(ov.start for ov in sm.variables.options))
    second = cp_model.CpSolver()
    params = second.parameters
    params.max_time_in_seconds = min(10.0, max(1.0, 0.1 * settings.time_limit))
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.catch_sigint_signal = False
    if settings.deterministic_time is not None:
        params.max_deterministic_time = max(1.0, 0.1 * settings.deterministic_time)
    status = second.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return second
    return None


def _read_plan(sm: SurgeryModel, solver: cp_model.CpSolver) -> list[CaseAssignment]:
    scenario = sm.scenario
    placed = sm.scheduled(solver)
    session_index = {s.id: si for si, s in enumerate(scenario.sessions)}
    reasons = unscheduled_reasons(
        scenario,
        sm.case_options,
        {ci: session_index[str(e.session)] for ci, e in placed.items()},
    )
    return [
        placed.get(ci) or CaseAssignment(case=case.id, scheduled=False, reason=reasons.get(case.id))
        for ci, case in enumerate(scenario.cases)
    ]


_STATUS: dict[Any, PlanStatus] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


#: Above this many (case, session) options the whole-horizon model is too big for two cores
#: (model size and memory grow with options; see docs/cpsat-notes.md) and the plan is built
#: day window by day window instead.
WHOLE_MODEL_MAX_OPTIONS = 60_000

#: Up to this many options the whole model alone is best (the demo, with 95 options, is
#: proven optimal in about 6 s; day windows first only delay the proof).
SMALL_MODEL_MAX_OPTIONS = 1_000

_Outcome = tuple[list[CaseAssignment], PlanStatus, str, float | None, float | None, float | None]


def _solve_whole(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    start: Plan | None = None,
) -> Result | _Outcome:
    """One CP-SAT model over the whole horizon, warm-started, then the compaction stage.

    ``start`` is the plan to start from (default: the planner's rule when ``warm_start``).
    """
    sm = build_model(scenario, case_options)
    if start is None and settings.warm_start:
        start = start_plan(scenario)
    start_time = _start_ready(start, progress, began)
    if start is not None:
        hint_plan(sm, start)
        complete_hint(sm.model, min(5.0, max(0.5, 0.05 * settings.time_limit)))
    solver = cp_model.CpSolver()
    # Keep a tenth of the time (at most 10 s) for compaction, so the limit is honoured.
    reserve = min(10.0, 0.1 * settings.time_limit) if settings.compact else 0.0
    _parameters(solver, replace(settings, time_limit=max(0.5, settings.time_limit - reserve)))
    watcher = _Watcher(progress, began)
    code, interrupted = _run(solver, sm, watcher)
    first_time = start_time if start_time is not None else watcher.first_time
    wall = time.perf_counter() - began
    status = _STATUS.get(code, "UNKNOWN")
    if status == "INFEASIBLE":
        return Result(status, None, None, None, None, wall, explain_infeasible(sm))
    if status == "UNKNOWN" and start is not None:
        # The search found nothing better in time: the warm start is the best plan known.
        bound = solver.best_objective_bound if watcher.first_time is not None else None
        stopped_by = "interrupted" if interrupted else "time_limit"
        return (
            _with_reasons(scenario, case_options, start),
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
        compacted = _compact(sm, solver, settings, objective)
        if compacted is not None:
            final = compacted
            objective = float(compacted.value(sm.objective))
    if status == "OPTIMAL":
        stopped_by = "optimal"
    elif interrupted:
        stopped_by = "interrupted"
    else:
        stopped_by = "time_limit"
    return _read_plan(sm, final), status, stopped_by, bound, objective, first_time


def _solve_by_days(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
) -> Result | _Outcome:
    """Rolling horizon then day-window search (see solver/lns.py); no global bound."""

    start = start_plan(scenario) if settings.warm_start else None
    start_time = _start_ready(start, progress, began)
    initial = None
    if start is not None:
        initial = {e.case: e for e in start.cases if e.scheduled}
    # The day windows count their own seconds; reports count from the call.
    offset = time.perf_counter() - began

    def improved(elapsed: float, cost: float) -> None:
        if progress is not None:
            progress(Progress(offset + elapsed, cost, None, None))

    try:
        placed, _windows, first_time, interrupted = lns_solve(
            scenario, settings.time_limit, settings.workers, settings.seed,
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
    entries = _with_reasons(scenario, case_options, Plan(cases=list(placed.values())))
    stopped_by = "interrupted" if interrupted else "time_limit"
    first_time = start_time if start_time is not None else offset + first_time
    return entries, "FEASIBLE", stopped_by, None, None, first_time


def _solve_both(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
) -> Result | _Outcome:
    """Day-window search for half the time, then the whole model started from its plan.

    Measured on pilot-week (30 s, loaded 2-core machine): the day windows found cost 53,690
    where the whole model alone reached 60,480 from the same rule start; the whole model
    adds the proven bound (and any cross-day improvement) in the second half.
    """
    if len(scenario.sessions) < 2 or settings.time_limit < 6:
        return _solve_whole(scenario, case_options, settings, progress, began)
    first = replace(settings, time_limit=0.5 * settings.time_limit, compact=False)
    outcome = _solve_by_days(scenario, case_options, first, progress, began)
    if isinstance(outcome, Result):
        return _solve_whole(scenario, case_options, settings, progress, began)
    entries, _status, stopped_by, _bound, _objective, first_time = outcome
    if stopped_by == "interrupted":
        return outcome
    rest = replace(
        settings, time_limit=max(1.0, settings.time_limit - (time.perf_counter() - began))
    )
    whole = _solve_whole(scenario, case_options, rest, progress, began, start=Plan(cases=entries))
    if isinstance(whole, Result):
        return outcome
    plan_entries, status, stopped_by, bound, objective, _ = whole
    return plan_entries, status, stopped_by, bound, objective, first_time


def _with_reasons(
    scenario: Scenario, case_options: list[CaseOptions], plan: Plan
) -> list[CaseAssignment]:
    """One entry per scenario case: the plan's scheduled entries, the rest with reasons."""
    placed = {e.case: e for e in plan.cases if e.scheduled}
    index = {case.id: i for i, case in enumerate(scenario.cases)}
    session_index = {s.id: i for i, s in enumerate(scenario.sessions)}
    chosen = {index[cid]: session_index[str(e.session)] for cid, e in placed.items()}
    reasons = unscheduled_reasons(scenario, case_options, chosen)
    return [
        placed.get(c.id) or CaseAssignment(case=c.id, scheduled=False, reason=reasons.get(c.id))
        for c in scenario.cases
    ]


def solve(
    scenario: Scenario,
    settings: SolveSettings | None = None,
    *,
    progress: Callable[[Progress], None] | None = None,
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
        outcome = _solve_by_days(scenario, case_options, settings, progress, began)
    elif strategy == "both":
        outcome = _solve_both(scenario, case_options, settings, progress, began)
    else:
        outcome = _solve_whole(scenario, case_options, settings, progress, began)
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
    objective = float(report.cost.total)
    gap = relative_gap(objective, bound)
    run.objective = objective
    run.gap = gap
    return Result(status, plan, objective, bound, gap, wall, check=report)


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
    entries = _with_reasons(scenario, build_options(scenario), plan)
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
