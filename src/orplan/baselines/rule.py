"""The planner's rule: earliest deadline first, first fit, sessions sequenced by priority.

This is how a planning office fills a week by hand, written down so the optimiser has a
fair reference:

1. Order the waiting list: mandatory cases first, then earliest deadline (cases without a
   deadline last), then priority class, then release date.
2. Take each case in turn and put it in the earliest session (date, then opening time) where
   it fits every hard rule of ``docs/rules.md``; among the eligible surgeons, prefer one
   already in that theatre that day. "Fits" is decided by :class:`~orplan.baselines.board.
   Board`, which re-times the whole session in sequencing order (``first`` flags, the rest,
   ``last`` flags; then by priority) and accepts the case only if every case still fits
   its session hours (allowed overtime included), the surgeons' hours, daily maxima and
   no-overlap, and the equipment, PACU, bed and team capacities.
3. A case that fits nowhere stays unscheduled.

Durations are the expected (mean) durations of the scenario.
"""

from __future__ import annotations

import time

import numpy as np

from orplan.baselines.board import Board
from orplan.baselines.common import (
    MethodResult,
    Options,
    case_order_key,
    eligible_sessions,
    finish_plan,
)
from orplan.gcpause import gc_paused
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["fill", "rule_plan", "solve_rule"]


def fill(board: Board, cases: list[int], options: Options, reasons: dict[int, str]) -> int:
    """Put each case of ``cases``, in that order, in the first session where it fits.

    Parameters
    ----------
    board
        The plan under construction (modified in place).
    cases
        Case indices in planning order; cases already on the board are skipped.
    options
        Eligible ``(session, surgeons)`` per case index, in the order to try them.
    reasons
        Filled with why each case that fits nowhere is unscheduled.

    Returns
    -------
    int
        Number of cases placed.
    """
    placed = 0
    for ci in cases:
        if ci in board.where:
            continue
        if not options[ci]:
            reasons[ci] = "no eligible session (specialty, capability, dates or surgeons)"
            continue
        done = False
        # Full sessions are most of the tries: rule them out at once, and skip the ones the
        # other session checks rule out before ranking surgeons.
        mine = options[ci]
        roomy = board.long_enough(ci, np.array([si for si, _ in mine], np.int64))
        for k in np.flatnonzero(roomy).tolist():
            si, surgeons = mine[k]
            if not board.fits_session(ci, si):
                continue
            for name in board.surgeon_preference(si, surgeons):
                if board.try_insert(ci, si, name):
                    done = True
                    break
            if done:
                break
        if done:
            placed += 1
            reasons.pop(ci, None)
        else:
            reasons[ci] = "no eligible session with room left (rule baseline)"
    return placed


def solve_rule(scenario: Scenario, *, step: int | None = None) -> MethodResult:
    """Plan ``scenario`` with the planner's rule and check the plan.

    Parameters
    ----------
    scenario
        A validated scenario.
    step
        Start-time grid in minutes (default: the scenario's ``time_step``).

    Returns
    -------
    MethodResult
        The plan (``run.objective`` = the checker's cost), its check report and timings.
    """
    began = time.perf_counter()
    board = Board(scenario, step)
    order = sorted(
        range(len(scenario.cases)), key=lambda i: case_order_key(scenario, scenario.cases[i])
    )
    reasons: dict[int, str] = {}
    with gc_paused():  # millions of short-lived tuples, no cycles (orplan.gcpause)
        options = eligible_sessions(scenario)
        fill(board, order, options, reasons)
    plan, report, wall = finish_plan(
        scenario, board.entries(reasons), began=began, time_limit=0.0, workers=1, seed=0
    )
    cost = float(report.cost.total)
    return MethodResult(
        method="rule",
        plan=plan,
        report=report,
        objective=cost,
        bound=None,
        wall_time=wall,
        time_to_first=wall,
        time_to_best=wall,
        trace=[(wall, cost, None)],
        extra={"scheduled": len(board.where)},
    )


def rule_plan(scenario: Scenario, *, step: int | None = None) -> Plan:
    """Return the planner's-rule plan of ``scenario`` (see the module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    step
        Start-time grid in minutes (default: the scenario's ``time_step``).

    Returns
    -------
    Plan
        A plan whose ``run`` has status ``FEASIBLE`` and objective = the checker's cost.

    Examples
    --------
    >>> plan = rule_plan(scenario)  # doctest: +SKIP
    >>> plan.run.objective  # doctest: +SKIP
    """
    result = solve_rule(scenario, step=step)
    assert result.plan is not None
    return result.plan
