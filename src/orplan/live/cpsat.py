"""CP-SAT pieces the replanning levels share: the grid, solver settings and hints."""

from __future__ import annotations

from ortools.sat.python import cp_model

from orplan.live.settings import ReplanSettings
from orplan.live.situation import LiveSituation
from orplan.solver.build import SurgeryModel

__all__ = ["hint_from", "hint_parent", "keep_on_grid", "make_solver"]


def keep_on_grid(sm: SurgeryModel, movable: set[int], grid: int, skip: set[str]) -> None:
    """Keep new starts on the original grid when the live scenario plans in minutes."""
    if sm.scenario.time_step != 1 or grid == 1:
        return
    for ci in movable:
        if sm.scenario.cases[ci].id in skip:
            continue
        for ov in sm.variables.by_case[ci]:
            lo, hi = ov.option.earliest, ov.option.latest
            values = [m for m in range(lo, hi + 1) if m % grid == 0]
            if values:
                domain = cp_model.Domain.from_values(values)
                model = sm.model
                model.add_linear_expression_in_domain(ov.start, domain).only_enforce_if(
                    ov.scheduled
                )


def make_solver(settings: ReplanSettings, seconds: float, share: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.5, seconds)
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.catch_sigint_signal = False
    if settings.deterministic_time is not None:
        params.max_deterministic_time = max(0.5, settings.deterministic_time * share)
    return solver


def hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def hint_parent(sm: SurgeryModel, sit: LiveSituation) -> None:
    """Hint the published slots (a partial hint: CP-SAT repairs what the events broke)."""
    from orplan.solver.warmstart import hint_plan

    hint_plan(sm, sit.parent)
