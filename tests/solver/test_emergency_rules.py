"""Solver tests for room for emergencies: break-in intervals and the emergency reserve.

Each rule gets a tiny scenario where it binds, a feasible and an infeasible case (mandatory
cases make it bind: the empty plan always keeps both rules when sessions overlap). Every
solved plan also passes the independent checker inside ``solve``, which compares its cost
with the model's objective.
"""

from __future__ import annotations

from typing import Any

import pytest

from orplan import solve
from orplan.scenario import Scenario
from tests.builders import case, make

FAST = {"time_limit": 10.0, "workers": 1}


def run(scenario: Scenario) -> Any:
    return solve(scenario, **FAST)


def starts(result: Any) -> dict[str, tuple[str, int]]:
    return {c.case: (c.theatre, c.start) for c in result.plan.cases if c.scheduled}


def _session(theatre: str, open_: str, close: str, **extra: Any) -> dict[str, Any]:
    return {"theatre": theatre, "date": "2027-03-01", "open": open_, "close": close, **extra}


#: Two theatres open 08:00-12:00 and two surgeons.
TWO = {
    "theatres": [{"id": "OR1"}, {"id": "OR2"}],
    "sessions": [_session("OR1", "08:00", "12:00"), _session("OR2", "08:00", "12:00")],
    "surgeons": [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "ortho"}],
}


def _two_long_cases(rules: dict[str, Any], weights: dict[str, Any] | None = None) -> Scenario:
    cases = [
        case("C1", 120, surgeon="S1", mandatory=True),
        case("C2", 120, surgeon="S2", mandatory=True),
    ]
    return make({**TWO, "rules": rules, "weights": weights or {}}, cases)


# --- break-in-interval ----------------------------------------------------------------------
@pytest.mark.parametrize(("limit", "status"), [(120, "OPTIMAL"), (119, "INFEASIBLE")])
def test_one_theatre_one_long_case(limit: int, status: str) -> None:
    """A 120-minute case in the only theatre blocks it for 120 minutes, wherever it starts."""
    s = make({"rules": {"break_in_interval": limit}}, [case("C1", 120, mandatory=True)])
    result = run(s)
    assert result.status == status
    if status == "INFEASIBLE":
        assert "room kept for emergencies is the cause" in " ".join(result.explanation)


def test_gap_between_sessions_makes_every_plan_invalid() -> None:
    """OR1 closes 10:00-11:00 and no other theatre is open: a 30-min limit cannot hold, and
    the explanation names the stretch rather than a case."""
    sessions = [
        _session("OR1", "08:00", "10:00"),
        {**_session("OR1", "11:00", "13:00"), "id": "OR1-PM"},
    ]
    s = make({"sessions": sessions, "rules": {"break_in_interval": 30}}, [case("C1", 20)])
    result = run(s)
    assert result.status == "INFEASIBLE"
    assert any("10:00-11:00 (60 min)" in line for line in result.explanation)


def test_two_theatres_stagger_their_long_cases() -> None:
    """With a 60-minute limit the two 120-minute cases start at least 60 minutes apart."""
    result = run(_two_long_cases({"break_in_interval": 60}))
    assert result.status == "OPTIMAL"
    (_, a), (_, b) = starts(result).values()
    assert abs(a - b) >= 60
    assert result.check.kpis.longest_break_in_interval["main"] <= 60


def test_two_theatres_cannot_keep_a_short_limit() -> None:
    """Two 200-min cases in 08:00-12:00 both start by 08:40: from the later start to the
    earlier end (≥ 160 min) both theatres operate."""
    cases = [
        case("C1", 200, surgeon="S1", mandatory=True),
        case("C2", 200, surgeon="S2", mandatory=True),
    ]
    s = make({**TWO, "rules": {"break_in_interval": 159}}, cases)
    assert run(s).status == "INFEASIBLE"
    s = make({**TWO, "rules": {"break_in_interval": 160}}, cases)
    result = run(s)
    assert result.status == "OPTIMAL"
    assert result.check.kpis.longest_break_in_interval["main"] == 160


def test_case_in_overtime_keeps_its_theatre_closed() -> None:
    """OR1 closes at 10:00 (60 min overtime); its 150-min case runs past close, so OR1 is
    closed from the case's start to 12:00 while OR2 is busy 08:00-12:00: the stretch runs
    from C1's start to 12:00, at least 210 min (C1 starts by 08:30)."""
    data = {
        "theatres": [
            {"id": "OR1", "specialties": ["ortho"]},
            {"id": "OR2", "specialties": ["gastro"]},
        ],
        "sessions": [
            _session("OR1", "08:00", "10:00", overtime=60),
            _session("OR2", "08:00", "12:00"),
        ],
        "surgeons": [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "gastro"}],
    }
    cases = [
        case("C1", 150, mandatory=True),
        case("C2", 240, specialty="gastro", surgeon="S2", mandatory=True),
    ]
    assert run(make({**data, "rules": {"break_in_interval": 209}}, cases)).status == "INFEASIBLE"
    result = run(make({**data, "rules": {"break_in_interval": 210}}, cases))
    assert result.status == "OPTIMAL"
    assert starts(result)["C1"] == ("OR1", 8 * 60 + 30)


def test_weight_spreads_the_cases() -> None:
    """With a cost per minute, one case follows the other: each theatre idles while the other
    operates, so no stretch is left (and the model's cost equals the checker's)."""
    result = run(_two_long_cases({}, {"break_in_interval": 5}))
    assert result.status == "OPTIMAL"
    assert result.check.kpis.longest_break_in_interval == {"main": 0}
    (_, a), (_, b) = starts(result).values()
    assert abs(a - b) == 120


def test_weight_is_charged_when_the_stretch_is_unavoidable() -> None:
    """One theatre, one 120-min case: the cost term is weight × 120 in model and checker."""
    s = make({"weights": {"break_in_interval": 3}}, [case("C1", 120, mandatory=True)])
    result = run(s)
    assert result.status == "OPTIMAL"
    assert result.check.cost.break_in_interval == 360
    assert result.objective == result.check.cost.total


# --- emergency-reserve ----------------------------------------------------------------------
@pytest.mark.parametrize(("minutes", "scheduled"), [(10, {"C1", "C2"}), (11, {"C1"})])
def test_reserve_leaves_out_an_optional_case(minutes: int, scheduled: set[str]) -> None:
    """240 open min − 2 × (100 + 15) booked = 10 min free: a larger reserve drops C2."""
    s = make(
        {"rules": {"emergency_reserve": [{"site": "main", "minutes": minutes}]}},
        [case("C1", 100, mandatory=True), case("C2", 100, priority=4)],
    )
    result = run(s)
    assert result.status == "OPTIMAL"
    assert set(starts(result)) == scheduled


@pytest.mark.parametrize(
    ("date", "status"), [("2027-03-01", "INFEASIBLE"), ("2027-03-02", "OPTIMAL")]
)
def test_reserve_with_a_date(date: str, status: str) -> None:
    """A mandatory 100-min case leaves 125 min free on 03-01; a 130-min reserve there fails,
    one on 03-02 (no session) binds nothing."""
    s = make(
        {"rules": {"emergency_reserve": [{"site": "main", "minutes": 130, "date": date}]}},
        [case("C1", 100, mandatory=True)],
    )
    assert run(s).status == status


@pytest.mark.parametrize(("scope", "status"), [("site", "OPTIMAL"), ("specialty", "INFEASIBLE")])
def test_specialty_scope(scope: str, status: str) -> None:
    """Two single-specialty theatres, each with a 120-min case: staggering keeps a 60-min limit
    for the site, but each specialty has one theatre, blocked for 120 min."""
    data = {
        **TWO,
        "theatres": [
            {"id": "OR1", "specialties": ["ortho"]},
            {"id": "OR2", "specialties": ["gastro"]},
        ],
        "surgeons": [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "gastro"}],
        "rules": {"break_in_interval": 60, "break_in_scope": scope},
    }
    cases = [
        case("C1", 120, mandatory=True),
        case("C2", 120, specialty="gastro", surgeon="S2", mandatory=True),
    ]
    assert run(make(data, cases)).status == status


def test_emergency_is_planned_into_another_specialtys_session() -> None:
    """The only session belongs to 'general'; an orthopaedic emergency may break into it
    (rules.md: emergencies are exempt from session-allows-specialty), so a plan exists and
    the solver finds it: the case is scheduled, not reported infeasible. An elective case
    of the same specialty stays out."""
    from orplan.solver.options import build_options
    from orplan.solver.unavoidable import unavoidable_cost
    from tests.builders import base_dict, checked_plan

    sessions = [{**base_dict()["sessions"][0], "specialty": "general"}]
    emergency = {"arrival": "2027-03-01T07:00", "max_wait": 1440}
    scenario = make({"sessions": sessions}, [case("E1", 60, emergency=emergency), case("A", 60)])
    options = {e.case.id: e.options for e in build_options(scenario)}
    assert len(options["E1"]) == 1 and not options["A"]
    result = solve(scenario)
    checked_plan(scenario, result)
    assert result.plan is not None
    scheduled = {e.case for e in result.plan.cases if e.scheduled}
    assert scheduled == {"E1"}
    # The bound holds for the plan the solver found (it did not before: E1 had no option).
    assert result.bound is not None and result.bound <= result.objective
    assert unavoidable_cost(scenario, build_options(scenario)).total <= result.objective
