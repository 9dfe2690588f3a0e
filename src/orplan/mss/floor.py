"""A proven lower bound of a multi-week cycle's objective: the week-averaged count model.

Any MSS of a :math:`W`-week cycle, summed over its weeks, gives counts
:math:`N_{s,c,d} = \\sum_w n_{s,c,w,d}` of blocks of specialty :math:`s` in theatre class
:math:`c` (theatres with the same hours, weekdays and specialty list are interchangeable) on
weekday :math:`d`. The peak of the cycle is at least the average of the days
:math:`d, d+7, \\dots, d+7(W-1)`, and that average is linear in :math:`N` with the load folded
onto one week:

.. math:: W P^k \\ge \\sum_{m<W} E^k_{d+7m}
   = \\sum_{s,c,d'} N_{s,c,d'} \\sum_{m<W} L^k_s((d - d' + 7m) \\bmod 7W).

A specialty using :math:`N_{s,c,d}` blocks of a class on weekday :math:`d` over :math:`W`
weeks uses at least :math:`\\lceil N/W \\rceil` theatre-weekdays of it (the pattern term);
hours, pins and the hours-off term are the same sums. So the minimum of the same objective
over :math:`N` (a one-week-sized model) is a lower bound of the cycle's objective, in the
cycle model's own integer units (:data:`orplan.mss.solve.OBJECTIVE_SCALE`). CP-SAT's own
bound on the full cycle stays near the LP bound; this one is tighter, and
:func:`orplan.mss.solve.solve_mss` adds it to the cycle model as a constraint.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from orplan.mss.beds import cyclic_load
from orplan.mss.model import MssInput, MssTheatre

#: Beds in hundredths, as in the cycle model (kept equal by a test).
SCALE = 100


def theatre_classes(inp: MssInput) -> list[list[MssTheatre]]:
    """Interchangeable theatres: same hours, weekdays and specialty list, none pinned.

    A theatre with a pinned block is a class of its own.
    """
    pinned = {b.theatre for b in inp.fixed}
    classes: dict[tuple[object, ...], list[MssTheatre]] = defaultdict(list)
    for t in inp.theatres:
        key = (
            (t.id,)
            if t.id in pinned
            else (t.hours, tuple(t.weekdays), tuple(sorted(t.specialties)))
        )
        classes[key].append(t)
    return list(classes.values())


def week_averaged_floor(inp: MssInput, time_limit: float, workers: int, seed: int) -> int | None:
    """Lower bound of the cycle model's objective (its integer units), or ``None``.

    Parameters
    ----------
    inp
        The MSS input; its ``cycle_weeks`` is the :math:`W` above.
    time_limit, workers, seed
        CP-SAT settings of the small model. Its best bound is returned even when the time
        runs out (a bound is valid whether or not the small model is solved).

    Returns
    -------
    int or None
        ``None`` when the small model is infeasible or gave no bound.
    """
    weeks = inp.cycle_weeks
    cycle_days = 7 * weeks
    model = cp_model.CpModel()
    counts: dict[tuple[str, int, int], cp_model.IntVar] = {}
    minutes: dict[int, int] = {}
    pins: dict[tuple[str, str, int], int] = defaultdict(int)
    for b in inp.fixed:
        pins[b.specialty, b.theatre, b.weekday] += 1
    for c, group in enumerate(theatre_classes(inp)):
        first, size = group[0], weeks * len(group)
        minutes[c] = round(60 * first.hours)
        allowed = [s.id for s in inp.specialties
                   if not first.specialties or s.id in first.specialties]  # fmt: skip
        for d in first.weekdays:
            cell = []
            for s in allowed:
                least = sum(pins[s, t.id, d] for t in group)
                counts[s, c, d] = model.new_int_var(min(least, size), size, f"N[{s},{c},{d}]")
                cell.append(counts[s, c, d])
            model.add(sum(cell) <= size)
    terms: list[cp_model.LinearExprT] = []
    w = inp.weights
    for spec in inp.specialties:
        low = round(60 * weeks * (spec.hours - spec.tolerance_hours))
        high = round(60 * weeks * (spec.hours + spec.tolerance_hours))
        total = sum(minutes[c] * v for (s, c, _d), v in counts.items() if s == spec.id)
        model.add_linear_constraint(total, max(low, 0), high)
        if spec.tolerance_hours > 0 and w.hours_off > 0:
            target = round(60 * weeks * spec.hours)
            off = model.new_int_var(0, max(target, high), f"off[{spec.id}]")
            model.add_abs_equality(off, total - target)
            terms.append(round(SCALE * SCALE * w.hours_off) * off)
    for kind, weight in (("ward", w.ward_peak), ("icu", w.icu_peak)):
        if weight <= 0:
            continue
        load = {s.id: [round(SCALE * v) for v in cyclic_load(s, kind, cycle_days)]
                for s in inp.specialties}  # fmt: skip
        folded = {s: [sum(v[(j + 7 * m) % cycle_days] for m in range(weeks)) for j in range(7)]
                  for s, v in load.items()}  # fmt: skip
        peak = model.new_int_var(0, sum(max(v) for v in folded.values()) * 7 * len(inp.theatres),
                                 f"peak_{kind}")  # fmt: skip
        for day in range(7):
            model.add(weeks * peak >= sum(folded[s][(day - d) % 7] * v
                                          for (s, _c, d), v in counts.items()))  # fmt: skip
        terms.append(round(60 * SCALE * weight) * peak)
    if weeks > 1 and w.pattern > 0:
        uses = []
        for key, v in counts.items():
            y = model.new_int_var(0, len(inp.theatres), f"Y[{key}]")
            model.add(weeks * y >= v)
            uses.append(y)
        terms.append(round(60 * SCALE * SCALE * w.pattern) * sum(uses))
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return int(-(-solver.best_objective_bound // 1))  # the objective is integer: round up
