"""Exact CP-SAT repair of the patient layer over a window of admission days.

The annealing search is good at nurses and small changes but weak at packing
the last optional patients into beds and theatre days (the S8 share of the
gap, see ``benchmarks/README.md``). :func:`repair_window` frees every patient
admitted in a window of days together with the unscheduled patients that
could be admitted there, keeps everything else (other patients, occupants,
the nurse roster) fixed, and lets CP-SAT choose a day, room and theatre for
each freed patient, or none for optional ones.

With the nurse roster fixed every cost is exact in this model:

* S2 (skill) and S3 (continuity) of a patient depend only on the room and
  the day: constants per option;
* S4 (workload): per nurse-shift, excess over the residual load;
* S1 (age mix): per room-day, highest minus lowest age group present;
* S5, S6, S7, S8 and the hard rules H1, H3, H4, H5, H7 as in the
  competition's definitions (H2 and H6 hold by the day and room domains,
  H8 and H9 by the fixed roster).

The current placement of the freed patients is given as a hint and a
placement is applied only when it costs less, so a repair never makes the
state worse; the result is applied to the kernel
state through its own primitives, whose counters then give the new cost
(tests check that it equals the model's objective).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from orplan.ihtc.kernel import Data, State, admit, discharge, hard, objective

__all__ = ["RepairResult", "repair_window"]


@dataclass(frozen=True)
class RepairResult:
    """What one repair did.

    Attributes
    ----------
    freed : int
        Patients whose placement was re-decided.
    before, after : int
        Objective of the state before and after (equal when nothing improved).
    predicted : int or None
        Objective of the best placement CP-SAT found, by the model's own
        count (None without one). The model is exact: it is at most
        ``before`` (the current placement is a solution) and, when it is
        lower, equals ``after``.
    status : str
        CP-SAT status name (``"SKIPPED"`` when the window had nothing to free).
    seconds : float
        Wall time, model building included.
    """

    freed: int
    before: int
    after: int
    predicted: int | None
    status: str
    seconds: float

    @property
    def gain(self) -> int:
        """Objective decrease (0 when the repair found nothing better)."""
        return self.before - self.after


def repair_window(
    data: Data,
    st: State,
    first_day: int,
    n_days: int,
    time_limit: float,
    seed: int = 0,
    max_unscheduled: int = 60,
) -> RepairResult:
    """Re-decide, exactly, the patients of a window of admission days.

    Parameters
    ----------
    data : Data
        Kernel arrays of the instance.
    st : State
        A feasible state (no hard violation); changed in place when a better
        placement is found, otherwise left as it was.
    first_day, n_days : int
        The window: admission days ``first_day .. first_day + n_days - 1``.
    time_limit : float
        CP-SAT seconds (one worker).
    seed : int, optional
        CP-SAT random seed; also picks which unscheduled patients are freed
        when more than ``max_unscheduled`` could be.
    max_unscheduled : int, optional
        At most this many unscheduled patients are offered a place.

    Returns
    -------
    RepairResult
        Freed count, objective before and after, status and time.
    """
    t0 = time.perf_counter()
    before = int(objective(data, st.c))
    n_p = data.n_patients
    last_day = min(first_day + n_days, data.n_days) - 1
    if hard(st.c) != 0 or last_day < first_day:
        return RepairResult(0, before, before, None, "SKIPPED", time.perf_counter() - t0)
    days_of: dict[int, list[int]] = {}
    placed: list[int] = []
    waiting: list[int] = []
    for p in range(n_p):
        dom = data.p_days[p, : data.p_ndays[p]]
        opts = [int(a) for a in dom if first_day <= a <= last_day]
        if data.p_nrooms[p] == 0:
            continue
        a0 = int(st.adm[p])
        if a0 >= 0 and first_day <= a0 <= last_day:
            days_of[p] = opts
            placed.append(p)
        elif a0 < 0 and opts:
            days_of[p] = opts
            waiting.append(p)
    if len(waiting) > max_unscheduled:
        rng = np.random.default_rng(seed)
        waiting = sorted(rng.choice(waiting, size=max_unscheduled, replace=False).tolist())
    freed = placed + waiting
    if not freed:
        return RepairResult(0, before, before, None, "SKIPPED", time.perf_counter() - t0)
    old = {p: (int(st.adm[p]), int(st.room[p]), int(st.theater[p])) for p in placed}
    for p in placed:
        discharge(data, st, p)
    chosen: dict[int, tuple[int, int, int]] = old
    predicted: int | None = None
    status = "MODEL_INVALID"
    try:
        # The residual state prices the freed mandatory patients as missing (H5); the model
        # places them all, so their price is not part of the cost it adds.
        missing = sum(int(data.p_mandatory[p]) for p in placed)
        residual = int(objective(data, st.c)) - missing * int(data.penalty[3])
        model, x_of, y_of, offset = _build(data, st, freed, days_of, old)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        code = solver.solve(model)
        status = solver.status_name(code)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found: dict[int, tuple[int, int, int]] = {}
            for p in freed:
                for (a, r), var in x_of[p].items():
                    if solver.value(var):
                        t = next(t for (a2, t), v in y_of[p].items() if a2 == a and solver.value(v))
                        found[p] = (a, r, t)
            predicted = residual + round(solver.objective_value) + offset
            if predicted < before:
                chosen = found
    finally:
        # Whatever happened above, every freed patient that was placed gets a place again.
        _place(data, st, chosen)
    after = int(objective(data, st.c))
    if after > before:  # the model is exact, so this is a bug; never leave a worse state
        for p in chosen:
            discharge(data, st, p)
        _place(data, st, old)
        after = int(objective(data, st.c))
    return RepairResult(len(freed), before, after, predicted, status, time.perf_counter() - t0)


def _place(data: Data, st: State, chosen: dict[int, tuple[int, int, int]]) -> None:
    for p, (a, r, t) in chosen.items():
        admit(data, st, p, a, r, t)


def _stay(data: Data, p: int, a: int) -> range:
    return range(a, min(a + int(data.pers_los[p]), data.n_days))


def _build(
    data: Data,
    st: State,
    freed: list[int],
    days_of: dict[int, list[int]],
    hint: dict[int, tuple[int, int, int]],
) -> tuple[
    cp_model.CpModel,
    dict[int, dict[tuple[int, int], cp_model.IntVar]],
    dict[int, dict[tuple[int, int], cp_model.IntVar]],
    int,
]:
    """The window model over the residual state (freed patients removed).

    Returns the model, the room and theatre choice variables per patient, and
    the constant to add to the model's objective to get the change of the
    kernel objective relative to the residual state.
    """
    w = [int(v) for v in data.weights]
    n_sh = data.n_shifts
    model = cp_model.CpModel()
    x_of: dict[int, dict[tuple[int, int], cp_model.IntVar]] = {}
    y_of: dict[int, dict[tuple[int, int], cp_model.IntVar]] = {}
    beds: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    gender: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = {}
    ages: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = {}
    load: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
    surgeon: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
    theatre: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
    uses: dict[tuple[int, int, int], list[cp_model.IntVar]] = {}
    z_of: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    cost: list[cp_model.LinearExprT] = []
    offset = 0
    for p in freed:
        x_of[p] = {}
        y_of[p] = {}
        ga = int(data.pers_gender_a[p])
        dur = int(data.p_duration[p])
        u = int(data.p_surgeon[p])
        day_vars = []
        for a in days_of[p]:
            stay = _stay(data, p, a)
            if st.surgeon_load[u, a] + dur > data.max_surgery[u, a]:
                continue
            rooms = []
            for r in data.p_rooms[p, : data.p_nrooms[p]]:
                r = int(r)
                ok = True
                for d in stay:
                    n = st.occ_n[r, d]
                    na = st.cnt_a[r, d]
                    if n >= data.capacity[r] or (n > 0 and (na == n) != (ga == 1)):
                        ok = False
                        break
                if ok:
                    rooms.append(r)
            theatres = [
                int(t)
                for t in data.t_open[a, : data.t_nopen[a]]
                if st.theater_load[t, a] + dur <= data.availability[t, a]
            ]
            if not rooms or not theatres:
                continue
            day = model.new_bool_var(f"z{p}_{a}")
            day_vars.append((a, day))
            cost.append(w[6] * (a - int(data.p_release[p])) * day)
            xs = []
            for r in rooms:
                var = model.new_bool_var(f"x{p}_{a}_{r}")
                x_of[p][(a, r)] = var
                xs.append(var)
                nurses = set()
                shortfall = 0
                for d in stay:
                    beds.setdefault((r, d), []).append(var)
                    gender.setdefault((r, d), []).append((var, ga))
                    ages.setdefault((r, d), []).append((var, int(data.pers_age[p])))
                    for k in range(n_sh):
                        g = d * n_sh + k
                        j = (d - a) * n_sh + k
                        n = int(st.nurse_of[r, g])
                        nurses.add(n)
                        shortfall += max(0, int(data.pers_skill[p, j]) - int(data.n_skill[n]))
                        work = int(data.pers_work[p, j])
                        if work:
                            load.setdefault((n, g), []).append((work, var))
                if w[1] * shortfall + w[2] * len(nurses):
                    cost.append((w[1] * shortfall + w[2] * len(nurses)) * var)
            model.add(sum(xs) == day)
            ys = []
            for t in theatres:
                var = model.new_bool_var(f"y{p}_{a}_{t}")
                y_of[p][(a, t)] = var
                ys.append(var)
                theatre.setdefault((t, a), []).append((dur, var))
                uses.setdefault((u, a, t), []).append(var)
            model.add(sum(ys) == day)
            surgeon.setdefault((u, a), []).append((dur, day))
        z_of[p] = day_vars
        chosen = sum(var for _, var in day_vars)
        if data.p_mandatory[p]:
            if day_vars:
                model.add(chosen == 1)
            else:
                model.add_bool_or([])  # no place left for it: the model is infeasible
        elif day_vars:
            # The residual state already counts every freed optional patient as unscheduled.
            model.add(chosen <= 1)
            cost.append(-w[7] * chosen)
    for (r, d), vs in beds.items():
        free = int(data.capacity[r] - st.occ_n[r, d])
        if len(vs) > free:
            model.add(sum(vs) <= free)
    for (r, d), pairs in gender.items():
        if st.occ_n[r, d] == 0 and len({g for _, g in pairs}) == 2:
            is_a = model.new_bool_var(f"gA{r}_{d}")
            for var, g in pairs:
                model.add_implication(var, is_a if g == 1 else ~is_a)
    for (u, a), terms in surgeon.items():
        cap = int(data.max_surgery[u, a] - st.surgeon_load[u, a])
        if sum(dur for dur, _ in terms) > cap:
            model.add(sum(dur * v for dur, v in terms) <= cap)
    for (t, a), terms in theatre.items():
        cap = int(data.availability[t, a] - st.theater_load[t, a])
        if sum(dur for dur, _ in terms) > cap:
            model.add(sum(dur * v for dur, v in terms) <= cap)
        if st.theater_cnt[t, a] == 0 and w[4]:
            used = model.new_bool_var(f"open{t}_{a}")
            for _, v in terms:
                model.add_implication(v, used)
            cost.append(w[4] * used)
    if w[5]:
        per_surgeon_day: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for (u, a, t), vs in uses.items():
            if st.surgeon_theater[u, a, t] > 0:
                continue  # the surgeon is in this theatre anyway
            used = model.new_bool_var(f"u{u}_{a}_{t}")
            for v in vs:
                model.add_implication(v, used)
            per_surgeon_day.setdefault((u, a), []).append(used)
        for (u, a), vs in per_surgeon_day.items():
            if st.surgeon_ntheaters[u, a] > 0:
                cost.append(w[5] * sum(vs))
            elif len(vs) > 1:
                extra = model.new_int_var(0, len(vs) - 1, f"tr{u}_{a}")
                model.add(extra >= sum(vs) - 1)
                cost.append(w[5] * extra)
    if w[3]:
        for (n, g), terms in load.items():
            base = int(st.nurse_load[n, g])
            limit = int(data.max_load[n, g])
            top = base + sum(wk for wk, _ in terms)
            if top <= limit:
                continue
            excess = model.new_int_var(0, top - limit, f"ex{n}_{g}")
            model.add(excess >= base + sum(wk * v for wk, v in terms) - limit)
            cost.append(w[3] * excess)
            offset -= w[3] * max(0, base - limit)
    if w[0]:
        top_age = max(int(data.n_ages) - 1, 0)
        for (r, d), pairs in ages.items():
            present = [a for a in range(data.n_ages) if st.age_cnt[r, d, a] > 0]
            if len({age for _, age in pairs} | set(present)) < 2:
                continue
            hi = model.new_int_var(0, top_age, f"hi{r}_{d}")
            lo = model.new_int_var(0, top_age, f"lo{r}_{d}")
            model.add(hi >= lo)
            if present:
                model.add(hi >= max(present))
                model.add(lo <= min(present))
                offset -= w[0] * (max(present) - min(present))
            for var, age in pairs:
                model.add(hi >= age).only_enforce_if(var)
                model.add(lo <= age).only_enforce_if(var)
            cost.append(w[0] * (hi - lo))
    model.minimize(sum(cost))
    # The freed patients where they are now: a feasible hint for every choice variable.
    for p in freed:
        a, r, t = hint.get(p, (-1, -1, -1))
        for key, var in x_of[p].items():
            model.add_hint(var, key == (a, r))
        for key, var in y_of[p].items():
            model.add_hint(var, key == (a, t))
        for when, var in z_of[p]:
            model.add_hint(var, when == a)
    return model, x_of, y_of, offset
