"""The objective split of orplan.report.costs adds up to the checker's cost terms."""

from __future__ import annotations

import pandas as pd
import pytest

from orplan.check import CheckReport, check
from orplan.plan.model import Plan
from orplan.report.costs import COLUMNS, cost_by_session, cost_by_term, cost_table, term_label
from orplan.scenario import Scenario
from tests.report import plans


def _assert_reconciles(table: pd.DataFrame, report: CheckReport) -> None:
    sums = table.groupby("term")["cost"].sum()
    for term, value in report.cost.model_dump().items():
        if term != "total":
            assert int(sums.get(term, 0)) == value, term
    assert int(table["cost"].sum()) == report.cost.total


@pytest.mark.parametrize(
    "make",
    [plans.tiny_optimal, plans.tiny_with_gaps, plans.tiny_invalid, plans.tiny_theatre_change],
)
def test_every_term_sums_to_the_checker(tiny: Scenario, make) -> None:
    plan = make(tiny)
    report = check(tiny, plan)
    table = cost_table(tiny, plan)
    assert list(table.columns) == list(COLUMNS)
    _assert_reconciles(table, report)
    assert (table["scope"] != "unattributed").all()


def test_rows_of_the_plan_with_gaps(tiny: Scenario, gaps: Plan, gaps_report: CheckReport) -> None:
    table = cost_table(tiny, gaps, gaps_report)
    cost = {(r.term, r.item): r.cost for r in table.itertuples()}
    assert cost[("unscheduled", "C4")] == 300  # priority 3
    assert cost[("unscheduled", "C6")] == 100  # priority 4
    assert cost[("waiting", "C1")] == 5  # one day after the horizon start
    assert cost[("deadline_breach", "C1")] == 500
    assert cost[("late_days", "C1")] == 20
    assert cost[("idle", "OR1@2027-03-01")] == 450 - 60
    assert ("waiting", "C5") not in cost  # released on the day it is planned
    c1 = table[(table["item"] == "C1") & (table["term"] == "late_days")].iloc[0]
    assert (c1["session"], c1["theatre"], c1["quantity"], c1["unit"]) == (
        "OR1@2027-03-02",
        "OR1",
        1,
        "day",
    )
    c4 = table[table["item"] == "C4"].iloc[0]
    assert pd.isna(c4["session"])


def test_theatre_changes_are_per_surgeon_day(tiny: Scenario) -> None:
    plan = plans.tiny_theatre_change(tiny)
    report = check(tiny, plan)
    assert report.ok and report.kpis.theatre_changes == 1
    table = cost_table(tiny, plan, report)
    row = table[table["term"] == "theatre_changes"].iloc[0]
    assert (row["scope"], row["item"], row["cost"]) == ("surgeon-day", "S1@2027-03-01", 30)


def test_a_term_the_split_does_not_know_is_unattributed(
    tiny: Scenario, gaps: Plan, gaps_report: CheckReport
) -> None:
    cost = gaps_report.cost.model_copy(update={"idle": gaps_report.cost.idle + 7})
    report = gaps_report.model_copy(update={"cost": cost})
    table = cost_table(tiny, gaps, report)
    rest = table[table["scope"] == "unattributed"]
    assert list(rest["term"]) == ["idle"] and int(rest["cost"].sum()) == 7
    _assert_reconciles(table, report)


def test_per_term_and_per_session_views(
    tiny: Scenario, gaps: Plan, gaps_report: CheckReport
) -> None:
    table = cost_table(tiny, gaps, gaps_report)
    terms = cost_by_term(table, gaps_report)
    assert list(terms["term"]) == [t for t in gaps_report.cost.model_dump() if t != "total"]
    assert int(terms["cost"].sum()) == gaps_report.cost.total
    assert terms["share"].sum() == pytest.approx(1.0)
    idle = terms.set_index("term").loc["idle"]
    assert (idle["quantity"], idle["unit"]) == (gaps_report.kpis.idle_minutes, "minute")
    sessions = cost_by_session(table, gaps_report)
    assert list(sessions["session"]) == [r["session"] for r in gaps_report.sessions]
    day2 = sessions.set_index("session").loc["OR1@2027-03-02"]
    assert day2["deadline_breach"] == 500 and day2["late_days"] == 20 and day2["waiting"] == 5
    off_session = table[table["session"].isna()]["cost"].sum()
    assert int(sessions["total"].sum() + off_session) == gaps_report.cost.total


def test_large_plan_reconciles() -> None:
    scenario, plan = plans.large_scenario_and_plan()
    report = check(scenario, plan)
    assert report.ok
    _assert_reconciles(cost_table(scenario, plan, report), report)


def test_term_labels() -> None:
    assert term_label("deadline_breach") == "Deadline breaches"
    assert term_label("bed_peak") == "Bed peak"
