"""Robust planning: planned slack keeps the chance of running past closing near the target."""

from __future__ import annotations

from statistics import NormalDist

import pytest

from orplan import solve
from orplan.simulate import simulate
from tests.builders import case, make


def _session_of(n: int, alpha: float | None, sd: float = 20.0, overtime: int = 0) -> object:
    """One 480-min session (``overtime`` allowed) and ``n`` optional 60-min cases (sd ``sd``)."""
    cases = [case(f"C{i}", 60, duration_sd=sd) for i in range(n)]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00",
                 "overtime": overtime}]  # fmt: skip
    rules = {"overtime_probability": alpha} if alpha is not None else {}
    return make(
        {"sessions": sessions, "default_turnover": 0, "rules": rules,
         "surgeons": [{"id": "S1", "specialty": "ortho", "max_minutes_per_day": 900}],
         },
        cases,
    )  # fmt: skip


def test_deterministic_plan_fills_session_to_close() -> None:
    """Without a risk target, eight 60-min cases fill the 480-min session exactly."""
    result = solve(_session_of(10, None), workers=1, time_limit=10)
    assert result.kpis is not None and result.kpis.scheduled == 8


@pytest.mark.parametrize("alpha", [0.1, 0.2, 0.3])
def test_robust_plan_keeps_slack_for_target(alpha: float) -> None:
    """With target alpha the session holds the most cases whose normal-approximation risk of
    running past closing is at most alpha (pooled slack z * sd * sqrt(n))."""
    z = NormalDist().inv_cdf(1 - alpha)
    expected = max(n for n in range(1, 9) if 60 * n + z * 20 * n**0.5 <= 480)
    result = solve(_session_of(10, alpha), workers=1, time_limit=10)
    assert result.kpis is not None and result.kpis.scheduled == expected


@pytest.mark.parametrize("alpha", [0.1, 0.2])
def test_robust_plan_meets_target_in_simulation(alpha: float) -> None:
    """Monte-Carlo: the robust plan's chance of running past closing is at most the target
    plus a few points (the normal approximation of lognormal sums is slightly optimistic)."""
    # Allowed overtime keeps the simulation from cancelling late cases instead of overrunning.
    scenario = _session_of(10, alpha, sd=25.0, overtime=240)
    result = solve(scenario, workers=1, time_limit=10)
    assert result.plan is not None
    frame = simulate(scenario, result.plan, samples=20_000, seed=3).to_frame()
    p_over = float(frame["p_overtime"].max())
    assert p_over <= alpha + 0.04
    # And the slack is not wasteful: the probability is within 12 points below the target.
    assert p_over >= alpha - 0.12
