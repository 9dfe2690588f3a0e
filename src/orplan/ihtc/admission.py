"""Admission days by CP-SAT, and a greedy start built on them.

:func:`plan_admissions` chooses an admission day (or none, for optional
patients) for every patient with a small CP-SAT model over aggregated
resources:

.. math::

    \\sum_{d} x_{pd} = 1 \\ (p \\text{ mandatory}), \\qquad
    \\sum_{d} x_{pd} \\le 1 \\ (p \\text{ optional}),

    \\sum_{p \\in P(u)} \\mathrm{dur}_p x_{pd} \\le \\mathrm{max}_{ud}
    \\quad \\text{(surgeon minutes, exact)},

    \\sum_{p} \\mathrm{dur}_p x_{pd} \\le \\sum_t \\mathrm{avail}_{td}
    \\quad \\text{(theatre minutes, pooled)},

    \\sum_{p} \\sum_{a \\le d < a + \\mathrm{los}_p} x_{pa} \\le
    \\lfloor \\sigma \\cdot \\mathrm{free}_d \\rfloor
    \\quad \\text{(beds, pooled over rooms; soft above the slack share)},

minimising :math:`w_7 \\sum (d - \\mathrm{release}_p) x_{pd} + w_8 \\cdot
\\#\\text{unscheduled optional}` plus :math:`w_8` per bed used beyond
:math:`\\sigma \\cdot \\mathrm{free}_d`. Pooling ignores gender, room
compatibility and how beds fragment, hence the slack :math:`\\sigma < 1`.

:func:`greedy_start` then places the chosen patients into rooms (first fit,
same gender, compatible, free beds on every stay day) and theatres, and
leaves out those that do not fit; the annealing search repairs the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from orplan.ihtc.kernel import Data, State, admit, fits

__all__ = ["greedy_start", "plan_admissions"]


def plan_admissions(
    data: Data,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    bed_slack: float = 0.95,
    on_first: Callable[[np.ndarray], None] | None = None,
) -> np.ndarray | None:
    """Choose admission days with the pooled-resource CP-SAT model.

    Parameters
    ----------
    data : Data
        Kernel arrays of the instance (domains, capacities, weights).
    time_limit : float
        CP-SAT wall-clock limit in seconds.
    workers : int, optional
        CP-SAT workers.
    seed : int, optional
        CP-SAT random seed.
    bed_slack : float, optional
        Share of the free beds of a day the model may fill.
    on_first : callable, optional
        Called with the first plan (mandatory patients only) as soon as it
        is found, before the full model is solved.

    Returns
    -------
    numpy.ndarray or None
        Admission day per patient (-1 unscheduled), or None when the model
        found no solution in time.
    """
    n_p, n_days = data.n_patients, data.n_days
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_patient: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(n_p)]
    for p in range(n_p):
        for i in range(int(data.p_ndays[p])):
            d = int(data.p_days[p, i])
            v = model.new_bool_var(f"x{p}_{d}")
            x[p, d] = v
            by_patient[p].append((d, v))
    delay_terms = []
    unscheduled = []
    for p in range(n_p):
        lits = [v for _, v in by_patient[p]]
        if data.p_mandatory[p]:
            if not lits:
                return None
            model.add_exactly_one(lits)
        elif lits:
            model.add_at_most_one(lits)
        for d, v in by_patient[p]:
            if d > data.p_release[p]:
                delay_terms.append((d - int(data.p_release[p])) * v)
        if not data.p_mandatory[p]:
            unscheduled.append(1 - sum(lits) if lits else 1)

    surgeon_terms: dict[tuple[int, int], list[cp_model.LinearExpr]] = {}
    day_minutes: list[list[cp_model.LinearExpr]] = [[] for _ in range(n_days)]
    beds: list[list[cp_model.IntVar]] = [[] for _ in range(n_days)]
    bed_patient: list[list[int]] = [[] for _ in range(n_days)]
    for (p, d), v in x.items():
        dur = int(data.p_duration[p])
        surgeon_terms.setdefault((int(data.p_surgeon[p]), d), []).append(dur * v)
        day_minutes[d].append(dur * v)
        for k in range(d, min(d + int(data.pers_los[p]), n_days)):
            beds[k].append(v)
            bed_patient[k].append(p)
    for (u, d), terms in surgeon_terms.items():
        model.add(sum(terms) <= int(data.max_surgery[u, d]))
    total_beds = int(data.capacity.sum())
    crowding: list[cp_model.IntVar] = []
    occupied = np.zeros(n_days, dtype=np.int64)
    for o in range(data.occ_room.shape[0]):
        occupied[: int(data.pers_los[n_p + o])] += 1
    for d in range(n_days):
        if day_minutes[d]:
            model.add(sum(day_minutes[d]) <= int(data.availability[:, d].sum()))
        if beds[d]:
            free = int(total_beds - occupied[d])
            model.add(sum(beds[d]) <= free)
            target = int(np.floor(bed_slack * free))
            over = model.new_int_var(0, max(free - target, 0), f"over{d}")
            model.add(sum(beds[d]) - over <= target)
            crowding.append(over)
    w7 = int(data.weights[6])
    w8 = int(data.weights[7])
    model.minimize(w7 * sum(delay_terms) + w8 * sum(unscheduled) + w8 * sum(crowding))

    # Stage 1: mandatory patients only, no objective (finds a solution fast); stage 2:
    # everybody, hinted with stage 1 (a complete feasible hint).
    start = time.perf_counter()
    first = model.clone()
    first.clear_objective()  # any feasible assignment will do
    for (p, _d), v in x.items():
        if not data.p_mandatory[p]:
            first.add(v == 0)
    days = _solve(first, x, n_p, 0.6 * time_limit, workers, seed)
    if days is None:
        return None
    if on_first is not None:
        on_first(days)
    for (p, d), v in x.items():
        model.add_hint(v, bool(days[p] == d))
    rest = time_limit - (time.perf_counter() - start)
    better = _solve(model, x, n_p, rest, workers, seed) if rest > 0.05 else None
    return days if better is None else better


def _solve(
    model: cp_model.CpModel,
    x: dict[tuple[int, int], cp_model.IntVar],
    n_p: int,
    time_limit: float,
    workers: int,
    seed: int,
) -> np.ndarray | None:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    days = np.full(n_p, -1, dtype=np.int64)
    for (p, d), v in x.items():
        if solver.boolean_value(v):
            days[p] = d
    return days


def greedy_start(data: Data, st: State, days: np.ndarray) -> int:
    """Admit patients on the given days, choosing rooms and theatres greedily.

    Mandatory patients are placed first, then optional ones, each group by
    day and longer stays first, into
    the compatible room with free beds on every stay day and no person of the
    other gender, preferring rooms already holding the same gender; the
    theatre is one the surgeon already uses that day, else the open theatre
    with most minutes left. A mandatory patient that does not fit on its day
    tries the other days of its window on which its surgeon has time left.
    Patients that fit nowhere stay unscheduled.

    Parameters
    ----------
    data : Data
        Kernel arrays.
    st : State
        A state with no patient admitted (modified in place).
    days : numpy.ndarray
        Admission day per patient, -1 for none.

    Returns
    -------
    int
        Number of patients that could not be placed.
    """
    n_p = data.n_patients
    planned = np.zeros_like(data.max_surgery)  # surgeon minutes per day as planned
    for p in range(n_p):
        if days[p] >= 0:
            planned[data.p_surgeon[p], days[p]] += data.p_duration[p]
    order = sorted(
        (p for p in range(n_p) if days[p] >= 0),
        key=lambda p: (-int(data.p_mandatory[p]), int(days[p]), -int(data.pers_los[p])),
    )
    left_out = 0
    for p in order:
        a = int(days[p])
        r = _room(data, st, p, a)
        if r < 0 and data.p_mandatory[p]:
            # try the other days of its window on which the surgeon has time
            u = int(data.p_surgeon[p])
            dur = int(data.p_duration[p])
            others = sorted(
                (int(d) for d in data.p_days[p, : int(data.p_ndays[p])] if d != a),
                key=lambda d: abs(d - a),
            )
            for d in others:
                if planned[u, d] + dur <= data.max_surgery[u, d]:
                    r = _room(data, st, p, d)
                    if r >= 0:
                        planned[u, a] -= dur
                        planned[u, d] += dur
                        a = d
                        break
        if r < 0:
            left_out += 1
            continue
        admit(data, st, p, a, r, _theater(data, st, p, a))
    return left_out


def _room(data: Data, st: State, p: int, a: int) -> int:
    """Compatible room with a free bed on every stay day and no other gender; -1 if none."""
    end = min(a + int(data.pers_los[p]), data.n_days)
    gender_a = int(data.pers_gender_a[p])
    best_r, best_score = -1, -1
    for i in range(int(data.p_nrooms[p])):
        r = int(data.p_rooms[p, i])
        if not fits(data, st, p, a, r):
            continue
        n = st.occ_n[r, a:end]
        na = st.cnt_a[r, a:end]
        same = na if gender_a else n - na
        if np.any(same < n):
            continue  # someone of the other gender is there
        score = int(same.sum())
        if score > best_score:
            best_r, best_score = r, score
    return best_r


def _theater(data: Data, st: State, p: int, a: int) -> int:
    u = int(data.p_surgeon[p])
    dur = int(data.p_duration[p])
    n_open = int(data.t_nopen[a])
    if n_open == 0:
        return 0
    opened = [int(t) for t in data.t_open[a, :n_open]]
    free = {t: int(data.availability[t, a] - st.theater_load[t, a]) for t in opened}
    own = [t for t in opened if st.surgeon_theater[u, a, t] > 0 and free[t] >= dur]
    if own:
        return own[0]
    used = [t for t in opened if st.theater_cnt[t, a] > 0 and free[t] >= dur]
    if used:
        return max(used, key=lambda t: free[t])
    return max(opened, key=lambda t: free[t])
