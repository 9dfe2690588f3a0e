"""Board re-times a session from the new case on; the plans equal full re-timing (issue 17).

:class:`FullBoard` is the board as it was: every insertion attempt vacates and re-times every
member of the session (``_kept`` is always 0). The planner's rule and the LP rounding must
place every case in the same session, with the same surgeon, at the same start.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from orplan.baselines.board import Board
from orplan.baselines.common import case_order_key, eligible_sessions
from orplan.baselines.rule import fill
from orplan.generate import generate
from orplan.plan.model import CaseAssignment
from orplan.scenario import Scenario, scenario_from_dict
from tests.strategies import clinical_scenarios


class FullBoard(Board):
    """A board that times every member again on every insertion attempt."""

    def _kept(self, si: int, order: list[tuple[int, str]]) -> int:
        return 0


class CountingBoard(Board):
    """The board under test, counting members kept and kept-check failures."""

    kept = 0
    refused = 0

    def _kept(self, si: int, order: list[tuple[int, str]]) -> int:
        kept = super()._kept(si, order)
        CountingBoard.kept += kept
        return kept

    def _freed_before(
        self, ci: int, si: int, surgeon: str, x: int, lowest: int, timed: int
    ) -> bool:
        freed = super()._freed_before(ci, si, surgeon, x, lowest, timed)
        CountingBoard.refused += int(freed)
        return freed


def rule_entries(scenario: Scenario, board: Board) -> list[CaseAssignment]:
    """The planner's rule (orplan.baselines.rule) on ``board``."""
    options = eligible_sessions(scenario)
    cases = scenario.cases
    order = sorted(range(len(cases)), key=lambda i: case_order_key(scenario, cases[i]))
    reasons: dict[int, str] = {}
    fill(board, order, options, reasons)
    return board.entries(reasons)


def assert_same_plan(scenario: Scenario) -> None:
    new = rule_entries(scenario, CountingBoard(scenario))
    assert new == rule_entries(scenario, FullBoard(scenario))


def test_generated_scenarios_keep_their_plans() -> None:
    CountingBoard.kept = CountingBoard.refused = 0
    for profile, seed, extra in (
        ("demo", 1, {}),
        ("demo", 4, {}),
        ("pilot-week", 1, {}),
        ("pilot-week", 2, {"demand_ratio": 1.6}),
    ):
        assert_same_plan(generate(profile, seed, **extra))
    # Both ways out were taken: members kept, and members timed again after a removal.
    assert CountingBoard.kept > 0
    assert CountingBoard.refused > 0


def test_robust_target_keeps_its_plan() -> None:
    data: dict[str, Any] = generate("pilot-week", 3).model_dump(mode="json", exclude_none=True)
    data.setdefault("rules", {})["overtime_probability"] = 0.2
    assert_same_plan(scenario_from_dict(data))


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(clinical_scenarios())
def test_random_clinical_scenarios(data: dict[str, Any]) -> None:
    assert_same_plan(scenario_from_dict(data))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(clinical_scenarios(robust=True))
def test_random_robust_scenarios(data: dict[str, Any]) -> None:
    assert_same_plan(scenario_from_dict(data))
