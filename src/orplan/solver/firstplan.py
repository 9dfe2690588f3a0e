r"""A first plan in about a second: the assignment LP rounded and timed greedily.

The LP relaxation of the assignment MIP (:mod:`orplan.solver.lp_bound`) is solved in about
a second on a pilot week and is nearly integral. Rounding it — each case tried in the
sessions the LP weights, heaviest first, timed on the scenario's grid by
:class:`~orplan.baselines.board.Board` — and offering the cases that did not fit to the
first session with room gives a checked plan long before the restricted MIP of
``--strategy decompose`` has one. Without a warm start (``warm_start=False``, benchmark
method ``cpsat-cold``) it is the first plan of the solve; with one, it replaces the rule's
plan when it is cheaper.
"""

from __future__ import annotations

import time

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.options import CaseOptions

__all__ = ["lp_rounded_plan", "plan_cost"]


def lp_rounded_plan(
    scenario: Scenario,
    case_options: list[CaseOptions],
    weights: dict[tuple[int, int], float],
) -> Plan | None:
    """The LP solution rounded to a checked plan, or None if the checker rejects it.

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case (:func:`orplan.solver.options.build_options`).
    weights
        LP value of each (case index, session index) pair with a positive value.

    Returns
    -------
    Plan or None
        A plan whose ``run.objective`` is the checker's cost.
    """
    # Imported here: orplan.baselines imports the solver (a cycle at import time).
    from orplan.baselines.board import Board
    from orplan.baselines.common import case_order_key, finish_plan
    from orplan.baselines.rule import fill

    began = time.perf_counter()
    board = Board(scenario)
    options = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in case_options
    ]
    cases = scenario.cases
    best = {ci: 0.0 for ci in range(len(cases))}
    for (ci, _si), value in weights.items():
        best[ci] = max(best[ci], value)
    # Mandatory cases first, then the cases the LP is surest of.
    order = sorted(
        (ci for ci in range(len(cases)) if best[ci] > 0.0),
        key=lambda ci: (not cases[ci].mandatory, -best[ci], case_order_key(scenario, cases[ci])),
    )
    for ci in order:
        ranked = sorted(
            (pair for pair in options[ci] if weights.get((ci, pair[0]), 0.0) > 0.0),
            key=lambda pair: -weights[(ci, pair[0])],
        )
        for si, surgeons in ranked:
            if not board.fits_session(ci, si):
                continue  # no surgeon could join it: not worth ranking them
            if any(board.try_insert(ci, si, g) for g in board.surgeon_preference(si, surgeons)):
                break
    rest = sorted(
        (ci for ci in range(len(cases)) if ci not in board.where),
        key=lambda ci: (not cases[ci].mandatory, case_order_key(scenario, cases[ci])),
    )
    reasons: dict[int, str] = {}
    fill(board, rest, options, reasons)
    plan, report, _wall = finish_plan(
        scenario, board.entries(reasons), began=began, time_limit=0.0, workers=1, seed=0
    )
    return plan if report.ok else None


def plan_cost(scenario: Scenario, plan: Plan) -> float:
    """The checker's cost of ``plan`` (its recorded objective when it has one).

    Parameters
    ----------
    scenario
        The scenario.
    plan
        A plan of it.

    Returns
    -------
    float
    """
    if plan.run is not None and plan.run.objective is not None:
        return float(plan.run.objective)
    from orplan.check import check

    return float(check(scenario, plan).cost.total)
