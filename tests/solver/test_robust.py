"""Robust planning: planned slack keeps the chance of running past closing near the target."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from orplan import solve
from orplan.scenario import Scenario, scenario_from_dict
from orplan.simulate import simulate
from tests.builders import DETERMINISTIC, SHORT, case, checked_plan, make, one_session_of
from tests.strategies import clinical_scenarios


def test_deterministic_plan_fills_session_to_close() -> None:
    """Without a risk target, eight 60-min cases fill the 480-min session exactly."""
    result = solve(one_session_of(10, None), **DETERMINISTIC)
    assert result.kpis is not None and result.kpis.scheduled == 8


@pytest.mark.parametrize("alpha", [0.1, 0.2, 0.3])
def test_robust_plan_keeps_slack_for_target(alpha: float) -> None:
    """With target alpha the session holds the most cases whose normal-approximation risk of
    running past closing is at most alpha (pooled slack z * sd * sqrt(n))."""
    z = NormalDist().inv_cdf(1 - alpha)
    expected = max(n for n in range(1, 9) if 60 * n + z * 20 * n**0.5 <= 480)
    result = solve(one_session_of(10, alpha), **DETERMINISTIC)
    assert result.kpis is not None and result.kpis.scheduled == expected


@pytest.mark.parametrize("alpha", [0.1, 0.2])
def test_robust_plan_meets_target_in_simulation(alpha: float) -> None:
    """Monte-Carlo: the robust plan's chance of running past closing is at most the target
    plus a few points (the normal approximation of lognormal sums is slightly optimistic)."""
    # Allowed overtime keeps the simulation from cancelling late cases instead of overrunning.
    scenario = one_session_of(10, alpha, sd=25.0, overtime=240)
    result = solve(scenario, **DETERMINISTIC)
    assert result.plan is not None
    frame = simulate(scenario, result.plan, samples=20_000, seed=3).to_frame()
    p_over = float(frame["p_overtime"].max())
    assert p_over <= alpha + 0.04
    # And the slack is not wasteful: the probability is within 12 points below the target.
    assert p_over >= alpha - 0.12


def _late_surgeon(n: int, alpha: float, overtime: int = 0) -> Scenario:
    """The session above, but its surgeon is present only from 10:00: 360 usable minutes."""
    scenario = one_session_of(n, alpha, overtime=overtime)
    data = scenario.model_dump(mode="json")
    data["surgeons"][0]["available"] = [{"date": "2027-03-01", "start": "10:00"}]
    return Scenario.model_validate(data)


@pytest.mark.parametrize("alpha", [0.1, 0.2])
def test_robust_slack_counts_from_the_first_start(alpha: float) -> None:
    """A surgeon who arrives at 10:00 starts the day late: the slack must fit in 360 minutes,
    not in the 480 the session is open (a load rule from opening would allow more cases)."""
    z = NormalDist().inv_cdf(1 - alpha)
    expected = max(n for n in range(1, 9) if 60 * n + z * 20 * n**0.5 <= 360)
    from_opening = max(n for n in range(1, 9) if 60 * n + z * 20 * n**0.5 <= 480)
    assert expected < from_opening  # the test binds
    result = solve(_late_surgeon(10, alpha), **DETERMINISTIC)
    assert result.kpis is not None and result.kpis.scheduled == expected
    assert result.plan is not None
    assert min(e.start for e in result.plan.cases if e.start is not None) >= 10 * 60


def test_robust_late_start_meets_target_in_simulation() -> None:
    """Monte-Carlo on the late-start session: P(past close) stays near the target."""
    scenario = _late_surgeon(10, 0.2, overtime=240)
    result = solve(scenario, **DETERMINISTIC)
    assert result.plan is not None
    frame = simulate(scenario, result.plan, samples=20_000, seed=3).to_frame()
    p_over = float(frame["p_overtime"].max())
    assert 0.2 - 0.12 <= p_over <= 0.2 + 0.04


@pytest.mark.parametrize("late", [False, True])
def test_planners_rule_keeps_robust_slack(late: bool) -> None:
    """The rule baseline (also the solver's warm start) keeps the same slack as the model:
    its plan passes the checker and holds as many cases as the slack allows."""
    from orplan.baselines.rule import solve_rule

    alpha, usable = 0.2, (360 if late else 480)
    scenario = _late_surgeon(10, alpha) if late else one_session_of(10, alpha)
    z = NormalDist().inv_cdf(1 - alpha)
    expected = max(n for n in range(1, 9) if 60 * n + z * 20 * n**0.5 <= usable)
    report = solve_rule(scenario).report
    assert report is not None
    assert report.ok, [v.message for v in report.violations]
    assert report.kpis.scheduled == expected


def _one_big_case(alpha: float | None, duration: int) -> Scenario:
    """A mandatory ``duration``-min case (sd 100) and a short optional one in 08:00-16:00."""
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}]
    rules = {"overtime_probability": alpha} if alpha is not None else {}
    return make(
        {"sessions": sessions, "rules": rules,
         "surgeons": [{"id": "S1", "specialty": "ortho", "max_minutes_per_day": 900}]},
        [case("BIG", duration, duration_sd=100, mandatory=True), case("C2", 30)],
    )  # fmt: skip


def test_infeasible_because_of_robust_slack_says_so() -> None:
    """420 min + 0.84 · 100 min of slack exceed the 480-min session: infeasible, and the
    explanation names the robust target as the cause (without it the case fits)."""
    assert solve(_one_big_case(None, 420), **DETERMINISTIC).status == "OPTIMAL"
    result = solve(_one_big_case(0.2, 420), **DETERMINISTIC)
    assert result.status == "INFEASIBLE"
    text = "\n".join(result.explanation)
    assert "BIG" in text
    assert "robust slack is the cause" in text and "BIG 84 min" in text


def test_infeasible_without_robust_cause_does_not_blame_the_slack() -> None:
    """A 500-min case does not fit 480 minutes at all: the target is not named as the cause."""
    result = solve(_one_big_case(0.2, 500), **DETERMINISTIC)
    assert result.status == "INFEASIBLE"
    text = "\n".join(result.explanation)
    assert "BIG" in text and "robust slack" not in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.data_too_large])  # fmt: skip
@given(clinical_scenarios(robust=True))
def test_random_robust_plans_pass_the_checker(data: dict[str, Any]) -> None:
    """CP-SAT plans of random robust scenarios (equipment, PACU, beds, surgeon hours) keep
    every session's slack by the checker's own count, and the model's objective agrees with
    the checker's cost."""
    scenario = scenario_from_dict(data)
    assert not any(c.mandatory for c in scenario.cases)
    # No case is mandatory, so the empty plan is valid and a plan must come back.
    report = checked_plan(scenario, solve(scenario, **SHORT))
    assert report.kpis.sessions_at_risk == 0


def test_slack_is_not_blamed_when_another_conflict_remains() -> None:
    """BIG needs the slack's room, but X0 and X1 (S2, present only on a 240-min day) never
    fit together: without the target the scenario is still infeasible, so the explanation
    must not name the slack as the cause."""
    sessions = [
        {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"},
        {"theatre": "OR1", "date": "2027-03-02", "open": "08:00", "close": "12:00"},
    ]
    surgeons = [
        {"id": "S1", "specialty": "ortho", "max_minutes_per_day": 900},
        {"id": "S2", "specialty": "ortho", "available": [{"date": "2027-03-02"}]},
    ]
    cases = [
        case("BIG", 420, duration_sd=100, mandatory=True),
        case("X0", 150, surgeon="S2", mandatory=True),
        case("X1", 150, surgeon="S2", mandatory=True),
    ]
    data = {"sessions": sessions, "surgeons": surgeons, "rules": {"overtime_probability": 0.2}}
    result = solve(make(data, cases), **DETERMINISTIC)
    assert result.status == "INFEASIBLE"
    assert "robust slack" not in "\n".join(result.explanation)
