"""The tighter rows of the assignment LP (``orplan.baselines.mip_rows``) and the first plan.

Each row family must raise the LP bound where it binds and never lift it above the optimum;
the hypothesis test holds the bound to plans CP-SAT proved optimal on small random
scenarios (the test that could be false).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import orplan.baselines.mip as mip
from orplan import solve
from orplan.scenario import Scenario, scenario_from_dict
from orplan.solver import SolveSettings
from orplan.solver.lp_bound import LpBound, LpOutcome, start_lp_bound
from orplan.solver.options import build_options
from orplan.solver.settings import Progress
from orplan.solver.solve import rule_result
from tests.builders import DETERMINISTIC, case, checked_plan, make, tiny_scenario
from tests.strategies import clinical_scenarios


def _bound(scenario: Scenario) -> float:
    running = start_lp_bound(scenario, build_options(scenario), 30.0)
    done = running.collect(60.0) if isinstance(running, LpBound) else running
    assert isinstance(done, LpOutcome) and done.bound is not None, done.note
    return done.bound


def _without(monkeypatch: pytest.MonkeyPatch, name: str, scenario: Scenario) -> float:
    with monkeypatch.context() as patched:
        patched.setattr(mip, name, lambda *args, **kwargs: 0)
        return _bound(scenario)


def _infected_session() -> Scenario:
    """A 240-min session, turnover 15; an infected case (last, 60 min extra cleaning) is a
    candidate, so the old row let every plan's last turnover run 75 min past the end."""
    changes: dict[str, Any] = {
        "sequencing": [{"flag": "infected", "position": "last", "cleaning_after": 60}]
    }
    cases = [
        case("B", 120, priority=2),
        case("C", 120, priority=2),
        case("INF", 60, priority=4, flags=["infected"]),
    ]
    return make(changes, cases)


def test_last_turnover_rows_raise_the_bound_where_they_bind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """B and C (120 + 15 + 120 min) do not fit 240 min; the old row (240 + 75) let the LP take
    both, the new one (B = 15: 240 + 15) does not. Both bounds stay at or below the optimum."""
    scenario = _infected_session()
    old = _without(monkeypatch, "add_turnover_rows", scenario)
    new = _bound(scenario)
    assert new > old
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    checked_plan(scenario, result)
    assert result.status == "OPTIMAL" and result.objective is not None
    assert new <= result.objective


def _diabetic_pair() -> Scenario:
    """Two mandatory diabetic cases (early, weight 2) and a child case (first) in the only
    session: one diabetic case waits for the other or for the child's case."""
    changes: dict[str, Any] = {
        "sequencing": [
            {"flag": "diabetic", "position": "early", "weight": 2},
            {"flag": "child", "position": "first"},
        ]
    }
    cases = [
        case("D1", 40, mandatory=True, flags=["diabetic"]),
        case("D2", 50, mandatory=True, flags=["diabetic"]),
        case("K", 30, mandatory=True, flags=["child"]),
    ]
    return make(changes, cases)


def test_early_rows_raise_the_bound_where_they_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the rows the LP counts no early-sequencing cost; with them at least the
    queue's: both bounds at or below the proven optimum."""
    scenario = _diabetic_pair()
    old = _without(monkeypatch, "add_early_rows", scenario)
    new = _bound(scenario)
    assert new > old
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    checked_plan(scenario, result)
    assert result.status == "OPTIMAL" and result.objective is not None
    assert new <= result.objective


def test_one_theatre_row_raises_the_bound_where_it_binds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A surgeon present 08:00-11:00 in one theatre: two 90-min cases fit the 180 minutes
    present but not with the 15-min turnover between them (the old rows took both)."""
    changes: dict[str, Any] = {
        "sessions": [
            {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}
        ],
        "surgeons": [
            {"id": "S1", "specialty": "ortho",
             "available": [{"date": "2027-03-01", "start": "08:00", "end": "11:00"}]}
        ],
    }  # fmt: skip
    scenario = make(changes, [case("A", 90, priority=2), case("B", 90, priority=2)])
    old = _without(monkeypatch, "add_one_theatre_row", scenario)
    new = _bound(scenario)
    assert new > old
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    checked_plan(scenario, result)
    assert result.status == "OPTIMAL" and result.objective is not None
    assert new <= result.objective


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=clinical_scenarios())
def test_lp_bound_never_exceeds_a_proven_optimum(data: dict[str, Any]) -> None:
    """On small random scenarios (sequencing flags, turnovers, equipment, surgeons present
    part of the day) that CP-SAT solves to proven optimality, the LP bound with every row
    is at most the optimum."""
    scenario = scenario_from_dict(data)
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    if result.plan is None or result.status != "OPTIMAL":
        return  # infeasible, or no proof in the budget: nothing to hold the bound to
    checked_plan(scenario, result)
    assert result.objective is not None
    assert _bound(scenario) <= result.objective + 1e-6


@pytest.mark.parametrize("warm", [True, False])
def test_decompose_reports_a_checked_plan_before_the_assignment_mip(
    warm: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first progress report comes before HiGHS assigns: the rule's plan with a warm
    start, the LP rounded without one; later reports never cost more."""
    import orplan.baselines.mip as baseline

    reports: list[Progress] = []
    seen_at_mip: list[int] = []
    real = baseline.solve_mip

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen_at_mip.append(len(reports))
        return real(*args, **kwargs)

    monkeypatch.setattr(baseline, "solve_mip", recording)
    scenario = tiny_scenario()
    settings_ = SolveSettings(time_limit=6.0, strategy="decompose", warm_start=warm)
    result = solve(scenario, settings_, progress=reports.append)
    checked_plan(scenario, result)
    assert seen_at_mip and seen_at_mip[0] >= 1
    costs = [p.objective for p in reports if p.objective is not None]
    assert costs == sorted(costs, reverse=True)
    if warm:
        assert reports[0].objective == rule_result(scenario).objective
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.time_to_first == pytest.approx(reports[0].elapsed, abs=1e-3)
