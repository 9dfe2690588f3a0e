r"""Tighter rows of the assignment MIP: the last turnover, and early sequencing.

**Last turnover.** The session rows of :mod:`orplan.baselines.mip` let the last case's
turnover :math:`t_{last}` run past the end, bounded by the largest candidate turnover
:math:`T_s`. For any :math:`B`, :math:`t_{last} \le B + \sum_c (t_c - B)^+ x_{cs}` (the
last case is one of the session's), so each smaller candidate turnover :math:`B` gives

.. math::

    \sum_c (d_c + t_c - (t_c - B)^+) x_{cs} \le L_s + ot_s + B, \qquad
    \sum_c (d_c + t_c - (t_c - B)^+) x_{cs} - o_s \le L_s + B.

**A surgeon in one theatre.** A surgeon *g* who works one day in a single theatre does
their cases one after another in it, each followed by its turnover, inside the span
:math:`W` from the earliest opening of their candidate sessions (or their arrival) to the
latest close plus overtime (or their leaving):
:math:`\sum_c (d_c + t_c) y_{cg} - t_{\max} \le W`. In :math:`k \ge 2` theatres the
turnovers may overlap their work elsewhere; the theatre-change columns
(:math:`u_t \ge y`, ``works``) pay for that with

.. math::

    \sum_c (d_c + t_c) y_{cg} - t_{\max} \le W + Q \Big(\sum_t u_t - works\Big), \qquad
    Q = \max(0, M_g - W) + (n - 1)\, t_{\max},

:math:`M_g` the surgeon's daily limit of minutes and *n* the most cases they can do that day
(:math:`\lfloor M_g / d_{\min} \rfloor`): with *k* theatres the right side is
:math:`W + Q(k - 1) \ge W + Q`, and the left side is at most
:math:`M_g + (n - 1) t_{\max}`; with none, both sides are :math:`-t_{\max} \le W`.

**Early sequencing.** A case with an ``early`` flag costs :math:`w_c (start_c - open_s)`
(docs/rules.md). The assignment MIP has no start times, so without these rows it counts
that cost as 0. Two
families of rows, each holding for every valid plan (proofs in docs/solver.md, "Tighter
rows of the assignment LP"), give a variable :math:`e_c \ge 0` per early case, cost 1:

* **early cases queue**: in session *s* with early candidates :math:`E_s`, the *i*-th
  early case to start waits for the :math:`i - 1` before it, each at least
  :math:`m_s = \min_{c \in E_s} (d_c + t_c)` long, so

  .. math:: \sum_{c \in E_s} e_c \ge w_{\min} m_s \Big(\sum_{c \in E_s} x_{cs} - 1\Big);

* **first-flagged cases go first**: an early case *c* without a ``first`` flag starts after
  every ``first``-flagged case *f* of its session has ended and been turned over:
  :math:`e_c \ge w_c (d_f + t_f)(x_{cs} + x_{fs} - 1)`.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["add_early_rows", "add_one_theatre_row", "add_turnover_rows"]


def add_turnover_rows(
    lp: Any,
    members: list[tuple[int, int]],
    work: list[tuple[int, float]],
    turn: list[int],
    length: int,
    overtime: int,
    o: int | None,
) -> int:
    """Add the last-turnover rows of one session (module docstring); return how many.

    Parameters
    ----------
    lp
        The MIP under construction.
    members
        ``(case index, x column)`` of the session's candidates.
    work
        ``(x column, duration + turnover)`` in the same order.
    turn
        Turnover of every case, by case index.
    length, overtime
        The session's length and allowed overtime in minutes.
    o
        Its overtime column (None when overtime costs nothing or is not allowed).
    """
    before = lp.num_rows
    top = max(turn[ci] for ci, _ in members)
    for b in sorted({turn[ci] for ci, _ in members if turn[ci] < top}):
        tight = [
            (x, v - max(0, turn[ci] - b)) for (ci, _), (x, v) in zip(members, work, strict=True)
        ]
        lp.row(tight, -math.inf, length + overtime + b)
        if o is not None:
            lp.row([*tight, (o, -1.0)], -math.inf, length + b)
    return lp.num_rows - before


def add_early_rows(mip: Any, per_session: dict[int, list[tuple[int, int]]]) -> int:
    """Add the early-sequencing rows and cost variables to ``mip.lp``.

    Parameters
    ----------
    mip
        The :class:`~orplan.baselines.mip.AssignmentMip` being built.
    per_session
        Session index -> ``(case index, x column)`` of its candidate cases.

    Returns
    -------
    int
        Number of rows added.
    """
    sc, lp = mip.scenario, mip.lp
    early = {r.flag: r.weight for r in sc.sequencing if r.position == "early"}
    first = {r.flag for r in sc.sequencing if r.position == "first"}
    if not early:
        return 0
    weight = [sum(w for f, w in early.items() if f in c.flags) for c in sc.cases]
    is_first = [bool(first.intersection(c.flags)) for c in sc.cases]
    span = [c.duration + sc.turnover_of(c) for c in sc.cases]
    cost: dict[int, int] = mip.early  # shared, so later rows (Benders cuts) reach e_c

    def var(ci: int) -> int:
        if ci not in cost:
            cost[ci] = lp.var(0, math.inf, 1.0)
        return cost[ci]

    before = lp.num_rows
    for members in per_session.values():
        queue = [(ci, x) for ci, x in members if weight[ci] > 0]
        if len(queue) >= 2:
            k = float(min(weight[ci] for ci, _ in queue) * min(span[ci] for ci, _ in queue))
            lp.row([*((var(ci), 1.0) for ci, _ in queue), *((x, -k) for _, x in queue)], -k,
                   math.inf)  # fmt: skip
        firsts = [(fi, xf) for fi, xf in members if is_first[fi]]
        for ci, x in queue:
            if is_first[ci]:
                continue
            for fi, xf in firsts:
                k = float(weight[ci] * span[fi])
                lp.row([(var(ci), 1.0), (x, -k), (xf, -k)], -k, math.inf)
    return lp.num_rows - before


def add_one_theatre_row(
    mip: Any,
    name: str,
    entries: list[tuple[int, int]],
    sessions: set[int],
    limit: int,
    changes: tuple[list[int], int] | None,
) -> int:
    """Add the one-theatre row of a surgeon-day (module docstring); return 1 if added.

    Parameters
    ----------
    mip
        The :class:`~orplan.baselines.mip.AssignmentMip` being built.
    name
        The surgeon.
    entries
        ``(case index, y column)`` of the surgeon's candidate cases that day.
    sessions
        Their candidate sessions that day.
    limit
        The surgeon's limit of operating minutes that day (daily maximum, presence).
    changes
        The theatre-change columns ``(u per theatre, works)``; None when the surgeon has
        only one candidate theatre that day.
    """
    sc, lp = mip.scenario, mip.lp
    if not entries:
        return 0
    surgeon_of = {g.id: g for g in sc.surgeons}
    cases = [sc.cases[ci] for ci, _ in entries]
    session_list = [sc.sessions[si] for si in sessions]
    lo = min(s.open for s in session_list)
    hi = max(s.close + s.overtime for s in session_list)
    date = session_list[0].date
    window = surgeon_of[name].window(date)
    if window is not None:
        lo, hi = max(lo, window[0]), min(hi, window[1])
    span = max(0, hi - lo)
    turns = [sc.turnover_of(c) for c in cases]
    top = max(turns)
    terms = [(y, float(c.duration + t)) for (_, y), c, t in zip(entries, cases, turns, strict=True)]
    if changes is None:
        lp.row(terms, -math.inf, span + top)
        return 1
    used, works = changes
    most = min(len({ci for ci, _ in entries}), limit // max(1, min(c.duration for c in cases)))
    q = float(max(0, limit - span) + max(0, most - 1) * top)
    lp.row([*terms, *((u, -q) for u in used), (works, q)], -math.inf, span + top)
    return 1
