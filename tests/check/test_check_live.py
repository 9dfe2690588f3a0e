"""Checker tests for the day-of-surgery rules (docs/rules.md): each rule kept and broken.

The valid plan of ``tests/check/conftest.py`` on the tiny scenario: C1 OR1 03-01 08:00-10:00
(S1), C3 OR2 03-01 08:00-09:30 and C4 09:45-10:45 (S2), C5 OR1 03-02 08:00-10:10 and C2
10:25-11:10 (S1), C6 unscheduled.
"""

from __future__ import annotations

from typing import Any

import pytest

from orplan.check import CheckReport, check
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from tests.check.conftest import Entries, make_at, make_off


def _case(data: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in data["cases"] if c["id"] == cid)


def _run(data: dict[str, Any], entries: Entries, parent: Entries | None = None) -> CheckReport:
    scenario = Scenario.model_validate(data)
    prior = None if parent is None else Plan(cases=list(parent.values()))
    return check(scenario, Plan(cases=list(entries.values())), parent=prior)


def _rules(report: CheckReport) -> set[tuple[str, str | None]]:
    return {(v.rule, v.case) for v in report.violations}


def _pin(data: dict[str, Any], cid: str, theatre: str, date: str, start: str) -> None:
    _case(data, cid)["pinned"] = {"theatre": theatre, "date": date, "start": start}


# -- case-pinned --------------------------------------------------------------------------
def test_pinned_case_in_its_slot_is_valid(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    _pin(tiny_data, "C1", "OR1", "2027-03-01", "08:00")
    assert _run(tiny_data, valid_entries).ok


@pytest.mark.parametrize(
    ("pin", "surgeon", "needle"),
    [
        ({"theatre": "OR1", "date": "2027-03-01", "start": "09:00"}, None, "start 08:00"),
        ({"theatre": "OR1", "date": "2027-03-02", "start": "08:00"}, None, "date 2027-03-01"),
        ({"theatre": "OR1", "date": "2027-03-01", "start": "08:00"}, "S4", "surgeon S1"),
    ],
)
def test_pinned_case_elsewhere_is_reported(
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    pin: dict[str, str],
    surgeon: str | None,
    needle: str,
) -> None:
    tiny_data["surgeons"].append({"id": "S4", "specialty": "orthopaedics"})
    _case(tiny_data, "C1")["pinned"] = {**pin, "surgeon": surgeon}
    report = _run(tiny_data, valid_entries)
    assert _rules(report) == {("case-pinned", "C1")}
    assert needle in report.violations[0].message


def test_pinned_case_unscheduled_is_reported(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    _pin(tiny_data, "C6", "OR1", "2027-03-02", "13:00")
    assert _rules(_run(tiny_data, valid_entries)) == {("case-pinned", "C6")}


def test_pinned_start_off_the_grid_is_a_scenario_error(tiny_data: dict[str, Any]) -> None:
    _pin(tiny_data, "C1", "OR1", "2027-03-01", "08:03")
    with pytest.raises(ValueError, match=r"pinned.start: 08:03 is not on the 5-minute"):
        Scenario.model_validate(tiny_data)


# -- case-cancelled -----------------------------------------------------------------------
def test_cancelled_case_unscheduled_is_valid_and_free(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    before = _run(tiny_data, valid_entries)
    _case(tiny_data, "C6")["cancelled"] = "patient ill"
    after = _run(tiny_data, valid_entries)
    assert after.ok
    # C6 (priority 4) no longer costs its unscheduled weight: it is cancelled, not waiting.
    assert before.cost.unscheduled - after.cost.unscheduled == 100
    assert (after.kpis.cancelled, after.kpis.unscheduled) == (1, before.kpis.unscheduled - 1)


def test_cancelled_case_scheduled_is_reported(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    _case(tiny_data, "C4")["cancelled"] = "no ward bed"
    report = _run(tiny_data, valid_entries)
    assert _rules(report) == {("case-cancelled", "C4")}
    assert "no ward bed" in report.violations[0].message


# -- not-before-now -----------------------------------------------------------------------
def test_nothing_unpinned_before_now(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    tiny_data["now"] = "2027-03-01T09:50"
    _pin(tiny_data, "C1", "OR1", "2027-03-01", "08:00")
    _pin(tiny_data, "C3", "OR2", "2027-03-01", "08:00")
    report = _run(tiny_data, valid_entries)
    # C4 starts 09:45, five minutes before the replanning moment, and is not pinned.
    assert _rules(report) == {("not-before-now", "C4")}
    tiny_data["now"] = "2027-03-01T09:45"
    assert _run(tiny_data, valid_entries).ok


def test_a_date_before_now_is_reported(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    tiny_data["now"] = "2027-03-02T07:00"
    report = _run(tiny_data, valid_entries)
    assert _rules(report) == {("not-before-now", c) for c in ("C1", "C3", "C4")}


# -- emergency-window ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arrival", "wait", "extra", "ok"),
    [
        ("2027-03-02T09:00", 120, {}, True),  # C2 10:25, window ends 11:00
        ("2027-03-02T09:00", 85, {}, True),  # ends 10:25 exactly
        ("2027-03-02T09:00", 84, {}, False),  # ends 10:24
        ("2027-03-02T10:26", 60, {}, False),  # starts before it arrived
        ("2027-03-02T09:00", 60, {"breach_until": "2027-03-02T10:25"}, True),
        ("2027-03-02T09:00", 60, {"breach_until": "2027-03-02T10:20"}, False),
        ("2027-03-01T23:00", 24 * 60, {}, True),  # window over midnight
    ],
)
def test_emergency_window(
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    arrival: str,
    wait: int,
    extra: dict[str, str],
    ok: bool,
) -> None:
    _case(tiny_data, "C2")["emergency"] = {"arrival": arrival, "max_wait": wait, **extra}
    report = _run(tiny_data, valid_entries)
    assert _rules(report) == (set() if ok else {("emergency-window", "C2")})


def test_unscheduled_emergency_needs_a_recorded_reason(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    emergency = {"arrival": "2027-03-02T09:00", "max_wait": 60}
    _case(tiny_data, "C6")["emergency"] = emergency
    assert _rules(_run(tiny_data, valid_entries)) == {("emergency-window", "C6")}
    emergency["breach_reason"] = "no theatre open to orthopaedics after arrival"
    assert _run(tiny_data, valid_entries).ok


def test_emergency_breaks_into_another_specialtys_session(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """OR2 on 03-01 belongs to gastro; C2 (orthopaedics) may go there only as an emergency."""
    tiny_data["sessions"][1]["specialty"] = "gastro"
    valid_entries["C2"] = make_at("C2", "OR2@2027-03-01", "11:00", "S1")
    assert _rules(_run(tiny_data, valid_entries)) == {("session-allows-specialty", "C2")}
    _case(tiny_data, "C2")["emergency"] = {"arrival": "2027-03-01T10:30", "max_wait": 60}
    assert _run(tiny_data, valid_entries).ok


# -- case-frozen --------------------------------------------------------------------------
@pytest.fixture
def morning(tiny_data: dict[str, Any]) -> dict[str, Any]:
    """Replanning at 08:30 on 03-01: C1 and C3 started at 08:00; C3 is pinned there."""
    tiny_data["now"] = "2027-03-01T08:30"
    _pin(tiny_data, "C3", "OR2", "2027-03-01", "08:00")
    return tiny_data


def test_started_case_that_stays_is_valid(morning: dict[str, Any], valid_entries: Entries) -> None:
    _pin(morning, "C1", "OR1", "2027-03-01", "08:00")
    assert _run(morning, valid_entries, parent=dict(valid_entries)).ok


def test_started_case_that_moves_is_reported(
    morning: dict[str, Any], valid_entries: Entries
) -> None:
    parent = dict(valid_entries)
    valid_entries["C1"] = make_at("C1", "OR1@2027-03-01", "10:00", "S1")
    report = _run(morning, valid_entries, parent=parent)
    assert _rules(report) == {("case-frozen", "C1")}
    assert "start 08:00 -> 10:00" in report.violations[0].message
    # Without the parent plan the same plan breaks no rule: the parent is what freezes it.
    assert _run(morning, valid_entries).ok


def test_started_case_with_a_reported_late_start(
    morning: dict[str, Any], valid_entries: Entries
) -> None:
    """C1 actually started 08:20: pinned there, the frozen rule accepts the reported start."""
    parent = dict(valid_entries)
    _pin(morning, "C1", "OR1", "2027-03-01", "08:20")
    valid_entries["C1"] = make_at("C1", "OR1@2027-03-01", "08:20", "S1")
    assert _run(morning, valid_entries, parent=parent).ok


def test_cancelled_case_is_exempt_even_if_the_parent_starts_it_before_now(
    morning: dict[str, Any], valid_entries: Entries
) -> None:
    """A case cancelled (say at 06:00) never started, whatever time the parent gave it; an
    unscheduled case that was not cancelled did start and is reported."""
    parent = dict(valid_entries)
    _pin(morning, "C1", "OR1", "2027-03-01", "08:00")
    valid_entries["C3"] = make_off("C3")
    del morning["cases"][2]["mandatory"]  # C3: the case the parent starts at 08:00 in OR2
    morning["cases"][2].pop("pinned")
    assert _rules(_run(morning, valid_entries, parent=parent)) == {("case-frozen", "C3")}
    _case(morning, "C3")["cancelled"] = "patient ill"
    assert _run(morning, valid_entries, parent=parent).ok


@pytest.mark.parametrize(("frozen_until", "moved_ok"), [("2027-03-01T12:00", False),
                                                        ("2027-03-01T08:30", True)])  # fmt: skip
def test_frozen_until(
    morning: dict[str, Any], valid_entries: Entries, frozen_until: str, moved_ok: bool
) -> None:
    """C5 (03-02 08:00) frozen until noon on 03-01 may not move at 08:30; at its end it may."""
    _pin(morning, "C1", "OR1", "2027-03-01", "08:00")
    _case(morning, "C5")["frozen_until"] = frozen_until
    parent = dict(valid_entries)
    valid_entries["C5"] = make_at("C5", "OR1@2027-03-02", "12:00", "S1")
    report = _run(morning, valid_entries, parent=parent)
    assert _rules(report) == (set() if moved_ok else {("case-frozen", "C5")})


def test_frozen_case_not_started_may_be_cancelled(
    morning: dict[str, Any], valid_entries: Entries
) -> None:
    _pin(morning, "C1", "OR1", "2027-03-01", "08:00")
    _case(morning, "C5")["frozen_until"] = "2027-03-01T12:00"
    _case(morning, "C5")["cancelled"] = "patient ill"
    parent = dict(valid_entries)
    valid_entries["C5"] = make_off("C5")
    assert _run(morning, valid_entries, parent=parent).ok
