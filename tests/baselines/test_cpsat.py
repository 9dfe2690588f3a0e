"""The CP-SAT runs of the benchmark: default and warm-started from the rule plan."""

from __future__ import annotations

from orplan.baselines import solve_cpsat, solve_cpsat_hint, solve_rule
from orplan.baselines.cpsat import add_plan_hint, complete_hint
from orplan.check import check
from orplan.scenario import Scenario
from orplan.solver.build import build_model
from tests.builders import idle_floor
from tests.report.plans import tiny_optimal


def test_tiny_optimum_is_its_idle_floor(small: Scenario) -> None:
    """The hand-written plan attains the idle floor, a lower bound of every plan's cost, so
    the floor is tiny.yaml's optimum: the figure the solvers below must reach."""
    assert check(small, tiny_optimal(small)).cost.total == idle_floor(small) > 0


def test_default_and_hinted_agree_on_tiny(small: Scenario) -> None:
    plain = solve_cpsat(small, time_limit=10)
    hinted = solve_cpsat_hint(small, time_limit=10)
    assert plain.valid and hinted.valid
    assert plain.objective == hinted.objective == idle_floor(small)
    assert hinted.time_to_first is not None and plain.time_to_first is not None


def test_cold_start_is_valid(small: Scenario) -> None:
    cold = solve_cpsat(small, time_limit=10, warm_start=False)
    assert cold.valid and cold.method == "cpsat-cold"
    assert cold.objective == idle_floor(small)


def test_rule_plan_completes_to_a_full_hint(demo: Scenario) -> None:
    rule = solve_rule(demo)
    assert rule.plan is not None
    sm = build_model(demo)
    assert add_plan_hint(sm, rule.plan) > 0
    assert complete_hint(sm.model, seconds=10)
    assert len(sm.model.proto.solution_hint.vars) == len(sm.model.proto.variables)
