"""Progress reports and the time to the first plan count from the call, start plan included."""

from __future__ import annotations

import pytest

from orplan.baselines.rule import solve_rule
from orplan.scenario import load_scenario
from orplan.solver.solve import Progress, SolveSettings, solve
from tests.builders import REPO


@pytest.mark.parametrize("strategy", ["whole", "days"])
def test_rule_start_is_the_first_reported_plan(strategy: str) -> None:
    """With a warm start, the first report is the planner's rule plan at its checked cost;
    later reports never cost more, and every report comes after the previous one."""
    scenario = load_scenario(REPO / "scenarios" / "demo.yaml")
    reports: list[Progress] = []
    settings = SolveSettings(time_limit=8, workers=1, seed=0, strategy=strategy)
    result = solve(scenario, settings, progress=reports.append)
    rule = solve_rule(scenario)
    assert reports and rule.objective is not None
    assert reports[0].objective == pytest.approx(rule.objective)
    assert reports[0].bound is None
    times = [p.elapsed for p in reports]
    assert times == sorted(times)
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.time_to_first == pytest.approx(reports[0].elapsed, abs=1e-3)
    assert result.plan.run.time_to_first <= result.plan.run.wall_time
    assert result.objective is not None and result.objective <= rule.objective


def test_cold_start_reports_solver_plans_with_a_bound() -> None:
    """Without a warm start the first report is CP-SAT's, with a bound that is never below 0."""
    scenario = load_scenario(REPO / "scenarios" / "demo.yaml")
    reports: list[Progress] = []
    settings = SolveSettings(time_limit=8, workers=1, seed=0, warm_start=False, strategy="whole")
    solve(scenario, settings, progress=reports.append)
    assert reports
    assert all(p.bound is not None and p.bound >= 0 for p in reports)
