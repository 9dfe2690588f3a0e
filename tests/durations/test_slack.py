"""Robust surgery loading: planned slack against the Monte-Carlo simulation."""

from __future__ import annotations

import math
from typing import Any

import pytest

from orplan.durations import overtime_probability, required_slack, sum_lognormal
from orplan.durations.lognormal import lognormal_quantile, mu_sigma_from_mean_sd
from orplan.plan.model import Plan
from orplan.scenario import Scenario, scenario_from_dict
from orplan.simulate import simulate
from tests.simulate.helpers import packed_plan

MEANS = [45, 90, 120, 60, 150, 30, 75, 100]
CVS = [0.25, 0.4, 0.3, 0.45, 0.2, 0.5, 0.35, 0.3]
TURNOVER = 15
OPEN = 6 * 60


def test_one_case_is_exact() -> None:
    """For one case Fenton-Wilkinson is the case's own lognormal: slack = quantile - mean."""
    mean, sd = 120.0, 36.0
    mu, sigma = mu_sigma_from_mean_sd(mean, sd)
    slack = required_slack([mean], [sd], 0.1)
    assert slack == pytest.approx(lognormal_quantile(0.9, mu, sigma) - mean)
    assert overtime_probability([mean], [sd], slack) == pytest.approx(0.1)
    assert sum_lognormal([mean], [sd]) == pytest.approx((mu, sigma))


def test_pooling_and_edge_cases() -> None:
    """Slack grows like sqrt(n), not n; empty and fixed sessions need none."""
    one = required_slack([60], [18], 0.1, method="normal")
    four = required_slack([60] * 4, [18] * 4, 0.1, method="normal")
    assert four == pytest.approx(2 * one)
    assert required_slack([], [], 0.1) == 0 and required_slack([60, 30], [0, 0], 0.2) == 0
    assert required_slack([60], [18], 0.7) < 0
    with pytest.raises(ValueError):
        required_slack([60], [18], 1.0)
    with pytest.raises(ValueError):
        required_slack([60], [18, 3], 0.1)
    with pytest.raises(ValueError):
        required_slack([60], [18], 0.1, method="exact")  # type: ignore[arg-type]


def _robust_scenario(target: float, method: str) -> Scenario:
    """Session k (k = 1..8) holds the first k cases, closing after their expected minutes,
    the turnovers between them and the planned slack (rounded up to a whole minute)."""
    sessions: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for k in range(1, 9):
        means = MEANS[:k]
        sds = [m * cv for m, cv in zip(means, CVS[:k], strict=True)]
        slack = required_slack(means, sds, target, method=method)  # type: ignore[arg-type]
        close = OPEN + sum(means) + TURNOVER * (k - 1) + math.ceil(slack)
        sessions.append(
            {
                "id": f"K{k}",
                "theatre": f"OR{k}",
                "date": "2027-03-01",
                "open": f"{OPEN // 60:02d}:{OPEN % 60:02d}",
                "close": f"{close // 60:02d}:{close % 60:02d}",
            }
        )
        for i, (m, sd) in enumerate(zip(means, sds, strict=True)):
            cases.append(
                {
                    "id": f"K{k}C{i}",
                    "patient": f"P{k}{i}",
                    "procedure": "X",
                    "specialty": "s",
                    "surgeon": f"S{k}",
                    "duration": m,
                    "duration_sd": sd,
                }
            )
    return scenario_from_dict(
        {
            "name": "robust",
            "horizon": {"start": "2027-03-01", "days": 1},
            "default_turnover": TURNOVER,
            "theatres": [{"id": f"OR{k}"} for k in range(1, 9)],
            "sessions": sessions,
            "surgeons": [
                {"id": f"S{k}", "specialty": "s", "max_minutes_per_day": 1440} for k in range(1, 9)
            ],
            "cases": cases,
        }
    )


def _plan(scenario: Scenario) -> Plan:
    plans = []
    for k in range(1, 9):
        sub = scenario.model_copy(deep=True)
        sub.sessions = [s for s in scenario.sessions if s.id == f"K{k}"]
        sub.cases = [c for c in scenario.cases if c.id.startswith(f"K{k}C")]
        plans.extend(packed_plan(sub).cases)
    return Plan(cases=plans)


@pytest.mark.parametrize("target", [0.05, 0.1, 0.2])
def test_slack_meets_target_in_simulation(target: float) -> None:
    """Sessions of 1..8 cases loaded with Fenton-Wilkinson slack: the simulated P(overtime)
    is within 3 points of the target (below it by the rounding of the slack to minutes) and
    within 1.5 points of the approximation's own prediction at the rounded slack.
    Cancellation is off so that the load rule alone is tested."""
    scenario = _robust_scenario(target, "fenton-wilkinson")
    samples = 20_000
    result = simulate(scenario, _plan(scenario), samples=samples, seed=1, cancel=False)
    for k, session in enumerate(result.sessions, start=1):
        assert session.cases == k
        means = MEANS[:k]
        sds = [m * cv for m, cv in zip(means, CVS[:k], strict=True)]
        slack = session.close - session.open - sum(means) - TURNOVER * (k - 1)
        predicted = overtime_probability(means, sds, slack)
        assert abs(session.p_overtime - target) <= 0.03, (k, session.p_overtime)
        assert abs(session.p_overtime - predicted) <= 0.015, (k, session.p_overtime, predicted)
