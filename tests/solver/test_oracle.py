"""The solver's verdicts against a brute-force oracle on tiny random scenarios.

``tests/oracle.py`` enumerates every plan on the planning grid and lets the independent
checker judge each one, so it confirms both what CP-SAT proves (the optimal cost) and what
it claims no plan exists for (infeasible), with no code shared with the model.

The robust-slack rule (``rules.overtime_probability``) is left out: the model keeps that
slack conservatively (integer slack, rounded-up variances; see
``orplan.solver.constraints.session_overtime_risk``), so its optimum may cost more than
the checker's and only the weaker property (its plans pass the checker) holds there; that
is tested in ``test_robust.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings

from orplan import solve
from orplan.check import check
from orplan.scenario import scenario_from_dict
from tests.builders import DETERMINISTIC, case, make
from tests.oracle import SearchTooLargeError, brute_force, grid_starts
from tests.strategies import tiny_scenarios


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_scenarios())
def test_solver_verdict_matches_brute_force(data: dict[str, Any]) -> None:
    """Infeasible exactly when the checker accepts no plan on the grid; a proven optimum
    costs exactly the cheapest accepted plan, and any other plan no less."""
    scenario = scenario_from_dict(data)
    try:
        optimum = brute_force(scenario)
    except SearchTooLargeError:
        reject()
    result = solve(scenario, **DETERMINISTIC)
    if optimum.cost is None:
        assert result.plan is None and result.status == "INFEASIBLE", result.status
        assert result.explanation
        return
    assert result.plan is not None, (result.status, result.explanation, optimum.plan)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert result.objective is not None and optimum.cost <= result.objective
    if result.status == "OPTIMAL":
        assert result.objective == optimum.cost
        assert result.model_objective == optimum.cost
        assert result.bound is not None and result.bound <= optimum.cost + 1e-6


# --- the oracle itself, on scenarios worked out by hand ------------------------------------
def test_oracle_finds_the_only_valid_plan() -> None:
    """Two mandatory 50-min cases, turnover 15, in 08:00-10:14 on a 15-min grid: the first
    must start at 08:00 and the second at 09:15 (08:50 + 15 rounded up to the grid), in
    either order; from 08:15 the second would end at 10:20, after closing."""
    scenario = make(
        {"time_step": 15, "surgeons": [{"id": "S1", "specialty": "ortho"}],
         "sessions": [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00",
                       "close": "10:14"}]},
        [case("A", 50, mandatory=True), case("B", 50, mandatory=True)],
    )  # fmt: skip
    optimum = brute_force(scenario)
    assert optimum.plan is not None and optimum.accepted == 2  # A first or B first
    assert sorted(e.start for e in optimum.plan.cases) == [8 * 60, 9 * 60 + 15]
    # Idle minutes are the only cost: 134 open − 2 × (50 + 15).
    assert optimum.cost == 134 - 2 * (50 + 15)
    assert check(scenario, optimum.plan).ok


def test_oracle_finds_no_plan_when_mandatory_cases_cannot_fit() -> None:
    """Two mandatory 80-min cases and turnover 15 need 175 minutes; the session has 150."""
    scenario = make(
        {"sessions": [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00",
                       "close": "10:30"}]},
        [case("A", 80, mandatory=True), case("B", 80, mandatory=True)],
    )  # fmt: skip
    assert brute_force(scenario).cost is None


def test_oracle_grid_starts_from_an_off_grid_opening() -> None:
    """A session opening at 08:07 on a 15-min grid offers starts from 08:15, every 15 min."""
    scenario = make({"time_step": 15})
    assert list(grid_starts(scenario, 8 * 60 + 7, 9 * 60)) == [495, 510, 525, 540]


def test_oracle_refuses_a_search_too_large() -> None:
    """Past its limit the oracle says so instead of running for minutes."""
    scenario = make(cases=[case(f"C{i}", 30) for i in range(4)])
    with pytest.raises(SearchTooLargeError):
        brute_force(scenario, max_plans=1000)
