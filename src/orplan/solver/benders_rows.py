r"""A relaxation of the Benders subproblems inside the master: overtime rows of shared resources.

Logic-based Benders converges far better when the master already knows a relaxation of its
subproblems (Hooker 2007; Roshanaei et al. 2017). The assignment MIP bounds overtime per
session only; these rows bound it from the two resources that chain cases *across*
sessions, a surgeon and an equipment item. Both hold for every plan (argument with each).

**A surgeon's day.** Surgeon *g* on day :math:`\delta` has candidate sessions
:math:`S_{g\delta}` with overtime columns. Their cases do not overlap in time and none
starts before :math:`lo = \max(\min_s open_s, \text{arrival}_g)`, so the one that ends
last ends at :math:`E \ge lo + \sum_c d_c y_{cg}`; it lies in a session closing at or
before :math:`C = \max_s close_s`, whose overtime is at least :math:`E - C`:

.. math:: \sum_{s \in S_{g\delta}} o_s \ge lo - C + \sum_c d_c\, y_{cg\,s}.

(A session without an overtime column allows none, and there :math:`E \le close \le C`.)

**An equipment item** *e* with *k* units and set-up :math:`\sigma` on day
:math:`\delta`: a unit is busy over :math:`[start_c, end_c + \sigma)` for each case using
it, all inside :math:`[lo, E + \sigma)` with *E* the latest end, so
:math:`k (E + \sigma - lo) \ge \sum_c (d_c + \sigma) x_{cs}` and

.. math:: \sum_{s} o_s \ge lo - \sigma - C + \frac{1}{k} \sum_c (d_c + \sigma)\, x_{cs}.

A row is added only when its right side can be positive.

**Early cases behind ordered ones.** An early case *c* (weight :math:`w_c`) in session *s*
starts after every case the order rules put before it: with a ``last`` flag, after every
case of the session without one; without a ``first`` flag, after every ``first`` case.
Those cases run in the same theatre before it, each followed by its turnover, so
:math:`start_c \ge open_s + \sum_f (d_f + t_f) x_{fs}` and

.. math:: e_c \ge w_c \Big(\sum_f (d_f + t_f) x_{fs} - M_s (1 - x_{cs})\Big),

:math:`M_s = \min(\sum_f (d_f + t_f), L_s + ot_s + \max_f t_f)`, at least the minutes the
*f* can fill in any plan, so that the row is void when *c* is elsewhere. This sums the
pairwise rows of :mod:`orplan.baselines.mip_rows` (one ``first`` case at a time) and adds
the ``last`` order, which no row of the MIP knew.
"""

from __future__ import annotations

import math
from collections import defaultdict

from orplan.baselines.mip import AssignmentMip

__all__ = ["add_timing_rows"]


def add_timing_rows(mip: AssignmentMip) -> int:
    """Add the surgeon-day and equipment-day overtime rows (module docstring).

    Parameters
    ----------
    mip
        The assignment MIP (its ``overtime`` columns are needed; without overtime cost
        there is nothing to add).

    Returns
    -------
    int
        Number of rows added.
    """
    sc, lp = mip.scenario, mip.lp
    if not mip.overtime:
        return 0
    sessions = sc.sessions
    surgeons = {g.id: g for g in sc.surgeons}
    items = {e.id: e for e in sc.equipment}
    day_of = [sc.horizon.day_index(s.date) for s in sessions]
    by_surgeon: dict[tuple[str, int], list[tuple[int, int, int]]] = defaultdict(list)
    for (ci, si, name), y in mip.y.items():
        by_surgeon[(name, day_of[si])].append((ci, si, y))
    by_item: dict[tuple[str, int], list[tuple[int, int, int]]] = defaultdict(list)
    for (ci, si), x in mip.x.items():
        for name in sc.cases[ci].equipment:
            by_item[(name, day_of[si])].append((ci, si, x))
    before = lp.num_rows
    for (name, _day), entries in by_surgeon.items():
        sis = {si for _, si, _ in entries}
        lo = min(sessions[si].open for si in sis)
        window = surgeons[name].window(sessions[next(iter(sis))].date)
        if window is not None:
            lo = max(lo, window[0])
        close = max(sessions[si].close for si in sis)
        work = [(y, float(sc.cases[ci].duration)) for ci, _, y in entries]
        _add(mip, sis, work, float(lo - close))
    for (name, _day), entries in by_item.items():
        item = items[name]
        sis = {si for _, si, _ in entries}
        lo = min(sessions[si].open for si in sis)
        close = max(sessions[si].close for si in sis)
        k = float(max(1, item.count))
        work = [(x, (sc.cases[ci].duration + item.setup) / k) for ci, _, x in entries]
        _add(mip, sis, work, float(lo - item.setup - close))
    _early_rows(mip)
    return lp.num_rows - before


def _early_rows(mip: AssignmentMip) -> None:
    """Add the rows of early cases behind ordered ones (module docstring)."""
    sc, lp = mip.scenario, mip.lp
    early = {r.flag: r.weight for r in sc.sequencing if r.position == "early"}
    first = {r.flag for r in sc.sequencing if r.position == "first"}
    last = {r.flag for r in sc.sequencing if r.position == "last"}
    if not early:
        return
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (ci, si), x in mip.x.items():
        members[si].append((ci, x))
    for si, pairs in members.items():
        session = sc.sessions[si]
        for ci, x in pairs:
            flags = sc.cases[ci].flags
            weight = sum(w for f, w in early.items() if f in flags)
            if not weight:
                continue
            ahead = [
                (fi, xf)
                for fi, xf in pairs
                if fi != ci
                and (
                    (last.intersection(flags) and not last.intersection(sc.cases[fi].flags))
                    or (not first.intersection(flags) and first.intersection(sc.cases[fi].flags))
                )
            ]
            if not ahead:
                continue
            span = [(xf, float(sc.cases[fi].duration + sc.turnover_of(sc.cases[fi])))
                    for fi, xf in ahead]  # fmt: skip
            top = max(sc.turnover_of(sc.cases[fi]) for fi, _ in ahead)
            big = min(sum(v for _, v in span), session.length + session.overtime + top)
            if ci not in mip.early:
                mip.early[ci] = lp.var(0, math.inf, 1.0)  # its early cost, >= 0 in any plan
            # e_c - w * sum(span * x_f) - w * M * x_c >= -w * M
            lp.row([(mip.early[ci], 1.0), *((xf, -weight * v) for xf, v in span),
                    (x, -weight * big)], -weight * big, math.inf)  # fmt: skip


def _add(mip: AssignmentMip, sis: set[int], work: list[tuple[int, float]], base: float) -> None:
    """Add :math:`\\sum_s o_s - \\sum work \\ge base` when its right side can be positive."""
    if base + sum(v for _, v in work) <= 0:
        return  # every case of the group fits before the latest close: the row never binds
    overtime = [(mip.overtime[si], 1.0) for si in sis if si in mip.overtime]
    mip.lp.row([*overtime, *((col, -v) for col, v in work)], base, math.inf)
