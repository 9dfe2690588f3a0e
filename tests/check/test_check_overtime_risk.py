"""``session-overtime-risk`` and the overtime-risk KPIs (``docs/rules.md``).

All cases run in the tiny scenario's valid plan (``conftest.py``); sessions open at 08:00 and
the default turnover is 15. A session's planned minutes are ``(start(first) − open) +
Σ (dur + turn) − turn(last)``, every first case starting at 08:00:
120 for OR1@2027-03-01 (C1), 165 for OR2@2027-03-01 (C3 90 + 15, C4 60 + 15, minus 15) and
190 for OR1@2027-03-02 (C5 130 + 15, C2 45 + 15, minus 15). Hand-computed normal constants:
``z_0.05 = 1.6448536``, ``z_0.1 = 1.2815516``, ``1 − Φ(1) = 0.1586553``,
``1 − Φ(2) = 0.0227501``.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist
from typing import Any

import pytest

from orplan.check import CheckReport, session_table
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.builders import case_in

Entries = dict[str, CaseAssignment]
Run = Callable[[Entries], CheckReport]
At = Callable[..., CaseAssignment]

RULE = "session-overtime-risk"
Z_05 = 1.6448536269514722
Z_10 = 1.2815515655446004
TAIL_1 = 0.15865525393145707  # 1 - Phi(1)
TAIL_2 = 0.022750131948179195  # 1 - Phi(2)


def _alpha(data: dict[str, Any], alpha: float | None, **rules: Any) -> None:
    data["rules"] = {"overtime_probability": alpha, **rules}


def _risk(report: CheckReport) -> list[str | None]:
    return [v.session for v in report.violations if v.rule == RULE]


def test_exactly_at_the_boundary_is_valid(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """C1 alone in 08:00-10:30 with sd = 30 / z_0.05: 120 + z · sd = 150 = the length."""
    _alpha(tiny_data, 0.05)
    tiny_data["sessions"][0]["close"] = "10:30"
    case_in(tiny_data, "C1")["duration_sd"] = 30 / Z_05
    report = run(valid_entries)
    assert report.violations == []
    assert report.kpis.sessions_at_risk == 0
    assert report.kpis.max_overtime_probability == pytest.approx(0.05)


@pytest.mark.parametrize(("extra", "broken"), [(0.005, False), (0.02, True)])
def test_tolerance_is_a_hundredth_of_a_minute(
    extra: float, broken: bool, run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """Slack 0.005 min past the length passes; 0.02 min past it breaks the rule."""
    _alpha(tiny_data, 0.05)
    tiny_data["sessions"][0]["close"] = "10:30"
    case_in(tiny_data, "C1")["duration_sd"] = (30 + extra) / Z_05
    report = run(valid_entries)
    assert _risk(report) == (["OR1@2027-03-01"] if broken else [])
    assert report.kpis.sessions_at_risk == int(broken)


def test_one_minute_short_is_a_violation(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """The boundary plan of above with the session closing one minute earlier (10:29)."""
    _alpha(tiny_data, 0.05)
    tiny_data["sessions"][0]["close"] = "10:29"
    case_in(tiny_data, "C1")["duration_sd"] = 30 / Z_05
    report = run(valid_entries)
    [v] = report.violations
    assert v.rule == RULE
    assert v.session == "OR1@2027-03-01"
    assert v.case is None
    assert v.cases == ["C1"]
    assert "120 planned min + 30.00 min slack" in v.message
    assert "= 150.00 min but it is open 149 min (08:00-10:29)" in v.message
    assert report.kpis.sessions_at_risk == 1
    assert report.kpis.max_overtime_probability > 0.05


def test_boundary_with_two_cases_subtracts_the_last_turnover(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """C3 (turnover 25) then C4 (15): planned 90 + 25 + 60 + 15 − 15 = 175, sd 5k for 3k/4k.

    In 08:00-11:35 (215 min) the slack is 40 = z · 5k with k = 8 / z_0.05. The turnover
    after the last case (C4's 15, not the larger 25 of C3) is the one that does not count.
    """
    _alpha(tiny_data, 0.05)
    tiny_data["sessions"][1]["close"] = "11:35"
    k = 8 / Z_05
    case_in(tiny_data, "C3").update(turnover=25, duration_sd=3 * k)
    case_in(tiny_data, "C4")["duration_sd"] = 4 * k
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "09:55", "S2")
    assert run(valid_entries).violations == []
    tiny_data["sessions"][1]["close"] = "11:34"
    report = run(valid_entries)
    assert _risk(report) == ["OR2@2027-03-01"]
    assert {v.rule for v in report.violations} == {RULE}
    assert report.violations[0].cases == ["C3", "C4"]
    assert "175 planned min + 40.00 min slack" in report.violations[0].message


def test_late_first_case_leaves_less_room(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """C1 (120 min, slack 30) fits 08:00-10:30 from 08:00; starting at 08:30 it needs 11:00.

    planned = 30 (late start) + 120 = 150; with slack 30 the session must be open 180 min.
    """
    _alpha(tiny_data, 0.05)
    case_in(tiny_data, "C1")["duration_sd"] = 30 / Z_05
    valid_entries["C1"] = at("C1", "OR1@2027-03-01", "08:30", "S1")
    tiny_data["sessions"][0]["close"] = "10:59"
    report = run(valid_entries)
    assert _risk(report) == ["OR1@2027-03-01"]
    assert "150 planned min + 30.00 min slack" in report.violations[0].message
    tiny_data["sessions"][0]["close"] = "11:00"
    assert run(valid_entries).violations == []
    valid_entries["C1"] = at("C1", "OR1@2027-03-01", "08:00", "S1")
    tiny_data["sessions"][0]["close"] = "10:30"
    assert run(valid_entries).violations == []


def test_gap_between_cases_is_not_counted(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """Cases after the first run back to back on the day: a planned gap before C4 (10:30
    instead of 09:45) leaves the planned minutes at 90 + 15 + 60 = 165."""
    _alpha(tiny_data, 0.05)
    k = 8 / Z_05
    case_in(tiny_data, "C3")["duration_sd"] = 3 * k
    case_in(tiny_data, "C4")["duration_sd"] = 4 * k
    tiny_data["sessions"][1]["close"] = "11:45"  # 225 min: C4 ends 11:30 as planned
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:30", "S2")
    assert run(valid_entries).violations == []
    assert run(valid_entries).sessions[1]["overtime_probability"] == pytest.approx(
        1 - NormalDist().cdf(60 / (5 * k)), abs=1e-12
    )


def test_default_cv_when_duration_sd_is_missing(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """C1 without duration_sd: sd = 0.3 × 120 = 36, so it needs 120 + 1.2816 · 36 = 166.14.

    In 166 minutes, P = 1 − Φ(46 / 36 = 1.2778) ≈ 0.1007 (φ(1.28) ≈ 0.176 × 0.0038 past 0.1).
    """
    _alpha(tiny_data, 0.1)
    tiny_data["sessions"][0]["close"] = "10:46"  # 166 min
    [v] = run(valid_entries).violations
    assert v.rule == RULE
    assert v.message == (
        "session OR1@2027-03-01: 120 planned min + 46.14 min slack (z 1.282 × sd 36.00) "
        "= 166.14 min but it is open 166 min (08:00-10:46); P(past close) = 10.07% > α 10.00%"
    )
    tiny_data["sessions"][0]["close"] = "10:47"  # 167 min
    assert run(valid_entries).violations == []
    # A smaller default CV (0.25: sd 30, needs 158.45) fits in 166 minutes again.
    _alpha(tiny_data, 0.1, default_duration_cv=0.25)
    tiny_data["sessions"][0]["close"] = "10:46"
    assert run(valid_entries).violations == []


def test_zero_duration_sd_is_not_replaced_by_the_default(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """duration_sd = 0 means no spread: C1 exactly fills 08:00-10:00 and is valid for any α."""
    _alpha(tiny_data, 0.01)
    tiny_data["sessions"][0]["close"] = "10:00"
    case_in(tiny_data, "C1")["duration_sd"] = 0
    report = run(valid_entries)
    assert report.violations == []
    assert report.sessions[0]["overtime_probability"] == 0.0


def test_rule_is_inactive_without_alpha(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """No overtime_probability: C1 filling 08:00-10:00 on average (P = 0.5) is valid."""
    tiny_data["sessions"][0]["close"] = "10:00"
    report = run(valid_entries)
    assert report.violations == []
    assert report.kpis.sessions_at_risk == 0
    assert report.kpis.max_overtime_probability == pytest.approx(0.5)
    _alpha(tiny_data, None)
    assert run(valid_entries).violations == []
    _alpha(tiny_data, 0.45)  # z > 0: the mean alone no longer fits
    assert _risk(run(valid_entries)) == ["OR1@2027-03-01"]


def test_valid_plan_keeps_the_rule(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries
) -> None:
    """The valid plan has hours of slack in every session, even at α = 0.01."""
    _alpha(tiny_data, 0.01)
    report = run(valid_entries)
    assert report.violations == []
    assert report.kpis.sessions_at_risk == 0
    assert 0 < report.kpis.max_overtime_probability < 1e-6


def _kpi_scenario(data: dict[str, Any]) -> None:
    """OR1@03-01 at 10:36 (156 min): C1 sd 36, (156 − 120) / 36 = 1, P = 1 − Φ(1).

    OR2@03-01 at 11:25 (205 min): C3 sd 12, C4 sd 16, sd 20, (205 − 165) / 20 = 2,
    P = 1 − Φ(2). OR1@03-02: C5 and C2 with sd 0, 190 planned in 450 min, P = 0.
    """
    data["sessions"][0]["close"] = "10:36"
    data["sessions"][1]["close"] = "11:25"
    case_in(data, "C3")["duration_sd"] = 12
    case_in(data, "C4")["duration_sd"] = 16
    case_in(data, "C5")["duration_sd"] = 0
    case_in(data, "C2")["duration_sd"] = 0


@pytest.mark.parametrize(("alpha", "at_risk"), [(None, 0), (0.2, 0), (0.1, 1), (0.01, 2)])
def test_kpis_hand_computed(
    alpha: float | None,
    at_risk: int,
    run: Run,
    tiny_data: dict[str, Any],
    valid_entries: Entries,
) -> None:
    """sessions_at_risk counts sessions with P > α; the highest P is 1 − Φ(1) whatever α."""
    _kpi_scenario(tiny_data)
    _alpha(tiny_data, alpha)
    report = run(valid_entries)
    assert report.kpis.sessions_at_risk == at_risk
    assert len(_risk(report)) == at_risk
    assert report.kpis.max_overtime_probability == pytest.approx(TAIL_1, abs=1e-12)


def test_session_table_overtime_probability(
    tiny_data: dict[str, Any], valid_entries: Entries, off: Callable[[str], CaseAssignment]
) -> None:
    """Per-session probabilities in table order; an unused session has 0."""
    _kpi_scenario(tiny_data)
    scenario = Scenario.model_validate(tiny_data)
    rows = session_table(scenario, Plan(cases=list(valid_entries.values())))
    got = [r["overtime_probability"] for r in rows]
    assert got == pytest.approx([TAIL_1, TAIL_2, 0.0], abs=1e-12)
    valid_entries.update(C1=off("C1"))
    rows = session_table(scenario, Plan(cases=list(valid_entries.values())))
    assert rows[0]["cases"] == 0
    assert rows[0]["overtime_probability"] == 0.0


def test_max_probability_ignores_unused_sessions(
    run: Run, tiny_data: dict[str, Any], off: Callable[[str], CaseAssignment]
) -> None:
    """A plan with no case scheduled has no used session: both KPIs are 0."""
    _alpha(tiny_data, 0.1)
    report = run({c["id"]: off(c["id"]) for c in tiny_data["cases"]})
    assert report.kpis.sessions_at_risk == 0
    assert report.kpis.max_overtime_probability == 0.0
    assert _risk(report) == []


def test_cleaning_counts_in_the_turnover(
    run: Run, tiny_data: dict[str, Any], valid_entries: Entries, at: At
) -> None:
    """C3 and C4 both infected (turnover 15 + 30): planned 90 + 45 + 60 + 45 − 45 = 195.

    With sd 12 and 16 (sd 20) in 08:00-11:35 (215 min), P = 1 − Φ(1).
    """
    case_in(tiny_data, "C3").update(flags=["infected"], duration_sd=12)
    case_in(tiny_data, "C4").update(flags=["infected"], duration_sd=16)
    tiny_data["sessions"][1]["close"] = "11:35"
    valid_entries["C4"] = at("C4", "OR2@2027-03-01", "10:15", "S2")
    report = run(valid_entries)
    assert report.violations == []
    assert report.sessions[1]["overtime_probability"] == pytest.approx(TAIL_1, abs=1e-12)
    _alpha(tiny_data, 0.15)
    assert _risk(run(valid_entries)) == ["OR2@2027-03-01"]
    _alpha(tiny_data, 0.16)
    assert run(valid_entries).violations == []
