"""Hard-rule tests for the independent checker (``docs/rules.md``, section "Hard rules").

Each breach test edits the tiny scenario and/or the valid plan so that exactly one rule is
broken, and asserts the checker reports that rule id, for exactly the expected cases, and no
other rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from orplan.check import RULE_IDS, CheckReport, check
from orplan.check.live import LIVE_RULE_IDS as LIVE_RULES
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.builders import case_in, surgeon_in

Entries = dict[str, CaseAssignment]
Run = Callable[[Entries], CheckReport]


def _add_surgeons(data: dict[str, Any]) -> None:
    """S3 (gastro) and S4 (orthopaedics), both always available."""
    data["surgeons"] += [
        {"id": "S3", "specialty": "gastro"},
        {"id": "S4", "specialty": "orthopaedics"},
    ]


def _add_surgeons_and_restrict_c2(data: dict[str, Any]) -> None:
    """S3 and S4 added; C2 may be operated only by S1."""
    _add_surgeons(data)
    case_in(data, "C2")["eligible_surgeons"] = ["S1"]


def _robot_at_other_site(data: dict[str, Any]) -> None:
    """A robot owned by site rh (theatre OR3, no sessions); C3 needs it in OR2 (ullevaal)."""
    data["theatres"].append({"id": "OR3", "site": "rh"})
    data["equipment"] = [{"id": "robot", "count": 1, "site": "rh"}]
    case_in(data, "C3")["equipment"] = ["robot"]


def _one_c_arm_for_c1_and_c3(data: dict[str, Any]) -> None:
    """One C-arm; C1 (OR1) and C3 (OR2) both need it from 08:00 on 2027-03-01."""
    data["equipment"] = [{"id": "c-arm", "count": 1}]
    case_in(data, "C1")["equipment"] = ["c-arm"]
    case_in(data, "C3")["equipment"] = ["c-arm"]


def _one_pacu_bed(data: dict[str, Any]) -> None:
    """One PACU bed; C3 recovers 09:30-10:30 and C1 10:00-11:00 on 2027-03-01."""
    data["recovery"] = [{"site": "ullevaal", "beds": 1}]
    case_in(data, "C3")["recovery_minutes"] = 60
    case_in(data, "C1")["recovery_minutes"] = 60


def _one_icu_bed(data: dict[str, Any]) -> None:
    """One ICU bed; C1 (03-01) stays 2 days and C5 (03-02) 1 day: both in ICU on 03-02."""
    data["beds"] = [{"site": "ullevaal", "kind": "icu", "beds": 1}]
    case_in(data, "C1")["icu_days"] = 2
    case_in(data, "C5")["icu_days"] = 1


def _tight_session_at_5_percent(data: dict[str, Any]) -> None:
    """α = 5 %; C1 (120 min, sd 0.3 × 120 = 36) alone in 08:00-10:30: 120 + 1.645 × 36 > 150."""
    data["rules"] = {"overtime_probability": 0.05}
    data["sessions"][0]["close"] = "10:30"


@dataclass
class Breach:
    """One way of breaking exactly one rule."""

    name: str
    rule: str
    cases: set[str | None]
    scenario: Callable[[dict[str, Any]], None] = lambda data: None
    plan: Callable[
        [Entries, Callable[..., CaseAssignment], Callable[[str], CaseAssignment]], None
    ] = lambda entries, at, off: None
    extra: dict[str, Any] = field(default_factory=dict)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def patch(d: dict[str, Any]) -> None:
        d[key] = value

    return patch


BREACHES = [
    Breach(
        "missing-case",
        "plan-covers-cases",
        {"C6"},
        plan=lambda e, at, off: e.__delitem__("C6"),
    ),
    Breach(
        "duplicate-case",
        "plan-covers-cases",
        {"C6"},
        plan=lambda e, at, off: e.update(dup=off("C6")),
    ),
    Breach(
        "unknown-case-unscheduled",
        "plan-covers-cases",
        {"C99"},
        plan=lambda e, at, off: e.update(x=off("C99")),
    ),
    Breach(
        "unknown-case-scheduled",
        "plan-covers-cases",
        {"C99"},
        plan=lambda e, at, off: e.update(x=at("C99", "OR2@2027-03-01", "12:00", "S2")),
    ),
    Breach(
        "unknown-session",
        "session-exists",
        {"C2"},
        plan=lambda e, at, off: e.update(C2=at("C2", "OR1-PM@2027-03-02", "10:25", "S1")),
    ),
    Breach(
        "theatre-mismatch",
        "session-exists",
        {"C2"},
        plan=lambda e, at, off: e.update(
            C2=at("C2", "OR1@2027-03-02", "10:25", "S1", theatre="OR2")
        ),
    ),
    Breach(
        "date-mismatch",
        "session-exists",
        {"C2"},
        plan=lambda e, at, off: e.update(
            C2=at("C2", "OR1@2027-03-02", "10:25", "S1", date=dt.date(2027, 3, 1))
        ),
    ),
    Breach(
        "theatre-closed-to-gastro",
        "theatre-allows-specialty",
        {"C3", "C4"},
        scenario=lambda d: d["theatres"][1].update(specialties=["orthopaedics"]),
    ),
    Breach(
        "session-owned-by-orthopaedics",
        "session-allows-specialty",
        {"C3", "C4"},
        scenario=lambda d: d["sessions"][1].update(specialty="orthopaedics"),
    ),
    Breach(
        "missing-capability",
        "theatre-capabilities",
        {"C3"},
        scenario=lambda d: case_in(d, "C3").update(requires=["hybrid"]),
    ),
    Breach(
        "before-release",
        "release-date",
        {"C5"},
        plan=lambda e, at, off: e.update(C5=at("C5", "OR1@2027-03-01", "10:15", "S1")),
    ),
    Breach(
        "after-hard-deadline",
        "deadline-hard",
        {"C1"},
        scenario=lambda d: d.update(rules={"deadlines_hard": True}),
        plan=lambda e, at, off: e.update(C1=at("C1", "OR1@2027-03-02", "11:25", "S1")),
    ),
    Breach(
        "starts-before-open",
        "session-hours",
        {"C3"},
        plan=lambda e, at, off: e.update(C3=at("C3", "OR2@2027-03-01", "07:50", "S2")),
    ),
    Breach(
        "end-is-not-start-plus-duration",
        "session-hours",
        {"C3"},
        plan=lambda e, at, off: e.update(C3=at("C3", "OR2@2027-03-01", "08:00", "S2", end="09:35")),
    ),
    Breach(
        "ends-past-allowed-overtime",
        "session-hours",
        {"C4"},
        plan=lambda e, at, off: e.update(C4=at("C4", "OR2@2027-03-01", "15:10", "S2")),
    ),
    Breach(
        "no-room-for-turnover",
        "theatre-no-overlap",
        {"C4"},
        plan=lambda e, at, off: e.update(C4=at("C4", "OR2@2027-03-01", "09:40", "S2")),
    ),
    Breach(
        "not-the-fixed-surgeon",
        "surgeon-eligible",
        {"C1"},
        scenario=_add_surgeons,
        plan=lambda e, at, off: e.update(C1=at("C1", "OR1@2027-03-01", "08:00", "S4")),
    ),
    Breach(
        "wrong-specialty-surgeon",
        "surgeon-eligible",
        {"C2"},
        scenario=_add_surgeons,
        plan=lambda e, at, off: e.update(C2=at("C2", "OR1@2027-03-02", "10:25", "S3")),
    ),
    Breach(
        "not-in-eligible-list",
        "surgeon-eligible",
        {"C2"},
        scenario=_add_surgeons_and_restrict_c2,
        plan=lambda e, at, off: e.update(C2=at("C2", "OR1@2027-03-02", "10:25", "S4")),
    ),
    Breach(
        "unknown-surgeon",
        "surgeon-eligible",
        {"C2"},
        plan=lambda e, at, off: e.update(C2=at("C2", "OR1@2027-03-02", "10:25", "S9")),
    ),
    Breach(
        "surgeon-absent",
        "surgeon-available",
        {"C2", "C5"},
        scenario=lambda d: surgeon_in(d, "S1").update(absent=["2027-03-02"]),
    ),
    Breach(
        "surgeon-arrives-late",
        "surgeon-available",
        {"C5"},
        scenario=lambda d: surgeon_in(d, "S1").update(
            available=[
                {"date": "2027-03-01"},
                {"date": "2027-03-02", "start": "09:00", "end": "16:00"},
            ]
        ),
    ),
    Breach(
        "surgeon-leaves-early",
        "surgeon-available",
        {"C2"},
        scenario=lambda d: surgeon_in(d, "S1").update(
            available=[
                {"date": "2027-03-01"},
                {"date": "2027-03-02", "start": "07:00", "end": "11:00"},
            ]
        ),
    ),
    Breach(
        "surgeon-away-between-two-slots",
        "surgeon-available",
        {"C5"},
        scenario=lambda d: surgeon_in(d, "S1").update(
            available=[
                {"date": "2027-03-01"},
                {"date": "2027-03-02", "start": "10:00", "end": "16:00"},
                {"date": "2027-03-02", "start": "07:00", "end": "09:00"},
            ]
        ),
    ),
    Breach(
        "surgeon-no-availability-that-day",
        "surgeon-available",
        {"C2", "C5"},
        scenario=lambda d: surgeon_in(d, "S1").update(available=[{"date": "2027-03-01"}]),
    ),
    Breach(
        "surgeon-in-two-theatres-at-once",
        "surgeon-no-overlap",
        {"C2"},
        plan=lambda e, at, off: e.update(
            C1=at("C1", "OR1@2027-03-01", "10:30", "S1"),
            C2=at("C2", "OR2@2027-03-01", "11:00", "S1"),
        ),
    ),
    Breach(
        "surgeon-over-daily-max",
        "surgeon-daily-max",
        {None},
        scenario=lambda d: surgeon_in(d, "S1").update(max_minutes_per_day=240),
        plan=lambda e, at, off: e.update(C6=at("C6", "OR1@2027-03-02", "11:25", "S1")),
    ),
    Breach(
        "mandatory-left-out",
        "mandatory-scheduled",
        {"C3"},
        plan=lambda e, at, off: e.update(C3=off("C3")),
    ),
    Breach(
        "equipment-of-another-site",
        "equipment-site",
        {"C3"},
        scenario=_robot_at_other_site,
    ),
    Breach(
        "two-cases-one-c-arm",
        "equipment-capacity",
        {None},
        scenario=_one_c_arm_for_c1_and_c3,
    ),
    Breach(
        "two-patients-one-pacu-bed",
        "recovery-capacity",
        {None},
        scenario=_one_pacu_bed,
    ),
    Breach(
        "two-patients-one-icu-bed",
        "bed-capacity",
        {None},
        scenario=_one_icu_bed,
    ),
    Breach(
        "two-theatres-one-team",
        "staff-capacity",
        {None},
        scenario=_set("staff", [{"site": "ullevaal", "teams": 1}]),
    ),
    Breach(
        "child-after-adult",
        "sequence-first",
        {"C4"},
        scenario=lambda d: case_in(d, "C4").update(flags=["child"]),
    ),
    Breach(
        "infected-before-clean",
        "sequence-last",
        {"C3"},
        scenario=lambda d: case_in(d, "C3").update(flags=["infected"]),
        # C3 ends 09:30 + 15 turnover + 30 cleaning: C4 fits from 10:15.
        plan=lambda e, at, off: e.update(C4=at("C4", "OR2@2027-03-01", "10:15", "S2")),
    ),
    Breach(
        "no-slack-for-overrun-risk",
        "session-overtime-risk",
        {None},
        scenario=_tight_session_at_5_percent,
    ),
    Breach(
        # On 2027-03-02 OR1 is the only theatre; C5 operates it 08:00-10:10 (130 min).
        "one-theatre-busy-130-min",
        "break-in-interval",
        {None},
        scenario=_set("rules", {"break_in_interval": 100}),
    ),
    Breach(
        # 2027-03-01: 900 open min − (135 + 105 + 75) booked = 585 free < 600.
        "reserve-booked-by-electives",
        "emergency-reserve",
        {None},
        scenario=_set("rules", {"emergency_reserve": [{"site": "ullevaal", "minutes": 600}]}),
    ),
]


def test_every_rule_has_a_breach() -> None:
    """The breach table covers every rule id of docs/rules.md."""
    assert {b.rule for b in BREACHES} | LIVE_RULES == set(RULE_IDS)
    assert len(RULE_IDS) == 24 + len(LIVE_RULES)


def test_rule_ids_follow_the_contract() -> None:
    """RULE_IDS lists the rule ids of docs/rules.md's hard-rule table, in its order."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text("utf-8")
    table = text.split("## Hard rules", 1)[1].split("## Costs", 1)[0]
    ids = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE)
    assert tuple(ids) == RULE_IDS


def test_valid_plan_has_no_violations(run: Run, valid_entries: Entries) -> None:
    """The hand-made valid plan keeps every hard rule."""
    report = run(valid_entries)
    assert report.violations == []
    assert report.ok
    assert report.summary().startswith("plan OK")


@pytest.mark.parametrize("breach", BREACHES, ids=[b.name for b in BREACHES])
def test_breach_reports_exactly_that_rule(
    breach: Breach,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
    off: Callable[[str], CaseAssignment],
) -> None:
    """Breaking one rule yields violations of that rule only, for the expected cases."""
    breach.scenario(tiny_data)
    breach.plan(valid_entries, at, off)
    report = run(valid_entries)
    assert not report.ok
    assert {v.rule for v in report.violations} == {breach.rule}
    assert {v.case for v in report.violations} == breach.cases
    assert all(v.message for v in report.violations)
    if breach.cases == {None} and breach.rule != "surgeon-daily-max":
        assert all(v.cases for v in report.violations)  # capacity rules list their cases


def test_session_hours_message_has_the_numbers(
    run: Run, valid_entries: Entries, at: Callable[..., CaseAssignment]
) -> None:
    """The overtime message names the end, the session, the close and the allowance."""
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "15:10", "S2")
    [violation] = run(valid_entries).violations
    assert violation.session == "OR2@2027-03-01"
    assert violation.message == (
        "C4 ends 16:10 but session OR2@2027-03-01 closes 15:30 + 30 min overtime"
    )


def test_ending_exactly_at_close_plus_overtime_is_allowed(
    run: Run, valid_entries: Entries, at: Callable[..., CaseAssignment]
) -> None:
    """A case may end exactly at close + allowed overtime (16:00 in OR2)."""
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "15:00", "S2")
    assert run(valid_entries).ok


@pytest.mark.parametrize(
    ("turnover", "start", "ok"),
    [(None, "09:30", False), (None, "09:45", True), (0, "09:30", True), (20, "09:45", False)],
)
def test_theatre_overlap_uses_case_turnover(
    turnover: int | None,
    start: str,
    ok: bool,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
) -> None:
    """C4 may follow C3 (ends 09:30) after C3's own turnover, else the default 15 min."""
    if turnover is not None:
        case_in(tiny_data, "C3")["turnover"] = turnover
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", start, "S2")
    report = run(valid_entries)
    assert report.ok is ok
    assert {v.rule for v in report.violations} <= {"theatre-no-overlap"}


@pytest.mark.parametrize(("default_turnover", "ok"), [(0, True), (10, True), (20, False)])
def test_theatre_overlap_uses_scenario_default_turnover(
    default_turnover: int,
    ok: bool,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
) -> None:
    """Without a case turnover, C4 at 09:40 needs C3's end 09:30 + default ≤ 09:40."""
    tiny_data["default_turnover"] = default_turnover
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "09:40", "S2")
    report = run(valid_entries)
    assert report.ok is ok
    assert report.kpis.idle_minutes == 1350 - 445 - 5 * default_turnover


def test_theatre_overlap_with_a_long_earlier_case(
    run: Run, valid_entries: Entries, at: Callable[..., CaseAssignment]
) -> None:
    """A long case overlapping two later ones flags both, not only its neighbour.

    OR2 on 2027-03-01: C1 08:00-10:00, C2 08:30-09:15 (free 09:30), C3 09:30-11:00. C3 clears
    C2 but not C1, so only a check against the longest-running earlier case catches it.
    """
    valid_entries["C1"] = at("C1", "OR2@2027-03-01", "08:00", "S1")
    valid_entries["C2"] = at("C2", "OR2@2027-03-01", "08:30", "S1")
    valid_entries["C3"] = at("C3", "OR2@2027-03-01", "09:30", "S2")
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "11:15", "S2")
    report = run(valid_entries)
    theatre = [v for v in report.violations if v.rule == "theatre-no-overlap"]
    assert {v.case for v in theatre} == {"C2", "C3"}
    assert {v.rule for v in report.violations} == {"theatre-no-overlap", "surgeon-no-overlap"}


def test_surgeon_may_start_as_another_case_ends(
    run: Run, valid_entries: Entries, at: Callable[..., CaseAssignment]
) -> None:
    """Turnover does not bind the surgeon: S1 ends C2 in OR2 at 11:45 and starts C1 in OR1."""
    valid_entries["C2"] = at("C2", "OR2@2027-03-01", "11:00", "S1")
    valid_entries["C1"] = at("C1", "OR1@2027-03-01", "11:45", "S1")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.theatre_changes == 1


def test_surgeon_daily_max_at_the_limit_is_allowed(
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
) -> None:
    """S1 operating exactly max_minutes_per_day (130 + 45 + 110 = 285) is allowed."""
    surgeon_in(tiny_data, "S1")["max_minutes_per_day"] = 285
    valid_entries["C6"] = at("C6", "OR1@2027-03-02", "11:25", "S1")
    assert run(valid_entries).ok
    surgeon_in(tiny_data, "S1")["max_minutes_per_day"] = 284
    [violation] = run(valid_entries).violations
    assert violation.rule == "surgeon-daily-max"
    assert violation.surgeon == "S1"
    assert "285 min" in violation.message


def test_deadline_before_horizon_is_not_hard(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """With hard deadlines, a due date before H0 does not forbid scheduling (due ≥ H0 only)."""
    tiny_data["rules"] = {"deadlines_hard": True}
    case_in(tiny_data, "C1")["due"] = "2027-02-20"
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.deadline_breaches == 1


def test_soft_deadline_allows_late_case(
    run: Run, valid_entries: Entries, at: Callable[..., CaseAssignment]
) -> None:
    """Without ``deadlines_hard`` a case after its deadline is valid (only penalised)."""
    valid_entries["C1"] = at("C1", "OR1@2027-03-02", "11:25", "S1")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.deadline_breaches == 1


def test_surgeon_with_several_availability_slots_on_a_date(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """A case fits if any of the surgeon's slots for the date contains it."""
    surgeon_in(tiny_data, "S1")["available"] = [
        {"date": "2027-03-01"},
        {"date": "2027-03-02", "start": "07:00", "end": "10:15"},
        {"date": "2027-03-02", "start": "10:20", "end": "12:00"},
    ]
    assert run(valid_entries).ok


def test_malformed_plan_is_reported_not_raised(
    run: Run,
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
    off: Callable[[str], CaseAssignment],
) -> None:
    """Unknown cases and sessions become violations; KPIs still count the valid entries."""
    valid_entries["ghost"] = at("C99", "OR9@2027-03-05", "08:00", "S7", end="09:00")
    valid_entries["C2"] = at("C2", "OR1-PM@2027-03-02", "13:00", "S1")
    valid_entries["again"] = off("C1")
    report = run(valid_entries)
    rules = {(v.rule, v.case) for v in report.violations}
    assert rules == {
        ("plan-covers-cases", "C99"),
        ("plan-covers-cases", "C1"),
        ("session-exists", "C2"),
    }
    # The first C1 entry (scheduled) is used; C2 is scheduled in an unknown session.
    assert report.kpis.scheduled == 5
    assert report.kpis.sessions_used == 3
    assert report.kpis.surgical_minutes == 120 + 45 + 90 + 60 + 130


def test_plan_with_no_entries(tiny: Scenario) -> None:
    """An empty plan misses every case and leaves the mandatory C3 out."""
    report = check(tiny, Plan(cases=[]))
    counts: dict[str, int] = {}
    for v in report.violations:
        counts[v.rule] = counts.get(v.rule, 0) + 1
    assert counts == {"plan-covers-cases": 6, "mandatory-scheduled": 1}
    assert report.kpis.unscheduled == 6
    assert report.kpis.idle_minutes == 3 * 450


def test_summary_groups_violations_by_rule(
    run: Run,
    valid_entries: Entries,
    at: Callable[..., CaseAssignment],
    off: Callable[[str], CaseAssignment],
) -> None:
    """The summary lists each broken rule once, in docs/rules.md order, with its messages."""
    valid_entries["C3"] = off("C3")
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "15:10", "S2")
    valid_entries.pop("C6")
    text = run(valid_entries).summary()
    assert text.startswith("plan INVALID: 3 violation(s) of 3 rule(s)")
    order = ["plan-covers-cases (1):", "session-hours (1):", "mandatory-scheduled (1):"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "C4 ends 16:10" in text


def test_touching_or_overlapping_availability_entries_join(
    run: Callable[..., Any], tiny_data: dict[str, Any], valid_entries: dict[str, Any]
) -> None:
    """C5 runs 08:00-10:10 on 2027-03-02: inside 07:00-09:00 + 09:00-16:00 (touching) and
    inside 07:00-09:30 + 09:00-16:00 (overlapping), though inside neither entry alone."""
    for first_end in ("09:00", "09:30"):
        surgeon_in(tiny_data, "S1").update(
            available=[
                {"date": "2027-03-01"},
                {"date": "2027-03-02", "start": "07:00", "end": first_end},
                {"date": "2027-03-02", "start": "09:00", "end": "16:00"},
            ]
        )
        assert run(valid_entries).violations == []
