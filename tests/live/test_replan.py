"""Replanning on the day: one tiny scenario per event kind, where the event binds.

Every replan's plan has passed the independent checker (``replan`` raises otherwise), against
the live scenario and the parent plan (``case-frozen``); the tests assert what changed.
"""

from __future__ import annotations

import dataclasses

import pytest

from orplan.check import check
from orplan.errors import ScenarioError
from orplan.live import ReplanResult
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario
from tests.check.conftest import make_at
from tests.live.conftest import SETTINGS, published_plan, run


def _entry(result: ReplanResult, case: str) -> CaseAssignment:
    assert result.plan is not None
    return next(e for e in result.plan.cases if e.case == case)


def _kinds(result: ReplanResult) -> dict[str, str]:
    return {c.case: c.kind for c in result.changes}


def _same(result: ReplanResult, case: str) -> bool:
    old = next(e for e in published_plan().cases if e.case == case)
    new = _entry(result, case)
    return (old.session, old.start, old.surgeon) == (new.session, new.start, new.surgeon)


def test_no_events_no_changes(tiny: Scenario) -> None:
    result = run(tiny, "03-01 07:00")
    assert result.status == "OPTIMAL"
    assert result.changes == []
    assert result.plan is not None and result.plan.live is not None
    assert result.plan.live.levels["cancelled"] == 0


def test_cancelled_case_leaves_the_rest_alone(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 07:30", {"kind": "case-cancelled", "at": "2027-03-01T07:10", "case": "C4",
                              "reason": "patient ill"}
    )  # fmt: skip
    assert _kinds(result) == {"C4": "cancelled"}
    assert _entry(result, "C4").reason == "cancelled: patient ill"
    assert result.check is not None and result.check.kpis.cancelled == 1
    # The waiting list is not called in on the day unless asked (C6 stays waiting) ...
    assert not _entry(result, "C6").scheduled


def test_fill_books_a_waiting_list_case_into_freed_time(tiny: Scenario) -> None:
    result = run(
        tiny,
        "03-01 07:30",
        {"kind": "case-cancelled", "at": "2027-03-01T07:10", "case": "C4"},
        settings=dataclasses.replace(SETTINGS, fill=True),
    )
    # ... but with --fill C6 (unscheduled cost 100) is booked: the plan cost decides.
    assert _kinds(result) == {"C4": "cancelled", "C6": "booked"}


def test_a_started_case_cannot_be_cancelled(tiny: Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"events\[0\]\.case: case C3 started at 08:00"):
        run(tiny, "03-01 08:30", {"kind": "case-cancelled", "at": "2027-03-01T08:20", "case": "C3"})


def test_surgeon_absent_cancels_what_no_one_else_can_do(tiny: Scenario) -> None:
    """S2 falls ill at 09:00 while operating C3: C3 finishes; C4 (S2 only, S2 away on 03-02
    too) cannot be done in the horizon and is cancelled; nothing else moves."""
    result = run(
        tiny, "03-01 09:05",
        {"kind": "surgeon-absent", "at": "2027-03-01T09:00", "surgeon": "S2",
         "from": "2027-03-01T09:00"},
    )  # fmt: skip
    assert _kinds(result) == {"C4": "cancelled"}
    assert _same(result, "C3")
    assert any("away from 2027-03-01 09:30" in note for note in result.notes)  # after C3 ends


def test_surgeon_absent_hands_cases_to_a_colleague(small: Scenario) -> None:
    """With a second gastro surgeon, C4 keeps its slot with S3 (a new surgeon, not a move)."""
    data = small.model_dump(mode="json")
    data["surgeons"].append({"id": "S3", "specialty": "gastro"})
    data["cases"][3]["surgeon"] = None  # C4: any gastro surgeon
    scenario = Scenario.model_validate(data)
    result = run(
        scenario, "03-01 09:05",
        {"kind": "surgeon-absent", "at": "2027-03-01T09:00", "surgeon": "S2",
         "from": "2027-03-01T09:00"},
    )  # fmt: skip
    assert _kinds(result) == {"C4": "new-surgeon"}
    assert _entry(result, "C4").surgeon == "S3"


def test_theatre_closed_moves_cases_later_the_same_day(tiny: Scenario) -> None:
    """OR1 closed until noon on 03-02: C5 and C2 go after it, in OR1, not cancelled."""
    result = run(
        tiny, "03-01 16:00",
        {"kind": "theatre-closed", "at": "2027-03-01T15:00", "theatre": "OR1",
         "from": "2027-03-02T07:00", "until": "2027-03-02T12:00"},
    )  # fmt: skip
    assert _kinds(result) == {"C5": "moved-time", "C2": "moved-time"}
    for case in ("C5", "C2"):
        entry = _entry(result, case)
        assert entry.theatre == "OR1" and entry.start is not None and entry.start >= 12 * 60


def test_running_late_pushes_the_next_case(tiny: Scenario) -> None:
    """C3 will end at 10:00 instead of 09:30: C4 (planned 09:45, not started at 09:50 as its
    theatre is busy) waits until 10:15, the end plus turnover."""
    result = run(
        tiny, "03-01 09:50",
        {"kind": "case-late", "at": "2027-03-01T09:40", "case": "C3",
         "expected_end": "2027-03-01T10:00"},
    )  # fmt: skip
    assert _kinds(result) == {"C4": "moved-time"}
    assert _entry(result, "C4").start == 10 * 60 + 15
    assert _entry(result, "C3").end == 10 * 60  # the live duration (90 -> 120 min)


def test_a_reported_start_off_the_grid_is_kept(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 08:30",
        {"kind": "case-late", "at": "2027-03-01T08:10", "case": "C1",
         "actual_start": "2027-03-01T08:07"},
    )  # fmt: skip
    assert _entry(result, "C1").start == 8 * 60 + 7
    assert result.scenario.time_step == 1
    # New starts stay on the scenario's 5-minute grid.
    assert all(e.start % 5 == 0 for e in result.plan.scheduled() if e.case != "C1")  # type: ignore[union-attr]


def test_emergency_within_its_window(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 10:00",
        {"kind": "emergency", "at": "2027-03-01T10:00", "id": "E1", "specialty": "gastro",
         "duration": 60, "max_wait": 60},
    )  # fmt: skip
    entry = _entry(result, "E1")
    # S2 (the only gastro surgeon) operates C4 until 10:45; OR2 is free at 11:00.
    assert entry.scheduled and entry.start is not None and 10 * 60 <= entry.start <= 11 * 60
    assert _kinds(result) == {"E1": "booked"}
    assert result.plan is not None and result.plan.live is not None
    assert result.plan.live.levels["emergency_minutes_late"] == 0


def test_emergency_bumps_an_elective_case_rather_than_wait(tiny: Scenario) -> None:
    """At 09:35 C4 (09:45) has not started: the emergency takes OR2 and S2 first (its window
    outranks moving C4), C4 follows."""
    result = run(
        tiny, "03-01 09:35",
        {"kind": "emergency", "at": "2027-03-01T09:35", "id": "E1", "specialty": "gastro",
         "duration": 30, "max_wait": 20},
    )  # fmt: skip
    e1, c4 = _entry(result, "E1"), _entry(result, "C4")
    assert e1.start is not None and e1.start <= 9 * 60 + 55
    assert c4.scheduled and c4.start is not None and c4.start > e1.start
    assert _kinds(result) == {"E1": "booked", "C4": "moved-time"}


def test_emergency_window_that_cannot_be_kept_is_recorded(tiny: Scenario) -> None:
    """At 10:00 C4 has started (09:45-10:45) with S2: the earliest start is 11:00, 30 minutes
    past a 30-minute window; the plan places it then and records the breach."""
    result = run(
        tiny, "03-01 10:00",
        {"kind": "emergency", "at": "2027-03-01T10:00", "id": "E1", "specialty": "gastro",
         "duration": 60, "max_wait": 30},
    )  # fmt: skip
    assert _entry(result, "E1").start == 11 * 60
    case = next(c for c in result.scenario.cases if c.id == "E1")
    assert case.emergency is not None and case.emergency.breach_until is not None
    assert "window ended 10:30" in (case.emergency.breach_reason or "")
    assert result.plan is not None and result.plan.live is not None
    assert result.plan.live.levels["emergency_minutes_late"] == 30


def test_emergency_no_session_can_take(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 10:00",
        {"kind": "emergency", "at": "2027-03-01T10:00", "id": "E1", "specialty": "neuro",
         "duration": 60, "max_wait": 60},
    )  # fmt: skip
    assert not _entry(result, "E1").scheduled
    assert _kinds(result) == {"E1": "not-placed"}


def test_case_added_from_the_waiting_list(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 07:00", {"kind": "case-added", "at": "2027-03-01T06:50", "case": "C6"}
    )
    assert _entry(result, "C6").scheduled
    assert _kinds(result) == {"C6": "booked"}


def test_frozen_case_keeps_its_slot(small: Scenario) -> None:
    """C5 (03-02 08:00) is frozen until the evening before: when OR1 closes 08:00-09:00 on
    03-02 the replan moves C5 only once the freeze has ended."""
    data = small.model_dump(mode="json")
    data["cases"][4]["frozen_until"] = "2027-03-01T18:00"
    scenario = Scenario.model_validate(data)
    closed = {"kind": "theatre-closed", "at": "2027-03-01T12:00", "theatre": "OR1",
              "from": "2027-03-02T09:00", "until": "2027-03-02T10:00"}  # fmt: skip
    frozen = run(scenario, "03-01 12:00", closed)
    # The closure cuts OR1 before C5 ends: its slot is gone, so the freeze gives way.
    assert any("C5 was frozen" in note for note in frozen.notes)
    late_closed = {**closed, "from": "2027-03-02T11:00", "until": "2027-03-02T12:00"}
    kept = run(scenario, "03-01 12:00", late_closed)
    assert _same(kept, "C5") and _kinds(kept) == {"C2": "moved-time"}


def test_started_cases_never_move_and_plan_checks_against_parent(tiny: Scenario) -> None:
    result = run(
        tiny, "03-01 10:00",
        {"kind": "theatre-closed", "at": "2027-03-01T09:55", "theatre": "OR2",
         "from": "2027-03-01T10:00"},
    )  # fmt: skip
    # C4 is under way in OR2: the closure waits for it, and C1, C3, C4 keep their slots.
    assert all(_same(result, c) for c in ("C1", "C3", "C4"))
    assert result.plan is not None
    assert check(result.scenario, result.plan, parent=published_plan()).ok


def test_mandatory_case_with_no_room_is_cancelled_and_said(tiny: Scenario) -> None:
    """OR2 closed all of 03-01 before anything starts: C3 (mandatory, S2, away 03-02) has no
    possible session left; the day cancels it (the first level), says so, and the live
    scenario no longer calls it mandatory, so the checker holds the plan to that."""
    result = run(
        tiny, "03-01 06:00",
        {"kind": "theatre-closed", "at": "2027-03-01T06:00", "theatre": "OR2",
         "from": "2027-03-01T06:00"},
    )  # fmt: skip
    assert result.plan is not None and result.plan.live is not None
    assert result.plan.live.levels["mandatory_cancelled"] == 1
    assert _kinds(result)["C3"] == "cancelled"
    assert any("mandatory case C3 cancelled" in note for note in result.notes)
    assert not next(c for c in result.scenario.cases if c.id == "C3").mandatory


def test_facts_that_contradict_each_other_are_explained(tiny: Scenario) -> None:
    """C3 (OR2, 08:00) runs until 10:00 and C4 is reported started in OR2 at 09:45: two
    started cases overlap in one theatre, which no plan can keep: no plan, an explanation."""
    result = run(
        tiny, "03-01 09:55",
        {"kind": "case-late", "at": "2027-03-01T09:50", "case": "C3",
         "expected_end": "2027-03-01T10:00"},
        {"kind": "case-late", "at": "2027-03-01T09:50", "case": "C4",
         "actual_start": "2027-03-01T09:45"},
    )  # fmt: skip
    assert result.plan is None and result.status == "INFEASIBLE"
    assert any("C3" in line or "C4" in line for line in result.explanation)


def test_a_case_waits_for_its_overrunning_surgeon(small: Scenario) -> None:
    """C1 (S1, OR1 08:00-10:00) will end at 11:00; C2 (S1) planned in OR3 at 10:15 has not
    started at 10:30 although its theatre is free: its surgeon is still operating. It waits
    (moves after 11:00); it is not taken as started."""
    plan = published_plan()
    plan.cases[4] = make_at("C2", "OR3@2027-03-01", "10:15", "S1", end="11:00")
    data = small.model_dump(mode="json")
    data["cases"][1]["surgeon"] = "S1"  # C2 by S1
    data["theatres"].append({"id": "OR3", "site": "ullevaal"})
    data["sessions"].append(
        {"theatre": "OR3", "date": "2027-03-01", "open": "08:00", "close": "15:30"}
    )
    scenario = Scenario.model_validate(data)
    result = run(
        scenario, "03-01 10:30",
        {"kind": "case-late", "at": "2027-03-01T09:50", "case": "C1",
         "expected_end": "2027-03-01T11:00"},
        plan=plan,
    )  # fmt: skip
    c2 = _entry(result, "C2")
    assert c2.scheduled and c2.start is not None and c2.start >= 11 * 60
    assert result.plan is not None
    assert check(result.scenario, result.plan, parent=plan).ok


@pytest.mark.parametrize(
    ("event", "now", "needle"),
    [
        ({"kind": "case-cancelled", "at": "2027-03-01T07:00", "case": "C99"}, "03-01 08:00",
         r"events\[0\]\.case: unknown case 'C99'"),
        ({"kind": "surgeon-absent", "at": "2027-03-01T07:00", "surgeon": "S9",
          "from": "2027-03-01T07:00"}, "03-01 08:00", r"events\[0\]\.surgeon: unknown surgeon"),
        ({"kind": "theatre-closed", "at": "2027-03-01T07:00", "theatre": "OR9",
          "from": "2027-03-01T07:00"}, "03-01 08:00", r"events\[0\]\.theatre: unknown theatre"),
        ({"kind": "case-cancelled", "at": "2027-02-27T07:00", "case": "C1"}, "03-01 08:00",
         r"events\[0\]\.at: 2027-02-27T07:00 is outside the horizon"),
        ({"kind": "case-cancelled", "at": "2027-03-01T09:00", "case": "C4"}, "03-01 08:00",
         r"events\[0\]\.at: 2027-03-01T09:00 is after --now"),
        ({"kind": "emergency", "at": "2027-03-01T07:00", "id": "C1", "specialty": "gastro",
          "duration": 30, "max_wait": 60}, "03-01 08:00", r"events\[0\]\.id: case id 'C1'"),
        ({"kind": "case-added", "at": "2027-03-01T07:00", "case": "C4"}, "03-01 08:00",
         r"events\[0\]\.case: case C4 is already in the plan"),
    ],
)  # fmt: skip
def test_bad_events_name_the_field(
    tiny: Scenario, event: dict[str, str], now: str, needle: str
) -> None:
    with pytest.raises(ScenarioError, match=needle):
        run(tiny, now, event)


def test_now_outside_the_horizon(tiny: Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"--now: 2027-03-05T08:00 is outside the horizon"):
        run(tiny, "03-05 08:00")


def test_plan_of_another_scenario_is_refused(tiny: Scenario, small: Scenario) -> None:
    from orplan.solver.solve import rule_result

    other = small.model_copy(update={"name": "other", "default_turnover": 20})
    plan = rule_result(other).plan
    with pytest.raises(ScenarioError, match=r"run\.scenario_sha256: the plan was made for another"):
        run(tiny, "03-01 08:00", plan=plan)
