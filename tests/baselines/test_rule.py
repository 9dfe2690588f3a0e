"""The planner's-rule baseline gives checker-valid plans (fixed files and random scenarios)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from orplan.baselines import rule_plan, solve_rule
from orplan.check import check
from orplan.scenario import Scenario, scenario_from_dict
from tests.builders import case, make
from tests.strategies import clinical_scenarios


def _assert_valid(scenario: Scenario) -> None:
    plan = rule_plan(scenario)
    report = check(scenario, plan)
    assert report.ok, report.summary()
    assert plan.run is not None
    assert plan.run.status == "FEASIBLE"
    assert plan.run.objective == report.cost.total


def test_tiny_is_valid_and_schedules_everything(small: Scenario) -> None:
    result = solve_rule(small)
    assert result.valid, result.report.summary() if result.report else "no plan"
    assert result.report is not None and result.report.kpis.scheduled == len(small.cases)
    _assert_valid(small)


def test_generated_demo_is_valid(demo: Scenario) -> None:
    result = solve_rule(demo)
    assert result.valid
    assert result.report is not None
    assert result.report.kpis.unscheduled_mandatory == 0
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.objective == result.objective


def test_earliest_deadline_first_and_priority_sequence() -> None:
    # One session, room for two of three cases: the two with the earliest deadlines go in,
    # and inside the session the more urgent one (priority 1) starts first.
    scenario = make(
        cases=[
            case("late", 100, due="2027-03-05", priority=1),
            case("soon", 100, due="2027-03-01", priority=3),
            case("next", 100, due="2027-03-02", priority=1),
        ]
    )
    plan = rule_plan(scenario)
    placed = {e.case: e for e in plan.cases if e.scheduled}
    assert set(placed) == {"soon", "next"}
    assert placed["next"].start is not None and placed["soon"].start is not None
    assert placed["next"].start < placed["soon"].start


def test_first_and_last_flags_order_a_session() -> None:
    scenario = make(
        {"sessions": [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}]},
        cases=[
            case("dirty", 60, flags=["infected"], priority=1),
            case("plain", 60, priority=1),
            case("kid", 60, flags=["child"], priority=4),
        ],
    )
    plan = rule_plan(scenario)
    start = {e.case: e.start or 0 for e in plan.cases if e.scheduled}
    assert set(start) == {"kid", "plain", "dirty"}
    assert start["kid"] < start["plain"] < start["dirty"]
    assert check(scenario, plan).ok


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(clinical_scenarios())
def test_random_clinical_scenarios_give_valid_plans(data: dict[str, Any]) -> None:
    scenario = scenario_from_dict(data)
    result = solve_rule(scenario)
    assert result.report is not None
    assert result.valid, result.report.summary()
    assert result.objective == result.report.cost.total


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(clinical_scenarios(robust=True))
def test_random_robust_scenarios_give_valid_plans(data: dict[str, Any]) -> None:
    """With a robust target the rule keeps the slack in every session it fills (surgeons who
    arrive late included), so its plan passes ``session-overtime-risk`` and every other rule."""
    scenario = scenario_from_dict(data)
    result = solve_rule(scenario)
    assert result.report is not None
    assert result.valid, result.report.summary()
