"""Solve the MSS with the count model, then recover the theatres (the default formulation).

Steps: the one-week optimum repeated (a multi-week cycle's hint), the week-averaged floor
(:mod:`orplan.mss.floor`, added as ``objective >= floor``), the count model of the whole
cycle (:mod:`orplan.mss.count`), and the theatres of its counts
(:mod:`orplan.mss.recover`). The plan is optimal when CP-SAT proves the counts optimal and
the theatres need no more patterns than the counts' lower bound; the count model's bound
is a valid bound of the theatre model either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

import orplan
from orplan.mss.count import CountModel, build_count, hint_from_blocks
from orplan.mss.model import Block, MssInput, MssPlan, MssRun
from orplan.mss.recover import pattern_count, recover_blocks

#: Same units as :data:`orplan.mss.solve.OBJECTIVE_SCALE` (kept equal by a test).
OBJECTIVE_SCALE = 60 * 100 * 100


def _counts(m: CountModel, solver: cp_model.CpSolver) -> dict[tuple[str, int, int, int], int]:
    return {key: int(solver.value(v)) for key, v in m.n.items()}


def _pattern_weight(inp: MssInput) -> int:
    return round(OBJECTIVE_SCALE * inp.weights.pattern)


def solve_count(
    inp: MssInput,
    time_limit: float,
    workers: int,
    seed: int,
    one_week: Callable[[MssInput, float], list[Block] | None],
) -> MssPlan:
    """Plan ``inp`` with the count model; ``status`` says whether blocks were found.

    Parameters
    ----------
    inp
        The MSS input (already checked by :func:`orplan.mss.explain.explain_infeasible`).
    time_limit, workers, seed
        CP-SAT settings; the time covers every step.
    one_week
        ``one_week(inp, seconds)``: the one-week optimum repeated over the cycle, or
        ``None`` (the hint of a multi-week cycle).
    """
    started = time.perf_counter()
    m = build_count(inp)
    if inp.cycle_weeks > 1:
        from orplan.mss.floor import week_averaged_floor

        start = one_week(inp, time_limit / 4)
        if start:
            hint_from_blocks(m, start)
        floor = week_averaged_floor(inp, time_limit / 6, workers, seed)
        if floor is not None:
            m.model.add(m.objective >= floor)
    elif inp.baseline:
        hint_from_blocks(m, inp.baseline)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - started), 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(m.model)
    run = MssRun(
        version=orplan.__version__,
        seed=seed,
        time_limit=time_limit,
        workers=workers,
        wall_time=0.0,
        stopped_by="optimal" if code == cp_model.OPTIMAL else "time_limit",
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        run.wall_time = round(time.perf_counter() - started, 3)
        return _no_plan(inp, code == cp_model.INFEASIBLE, run)
    blocks = recover_blocks(m.classes, _counts(m, solver), seed=seed)
    # The recovered theatres may need more patterns than the counts' lower bound (never
    # fewer): the objective is the counts' plus the difference; the bound stays valid.
    extra = pattern_count(blocks) - sum(int(solver.value(v)) for v in m.y.values()) if m.y else 0
    objective = solver.objective_value + _pattern_weight(inp) * extra
    optimal = code == cp_model.OPTIMAL and extra == 0
    run.wall_time = round(time.perf_counter() - started, 3)
    run.stopped_by = "optimal" if optimal else "time_limit"
    return MssPlan(
        name=inp.name,
        cycle_weeks=inp.cycle_weeks,
        status="optimal" if optimal else "feasible",
        blocks=blocks,
        objective=objective / OBJECTIVE_SCALE,
        bound=min(solver.best_objective_bound, objective) / OBJECTIVE_SCALE,
        # From the day sums, not the peak variables: a peak weighted 0 is only a bound.
        expected_peak_ward=max(solver.value(e) for e in m.day_beds["ward"]) / 100,
        expected_peak_icu=max(solver.value(e) for e in m.day_beds["icu"]) / 100,
        run=run,
    )


def _no_plan(inp: MssInput, infeasible: bool, run: MssRun) -> MssPlan:
    from orplan.mss.explain import whole_block_reasons

    if infeasible:
        why = whole_block_reasons(inp) or [
            "no choice of whole blocks meets every specialty's hours within its tolerance "
            "and the pinned blocks; widen tolerance_hours or unpin blocks"
        ]
    else:
        why = [f"no MSS found within {run.time_limit:g} s"]
    return MssPlan(
        name=inp.name,
        cycle_weeks=inp.cycle_weeks,
        status="infeasible" if infeasible else "unknown",
        explanation=why,
        run=run,
    )
