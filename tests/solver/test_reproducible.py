"""Same scenario, seed and settings, single-threaded: the same plan."""

from __future__ import annotations

from orplan import solve
from orplan.scenario import Scenario


def test_single_thread_repeats_exactly(small: Scenario) -> None:
    """Two single-worker runs with a deterministic-time limit give identical case entries."""
    a = solve(small, workers=1, seed=7, time_limit=30, deterministic_time=5)
    b = solve(small, workers=1, seed=7, time_limit=30, deterministic_time=5)
    assert a.plan is not None and b.plan is not None
    assert a.plan.cases == b.plan.cases
    assert a.plan.run is not None and a.plan.run.seed == 7


def test_plan_records_settings(small: Scenario) -> None:
    """The plan records orplan and OR-Tools versions, seed, workers, limit and the scenario hash."""
    result = solve(small, workers=1, seed=3, time_limit=12)
    assert result.plan is not None and result.plan.run is not None
    run = result.plan.run
    assert (run.seed, run.workers, run.time_limit) == (3, 1, 12)
    assert run.orplan_version and run.ortools_version and len(run.scenario_sha256) == 64
