"""``--strategy decompose``: LP candidates, a restricted assignment, the whole model polished."""

from __future__ import annotations

import pytest

from orplan import solve
from orplan.plan.model import CaseAssignment, Plan
from orplan.solver import SolveSettings
from orplan.solver.decompose import candidate_options
from orplan.solver.options import build_options
from orplan.solver.solve import rule_result
from tests.builders import checked_plan, tiny_scenario


def test_candidate_options_keep_the_lp_pairs_and_the_start_session() -> None:
    """A case keeps only its LP candidate sessions plus the session of the start plan."""
    scenario = tiny_scenario()
    options = build_options(scenario)
    c2 = next(e for e in options if e.case.id == "C2")
    assert len(c2.options) >= 2  # C2 (orthopaedics, any surgeon) fits several sessions
    lp_session, start_session = c2.options[0].session, c2.options[-1].session
    session = scenario.sessions[start_session]
    case = scenario.cases[c2.index]
    start = Plan(cases=[CaseAssignment.placed(case, session, session.open, "S1")])
    cut = candidate_options(scenario, options, {c2.index: {lp_session}}, start)
    kept = {o.session for o in cut[c2.index].options}
    assert kept == {lp_session, start_session}
    others = [e for e in cut if e.case.id != "C2"]
    assert all(not e.options for e in others)  # no candidates, no start: nothing kept
    assert [e.case.id for e in cut] == [e.case.id for e in options]


def test_decompose_plans_tiny_no_worse_than_the_rule() -> None:
    """The decomposed solve returns a checked plan at or below the rule's cost, with CP-SAT's
    bound from the polishing stage and the LP bound beside it."""
    scenario = tiny_scenario()
    result = solve(scenario, SolveSettings(time_limit=6.0, strategy="decompose"))
    checked_plan(scenario, result)
    rule = rule_result(scenario)
    assert result.objective is not None and rule.objective is not None
    assert result.objective <= rule.objective
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.strategy == "decompose"
    assert "cpsat" in result.bounds
    assert result.bound is not None and result.bound <= result.objective


def test_ctrl_c_during_the_assignment_stage_returns_the_rule_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while HiGHS assigns (outside CP-SAT's own Ctrl-C handling) ends the solve as
    the other strategies do: a checked plan marked as interrupted, here the rule's."""
    import orplan.baselines.mip as mip

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mip, "solve_mip", interrupted)
    scenario = tiny_scenario()
    result = solve(scenario, SolveSettings(time_limit=6.0, strategy="decompose"))
    checked_plan(scenario, result)
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.stopped_by == "interrupted"
    assert result.objective == rule_result(scenario).objective


def test_decompose_with_the_mip_start_stage_gives_a_checked_plan() -> None:
    """With ``mip_start`` the decomposed solve still returns a plan the independent checker
    accepts, at or below the rule's cost (the stage's plan replaces the incumbent only when
    cheaper)."""
    scenario = tiny_scenario()
    result = solve(scenario, SolveSettings(time_limit=8.0, strategy="decompose", mip_start=True))
    checked_plan(scenario, result)
    rule = rule_result(scenario)
    assert result.objective is not None and rule.objective is not None
    assert result.objective <= rule.objective
