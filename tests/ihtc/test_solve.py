"""Tests of the IHTC-2024 solver, its CLI command and the scenario mapping."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from orplan.ihtc import Instance, evaluate, load_solution
from orplan.ihtc.cli import main
from orplan.ihtc.scenario_map import to_scenario
from orplan.ihtc.solve import SolveResult, solve

LIMIT = 4.0


@pytest.fixture(scope="module")
def solved(
    kernel_ready: float, instance_of: Callable[[str], Instance]
) -> Callable[[str], SolveResult]:
    """Return ``name -> result``, solving each instance once."""
    cache: dict[str, SolveResult] = {}

    def run(name: str) -> SolveResult:
        if name not in cache:
            cache[name] = solve(instance_of(name), time_limit=LIMIT, workers=2, seed=1)
        return cache[name]

    return run


@pytest.mark.parametrize("name", ["test01", "small05", "test04"])
def test_solve_is_feasible_and_scored_like_the_evaluator(
    name: str, solved: Callable[[str], SolveResult], instance_of: Callable
) -> None:
    """A short run returns a feasible solution whose cost the evaluator confirms."""
    result = solved(name)
    assert result.solution is not None and result.evaluation is not None
    again = evaluate(instance_of(name), result.solution)
    assert again.feasible
    assert again.total_cost == result.evaluation.total_cost == result.search_cost
    assert result.time_to_first_feasible is not None
    assert result.time_to_first_feasible <= result.wall_time


def test_history_is_monotone(solved: Callable[[str], SolveResult]) -> None:
    """Recorded best costs only fall, in time order, and end at the returned cost."""
    result = solved("test04")
    times = [t for t, _ in result.history]
    costs = [c for _, c in result.history]
    assert times == sorted(times)
    assert all(b < a for a, b in itertools.pairwise(costs))
    assert costs[-1] == result.cost


def test_cli_solve_writes_a_feasible_solution(
    kernel_ready: float, ihtc_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ihtc solve`` writes the official JSON, prints the cost and exits 0."""
    out = tmp_path / "sol.json"
    inst_path = ihtc_data / "instances" / "small01.json"
    code = main(["ihtc", "solve", str(inst_path), "--out", str(out), "--time-limit", "3"])
    captured = capsys.readouterr()
    assert code == 0
    assert "Total cost" in captured.out
    assert "kernel ready" in captured.err
    data = json.loads(out.read_text())
    assert {"patients", "nurses"} <= set(data)
    code = main(["ihtc", "cost", str(inst_path), str(out)])
    assert code == 0
    assert load_solution(out).patients


def test_cli_solve_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable instance or a bad option gives exit status 2 and writes nothing."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = tmp_path / "sol.json"
    assert main(["ihtc", "solve", str(bad), "--out", str(out), "--time-limit", "1"]) == 2
    assert main(["ihtc", "solve", str(bad), "--out", str(out), "--time-limit", "0"]) == 2
    assert not out.exists()
    assert "error" in capsys.readouterr().err


def test_to_scenario_counts(instance_of: Callable[[str], Instance]) -> None:
    """Theatres, open theatre-days, surgeons and cases map one to one."""
    inst = instance_of("i05")
    scenario = to_scenario(inst)
    assert len(scenario.theatres) == len(inst.operating_theaters)
    open_days = sum(1 for t in inst.operating_theaters for m in t.availability if m > 0)
    assert len(scenario.sessions) == open_days
    assert sum(s.length for s in scenario.sessions) == sum(
        sum(t.availability) for t in inst.operating_theaters
    )
    assert len(scenario.surgeons) == len(inst.surgeons)
    assert len(scenario.cases) == len(inst.patients)
    mandatory = [c for c in scenario.cases if c.mandatory]
    assert len(mandatory) == sum(p.mandatory for p in inst.patients)
    assert all(c.due is not None for c in mandatory)
    assert all(c.due is None for c in scenario.cases if not c.mandatory)
    assert scenario.horizon.days == inst.days


def test_to_scenario_surgeon_budgets(instance_of: Callable[[str], Instance]) -> None:
    """Each surgeon's availability window on a day is exactly that day's budget."""
    inst = instance_of("i05")
    scenario = to_scenario(inst)
    for src, dst in zip(inst.surgeons, scenario.surgeons, strict=True):
        windows = {scenario.horizon.day_index(a.date): a.end - a.start for a in dst.available or []}
        expected = {d: m for d, m in enumerate(src.max_surgery_time) if m > 0}
        assert windows == expected


@pytest.mark.parametrize("name", ["test02", "small03"])
def test_kernel_counters_match_the_evaluator(
    name: str, kernel_ready: float, instance_of: Callable[[str], Instance]
) -> None:
    """After many random moves at a high temperature, the incremental counters equal a rescore."""
    import numpy as np

    from orplan.ihtc.moves import anneal
    from orplan.ihtc.search import build_data, new_state, to_solution

    inst = instance_of(name)
    data = build_data(inst)
    st = new_state(inst, data, 5)
    probs = np.ones(9)
    for temperature in (1000.0, 50.0, 1.0):
        anneal(data, st, 20_000, temperature, temperature, probs, 0.5)
        n_p = len(inst.patients)
        sol = to_solution(inst, st.adm[:n_p], st.room[:n_p], st.theater, st.nurse_of)
        ev = evaluate(inst, sol)
        assert [c.raw for c in ev.costs] == st.c[:8].tolist()
        hard = {v.code: v.count for v in ev.violations}
        assert [hard["H1"], hard["H3"], hard["H4"], hard["H5"]] == st.c[8:].tolist()
        assert hard["H2"] == hard["H6"] == hard["H7"] == hard["H8"] == hard["H9"] == 0
    assert int(st.stats[:, 1].sum()) > 0
