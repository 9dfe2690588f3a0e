"""KPI and cost tests for the independent checker (``docs/rules.md``, "Costs" and "KPIs").

Every expected number is worked out by hand from the tiny scenario (three sessions of
08:00-15:30 = 450 min each, default turnover 15, default weights: unscheduled
{1: 2000, 2: 800, 3: 300, 4: 100}, waiting 5/day, breach 500, late 20/day, overtime 2/min,
idle 1/min, theatre change 30) and the valid plan described in ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from orplan.check import (
    CheckReport,
    CostBreakdown,
    check,
    compute_cost,
    compute_kpis,
    session_table,
)
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.builders import case_in

Entries = dict[str, CaseAssignment]
Run = Callable[[Entries], CheckReport]
At = Callable[..., CaseAssignment]


def test_valid_plan_kpis(run: Run, valid_entries: Entries) -> None:
    """KPIs of the valid plan, counted by hand."""
    k = run(valid_entries).kpis
    assert k.scheduled == 5
    assert k.unscheduled == 1  # C6
    assert k.scheduled_by_priority == {1: 1, 2: 1, 3: 3, 4: 0}
    assert k.unscheduled_mandatory == 0
    assert k.open_minutes == 3 * 450
    assert k.surgical_minutes == 120 + 45 + 90 + 60 + 130  # 445
    assert k.utilisation == pytest.approx(445 / 1350)
    assert k.overtime_minutes == 0
    assert k.sessions_with_overtime == 0
    # 1350 open minus 445 surgery minus 5 turnovers of 15.
    assert k.idle_minutes == 1350 - 445 - 75
    assert k.deadline_breaches == 0  # C1 due 03-01, operated 03-01
    assert k.late_days == 0
    assert k.waiting_days == 1  # C2 on day 2; C5 released on day 2
    assert k.theatre_changes == 0
    assert k.sessions_used == 3
    assert k.sessions_total == 3


def test_valid_plan_cost(run: Run, valid_entries: Entries) -> None:
    """Cost terms of the valid plan: C6 (priority 4) left out, one waiting day, idle 830."""
    cost = run(valid_entries).cost
    assert cost == CostBreakdown(
        unscheduled=100,
        waiting=5,
        deadline_breach=0,
        late_days=0,
        overtime=0,
        idle=830,
        theatre_changes=0,
    )
    assert cost.total == 935
    assert cost.model_dump()["total"] == 935


def test_public_helpers_agree_with_check(tiny: Scenario, valid_entries: Entries) -> None:
    """compute_kpis and compute_cost give the same figures as check()."""
    plan = Plan(cases=list(valid_entries.values()))
    report = check(tiny, plan)
    assert compute_kpis(tiny, plan) == report.kpis
    assert compute_cost(tiny, plan) == report.cost


def test_session_table(tiny: Scenario, valid_entries: Entries) -> None:
    """Per-session rows: cases, minutes, overtime and idle time, sorted by date and theatre."""
    rows = session_table(tiny, Plan(cases=list(valid_entries.values())))
    got = [
        (
            r["session"],
            r["theatre"],
            r["date"],
            r["cases"],
            r["surgical_minutes"],
            r["turnover_minutes"],
            r["overtime"],
            r["idle"],
        )
        for r in rows
    ]
    assert got == [
        ("OR1@2027-03-01", "OR1", dt.date(2027, 3, 1), 1, 120, 15, 0, 450 - 135),
        ("OR2@2027-03-01", "OR2", dt.date(2027, 3, 1), 2, 150, 30, 0, 450 - 180),
        ("OR1@2027-03-02", "OR1", dt.date(2027, 3, 2), 2, 175, 30, 0, 450 - 205),
    ]
    assert rows[1]["case_ids"] == ["C3", "C4"]
    assert (rows[0]["open"], rows[0]["close"]) == (8 * 60, 15 * 60 + 30)


@pytest.mark.parametrize(
    ("start", "overtime_minutes"),
    [("14:30", 0), ("14:45", 15), ("15:00", 30)],
)
def test_overtime(
    start: str, overtime_minutes: int, run: Run, valid_entries: Entries, at: At
) -> None:
    """Overtime is the last case's end past close (15:30), at 2 per minute; idle is unchanged."""
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", start, "S2")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.overtime_minutes == overtime_minutes
    assert report.kpis.sessions_with_overtime == int(overtime_minutes > 0)
    assert report.cost.overtime == 2 * overtime_minutes
    assert report.cost.idle == 830
    assert report.cost.total == 935 + 2 * overtime_minutes


def test_overbooked_session_has_no_negative_idle(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """OR2 closing 10:00 (+60 allowed): C3 and C4 need 180 min of 120, so idle is 0, not -60.

    C4 ends 10:45, 45 min past close.
    """
    tiny_data["sessions"][1].update(close="10:00", overtime=60)
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.open_minutes == 450 + 120 + 450
    assert report.kpis.idle_minutes == (450 - 135) + 0 + (450 - 205)
    assert report.kpis.overtime_minutes == 45
    assert report.cost.overtime == 90


def test_idle_counts_unused_sessions(run: Run, off: Callable[[str], CaseAssignment]) -> None:
    """Only the mandatory C3 scheduled: every other open minute is idle, and C1 misses its due.

    Unscheduled: C1 800 + C2 300 + C4 300 + C5 300 + C6 100 = 1800. C1 (due 03-01 ≤ H1 03-02)
    is a breach (500) with H1 − due + 1 = 2 late days (40). Idle 1350 − 90 − 15 = 1245.
    """
    entries = {cid: off(cid) for cid in ("C1", "C2", "C4", "C5", "C6")}
    entries["C3"] = CaseAssignment(
        case="C3",
        scheduled=True,
        session="OR2@2027-03-01",
        theatre="OR2",
        date=dt.date(2027, 3, 1),
        start=480,
        end=570,
        surgeon="S2",
    )
    report = run(entries)
    assert report.ok
    assert report.kpis.sessions_used == 1
    assert report.kpis.scheduled_by_priority == {1: 1, 2: 0, 3: 0, 4: 0}
    assert report.cost == CostBreakdown(
        unscheduled=1800,
        waiting=0,
        deadline_breach=500,
        late_days=40,
        overtime=0,
        idle=1245,
        theatre_changes=0,
    )
    assert report.cost.total == 3585


@pytest.mark.parametrize(
    ("c6", "release", "waiting_days"),
    [
        (None, None, 1),  # C2 waits one day
        ("2027-03-02", None, 2),  # C6 on day 2 waits one more
        ("2027-03-02", "2027-03-02", 1),  # released day 2: no wait
        ("2027-03-02", "2027-02-01", 2),  # released before H0: waits from H0
    ],
)
def test_waiting_days(
    c6: str | None,
    release: str | None,
    waiting_days: int,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: At,
) -> None:
    """Waiting counts date − max(release, H0) per scheduled case, at 5 per day."""
    if c6 is not None:
        valid_entries["C6"] = at("C6", f"OR1@{c6}", "11:25", "S1")
    if release is not None:
        case_in(tiny_data, "C6")["release"] = release
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.waiting_days == waiting_days
    assert report.cost.waiting == 5 * waiting_days


@pytest.mark.parametrize(
    ("due", "c1_day", "breaches", "late_days"),
    [
        ("2027-03-01", 1, 0, 0),  # on time
        ("2027-03-01", 2, 1, 1),  # one day late
        ("2027-03-01", None, 1, 2),  # unscheduled: H1 − due + 1 = 2
        ("2027-03-02", None, 1, 1),  # due on H1, unscheduled: 1
        ("2027-02-25", 1, 1, 4),  # due before the horizon, operated on day 1
        ("2027-02-25", None, 1, 6),  # due before the horizon, unscheduled: 03-02 − 02-25 + 1
        ("2027-03-10", None, 0, 0),  # due after the horizon: no breach yet
    ],
)
def test_deadline_breach_and_late_days(
    due: str,
    c1_day: int | None,
    breaches: int,
    late_days: int,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: At,
    off: Callable[[str], CaseAssignment],
) -> None:
    """C1's deadline: a breach costs 500 and each late day 20 (deadlines soft)."""
    case_in(tiny_data, "C1")["due"] = due
    if c1_day is None:
        valid_entries["C1"] = off("C1")
    elif c1_day == 2:
        valid_entries["C1"] = at("C1", "OR1@2027-03-02", "11:25", "S1")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.deadline_breaches == breaches
    assert report.kpis.late_days == late_days
    assert report.cost.deadline_breach == 500 * breaches
    assert report.cost.late_days == 20 * late_days


def test_theatre_changes(run: Run, valid_entries: Entries, at: At) -> None:
    """S1 works in OR1 and OR2 on 03-01: one change (30); OR1 twice on 03-02 is no change."""
    valid_entries["C2"] = at("C2", "OR2@2027-03-01", "11:00", "S1")
    valid_entries["C6"] = at("C6", "OR1@2027-03-02", "10:25", "S1")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.theatre_changes == 1
    assert report.cost.theatre_changes == 30
    assert report.kpis.waiting_days == 1  # C6 on day 2; C2 now on day 1


def test_weights_scale_the_terms(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """Scenario weights, not defaults, multiply the terms."""
    tiny_data["weights"] = {
        "unscheduled": {1: 10, 2: 10, 3: 10, 4: 7},
        "waiting_day": 3,
        "overtime_minute": 4,
        "idle_minute": 0,
        "theatre_change": 11,
    }
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "14:40", "S2")  # 10 min overtime
    cost = run(valid_entries).cost
    assert (cost.unscheduled, cost.waiting, cost.overtime, cost.idle) == (7, 3, 40, 0)
    assert cost.total == 50


def _big_scenario(theatres: int = 20, days: int = 20, per_session: int = 10) -> Scenario:
    """Synthetic scenario: one surgeon per theatre, ``per_session`` 30-min cases a session."""
    start = dt.date(2027, 1, 4)
    cases = []
    for t in range(theatres):
        for d in range(days):
            for k in range(per_session):
                cases.append(
                    {
                        "id": f"T{t}D{d}K{k}",
                        "patient": f"P{t}-{d}-{k}",
                        "procedure": "Minor",
                        "specialty": "gen",
                        "surgeon": f"S{t}",
                        "duration": 30,
                        "release": (start + dt.timedelta(days=d % 3)).isoformat(),
                        "due": (start + dt.timedelta(days=10)).isoformat(),
                    }
                )
    return Scenario.model_validate(
        {
            "name": "big",
            "horizon": {"start": start, "days": days},
            "theatres": [{"id": f"OR{t}"} for t in range(theatres)],
            "sessions": [
                {
                    "theatre": f"OR{t}",
                    "date": start + dt.timedelta(days=d),
                    "open": "08:00",
                    "close": "16:00",
                }
                for t in range(theatres)
                for d in range(days)
            ],
            "surgeons": [{"id": f"S{t}", "specialty": "gen"} for t in range(theatres)],
            "cases": cases,
        }
    )


def _big_plan(scenario: Scenario) -> Plan:
    entries = []
    for case in scenario.cases:
        t, rest = case.id[1:].split("D")
        d, k = (int(x) for x in rest.split("K"))
        date = scenario.horizon.start + dt.timedelta(days=d)
        start = 480 + 45 * k
        entries.append(
            CaseAssignment(
                case=case.id,
                scheduled=True,
                session=f"OR{t}@{date.isoformat()}",
                theatre=f"OR{t}",
                date=date,
                start=start,
                end=start + 30,
                surgeon=f"S{t}",
            )
        )
    return Plan(cases=entries)


def test_four_thousand_cases_exact_figures() -> None:
    """A valid 4,000-case plan is checked with exact figures (its speed is a benchmark's
    business, not a test's).

    400 sessions of 480 min, each with ten 30-min cases + 15-min turnover: idle 30 per
    session. Releases are day 0, 1 or 2 by date index, so cases on day d wait d − d % 3.
    """
    scenario = _big_scenario()
    plan = _big_plan(scenario)
    report = check(scenario, plan)
    assert report.ok, report.summary()
    assert report.kpis.scheduled == 4000
    assert report.kpis.idle_minutes == 400 * 30
    expected_waiting = 20 * 10 * sum(max(0, d - d % 3) for d in range(20))
    assert report.kpis.waiting_days == expected_waiting
    # Due on day 10: cases on days 11..19 are 1..9 days late.
    assert report.kpis.deadline_breaches == 20 * 10 * 9
    assert report.kpis.late_days == 20 * 10 * sum(range(1, 10))
