"""Clinical rules of the independent checker: equipment, PACU, beds, teams and sequencing.

Edge cases of the issue-4 rules of ``docs/rules.md`` on the tiny scenario and its valid plan
(see ``conftest.py``): on 2027-03-01 (a Monday) OR1 has C1 08:00-10:00 and OR2 has C3
08:00-09:30 and C4 09:45-10:45; on 2027-03-02 OR1 has C5 08:00-10:10 and C2 10:25-11:10.
All theatres are at site ``ullevaal``; C6 is unscheduled. The valid plan costs 935.
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
    occupancy_table,
    recovery_profile,
    session_table,
)
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.builders import case_in, surgeon_in

Entries = dict[str, CaseAssignment]
Run = Callable[[Entries], CheckReport]
At = Callable[..., CaseAssignment]
Off = Callable[[str], CaseAssignment]

MON = dt.date(2027, 3, 1)
TUE = dt.date(2027, 3, 2)


def _rules(report: CheckReport) -> set[str]:
    return {v.rule for v in report.violations}


def _add_rh_theatre(data: dict[str, Any], session: bool = False) -> None:
    """Theatre OR3 at site rh; with ``session``, open 08:00-15:30 on 2027-03-01."""
    data["theatres"].append({"id": "OR3", "site": "rh"})
    if session:
        data["sessions"].append(
            {"theatre": "OR3", "date": "2027-03-01", "open": "08:00", "close": "15:30"}
        )


# -- turnover with sequencing-rule cleaning ---------------------------------------------------


@pytest.mark.parametrize(("start", "ok"), [("10:00", False), ("10:14", False), ("10:15", True)])
def test_cleaning_extends_turnover(
    start: str, ok: bool, run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """turn(C3) = 15 default + 30 cleaning of its 'dirty' rule: C4 may start at 10:15."""
    tiny_data["sequencing"] = [
        {"flag": "dirty", "position": "early", "cleaning_after": 30, "weight": 0}
    ]
    case_in(tiny_data, "C3")["flags"] = ["dirty"]
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", start, "S2")
    report = run(valid_entries)
    assert report.ok is ok
    assert _rules(report) <= {"theatre-no-overlap"}
    if not ok:
        [v] = report.violations
        assert "C3 ends 09:30 + 45 min turnover (incl. 30 min cleaning) (free at 10:15)" in (
            v.message
        )


def test_cleaning_of_every_matching_rule_adds_up(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """Two rules whose flags C3 has: turn(C3) = 20 own turnover + 10 + 25 = 55 (free 10:25).

    A rule whose flag C3 lacks adds nothing; a flag listed twice counts once.
    """
    tiny_data["sequencing"] = [
        {"flag": "a", "position": "early", "cleaning_after": 10, "weight": 0},
        {"flag": "b", "position": "early", "cleaning_after": 25, "weight": 0},
        {"flag": "z", "position": "early", "cleaning_after": 99, "weight": 0},
    ]
    case_in(tiny_data, "C3").update(flags=["a", "b", "a"], turnover=20)
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:25", "S2")
    assert run(valid_entries).ok
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:20", "S2")
    assert _rules(run(valid_entries)) == {"theatre-no-overlap"}


def test_idle_counts_cleaning(
    tiny: Scenario, run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """C4 infected (default rule: last, 30 min cleaning) is last in OR2: valid, idle 830 − 30."""
    case_in(tiny_data, "C4")["flags"] = ["infected"]
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.idle_minutes == 800
    assert report.cost.idle == 800
    assert report.cost.total == 905
    row = next(r for r in report.sessions if r["session"] == "OR2@2027-03-01")
    assert (row["turnover_minutes"], row["cleaning_minutes"], row["idle"]) == (60, 30, 240)
    # The unmodified scenario has no cleaning.
    plain = session_table(tiny, Plan(cases=list(valid_entries.values())))
    assert [r["cleaning_minutes"] for r in plain] == [0, 0, 0]


def test_default_sequencing_rules_apply(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """tiny.yaml lists no sequencing rules, so the defaults hold: a child goes first."""
    assert "sequencing" not in tiny_data
    case_in(tiny_data, "C4")["flags"] = ["child"]
    report = run(valid_entries)
    assert [(v.rule, v.case) for v in report.violations] == [("sequence-first", "C4")]
    assert report.violations[0].message == (
        "C4 (child: first) starts 09:45 in session OR2@2027-03-01 but C3, without a first "
        "flag, starts 08:00"
    )


def test_explicitly_empty_sequencing_has_no_rules(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """``sequencing: []`` switches the defaults off: no position rule, no cleaning."""
    tiny_data["sequencing"] = []
    case_in(tiny_data, "C4")["flags"] = ["child"]
    case_in(tiny_data, "C3")["flags"] = ["infected", "diabetic"]
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.idle_minutes == 830
    assert report.cost.early_sequencing == 0


# -- equipment ---------------------------------------------------------------------------------


def _c_arm(data: dict[str, Any], setup: int, site: str | None = None, count: int = 1) -> None:
    data["equipment"] = [{"id": "c-arm", "count": count, "setup": setup, "site": site}]
    case_in(data, "C3")["equipment"] = ["c-arm"]
    case_in(data, "C4")["equipment"] = ["c-arm"]


def test_equipment_setup_makes_back_to_back_use_a_conflict(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """C3 holds the C-arm until 09:30 + set-up; C4 needs it at 09:45.

    Set-up 15 frees it exactly at 09:45 (allowed); set-up 20 frees it at 09:50.
    """
    _c_arm(tiny_data, setup=15)
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_equipment == {"c-arm": 1}
    assert report.kpis.equipment_conflicts == 0

    _c_arm(tiny_data, setup=20)
    report = run(valid_entries)
    [v] = report.violations
    assert v.rule == "equipment-capacity"
    assert v.case is None
    assert v.cases == ["C3", "C4"]
    assert v.message == (
        "c-arm: 2 in use at 09:45 on 2027-03-01 but 1 exist (C3, C4); over from 09:45 to "
        "09:50 (set-up 20 min)"
    )
    assert report.kpis.peak_equipment == {"c-arm": 2}
    assert report.kpis.equipment_conflicts == 1


def test_equipment_count_allows_parallel_use(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Two C-arms: C3 and C4 overlap by set-up (peak 2) without a conflict."""
    _c_arm(tiny_data, setup=60, count=2)
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_equipment == {"c-arm": 2}


def test_equipment_conflicts_count_stretches(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """One C-arm needed by C1, C3 (both 08:00) and C5, C2 on 03-02 (C2 in set-up range).

    03-01: C1 and C3 (free at 10:00 after set-up) overlap 08:00-10:00 (one stretch).
    03-02: C5 08:00-10:10 + set-up 30 = 10:40 overlaps C2 from 10:25: a second stretch.
    Unused equipment peaks at 0.
    """
    tiny_data["equipment"] = [{"id": "c-arm", "count": 1, "setup": 30}, {"id": "robot", "count": 1}]
    for cid in ("C1", "C3", "C5", "C2"):
        case_in(tiny_data, cid)["equipment"] = ["c-arm"]
    report = run(valid_entries)
    assert [v.cases for v in report.violations] == [["C1", "C3"], ["C5", "C2"]]
    assert "over from 08:00 to 10:00" in report.violations[0].message
    assert "over from 10:25 to 10:40" in report.violations[1].message
    assert report.kpis.equipment_conflicts == 2
    assert report.kpis.peak_equipment == {"c-arm": 2, "robot": 0}


def test_site_bound_equipment_in_another_sites_theatre(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """A robot of site rh used at ullevaal breaks equipment-site, once per case.

    Site-bound equipment counts only cases at its own site, so the two simultaneous uses
    (C1 and C3 at 08:00) are not also a capacity conflict.
    """
    _add_rh_theatre(tiny_data)
    tiny_data["equipment"] = [{"id": "robot", "count": 1, "site": "rh"}]
    case_in(tiny_data, "C1")["equipment"] = ["robot"]
    case_in(tiny_data, "C3")["equipment"] = ["robot"]
    report = run(valid_entries)
    assert [(v.rule, v.case) for v in report.violations] == [
        ("equipment-site", "C1"),
        ("equipment-site", "C3"),
    ]
    assert report.violations[0].message == (
        "C1 needs robot, which belongs to site rh, but is in theatre OR1 at site ullevaal"
    )
    assert report.kpis.peak_equipment == {"robot": 0}
    tiny_data["equipment"][0]["site"] = "ullevaal"
    assert _rules(run(valid_entries)) == {"equipment-capacity"}


@pytest.mark.parametrize(("site", "rules"), [(None, {"equipment-capacity"}), ("ullevaal", None)])
def test_site_free_equipment_is_shared_between_sites(
    site: str | None,
    rules: set[str] | None,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
    at: At,
) -> None:
    """C4 moves to OR3 at site rh at 09:45; C3 (ullevaal) keeps the C-arm until 09:50.

    A site-free C-arm is shared, so they conflict; one owned by ullevaal cannot be used at rh
    at all (equipment-site for C4) and C4 then does not count against its capacity.
    """
    _add_rh_theatre(tiny_data, session=True)
    _c_arm(tiny_data, setup=20, site=site)
    valid_entries["C4"] = at("C4", "OR3@2027-03-01", "09:45", "S2")
    report = run(valid_entries)
    if rules is not None:
        assert _rules(report) == rules
    else:
        assert [(v.rule, v.case) for v in report.violations] == [("equipment-site", "C4")]


# -- recovery (PACU) ---------------------------------------------------------------------------


def _pacu(data: dict[str, Any], periods: list[dict[str, Any]]) -> None:
    """Two PACU beds at ullevaal with ``periods``; C3 recovers 09:30-10:30, C1 10:00-11:00."""
    data["recovery"] = [{"site": "ullevaal", "beds": 2, "periods": periods}]
    case_in(data, "C3")["recovery_minutes"] = 60
    case_in(data, "C1")["recovery_minutes"] = 60


def test_pacu_period_with_fewer_beds(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Two beds fit C3 and C1 together; a 10:00-12:00 period of one bed does not."""
    _pacu(tiny_data, [])
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_recovery == {"ullevaal": 2}

    _pacu(tiny_data, [{"start": "10:00", "end": "12:00", "beds": 1}])
    report = run(valid_entries)
    [v] = report.violations
    assert v.rule == "recovery-capacity"
    assert v.cases == ["C3", "C1"]
    assert v.message == (
        "PACU at ullevaal: 2 beds in use at 10:00 on 2027-03-01 but 1 staffed (C3, C1); "
        "over from 10:00 to 10:30"
    )
    assert report.kpis.peak_recovery == {"ullevaal": 2}


def test_pacu_period_starting_as_a_bed_frees_is_allowed(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """C3 leaves at 10:30 exactly when the one-bed period starts (end is exclusive)."""
    _pacu(tiny_data, [{"start": "10:30", "end": "12:00", "beds": 1}])
    assert run(valid_entries).ok


def test_pacu_period_ending_frees_beds(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """A one-bed period 06:00-10:00 ends as C1 arrives: 2 beds from 10:00 are enough."""
    _pacu(tiny_data, [{"start": "06:00", "end": "10:00", "beds": 1}])
    assert run(valid_entries).ok
    tiny_data["recovery"][0]["periods"][0]["end"] = "10:01"
    assert _rules(run(valid_entries)) == {"recovery-capacity"}


def test_pacu_counts_each_date_and_site_separately(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """One bed at ullevaal: C5 (03-02) does not meet C3 (03-01); C4 at site rh has no PACU.

    rh appears in peak_recovery because a case recovers there, though it has no unit.
    """
    _add_rh_theatre(tiny_data, session=True)
    tiny_data["recovery"] = [{"site": "ullevaal", "beds": 1}]
    for cid in ("C3", "C4", "C5"):
        case_in(tiny_data, cid)["recovery_minutes"] = 300
    valid_entries["C4"] = at("C4", "OR3@2027-03-01", "09:45", "S2")
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_recovery == {"rh": 1, "ullevaal": 1}


def test_recovery_profile(
    tiny: Scenario, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Change points (minute, in use, beds) of the PACU on 2027-03-01, for plots."""
    _pacu(tiny_data, [{"start": "10:00", "end": "12:00", "beds": 1}])
    scenario = Scenario.model_validate(tiny_data)
    plan = Plan(cases=list(valid_entries.values()))
    assert recovery_profile(scenario, plan, "ullevaal", MON) == [
        (0, 0, 2),
        (570, 1, 2),  # C3 from 09:30
        (600, 2, 1),  # C1 from 10:00, one bed
        (630, 1, 1),  # C3 leaves 10:30
        (660, 0, 1),  # C1 leaves 11:00
        (720, 0, 2),  # period ends 12:00
    ]
    assert recovery_profile(scenario, plan, "ullevaal", TUE) == [
        (0, 0, 2),
        (600, 0, 1),
        (720, 0, 2),
    ]
    # No unit at the site: no capacity (None).
    assert recovery_profile(tiny, plan, "ullevaal", MON) == [(0, 0, None)]


# -- ICU and ward beds -------------------------------------------------------------------------


def test_occupied_beds_reduce_capacity(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Two ICU beds take C1 and C3 on 03-01; one bed already occupied leaves room for one."""
    tiny_data["beds"] = [{"site": "ullevaal", "kind": "icu", "beds": 2}]
    case_in(tiny_data, "C1")["icu_days"] = 1
    case_in(tiny_data, "C3")["icu_days"] = 1
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_icu == {"ullevaal": 2}

    tiny_data["beds"][0]["occupied"] = {"2027-03-01": 1, "2027-03-02": 2}
    report = run(valid_entries)
    [v] = report.violations
    assert v.rule == "bed-capacity"
    assert v.cases == ["C1", "C3"]
    assert v.message == (
        "ICU at ullevaal on 2027-03-01: 1 occupied + 2 patient(s) (C1, C3) = 3 beds but 2 exist"
    )
    assert report.kpis.peak_icu == {"ullevaal": 3}


def test_icu_then_ward_days(run: Run, tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """C1 (03-01): ICU 1 day, then ward 2 days (03-02 and 03-03, past H1). C5 (03-02): ward 1.

    One ICU bed holds C1 on 03-01 only; one ward bed is shared by C1 and C5 on 03-02.
    """
    tiny_data["beds"] = [
        {"site": "ullevaal", "kind": "icu", "beds": 1},
        {"site": "ullevaal", "kind": "ward", "beds": 1},
    ]
    case_in(tiny_data, "C1").update(icu_days=1, ward_days=2)
    case_in(tiny_data, "C5")["ward_days"] = 1
    report = run(valid_entries)
    [v] = report.violations
    assert (v.rule, v.cases) == ("bed-capacity", ["C1", "C5"])
    assert v.message.startswith("ward at ullevaal on 2027-03-02: 0 occupied + 2 patient(s)")
    assert (report.kpis.peak_icu, report.kpis.peak_ward) == ({"ullevaal": 1}, {"ullevaal": 2})
    case_in(tiny_data, "C5")["ward_days"] = 0
    assert run(valid_entries).ok


def test_occupancy_table(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """Rows per (site, kind, date) for units and for beds used without a unit."""
    tiny_data["beds"] = [
        {"site": "ullevaal", "kind": "icu", "beds": 3, "occupied": {"2027-03-02": 2}}
    ]
    case_in(tiny_data, "C1").update(icu_days=2, ward_days=1)
    scenario = Scenario.model_validate(tiny_data)
    rows = occupancy_table(scenario, Plan(cases=list(valid_entries.values())))
    got = [
        (r["site"], r["kind"], r["date"], r["occupied"], r["patients"], r["beds"], r["free"])
        for r in rows
    ]
    assert got == [
        ("ullevaal", "icu", MON, 0, 1, 3, 2),
        ("ullevaal", "icu", TUE, 2, 1, 3, 0),
    ]
    assert rows[1]["case_ids"] == ["C1"]
    assert rows[1]["total"] == 3
    # C1's ward day (03-03) lies past the horizon, so no ward rows. Shorter ICU: ward on 03-02.
    case_in(tiny_data, "C1")["icu_days"] = 1
    scenario = Scenario.model_validate(tiny_data)
    rows = occupancy_table(scenario, Plan(cases=list(valid_entries.values())))
    ward = [(r["date"], r["patients"], r["beds"], r["free"]) for r in rows if r["kind"] == "ward"]
    assert ward == [(MON, 0, None, None), (TUE, 1, None, None)]


def test_full_ward_has_no_room(run: Run, tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """Both ward beds occupied on 03-02: C5's ward day there is one too many; 03-01 is free."""
    tiny_data["beds"] = [
        {"site": "ullevaal", "kind": "ward", "beds": 2, "occupied": {"2027-03-02": 2}}
    ]
    case_in(tiny_data, "C3")["ward_days"] = 1
    case_in(tiny_data, "C5")["ward_days"] = 1
    [v] = run(valid_entries).violations
    assert v.cases == ["C5"]
    assert v.message == (
        "ward at ullevaal on 2027-03-02: 2 occupied + 1 patient(s) (C5) = 3 beds but 2 exist"
    )


# -- staff teams -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("teams", "by_date", "ok"),
    [
        (2, {}, True),
        (1, {}, False),
        (2, {"2027-03-01": 1}, False),  # override on the busy date
        (1, {"2027-03-01": 2}, True),  # 03-02 runs one session only
        (2, {"2027-03-02": 0}, False),  # no team on 03-02 for OR1
    ],
)
def test_staff_pool_by_date_override(
    teams: int,
    by_date: dict[str, int],
    ok: bool,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
) -> None:
    """OR1 and OR2 run together on 03-01 (08:00-16:00); OR1 alone on 03-02."""
    tiny_data["staff"] = [{"site": "ullevaal", "teams": teams, "by_date": by_date}]
    report = run(valid_entries)
    assert report.ok is ok
    assert _rules(report) <= {"staff-capacity"}


def test_staff_message_and_cases(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Sessions count from open to close + allowed overtime (OR2 until 16:00)."""
    tiny_data["staff"] = [{"site": "ullevaal", "kind": "nurses", "teams": 1}]
    [v] = run(valid_entries).violations
    assert v.message == (
        "nurses teams at ullevaal: 2 sessions running at 08:00 on 2027-03-01 but 1 team(s) "
        "(OR1@2027-03-01, OR2@2027-03-01); over from 08:00 to 16:00"
    )
    assert v.cases == ["C1", "C3", "C4"]


def test_unused_and_other_site_sessions_need_no_team(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, off: Off, at: At
) -> None:
    """One team: OR1@03-01 unused (C1 left out) is fine; an OR3 session at rh is not counted."""
    _add_rh_theatre(tiny_data, session=True)
    tiny_data["staff"] = [{"site": "ullevaal", "teams": 1}, {"site": "rh", "teams": 1}]
    valid_entries["C1"] = off("C1")
    valid_entries["C4"] = at("C4", "OR3@2027-03-01", "09:45", "S2")
    report = run(valid_entries)
    assert report.ok


# -- sequencing --------------------------------------------------------------------------------


def test_case_with_a_first_and_a_last_flag(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At, off: Off
) -> None:
    """C3 is a child (first) and infected (last): with an unflagged case one rule must break."""
    case_in(tiny_data, "C3")["flags"] = ["child", "infected"]
    # C3 first (C4 after its 45-min turnover): C3 is not last.
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:15", "S2")
    report = run(valid_entries)
    assert [(v.rule, v.case) for v in report.violations] == [("sequence-last", "C3")]
    assert report.violations[0].message == (
        "C3 (infected: last) starts 08:00 in session OR2@2027-03-01 but C4, without a last "
        "flag, starts 10:15"
    )
    # C4 first: C3 is not first.
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "08:00", "S2")
    valid_entries["C3"] = at("C3", "OR2@2027-03-01", "09:15", "S2")
    report = run(valid_entries)
    assert [(v.rule, v.case) for v in report.violations] == [("sequence-first", "C3")]
    # Alone in its session: fine.
    valid_entries["C4"] = off("C4")
    assert run(valid_entries).ok


def test_first_and_last_flags_can_both_hold(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """C3 (child, infected) before C4 (infected): both last-flagged, and C3 first."""
    case_in(tiny_data, "C3")["flags"] = ["child", "infected"]
    case_in(tiny_data, "C4")["flags"] = ["infected"]
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:15", "S2")
    assert run(valid_entries).ok


def test_several_first_cases_each_checked(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """OR2 on 03-01: C3 (child) 08:00, C4 09:45, C2 (latex-allergy) 11:00: only C2 is late."""
    case_in(tiny_data, "C3")["flags"] = ["child"]
    case_in(tiny_data, "C2")["flags"] = ["latex-allergy"]
    valid_entries["C2"] = at("C2", "OR2@2027-03-01", "11:00", "S1")
    report = run(valid_entries)
    assert [(v.rule, v.case) for v in report.violations] == [("sequence-first", "C2")]


def test_custom_last_rule_without_cleaning(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """A scenario's own 'last' rule replaces the defaults; flags of other rules mean nothing."""
    tiny_data["sequencing"] = [{"flag": "mrsa", "position": "last"}]
    case_in(tiny_data, "C4")["flags"] = ["mrsa", "child"]
    assert run(valid_entries).ok
    case_in(tiny_data, "C3")["flags"] = ["mrsa"]
    case_in(tiny_data, "C4")["flags"] = []
    assert [(v.rule, v.case) for v in run(valid_entries).violations] == [("sequence-last", "C3")]


# -- costs -------------------------------------------------------------------------------------


def test_early_sequencing_cost(run: Run, tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """Default 'diabetic' early rule, weight 1 per minute after opening.

    C4 starts 09:45 in a session opening 08:00: 105. C3 (08:00) costs 0.
    """
    case_in(tiny_data, "C4")["flags"] = ["diabetic"]
    case_in(tiny_data, "C3")["flags"] = ["diabetic"]
    report = run(valid_entries)
    assert report.ok
    assert report.cost.early_sequencing == 105
    assert report.cost.total == 935 + 105


def test_early_sequencing_weights_add_per_rule(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Two early rules matching C2 (10:25, opening 08:00 = 145 min): (3 + 2) × 145 = 725."""
    tiny_data["sequencing"] = [
        {"flag": "diabetic", "position": "early", "weight": 3},
        {"flag": "elderly", "position": "early", "weight": 2},
        {"flag": "child", "position": "first"},
    ]
    case_in(tiny_data, "C2")["flags"] = ["diabetic", "elderly"]
    report = run(valid_entries)
    assert report.ok
    assert report.cost.early_sequencing == 725


@pytest.mark.parametrize(
    ("s1", "s2", "misses"),
    [
        ({}, {}, 0),
        # 2027-03-01 is a Monday (0): S1 prefers Tuesday, so C1 misses; C5 and C2 do not.
        ({"preferred_weekdays": [1]}, {}, 1),
        # S1 prefers Monday: C5 and C2 (Tuesday) miss.
        ({"preferred_weekdays": [0]}, {}, 2),
        # S2 prefers OR1: C3 and C4 in OR2 miss.
        ({}, {"preferred_theatres": ["OR1"]}, 2),
        ({"preferred_weekdays": [1]}, {"preferred_theatres": ["OR1"]}, 3),
        # Both preferences of S2 missed by C3 and C4: each counts.
        ({}, {"preferred_weekdays": [1, 2], "preferred_theatres": ["OR1"]}, 4),
        ({"preferred_weekdays": [0, 1], "preferred_theatres": ["OR1"]}, {}, 0),
    ],
)
def test_surgeon_preference_cost(
    s1: dict[str, Any],
    s2: dict[str, Any],
    misses: int,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
) -> None:
    """Each unmet weekday or theatre preference of a scheduled case costs 10 (default)."""
    surgeon_in(tiny_data, "S1").update(s1)
    surgeon_in(tiny_data, "S2").update(s2)
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.preference_misses == misses
    assert report.cost.surgeon_preference == 10 * misses
    assert report.cost.total == 935 + 10 * misses


def test_bed_peak_cost(run: Run, tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """Σ over sites with beds of the peak daily ICU + ward occupancy, × 20 (default).

    ullevaal (ICU unit, 5 beds, occupied 2 on 03-01, 1 on 03-02 and 5 on 03-05, past H1,
    so ignored; no ward unit):
    C1 ICU 1 day + ward 1 day, C2 ward 1 day, C5 ward 2 days (03-02, 03-03).
    03-01: 2 occupied + C1 ICU = 3. 03-02: 1 occupied + C1, C2, C5 in ward = 4. Peak 4.
    rh (ward unit, 10 beds, occupied 3 on 03-01 and 2 on 03-02, no cases): peak 3.
    Cost 20 × (4 + 3) = 140.
    """
    _add_rh_theatre(tiny_data)
    tiny_data["beds"] = [
        {
            "site": "ullevaal",
            "kind": "icu",
            "beds": 5,
            "occupied": {"2027-03-01": 2, "2027-03-02": 1, "2027-03-05": 5},
        },
        {"site": "rh", "kind": "ward", "beds": 10, "occupied": {"2027-03-01": 3, "2027-03-02": 2}},
    ]
    case_in(tiny_data, "C1").update(icu_days=1, ward_days=1)
    case_in(tiny_data, "C2")["ward_days"] = 1
    case_in(tiny_data, "C5")["ward_days"] = 2
    report = run(valid_entries)
    assert report.ok
    assert report.kpis.peak_icu == {"ullevaal": 3}
    assert report.kpis.peak_ward == {"rh": 3, "ullevaal": 3}
    assert report.cost.bed_peak == 140
    assert report.cost == CostBreakdown(
        unscheduled=100,
        waiting=5,
        deadline_breach=0,
        late_days=0,
        overtime=0,
        idle=830,
        theatre_changes=0,
        early_sequencing=0,
        surgeon_preference=0,
        bed_peak=140,
    )
    assert report.cost.total == 1075


def test_bed_peak_needs_a_bed_unit(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Without any beds unit, ICU and ward days cost nothing but still show as KPIs."""
    case_in(tiny_data, "C1").update(icu_days=1, ward_days=1)
    report = run(valid_entries)
    assert report.cost.bed_peak == 0
    assert report.kpis.peak_icu == {"ullevaal": 1}
    assert report.kpis.peak_ward == {"ullevaal": 1}


def test_no_clinical_data_means_empty_kpis(run: Run, valid_entries: Entries) -> None:
    """The plain tiny scenario: no peaks, conflicts or misses, and zero new cost terms."""
    report = run(valid_entries)
    k, c = report.kpis, report.cost
    assert (k.peak_recovery, k.peak_icu, k.peak_ward, k.peak_equipment) == ({}, {}, {}, {})
    assert (k.equipment_conflicts, k.preference_misses) == (0, 0)
    assert (c.early_sequencing, c.surgeon_preference, c.bed_peak) == (0, 0, 0)


# -- scale -------------------------------------------------------------------------------------


def _big_clinical(theatres: int = 20, days: int = 20, per_session: int = 10) -> Scenario:
    """4,000 30-min cases at 45-min intervals, every clinical resource just big enough.

    A case uses the shared C-arm for 30 + 10 set-up of every 45 min (peak = theatres), and
    a PACU bed for 60 min after it ends (peak = 2 per theatre, 20:20 after the last case).
    ICU 1 day, ward 2 days: ward patients per site and day ≤ 2 × cases per day.
    """
    start = dt.date(2027, 1, 4)
    sites = ("a", "b")
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
                        "equipment": ["c-arm"],
                        "recovery_minutes": 60,
                        "icu_days": 1 if k == 0 else 0,
                        "ward_days": 2,
                        "flags": ["child"] if k == 0 else (["diabetic"] if k == 1 else []),
                    }
                )
    per_site_day = theatres // len(sites) * per_session
    return Scenario.model_validate(
        {
            "name": "big-clinical",
            "horizon": {"start": start, "days": days},
            "theatres": [{"id": f"OR{t}", "site": sites[t % 2]} for t in range(theatres)],
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
            "surgeons": [
                {"id": f"S{t}", "specialty": "gen", "preferred_weekdays": [0, 1, 2, 3]}
                for t in range(theatres)
            ],
            "cases": cases,
            "equipment": [{"id": "c-arm", "count": theatres, "setup": 10}],
            "recovery": [{"site": s, "beds": theatres} for s in sites],
            "beds": [
                {"site": s, "kind": kind, "beds": 2 * per_site_day}
                for s in sites
                for kind in ("icu", "ward")
            ],
            "staff": [{"site": s, "teams": theatres // 2} for s in sites],
        }
    )


def test_four_thousand_clinical_cases_exact_figures() -> None:
    """A valid 4,000-case plan using every clinical resource gets exact peaks and costs."""
    scenario = _big_clinical()
    entries = []
    for case in scenario.cases:
        t, rest = case.id[1:].split("D")
        d, k = (int(x) for x in rest.split("K"))
        date = scenario.horizon.start + dt.timedelta(days=d)
        begin = 480 + 45 * k
        entries.append(
            CaseAssignment(
                case=case.id,
                scheduled=True,
                session=f"OR{t}@{date.isoformat()}",
                theatre=f"OR{t}",
                date=date,
                start=begin,
                end=begin + 30,
                surgeon=f"S{t}",
            )
        )
    plan = Plan(cases=entries)
    report = check(scenario, plan)
    assert report.ok, report.summary()
    kpis = report.kpis
    assert kpis.peak_equipment == {"c-arm": 20}
    assert kpis.peak_recovery == {"a": 20, "b": 20}  # 2 per theatre, 10 theatres a site
    assert kpis.peak_icu == {"a": 10, "b": 10}
    assert kpis.peak_ward == {"a": 200, "b": 200}  # 9 x 10 x 2 (days d, d−1) + 10 x 2 (ICU first)
    # Diabetic case k = 1 starts 45 min after opening in each of 400 sessions.
    assert report.cost.early_sequencing == 400 * 45
    # 2027-01-04 is a Monday: days with weekday 4, 5, 6 (Fri-Sun) miss the preference.
    off_days = sum(1 for d in range(20) if d % 7 >= 4)
    assert kpis.preference_misses == 20 * 10 * off_days


def test_summary_mentions_clinical_figures(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """The summary lists peaks and preference misses, and the new cost terms."""
    _pacu(tiny_data, [])
    surgeon_in(tiny_data, "S2")["preferred_theatres"] = ["OR1"]
    text = run(valid_entries).summary()
    assert "peak PACU ullevaal 2; 2 surgeon preference(s) missed" in text
    assert "surgeon_preference 20" in text
    assert "bed_peak 0" in text
