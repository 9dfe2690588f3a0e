"""The session-capacity LP (solver/capacity_lp.py): a valid bound where the LP is too big."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from orplan import solve
from orplan.check import check
from orplan.plan.model import Plan
from orplan.scenario import Scenario, scenario_from_dict
from orplan.solver import SolveSettings, capacity_lp, lp_bound
from orplan.solver.capacity_lp import start_capacity_bound
from orplan.solver.lp_bound import LpBound, LpOutcome, start_lp_bound
from orplan.solver.options import build_options
from orplan.solver.settings import Result
from orplan.solver.unavoidable import unavoidable_cost
from tests.builders import SHORT, checked_plan, one_session_of, tiny_scenario
from tests.strategies import clinical_scenarios


def _collected(running: LpBound | LpOutcome) -> LpOutcome:
    return running.collect(60.0) if isinstance(running, LpBound) else running


def _capacity(scenario: Scenario) -> LpOutcome:
    """The capacity LP's bound of ``scenario``, waited for (tiny models: well under 1 s)."""
    return _collected(start_capacity_bound(scenario, build_options(scenario), 30.0))


def test_an_overfull_session_costs_the_cases_that_cannot_fit() -> None:
    """Ten optional 60-minute cases, one 480-minute session, no turnover or overtime: any
    plan leaves two out. The unavoidable cost (case by case) sees none of it; the capacity
    LP sees exactly two unscheduled cases, which is the optimum."""
    scenario = one_session_of(10, None)
    unavoidable = unavoidable_cost(scenario, build_options(scenario)).total
    two_left_out = 2 * scenario.weights.unscheduled_cost(3)
    assert unavoidable < two_left_out
    bound = _capacity(scenario)
    assert bound.bound == two_left_out, bound.note
    result = solve(scenario, SolveSettings(**SHORT))
    assert result.status == "OPTIMAL" and result.objective == two_left_out


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=clinical_scenarios())
def test_capacity_bound_sits_between_the_unavoidable_cost_and_the_lp(data: dict[str, Any]) -> None:
    """unavoidable <= capacity LP <= a plan's cost, and <= the assignment LP (+1: both
    rounded up): it has fewer rows, and every case pays at least its unavoidable cost. (The
    LP comparison needs no pinned or emergency case, which the capacity LP keeps in and the
    MIP does not force: these random scenarios have none.)"""
    scenario = scenario_from_dict(data)
    result = solve(scenario, SolveSettings(**SHORT, lp_bound=False))
    if result.plan is None:
        return  # infeasible draws have no plan to hold the bound to
    checked_plan(scenario, result)
    assert result.objective is not None
    options = build_options(scenario)
    capacity = _capacity(scenario)
    assert capacity.bound is not None, capacity.note
    assert unavoidable_cost(scenario, options).total <= capacity.bound
    full = _collected(start_lp_bound(scenario, options, 30.0))
    assert full.bound is not None, full.note
    assert capacity.bound <= full.bound + 1
    assert capacity.bound <= result.objective + 1e-6


def test_solve_reports_the_capacity_bound_where_the_lp_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the assignment LP skipped for size, solve runs the capacity LP instead: its
    bound is reported as source ``capacity`` and the note still says the LP was skipped."""
    monkeypatch.setattr(lp_bound, "LP_MAX_OPTIONS", 0)
    scenario = one_session_of(10, None)
    result = solve(scenario, SolveSettings(time_limit=5.0, workers=1, strategy="days"))
    checked_plan(scenario, result)
    assert "lp" not in result.bounds
    assert result.bounds["capacity"] == 2 * scenario.weights.unscheduled_cost(3)
    assert result.bound_source == "capacity"
    assert result.bound_note is not None and "LP skipped" in result.bound_note
    assert result.status == "OPTIMAL"  # the rule fills the session: the bound proves it


def test_day_windows_get_the_capacity_lp_beside_the_assignment_lp() -> None:
    """The day-window strategy runs the capacity LP even when the assignment LP runs too
    (at the windows' size it may not end in time); both bounds are reported and the
    capacity LP, a relaxation of it, is never above the assignment LP. The whole model on
    the same scenario runs no capacity LP."""
    scenario = one_session_of(10, None)
    days = solve(scenario, SolveSettings(time_limit=5.0, workers=1, strategy="days"))
    checked_plan(scenario, days)
    assert "lp" in days.bounds and "capacity" in days.bounds
    assert days.bounds["capacity"] <= days.bounds["lp"] + 1e-6
    whole = solve(scenario, SolveSettings(time_limit=5.0, workers=1, strategy="whole"))
    assert "capacity" not in whole.bounds


def test_capacity_lp_skipped_for_size_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above its own option limit the capacity LP is skipped too, with a note."""
    monkeypatch.setattr(lp_bound, "LP_MAX_OPTIONS", 0)
    monkeypatch.setattr(capacity_lp, "CAPACITY_LP_MAX_OPTIONS", 0)
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, workers=1, strategy="days"))
    assert "capacity" not in result.bounds
    assert result.bound_note is not None and "capacity LP skipped" in result.bound_note


def test_no_capacity_lp_without_lp_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lp_bound=False`` asks for no LP of either kind."""
    monkeypatch.setattr(lp_bound, "LP_MAX_OPTIONS", 0)
    result = solve(
        tiny_scenario(), SolveSettings(time_limit=3.0, workers=1, strategy="days", lp_bound=False)
    )
    assert "capacity" not in result.bounds


class _Guide:
    """A stand-in for a running LP: ``ready`` gives a fixed outcome (or raises)."""

    def __init__(self, outcome: LpOutcome | None, interrupt: bool = False) -> None:
        self.outcome = outcome
        self.interrupt = interrupt

    def ready(self, wait: float) -> LpOutcome | None:
        if self.interrupt:
            raise KeyboardInterrupt
        return self.outcome


def test_the_capacity_lp_rounded_starts_the_day_windows() -> None:
    """The guide's solution rounded is a checked plan, never below the LP's bound; it
    replaces a costlier start and is dropped when the start is at least as cheap."""
    from orplan.solver.firstplan import plan_cost
    from orplan.solver.strategies import _guided_start

    scenario = one_session_of(10, None)
    options = build_options(scenario)
    outcome = _capacity(scenario)
    assert outcome.weights
    settings_ = SolveSettings(time_limit=10.0, workers=1)
    began = time.perf_counter()
    guide: Any = _Guide(outcome)
    rounded = _guided_start(scenario, options, settings_, began, guide, None)
    assert rounded is not None
    report = check(scenario, rounded)
    assert report.ok, report.summary()
    assert outcome.bound is not None and report.cost.total >= outcome.bound
    assert plan_cost(scenario, rounded) == report.cost.total
    assert _guided_start(scenario, options, settings_, began, guide, rounded) is None
    assert _guided_start(scenario, options, settings_, began, _Guide(None), None) is None  # type: ignore[arg-type]


def test_ctrl_c_while_waiting_for_the_guide_returns_the_rule_plan() -> None:
    """Ctrl-C while the windows wait for the guide LP returns the rule's plan, interrupted."""
    from orplan.solver.strategies import solve_by_days

    scenario = tiny_scenario()
    options = build_options(scenario)
    guide: Any = _Guide(None, interrupt=True)
    settings_ = SolveSettings(time_limit=10.0, workers=1)
    outcome = solve_by_days(scenario, options, settings_, None, time.perf_counter(), guide)
    assert not isinstance(outcome, Result)
    entries, status, stopped_by = outcome[0], outcome[1], outcome[2]
    assert (status, stopped_by) == ("FEASIBLE", "interrupted")
    report = check(scenario, Plan(cases=entries))
    assert report.ok, report.summary()


def test_a_collected_lp_keeps_its_outcome() -> None:
    """``collect`` and ``ready`` give the same outcome every time, and ``cancel`` after
    them does not lose it; a cancelled LP reports the cancel note on a later collect."""
    scenario = one_session_of(10, None)
    options = build_options(scenario)
    running = start_capacity_bound(scenario, options, 30.0)
    assert isinstance(running, LpBound)
    first = running.collect(60.0)
    assert first.bound is not None
    assert running.ready(0.0) is first and running.collect(0.0) is first
    assert running.cancel("not needed") is first
    stopped = start_capacity_bound(scenario, options, 30.0)
    assert isinstance(stopped, LpBound)
    cancelled = stopped.cancel("search failed")
    assert cancelled.bound is None and cancelled.note == "search failed"
    assert stopped.collect(1.0) is cancelled and stopped.ready(0.0) is cancelled


def test_ctrl_c_while_bounds_are_collected_keeps_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while solve waits for the bounds returns the checked plan, marked
    interrupted, with the bounds already known (the unavoidable cost at least)."""
    import importlib

    solve_module = importlib.import_module("orplan.solver.solve")
    real = solve_module.collect_bounds
    calls: list[int] = []

    def interrupted_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "collect_bounds", interrupted_once)
    scenario = one_session_of(10, None)
    result = solve(scenario, SolveSettings(time_limit=3.0, workers=1, strategy="days"))
    checked_plan(scenario, result)
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.stopped_by == "interrupted"
    assert "unavoidable" in result.bounds
