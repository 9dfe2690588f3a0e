"""Checker tests for room for emergencies: break-in intervals and the emergency reserve.

The tiny scenario's valid plan (see ``conftest.py``) on site ullevaal: on 2027-03-01 OR1
operates C1 08:00-10:00 and OR2 operates C3 08:00-09:30 and C4 09:45-10:45, so no theatre can
take an emergency from 08:00 to 09:30 (90 min); on 2027-03-02 only OR1 is open and operates
C5 08:00-10:10 and C2 10:25-11:10 (longest stretch 130 min).
"""

from __future__ import annotations

from typing import Any

import pytest

from orplan.check import check
from orplan.check.emergency import closed_stretches
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.check.conftest import At, Entries


def _run(data: dict[str, Any], entries: Entries) -> Any:
    return check(Scenario.model_validate(data), Plan(cases=list(entries.values())))


def _rules(report: Any) -> set[str]:
    return {v.rule for v in report.violations}


def test_kpi_on_the_valid_plan(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """The KPI is the longest stretch over the site's dates; the cost is off by default."""
    report = _run(tiny_data, valid_entries)
    assert report.kpis.longest_break_in_interval == {"ullevaal": 130}
    assert report.cost.break_in_interval == 0


def test_cost_sums_the_longest_stretch_of_each_date(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """weights.break_in_interval × (90 on 03-01 + 130 on 03-02)."""
    tiny_data["weights"] = {"break_in_interval": 2}
    report = _run(tiny_data, valid_entries)
    assert report.cost.break_in_interval == 2 * (90 + 130)
    assert report.cost.total == _run_total_without(tiny_data, valid_entries) + 2 * 220


def _run_total_without(data: dict[str, Any], entries: Entries) -> int:
    plain = {**data, "weights": {}}
    return int(_run(plain, entries).cost.total)


@pytest.mark.parametrize(("limit", "broken"), [(130, False), (129, True)])
def test_limit_is_inclusive(
    tiny_data: dict[str, Any], valid_entries: Entries, limit: int, broken: bool
) -> None:
    """A stretch of exactly the limit is allowed; the message names it and its case."""
    tiny_data["rules"] = {"break_in_interval": limit}
    report = _run(tiny_data, valid_entries)
    assert _rules(report) == ({"break-in-interval"} if broken else set())
    if broken:
        (v,) = report.violations
        assert v.cases == ["C5"]
        assert "08:00-10:10 (130 min)" in v.message and "2027-03-02" in v.message


def test_idle_theatre_takes_emergencies(
    tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """Moving C3 and C4 after C1 ends leaves OR2 idle 08:00-10:00: no stretch on 03-01."""
    valid_entries["C3"] = at("C3", "OR2@2027-03-01", "10:00", "S2")
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "11:45", "S2")
    report = _run(tiny_data, valid_entries)
    assert report.ok
    # 03-01: OR1 free from 10:00, OR2 until 10:00: only 03-02 has a stretch (130 min).
    tiny_data["rules"] = {"break_in_interval": 129}
    (v,) = _run(tiny_data, valid_entries).violations
    assert "2027-03-02" in v.message and "2027-03-01" not in v.message


def test_case_ends_as_another_starts_is_a_moment() -> None:
    """Back-to-back cases (no turnover) leave one free instant between them."""
    first, last, stretches = closed_stretches(
        {"OR1": [(480, 720)]}, {"OR1": [(480, 600), (600, 720)]}
    )
    assert (first, last) == (480, 720)
    assert stretches == [(480, 600), (600, 720)]


def test_overtime_keeps_the_theatre_closed_until_the_next_opening() -> None:
    """A case past close: the theatre is closed from its start until it opens again."""
    sessions = {"OR1": [(480, 600), (720, 840)], "OR2": [(480, 840)]}
    cases = {"OR1": [(540, 630)], "OR2": [(480, 780)]}
    _, _, stretches = closed_stretches(sessions, cases)
    # OR2 operates 08:00-13:00; OR1 is free 08:00-09:00, then closed until 12:00.
    assert stretches == [(540, 720)]


def test_no_theatre_open_counts_as_a_stretch() -> None:
    """Between the sessions of a site with no theatre open, emergencies wait too."""
    sessions = {"OR1": [(480, 720)], "OR2": [(780, 960)]}
    assert closed_stretches(sessions, {})[2] == [(720, 780)]


def test_reserve_binds_each_date_with_a_session(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Undated: every date with a session (03-02: 450 − (145 + 60) = 245 free < 300)."""
    tiny_data["rules"] = {"emergency_reserve": [{"site": "ullevaal", "minutes": 300}]}
    (v,) = _run(tiny_data, valid_entries).violations
    assert v.rule == "emergency-reserve" and "2027-03-02" in v.message
    assert v.cases == ["C2", "C5"]
    assert "245 min free" in v.message


def test_reserve_of_one_date_only(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """A dated entry binds on its date only; the largest applicable entry binds."""
    tiny_data["rules"] = {
        "emergency_reserve": [
            {"site": "ullevaal", "minutes": 245},
            {"site": "ullevaal", "minutes": 585, "date": "2027-03-01"},
        ]
    }
    assert _run(tiny_data, valid_entries).ok
    tiny_data["rules"]["emergency_reserve"][1]["minutes"] = 586
    assert _rules(_run(tiny_data, valid_entries)) == {"emergency-reserve"}


def test_emergencies_use_the_reserve(tiny_data: dict[str, Any], valid_entries: Entries) -> None:
    """An emergency case does not count against the reserve (it is what the reserve is for)."""
    tiny_data["rules"] = {"emergency_reserve": [{"site": "ullevaal", "minutes": 300}]}
    next(c for c in tiny_data["cases"] if c["id"] == "C2")["emergency"] = {
        "arrival": "2027-03-02T10:00",
        "max_wait": 60,
    }
    assert _run(tiny_data, valid_entries).ok  # 450 − 145 = 305 free


def test_unknown_reserve_site_is_an_input_error(tiny_data: dict[str, Any]) -> None:
    """A reserve for a site without theatres is rejected when the scenario is read."""
    tiny_data["rules"] = {"emergency_reserve": [{"site": "rikshospitalet", "minutes": 60}]}
    with pytest.raises(ValueError, match=r"emergency_reserve\[0\]\.site"):
        Scenario.model_validate(tiny_data)


def test_unscheduled_entries_block_nothing(tiny_data: dict[str, Any]) -> None:
    """An empty plan: every theatre idle all session, so no stretch anywhere."""
    scenario = Scenario.model_validate(tiny_data)
    plan = Plan(
        cases=[CaseAssignment(case=c.id, scheduled=False, reason="x") for c in scenario.cases]
    )
    assert check(scenario, plan).kpis.longest_break_in_interval == {"ullevaal": 0}


def test_specialty_scope_groups_the_theatres_that_allow_it(
    tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """OR1 takes orthopaedics only, OR2 any specialty: other emergencies have OR2 alone."""
    tiny_data["rules"] = {"break_in_scope": "specialty"}
    tiny_data["weights"] = {"break_in_interval": 1}
    report = _run(tiny_data, valid_entries)
    # gastro, 03-01: OR2 operates C3 08:00-09:30 and C4 09:45-10:45 (no OR2 session on 03-02).
    assert report.kpis.longest_break_in_interval == {
        "ullevaal/*": 90,
        "ullevaal/orthopaedics": 130,
    }
    assert report.cost.break_in_interval == 90 + 90 + 130
    tiny_data["rules"]["break_in_interval"] = 89
    messages = [v.message for v in _run(tiny_data, valid_entries).violations]
    assert len(messages) == 3 and sum("open to every specialty" in m for m in messages) == 1
