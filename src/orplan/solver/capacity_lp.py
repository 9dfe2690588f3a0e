r"""A bound where the assignment LP is too big: the session-capacity LP (source ``capacity``).

Above :data:`~orplan.solver.lp_bound.LP_MAX_OPTIONS` options the LP of the assignment MIP
is skipped (on hospital-month, 453,771 options: HiGHS's interior point gives no solution in
600 s and its simplex holds 12.9 GB; docs/solver.md). Its rows for surgeons, beds, staff,
equipment and timing are what make it big. Dropping them leaves a transportation LP whose
optimum is still a lower bound of every plan's cost:

.. math::

    \min\ & \sum_{c,s} k_{cs} x_{cs} + \sum_c U_c u_c
          + w_{idle} \sum_s i_s + w_{ot} \sum_s o_s + K \\
    \text{s.t.}\ & \sum_s x_{cs} + u_c = 1 \quad (u_c = 0 \text{ for a case that must be
    scheduled}) \\
    & i_s \ge L_s - \sum_c (d_c + t_c)\, x_{cs} \\
    & o_s \ge \sum_c (d_c + t_c)\, x_{cs} - T_s - L_s, \quad 0 \le o_s \le ot_s \\
    & 0 \le x_{cs}, u_c \le 1

over the CP-SAT model's own options, where :math:`k_{cs}` and :math:`U_c` are the case's
waiting/deadline cost in session *s* and its unscheduled cost
(:func:`orplan.solver.objective.case_costs`), :math:`L_s` the session's open minutes,
:math:`d_c + t_c` duration plus turnover, :math:`ot_s` its allowed overtime and
:math:`T_s` the longest turnover of a case that may use it. Why each row holds in every
plan (docs/rules.md): idle minutes are exactly :math:`\max(0, L_s - \sum (d_c + t_c))`;
the cases of a session run one after another with their turnovers from its opening, so the
last one ends at least :math:`\sum (d_c + t_c) - t_{last}` after it, and overtime is what
runs past close (at most :math:`ot_s`). Every other cost term is non-negative and left
out; the constant :math:`K` is the idle cost of sessions no case can use, the unscheduled
cost of cases with no option and the bed peak already occupied (as in
:mod:`orplan.solver.unavoidable`). Each case pays at least its unavoidable cost, so the
bound is never below the unavoidable cost.

Measured 2026-12-06 (one thread, simplex): pilot-week-s1 31,665 (the full LP 35.0k, the
unavoidable cost 26,795) in 0.15 s; hospital-month-s1 **648,857** (the unavoidable cost
220,020) in 17.4 s and 0.5 GB, 459,812 columns and 6,041 rows.
"""

from __future__ import annotations

import math
from typing import Any

from orplan.baselines.sparse_lp import SparseLp
from orplan.scenario.model import Scenario
from orplan.solver.lp_bound import LpBound, LpOutcome
from orplan.solver.objective import case_costs
from orplan.solver.options import CaseOptions
from orplan.solver.unavoidable import occupied_bed_cost

__all__ = ["CAPACITY_LP_MAX_OPTIONS", "capacity_lp", "start_capacity_bound"]

#: Above this many options even the capacity LP is skipped (the quarter's 4.96 M options
#: would take several GB of arrays in the parent and the child).
CAPACITY_LP_MAX_OPTIONS = 1_000_000


def capacity_lp(
    scenario: Scenario, case_options: list[CaseOptions]
) -> tuple[dict[str, Any], dict[tuple[int, int], int]]:
    """The session-capacity LP (module docstring) as arrays for HiGHS.

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case (:func:`orplan.solver.options.build_options`).

    Returns
    -------
    tuple
        The LP (:func:`orplan.baselines.highs_worker.solve_arrays` arrays, without
        ``options``) and the column of each (case index, session index) pair.
    """
    w = scenario.weights
    lp = SparseLp()
    pairs: dict[tuple[int, int], int] = {}
    # Per session: (column, minutes with turnover, turnover) of each case that may use it.
    users: dict[int, list[tuple[int, int, int]]] = {}
    for entry in case_options:
        case = entry.case
        if case.cancelled is not None:
            continue  # no cost term at all (docs/rules.md)
        left_out, costs = case_costs(scenario, case, [o.day for o in entry.options])
        if not entry.options:
            lp.offset += left_out
            continue
        turnover = scenario.turnover_of(case)
        minutes = case.duration + turnover
        columns = []
        for option, cost in zip(entry.options, costs, strict=True):
            col = lp.var(0.0, 1.0, float(cost))
            pairs[(entry.index, option.session)] = col
            users.setdefault(option.session, []).append((col, minutes, turnover))
            columns.append(col)
        columns.append(lp.var(0.0, 0.0 if case.must_schedule else 1.0, float(left_out)))
        lp.row([(col, 1.0) for col in columns], 1.0, 1.0)
    for si, session in enumerate(scenario.sessions):
        length = session.close - session.open
        cases = users.get(si)
        if not cases:
            lp.offset += w.idle_minute * length
            continue
        idle = lp.var(0.0, float(length), float(w.idle_minute))
        lp.row([(idle, 1.0), *((col, float(m)) for col, m, _ in cases)], float(length), math.inf)
        longest_turnover = max(t for _, _, t in cases)
        overtime = lp.var(0.0, float(session.overtime), float(w.overtime_minute))
        lp.row(
            [(overtime, 1.0), *((col, -float(m)) for col, m, _ in cases)],
            float(-length - longest_turnover),
            math.inf,
        )
    lp.offset += occupied_bed_cost(scenario)
    return lp.to_arrays(), pairs


def start_capacity_bound(
    scenario: Scenario, case_options: list[CaseOptions], time_limit: float
) -> LpBound | LpOutcome:
    """Build the capacity LP and start HiGHS on it in a child process.

    Parameters
    ----------
    scenario, case_options
        As for :func:`capacity_lp`.
    time_limit
        Seconds HiGHS may spend.

    Returns
    -------
    LpBound or LpOutcome
        The running LP, or an outcome saying why it was skipped (for size).
    """
    size = sum(len(entry.options) for entry in case_options)
    if size > CAPACITY_LP_MAX_OPTIONS:
        note = f"capacity LP skipped: {size:,} options (limit {CAPACITY_LP_MAX_OPTIONS:,})"
        return LpOutcome(None, note, 0.0)
    data, pairs = capacity_lp(scenario, case_options)
    if not len(data["cost"]):
        # Nothing to decide (HiGHS calls such a model "Empty"): the constant is the bound.
        return LpOutcome(float(math.ceil(data["offset"])), None, 0.0)
    return LpBound(data, time_limit, pairs, name="capacity LP")
