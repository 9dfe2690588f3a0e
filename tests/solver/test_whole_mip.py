"""The small whole model's MIP-start stage (solver/whole_mip.py): plans checked, bounds valid."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from orplan.solver import SolveSettings, solve, whole_mip
from orplan.solver.lp_bound import mip_dual_bound
from orplan.solver.search import with_reasons
from orplan.solver.warmstart import start_plan
from tests.builders import SHORT, checked_plan, idle_floor, tiny_scenario


def _first_search_stops_at_the_rule(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the first whole-model search return the rule's plan unproven (as a search cut
    by its time limit would), so that the stage runs; later searches are the real ones."""
    real = whole_mip.solve_whole
    calls: list[int] = []

    def first_unproven(
        scenario: Any, case_options: Any, settings: Any, *args: Any, **kwargs: Any
    ) -> Any:
        calls.append(1)
        if len(calls) > 1:
            return real(scenario, case_options, settings, *args, **kwargs)
        rule = start_plan(scenario)
        assert rule is not None
        entries = with_reasons(scenario, case_options, rule)
        return entries, "FEASIBLE", "time_limit", None, None, 0.1

    monkeypatch.setattr(whole_mip, "solve_whole", first_unproven)
    return calls


def test_the_stage_proves_tiny_optimal_with_the_mip_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From an unproven first search the stage runs HiGHS over every option: its dual bound
    is reported as source ``mip``, it is a lower bound of the checked plan, and on tiny.yaml
    (whose optimum is the idle floor) it proves the plan optimal, so the status says so and
    the last search stops early."""
    scenario = tiny_scenario()
    calls = _first_search_stops_at_the_rule(monkeypatch)
    result = solve(scenario, SolveSettings(time_limit=30.0, workers=1, seed=0))
    checked_plan(scenario, result)
    assert len(calls) == 2  # first search, then the last one after the stage
    assert "mip" in result.bounds
    assert result.bounds["mip"] <= result.objective
    assert result.objective == idle_floor(scenario)
    assert result.bounds["mip"] == result.objective
    assert result.status == "OPTIMAL"
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.stopped_by == "optimal"


def test_no_stage_when_the_first_search_proves_optimality() -> None:
    """A model CP-SAT proves in its first share never starts HiGHS: no ``mip`` bound."""
    result = solve(tiny_scenario(), SolveSettings(time_limit=30.0, workers=1, seed=0))
    assert result.status == "OPTIMAL"
    assert result.bound_source == "cpsat"
    assert "mip" not in result.bounds


def test_no_stage_in_a_deterministic_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``deterministic_time`` the stage (timed by the wall clock) is skipped, so the
    replay stays exact: the plain whole model runs and there is no ``mip`` bound."""

    def stage(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the MIP-start stage ran in a deterministic replay")

    # The package's ``solve`` attribute is the function; the module is in sys.modules.
    monkeypatch.setattr(
        importlib.import_module("orplan.solver.solve"), "solve_whole_mip_start", stage
    )
    result = solve(tiny_scenario(), SolveSettings(**SHORT))
    assert "mip" not in result.bounds
    checked_plan(tiny_scenario(), result)


def test_no_stage_without_mip_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """``mip_start=False`` is the plain whole model (benchmark method ``cpsat-nomip``)."""
    calls = _first_search_stops_at_the_rule(monkeypatch)
    result = solve(
        tiny_scenario(), SolveSettings(time_limit=10.0, workers=1, seed=0, mip_start=False)
    )
    assert not calls
    assert "mip" not in result.bounds


@pytest.mark.parametrize(
    ("solved", "gaps", "expected"),
    [
        ({"status": "Optimal", "bound": 10594.2, "objective": 10595.0}, (1e-6, 0.0), 10595.0),
        # Within an absolute gap tolerance of 0.999: the optimum is at least the incumbent
        # less 0.999, not the (fractional) incumbent rounded up.
        ({"status": "Optimal", "bound": 10594.6, "objective": 10595.5}, (0.999, 0.0), 10595.0),
        # Presolve alone solved it: HiGHS reports 0 or no bound; the optimum stands in.
        ({"status": "Optimal", "bound": 0.0, "objective": 20.0}, (1e-6, 0.0), 20.0),
        ({"status": "Optimal", "bound": float("inf"), "objective": 42.0}, (1e-6, 0.0), 42.0),
        ({"status": "Time limit reached", "bound": 10591.3, "objective": 10600.0}, (1e-6, 0.0),
         10592.0),
        ({"status": "Time limit reached", "bound": float("-inf"), "objective": None}, (1e-6, 0.0),
         None),
        ({"status": "Time limit reached", "bound": -1e31, "objective": 5.0}, (1e-6, 0.0), None),
    ],
)  # fmt: skip
def test_mip_dual_bound_reads_highs(
    solved: dict[str, Any], gaps: tuple[float, float], expected: float | None
) -> None:
    """The dual bound is rounded up (integer costs); an Optimal run's incumbent less its
    gap tolerance stands in where it is higher (presolve's unset bound); an infinite bound
    is no bound."""
    assert mip_dual_bound(solved, *gaps) == expected
