"""The CP-SAT window repair of the patient layer: exact, never worse, and it re-packs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from orplan.ihtc import Instance, evaluate
from orplan.ihtc import load_solution as read_solution
from orplan.ihtc.kernel import Data, State, discharge, hard, load_solution, objective
from orplan.ihtc.repair import repair_window
from orplan.ihtc.search import build_data, from_solution, new_state, to_solution


def _state_of(inst: Instance, ihtc_data: Path, name: str, folder: str) -> tuple[Data, State]:
    data = build_data(inst)
    st = new_state(inst, data, 0)
    sol = read_solution(ihtc_data / "solutions" / folder / f"sol_{name}.json")
    assert load_solution(data, st, *from_solution(inst, data, sol))
    assert hard(st.c) == 0
    assert objective(data, st.c) == evaluate(inst, sol).total_cost
    return data, st


def _rescored(inst: Instance, data: Data, st: State) -> tuple[list[int], dict[str, int]]:
    n_p = len(inst.patients)
    sol = to_solution(inst, st.adm[:n_p], st.room[:n_p], st.theater, st.nurse_of)
    ev = evaluate(inst, sol)
    return [c.raw for c in ev.costs], {v.code: v.count for v in ev.violations}


@pytest.mark.parametrize(("name", "folder"), [("test01", "test"), ("i04", "upper_bound")])
def test_repair_is_exact_and_never_worse(
    name: str,
    folder: str,
    kernel_ready: float,
    instance_of: Callable[[str], Instance],
    ihtc_data: Path,
) -> None:
    """Over every window of a good solution: the model's count of the current placement is
    the kernel's, a better placement is applied at exactly its predicted cost, and the state
    stays feasible with counters equal to the evaluator's."""
    inst = instance_of(name)
    data, st = _state_of(inst, ihtc_data, name, folder)
    for first in range(0, inst.days, 3):
        result = repair_window(data, st, first, 3, time_limit=1.0, seed=first)
        assert result.after <= result.before
        if result.predicted is not None:
            assert result.predicted <= result.before
            expected = result.predicted if result.predicted < result.before else result.before
            assert result.after == expected
        costs, violations = _rescored(inst, data, st)
        assert costs == st.c[:8].tolist()
        assert sum(violations.values()) == 0
        assert objective(data, st.c) == result.after


def test_repair_readmits_patients_taken_out_of_a_window(
    kernel_ready: float, instance_of: Callable[[str], Instance], ihtc_data: Path
) -> None:
    """Unscheduling the optional patients of three days costs S8; the repair puts patients
    back, and when it proves optimality it is at least as good as the solution it came from."""
    inst = instance_of("i04")
    data, st = _state_of(inst, ihtc_data, "i04", "upper_bound")
    reference = int(objective(data, st.c))
    n_p = len(inst.patients)
    out = [p for p in range(n_p) if 4 <= st.adm[p] <= 6 and data.p_mandatory[p] == 0]
    assert out
    for p in out:
        discharge(data, st, p)
    taken_out = int(objective(data, st.c))
    admitted = int(np.sum(st.adm[:n_p] >= 0))
    assert taken_out > reference
    result = repair_window(data, st, 4, 3, time_limit=10.0, seed=0)
    assert result.after < taken_out
    assert int(np.sum(st.adm[:n_p] >= 0)) > admitted
    if result.status == "OPTIMAL":
        assert result.after <= reference


def test_solve_with_window_repairs(
    kernel_ready: float, instance_of: Callable[[str], Instance]
) -> None:
    """With repairs on, the solver still returns a feasible solution scored like the
    evaluator, and the first worker has run repairs."""
    from orplan.ihtc.solve import SolverParams, solve

    params = SolverParams(repair_every=0.5, repair_from=0.0, repair_seconds=0.5)
    result = solve(instance_of("i04"), time_limit=8, workers=2, seed=3, params=params)
    assert result.feasible and result.evaluation is not None
    assert result.search_cost == result.evaluation.total_cost
    tried, improved, gain = result.repairs
    assert tried > 0
    assert 0 <= improved <= tried and gain >= 0
    assert (gain > 0) == (improved > 0)


def test_kicks_in_the_mandatory_only_view(
    kernel_ready: float, instance_of: Callable[[str], Instance], ihtc_data: Path
) -> None:
    """Phase 1 hides the optional patients' days while some are scheduled (from an admission
    plan); a kick that displaces one must unschedule it, not look for a day it has none of."""
    from orplan.ihtc.kernel import MV_KICK_BED, MV_KICK_SURGEON, N_MOVES
    from orplan.ihtc.moves import anneal

    inst = instance_of("i04")
    data, st = _state_of(inst, ihtc_data, "i04", "upper_bound")
    p_ndays = data.p_ndays.copy()
    p_ndays[data.p_mandatory == 0] = 0
    view = data._replace(p_ndays=p_ndays)
    # Mandatory patients out, so that kicks have someone to admit.
    for q in np.flatnonzero(data.p_mandatory == 1)[:6]:
        discharge(data, st, int(q))
    probs = np.zeros(N_MOVES)
    probs[[MV_KICK_SURGEON, MV_KICK_BED]] = 1.0
    anneal(view, st, 20_000, 1e6, 1e6, probs, 1.0)
    assert int(st.stats[MV_KICK_SURGEON, 1] + st.stats[MV_KICK_BED, 1]) > 0
    costs, violations = _rescored(inst, data, st)
    assert costs == st.c[:8].tolist()
    assert violations["H5"] == st.c[11]
