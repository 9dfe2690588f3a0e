"""The MIP baseline (HiGHS) gives checker-valid plans and a consistent bound."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from orplan.baselines import mip_plan, solve_mip
from orplan.baselines.mip import build_mip
from orplan.check import check
from orplan.scenario import Scenario, scenario_from_dict
from tests.baselines.conftest import needs_highs
from tests.builders import idle_floor
from tests.strategies import clinical_scenarios

pytestmark = needs_highs


def test_tiny_is_valid_optimal_and_bound_consistent(small: Scenario) -> None:
    result = solve_mip(small, time_limit=10)
    optimum = idle_floor(small)  # tiny.yaml's optimum (see test_cpsat)
    assert result.valid and result.report is not None, "no valid plan"
    assert result.objective == result.report.cost.total
    assert result.bound is not None
    mip_objective = result.extra["mip_objective"]
    # The dual bound bounds the MIP's own objective and, the MIP being a relaxation, the
    # cost of every valid plan: the optimum and the plan the MIP produced.
    assert result.bound <= mip_objective + 1e-6
    assert result.bound <= optimum + 1e-6
    assert result.bound <= result.objective + 1e-6
    assert result.objective == optimum
    assert result.extra["mip_status"] == "Optimal"


def test_generated_demo_is_valid(demo: Scenario) -> None:
    plan = mip_plan(demo, time_limit=10)
    report = check(demo, plan)
    assert report.ok, report.summary()
    assert plan.run is not None and plan.run.status == "FEASIBLE"
    assert plan.run.objective == report.cost.total
    assert plan.run.bound is not None and plan.run.bound <= report.cost.total + 1e-6


def test_highspy_never_loaded_here(small: Scenario) -> None:
    # OR-Tools and highspy export clashing HiGHS symbols; HiGHS runs in a worker process.
    solve_mip(small, time_limit=2)
    assert "highspy" not in sys.modules


def test_model_has_a_column_per_option(small: Scenario) -> None:
    mip = build_mip(small)
    assert len(mip.x) == sum(len(o) for o in mip.options)
    assert mip.lp.num_rows > 0


@pytest.mark.parametrize("repair", [True, False])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=clinical_scenarios())
def test_random_clinical_scenarios_give_valid_plans(data: dict[str, Any], repair: bool) -> None:
    scenario = scenario_from_dict(data)
    result = solve_mip(scenario, time_limit=5, repair=repair)
    assert result.report is not None
    assert result.valid, result.report.summary()
    if result.bound is not None and result.objective is not None:
        assert result.bound <= result.objective + 1e-6


def _choice_row_lower(mip: Any, ci: int) -> float:
    """Lower bound of the row that says case ``ci`` is scheduled at most (or exactly) once."""
    cols = {x for (c, _s), x in mip.x.items() if c == ci}
    lp = mip.lp
    for r in range(lp.num_rows):
        if set(lp.index[lp.starts[r] : lp.starts[r + 1]]) == cols:
            return float(lp.row_lower[r])
    raise AssertionError(f"no choice row for case {ci}")


def test_pinned_cases_are_forced_in(small: Scenario) -> None:
    """A pinned case is in every valid plan, so the relaxation schedules it exactly once;
    the same case unpinned and not mandatory may be left out."""
    mip = build_mip(small)
    ci = next(
        i for i, c in enumerate(small.cases) if not c.mandatory and mip.options[i] and not c.pinned
    )
    assert _choice_row_lower(mip, ci) == 0.0
    data = small.model_dump(mode="json", exclude_none=True)
    session = small.sessions[mip.options[ci][0][0]]
    data["cases"][ci]["pinned"] = {
        "theatre": session.theatre,
        "date": session.date.isoformat(),
        "start": f"{session.open // 60:02d}:{session.open % 60:02d}",
    }
    pinned = scenario_from_dict(data)
    assert pinned.cases[ci].must_schedule
    forced = build_mip(pinned)
    assert _choice_row_lower(forced, ci) == 1.0
