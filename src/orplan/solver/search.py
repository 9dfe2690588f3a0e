"""One CP-SAT search: parameters, progress, Ctrl-C, the compaction stage, reading the plan."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from orplan.plan.model import CaseAssignment, Plan, PlanStatus
from orplan.scenario.model import Scenario
from orplan.solver.build import SurgeryModel
from orplan.solver.explain import unscheduled_reasons
from orplan.solver.options import CaseOptions
from orplan.solver.settings import Progress, SolveSettings, relative_gap


class Watcher(cp_model.CpSolverSolutionCallback):
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
            obj, bound = self.objective_value, self.best_objective_bound
            self._report(Progress(elapsed, obj, bound, relative_gap(obj, bound)))


def start_ready(
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


def set_parameters(solver: cp_model.CpSolver, settings: SolveSettings) -> None:
    params = solver.parameters
    params.max_time_in_seconds = settings.time_limit
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    if settings.deterministic_time is not None:
        params.max_deterministic_time = settings.deterministic_time
    # Ctrl-C is handled in Python (see _run) so the run can be marked as interrupted.
    params.catch_sigint_signal = False


def run_search(solver: cp_model.CpSolver, sm: SurgeryModel, watcher: Watcher) -> tuple[Any, bool]:
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


def compact(
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


def read_plan(sm: SurgeryModel, solver: cp_model.CpSolver) -> list[CaseAssignment]:
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


STATUS: dict[Any, PlanStatus] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def with_reasons(
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
