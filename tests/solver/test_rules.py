"""One feasible and one infeasible tiny scenario per hard rule (docs/rules.md).

Each infeasible case is made *mandatory* so that the rule binds: without mandatory cases the
empty plan is always valid. Every solved plan also passes the independent checker inside
``solve``; the tests assert where the plan put the case.
"""

from __future__ import annotations

from typing import Any

import pytest

from orplan import solve
from orplan.scenario import Scenario
from tests.builders import DETERMINISTIC, case, make


def run(scenario: Scenario) -> Any:
    return solve(scenario, **DETERMINISTIC)


def only(result: Any, case_id: str) -> Any:
    return next(c for c in result.plan.cases if c.case == case_id)


# --- theatre-allows-specialty -------------------------------------------------------------
def test_theatre_specialty_feasible() -> None:
    """A case uses a theatre that lists its specialty."""
    s = make({"theatres": [{"id": "OR1", "specialties": ["ortho"]}]}, [case("C1", mandatory=True)])
    result = run(s)
    assert result.status == "OPTIMAL"
    assert only(result, "C1").theatre == "OR1"


def test_theatre_specialty_infeasible() -> None:
    """A mandatory case whose specialty no theatre allows is infeasible, and says why."""
    s = make({"theatres": [{"id": "OR1", "specialties": ["gastro"]}]}, [case("C1", mandatory=True)])
    result = run(s)
    assert result.status == "INFEASIBLE" and result.plan is None
    assert "C1" in result.explanation[0] and "no theatre open to ortho" in result.explanation[0]


# --- session-allows-specialty -------------------------------------------------------------
@pytest.mark.parametrize(
    ("owner", "status"),
    [
        ("ortho", "OPTIMAL"),  # session owned by the case's specialty
        (None, "OPTIMAL"),  # session open to all
        ("gastro", "INFEASIBLE"),  # owned by another specialty
    ],
)
def test_session_specialty(owner: str | None, status: str) -> None:
    """A case only goes into a session owned by its specialty or open to all."""
    sessions = [
        {
            "theatre": "OR1",
            "date": "2027-03-01",
            "open": "08:00",
            "close": "12:00",
            "specialty": owner,
        }
    ]
    result = run(make({"sessions": sessions}, [case("C1", mandatory=True)]))
    assert result.status == status


# --- theatre-capabilities -----------------------------------------------------------------
def test_capability_picks_equipped_theatre() -> None:
    """A case needing laminar flow goes to the one theatre that has it."""
    theatres = [{"id": "OR1"}, {"id": "OR2", "capabilities": ["laminar-flow"]}]
    sessions = [
        {"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "12:00"}
        for t in ("OR1", "OR2")
    ]
    s = make(
        {"theatres": theatres, "sessions": sessions},
        [case("C1", mandatory=True, requires=["laminar-flow"])],
    )
    assert only(run(s), "C1").theatre == "OR2"


def test_capability_missing_infeasible() -> None:
    """No theatre has the needed capability: infeasible, explained."""
    s = make(cases=[case("C1", mandatory=True, requires=["hybrid"])])
    result = run(s)
    assert result.status == "INFEASIBLE"
    assert "no theatre with hybrid" in result.explanation[0]


# --- release-date -------------------------------------------------------------------------
TWO_DAYS = [
    {"theatre": "OR1", "date": d, "open": "08:00", "close": "12:00"}
    for d in ("2027-03-01", "2027-03-02")
]


def test_release_date_moves_case_to_later_day() -> None:
    """A case released on day 2 is operated on day 2, not day 1."""
    s = make({"sessions": TWO_DAYS}, [case("C1", release="2027-03-02")])
    assert str(only(run(s), "C1").date) == "2027-03-02"


def test_release_after_last_session_infeasible() -> None:
    """A mandatory case released after the last session cannot be done."""
    s = make(cases=[case("C1", mandatory=True, release="2027-03-02")])
    result = run(s)
    assert result.status == "INFEASIBLE"
    assert "release" in result.explanation[0]


# --- deadline-hard ------------------------------------------------------------------------
def test_deadline_soft_allows_late_case_with_breach() -> None:
    """With soft deadlines a case may be done after its deadline; it counts as a breach."""
    sessions = [TWO_DAYS[1]]
    s = make({"sessions": sessions}, [case("C1", mandatory=True, due="2027-03-01")])
    result = run(s)
    assert result.status == "OPTIMAL"
    assert result.kpis.deadline_breaches == 1 and result.kpis.late_days == 1


def test_deadline_hard_infeasible() -> None:
    """With hard deadlines the same case cannot be scheduled: infeasible."""
    s = make(
        {"sessions": [TWO_DAYS[1]], "rules": {"deadlines_hard": True}},
        [case("C1", mandatory=True, due="2027-03-01")],
    )
    result = run(s)
    assert result.status == "INFEASIBLE"
    assert "deadline" in result.explanation[0]


def _due_monday(hard: bool) -> Scenario:
    """C1 due Monday; its surgeon prefers Tuesdays and lateness costs nothing, so only a hard
    deadline keeps it on Monday (2027-03-01 is a Monday, weekday 0)."""
    return make(
        {"sessions": TWO_DAYS, "rules": {"deadlines_hard": hard},
         "weights": {"deadline_breach": 0, "late_day": 0, "waiting_day": 0},
         "surgeons": [{"id": "S1", "specialty": "ortho", "preferred_weekdays": [1]}]},
        [case("C1", mandatory=True, due="2027-03-01")],
    )  # fmt: skip


@pytest.mark.parametrize(("hard", "day"), [(False, "2027-03-02"), (True, "2027-03-01")])
def test_deadline_hard_binds_in_a_feasible_plan(hard: bool, day: str) -> None:
    """With soft, free deadlines the case goes on the preferred Tuesday; a hard deadline
    keeps it on Monday, at the cost of the missed preference."""
    result = run(_due_monday(hard))
    assert result.status == "OPTIMAL"
    assert str(only(result, "C1").date) == day
    assert result.kpis.preference_misses == (1 if hard else 0)
    assert result.kpis.deadline_breaches == (0 if hard else 1)


def test_deadline_prefers_day_before_due() -> None:
    """Given both days, the case is done on or before its deadline (soft rule, costed)."""
    s = make({"sessions": TWO_DAYS}, [case("C1", due="2027-03-01", release="2027-03-01")])
    assert str(only(run(s), "C1").date) == "2027-03-01"


# --- session-hours ------------------------------------------------------------------------
def test_session_hours_overtime_allowed() -> None:
    """A 250-min case fits a 240-min session only with its 30 allowed overtime minutes."""
    sessions = [
        {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "12:00", "overtime": 30}
    ]
    result = run(make({"sessions": sessions}, [case("C1", 250, mandatory=True)]))
    c1 = only(result, "C1")
    assert c1.start == 8 * 60 and c1.end == 8 * 60 + 250
    assert result.kpis.overtime_minutes == 10


def test_session_hours_too_long_infeasible() -> None:
    """Without overtime the 250-min case cannot fit a 240-min session."""
    result = run(make(cases=[case("C1", 250, mandatory=True)]))
    assert result.status == "INFEASIBLE"
    assert "longer than any suitable session" in result.explanation[0]


# --- theatre-no-overlap -------------------------------------------------------------------
@pytest.mark.parametrize(("turnover", "status"), [(0, "OPTIMAL"), (15, "INFEASIBLE")])
def test_theatre_no_overlap_with_turnover(turnover: int, status: str) -> None:
    """Two 120-min cases fill a 240-min session exactly only when turnover is zero."""
    cases = [
        case("C1", 120, mandatory=True, surgeon=None),
        case("C2", 120, mandatory=True, surgeon=None),
    ]
    s = make(
        {
            "default_turnover": turnover,
            "surgeons": [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "ortho"}],
        },
        cases,
    )
    result = run(s)
    assert result.status == status
    if status == "INFEASIBLE":
        assert "C1" in result.explanation[0] and "C2" in result.explanation[0]


# --- surgeon-no-overlap -------------------------------------------------------------------
def _two_theatres(surgeon_b: str) -> Scenario:
    theatres = [{"id": "OR1"}, {"id": "OR2"}]
    sessions = [
        {"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "12:00"}
        for t in ("OR1", "OR2")
    ]
    surgeons = [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "ortho"}]
    cases = [case("C1", 150, mandatory=True), case("C2", 150, mandatory=True, surgeon=surgeon_b)]
    return make({"theatres": theatres, "sessions": sessions, "surgeons": surgeons}, cases)


def test_surgeon_no_overlap_two_surgeons_feasible() -> None:
    """Two surgeons can operate at the same time in two theatres."""
    result = run(_two_theatres("S2"))
    assert {c.theatre for c in result.plan.cases} == {"OR1", "OR2"}


def test_surgeon_no_overlap_one_surgeon_infeasible() -> None:
    """One surgeon cannot do two 150-min cases in one 240-min morning, even in two theatres."""
    assert run(_two_theatres("S1")).status == "INFEASIBLE"


# --- surgeon-eligible ---------------------------------------------------------------------
def test_eligible_surgeon_chosen_from_list() -> None:
    """With eligible surgeons S2 or S3, the plan names one of them (S1 is absent)."""
    surgeons = [
        {"id": "S1", "specialty": "ortho"},
        {"id": "S2", "specialty": "ortho"},
        {"id": "S3", "specialty": "ortho"},
    ]
    s = make(
        {"surgeons": surgeons},
        [case("C1", surgeon=None, eligible_surgeons=["S2", "S3"], mandatory=True)],
    )
    assert only(run(s), "C1").surgeon in {"S2", "S3"}


def test_no_surgeon_of_specialty_infeasible() -> None:
    """A mandatory case whose specialty has no surgeon cannot be done."""
    s = make(cases=[case("C1", surgeon=None, specialty="ent", mandatory=True)])
    result = run(s)
    assert result.status == "INFEASIBLE"
    assert "no surgeon of ent" in result.explanation[0]


# --- surgeon-available --------------------------------------------------------------------
def test_surgeon_hours_delay_start() -> None:
    """A surgeon present from 10:00 starts the case at 10:00 or later."""
    surgeons = [
        {
            "id": "S1",
            "specialty": "ortho",
            "available": [{"date": "2027-03-01", "start": "10:00", "end": "16:00"}],
        }
    ]
    result = run(make({"surgeons": surgeons}, [case("C1", 60, mandatory=True)]))
    assert only(result, "C1").start >= 10 * 60


SPLIT_DAY = [
    {"date": "2027-03-01", "start": "08:00", "end": "10:00"},
    {"date": "2027-03-01", "start": "12:00", "end": "16:00"},
]


@pytest.mark.parametrize(("n", "status"), [(3, "OPTIMAL"), (4, "INFEASIBLE")])
def test_surgeon_split_day_uses_both_slots(n: int, status: str) -> None:
    """Present 08:00-10:00 and 12:00-16:00 in an 08:00-16:00 session: 90-min cases fit once in
    the morning and twice in the afternoon (three), never across the gap; four do not fit."""
    surgeons = [{"id": "S1", "specialty": "ortho", "available": SPLIT_DAY}]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}]
    cases = [case(f"C{i}", 90, mandatory=True) for i in range(n)]
    result = run(make({"surgeons": surgeons, "sessions": sessions, "default_turnover": 0}, cases))
    assert result.status == status
    if result.plan is not None:
        for e in result.plan.cases:
            assert e.start is not None and e.end is not None
            assert e.end <= 10 * 60 or e.start >= 12 * 60, (e.case, e.start, e.end)


def test_surgeon_split_day_in_the_rule_baseline() -> None:
    """The planner's rule uses the afternoon slot too and never crosses the gap."""
    from orplan.baselines.rule import solve_rule

    surgeons = [{"id": "S1", "specialty": "ortho", "available": SPLIT_DAY}]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}]
    cases = [case(f"C{i}", 90) for i in range(4)]
    result = solve_rule(
        make({"surgeons": surgeons, "sessions": sessions, "default_turnover": 0}, cases)
    )
    assert result.report is not None and result.report.ok, result.report.summary()
    assert result.report.kpis.scheduled == 3


def test_touching_slots_join_into_one() -> None:
    """08:00-10:30 and 10:30-16:00 are one stretch: four 120-min cases fill it, one across
    10:30; the model, the rule and the checker agree."""
    from orplan.baselines.rule import solve_rule

    slots = [
        {"date": "2027-03-01", "start": "08:00", "end": "10:30"},
        {"date": "2027-03-01", "start": "10:30", "end": "16:00"},
    ]
    surgeons = [{"id": "S1", "specialty": "ortho", "available": slots}]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00"}]
    cases = [case(f"C{i}", 120, mandatory=True) for i in range(4)]
    scenario = make({"surgeons": surgeons, "sessions": sessions, "default_turnover": 0}, cases)
    assert run(scenario).status == "OPTIMAL"
    rule = solve_rule(scenario)
    assert rule.report is not None and rule.report.ok and rule.report.kpis.scheduled == 4


def test_split_day_slot_ending_off_the_grid() -> None:
    """On a 15-min grid, a slot 08:00-10:10 holds a 125-min case from 08:00 (ends 10:05)
    although 10:10 is not on the grid, as a single slot would."""
    slots = [
        {"date": "2027-03-01", "start": "08:00", "end": "10:10"},
        {"date": "2027-03-01", "start": "11:00", "end": "16:00"},
    ]
    surgeons = [{"id": "S1", "specialty": "ortho", "available": slots}]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "10:30"}]
    scenario = make(
        {"surgeons": surgeons, "sessions": sessions, "time_step": 15},
        [case("C1", 125, mandatory=True)],
    )
    result = run(scenario)
    assert result.status == "OPTIMAL"
    assert only(result, "C1").start == 8 * 60


def test_surgeon_absent_infeasible() -> None:
    """A surgeon absent on the only session date makes the mandatory case infeasible."""
    surgeons = [{"id": "S1", "specialty": "ortho", "absent": ["2027-03-01"]}]
    result = run(make({"surgeons": surgeons}, [case("C1", mandatory=True)]))
    assert result.status == "INFEASIBLE"
    assert "not present" in result.explanation[0]


# --- surgeon-daily-max --------------------------------------------------------------------
@pytest.mark.parametrize(("limit", "status"), [(200, "OPTIMAL"), (150, "INFEASIBLE")])
def test_surgeon_daily_max(limit: int, status: str) -> None:
    """Two 90-min cases need 180 surgeon-minutes: fine under 200, infeasible under 150."""
    surgeons = [{"id": "S1", "specialty": "ortho", "max_minutes_per_day": limit}]
    cases = [case("C1", 90, mandatory=True), case("C2", 90, mandatory=True)]
    assert run(make({"surgeons": surgeons}, cases)).status == status


# --- mandatory-scheduled and optional cases ----------------------------------------------
def test_optional_cases_fill_by_priority() -> None:
    """When only one of two cases fits, the higher-priority one is scheduled; the other says why."""
    cases = [case("LOW", 200, priority=4), case("HIGH", 200, priority=1)]
    result = run(make(cases=cases))
    assert only(result, "HIGH").scheduled and not only(result, "LOW").scheduled
    assert "HIGH" in only(result, "LOW").reason


def test_mandatory_case_displaces_higher_priority_optional_one() -> None:
    """Only one of two 200-min cases fits: the mandatory priority-4 case is scheduled and the
    optional priority-1 case is not, although leaving it out costs the most."""
    cases = [case("MAND", 200, priority=4, mandatory=True), case("URGENT", 200, priority=1)]
    scenario = make(cases=cases)
    weights = scenario.weights
    assert weights.unscheduled_cost(1) > weights.unscheduled_cost(4)  # the choice binds
    result = run(scenario)
    assert result.status == "OPTIMAL"
    assert only(result, "MAND").scheduled and not only(result, "URGENT").scheduled
    assert result.kpis.unscheduled_mandatory == 0


def test_unscheduled_case_without_session_has_reason() -> None:
    """An optional case that fits no session is unscheduled with the rule that excluded it."""
    result = run(make(cases=[case("C1", 300)]))
    entry = only(result, "C1")
    assert not entry.scheduled and "longer than any suitable session" in entry.reason


# --- objective terms ----------------------------------------------------------------------
def test_theatre_change_avoided() -> None:
    """A surgeon's two cases go in the same theatre when two are open (change costs)."""
    theatres = [{"id": "OR1"}, {"id": "OR2"}]
    sessions = [
        {"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "12:00"}
        for t in ("OR1", "OR2")
    ]
    result = run(
        make({"theatres": theatres, "sessions": sessions}, [case("C1", 60), case("C2", 60)])
    )
    assert len({c.theatre for c in result.plan.cases}) == 1
    assert result.kpis.theatre_changes == 0
