"""Progress reports and the time to the first plan count from the call, start plan included."""

from __future__ import annotations

from types import SimpleNamespace

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
    # A deterministic budget: whether CP-SAT finds a plan in it does not depend on the machine.
    settings = SolveSettings(
        time_limit=600, deterministic_time=2, workers=1, seed=0, warm_start=False, strategy="whole"
    )
    solve(scenario, settings, progress=reports.append)
    assert reports
    assert all(p.bound is not None and p.bound >= 0 for p in reports)


@pytest.mark.parametrize("strategy", ["whole", "days", "both"])
def test_time_limit_counts_from_the_call(strategy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seconds spent before a search (model, start plan) come off its limit, so a planner's
    ``--time-limit`` is the wait for the plan, not the search time alone: every stage's
    limit ends by the overall deadline (up to the 1 s floor a stage always gets).

    The test only knows lower bounds of the time that had passed when a stage's limit was
    worked out (the slow start plan's end, the previous stage's end), so each check holds
    however loaded the machine is: a slower machine only makes the limits smaller.
    """
    import time

    import orplan.solver.strategies as strategies

    stages: list[tuple[float, float]] = []  # (a clock reading surely passed, stage limit)
    passed: list[float] = []  # clock readings taken before later stages' limits were set
    began: list[float] = []  # solve's own clock origin, as it hands it to the stages
    set_parameters = strategies.set_parameters
    lns_solve = strategies.lns_solve
    start_plan = strategies.start_plan
    start_ready = strategies.start_ready
    limit, wait = 7.0, 2.0
    # The strategies' clock runs ``wait`` seconds ahead once the start plan is made: a slow
    # model build or start plan, without sleeping through it.
    ahead = [0.0]

    def clock() -> float:
        return time.perf_counter() + ahead[0]

    def slow_start(*args, **kwargs):  # type: ignore[no-untyped-def]
        plan = start_plan(*args, **kwargs)
        ahead[0] = wait
        passed.append(clock())
        return plan

    def record_origin(start, progress, origin):  # type: ignore[no-untyped-def]
        began.append(origin)
        return start_ready(start, progress, origin)

    def record_cpsat(solver, settings):  # type: ignore[no-untyped-def]
        stages.append((passed[-1], settings.time_limit))
        set_parameters(solver, settings)

    def record_days(scenario, time_limit, *args, **kwargs):  # type: ignore[no-untyped-def]
        stages.append((passed[-1], time_limit))
        outcome = lns_solve(scenario, time_limit, *args, **kwargs)
        passed.append(clock())
        return outcome

    monkeypatch.setattr(strategies, "time", SimpleNamespace(perf_counter=clock))
    monkeypatch.setattr(strategies, "start_plan", slow_start)
    monkeypatch.setattr(strategies, "set_parameters", record_cpsat)
    monkeypatch.setattr(strategies, "lns_solve", record_days)
    monkeypatch.setattr(strategies, "start_ready", record_origin)
    scenario = load_scenario(REPO / "scenarios" / "demo.yaml")
    settings = SolveSettings(time_limit=limit, workers=1, seed=0, strategy=strategy, compact=False)
    result = solve(scenario, settings)
    assert result.plan is not None
    assert stages and began and len(set(began)) == 1
    # The slow start plan came off the first stage's limit.
    assert stages[0][1] <= limit - wait
    for reading, stage_limit in stages:
        assert (reading - began[0]) + stage_limit <= limit + 1e-9 or stage_limit <= 1.0
    if strategy == "both":
        # Day windows end halfway through what was left; the whole model gets the rest.
        assert len(stages) == 2
        assert stages[0][1] <= limit / 2 - wait + 1e-9
