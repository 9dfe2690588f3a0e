"""The MIP-start stage: HiGHS from a plan's assignment, then timing; every plan checked."""

from __future__ import annotations

import time

from orplan.baselines.highs_worker import run_highs
from orplan.baselines.mip import build_mip
from orplan.check import check
from orplan.plan.model import CaseAssignment, Plan
from orplan.solver import SolveSettings
from orplan.solver.benders_rows import add_timing_rows
from orplan.solver.mipstart import assignment_of, improve_assignment
from orplan.solver.options import build_options
from orplan.solver.warmstart import start_plan
from tests.builders import SHORT, tiny_scenario


def test_a_plans_assignment_is_a_feasible_mip_start() -> None:
    """The rule plan's assignment, written as a MIP start, reads back as the same
    assignment, and fixed in the MIP (with the timing rows) it is feasible and costs at most
    the plan's checked cost: the MIP is a relaxation of every plan."""
    scenario = tiny_scenario()
    plan = start_plan(scenario)
    assert plan is not None
    chosen = assignment_of(scenario, plan)
    assert chosen
    options = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in build_options(scenario)
    ]
    mip = build_mip(scenario, options)
    add_timing_rows(mip)
    columns, values = mip.start(chosen)
    full = [0.0] * len(mip.lp.cost)
    for col, value in zip(columns, values, strict=True):
        full[col] = value
    assert mip.assignment(full) == chosen
    data = mip.lp.to_arrays()
    for col, value in zip(columns, values, strict=True):
        data["lower"][col] = data["upper"][col] = value
    data["options"] = {"time_limit": 30.0, "threads": 1}
    solved = run_highs(data, timeout=120.0)
    assert solved["objective"] is not None
    assert solved["objective"] <= check(scenario, plan).cost.total + 1e-6


def test_the_stage_from_an_empty_plan_gives_a_checked_plan() -> None:
    """From a plan with nothing scheduled HiGHS must move cases; the stage's plan (greedy
    timing, repair, then CP-SAT re-timing) keeps every hard rule and its reported cost is
    the independent checker's."""
    scenario = tiny_scenario()
    empty = Plan(cases=[CaseAssignment(case=c.id, scheduled=False) for c in scenario.cases])
    settings = SolveSettings(**SHORT)
    stage = improve_assignment(
        scenario, build_options(scenario), settings, None, time.perf_counter(), empty,
        mip_time=5.0, timing_time=5.0,
    )  # fmt: skip
    assert stage.moved > 0
    assert stage.plan is not None
    report = check(scenario, stage.plan)
    assert report.ok, report
    assert stage.final_cost == float(report.cost.total)
    assert [p.case for p in stage.plan.cases] == [c.id for c in scenario.cases]
    assert stage.sequenced_cost is not None
    assert stage.final_cost <= stage.sequenced_cost + 1e-6  # hinted with the sequenced plan
