"""Moves of the IHTC-2024 annealing search and the annealing loop itself (numba-compiled).

Each move changes the state in place through the primitives of
:mod:`orplan.ihtc.kernel` (``admit``, ``discharge``, ``set_nurse``,
``surgery``), reads the change of the penalised objective from the
counters, and either keeps it (Metropolis rule) or undoes it by the inverse
primitives. A move that would put more persons in a room than it has beds is
refused before it is applied.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from orplan.ihtc.kernel import (
    MV_KICK_BED,
    MV_KICK_SURGEON,
    MV_NURSE,
    MV_NURSE_BLOCK,
    MV_NURSE_SWAP,
    MV_PATIENT,
    MV_SWAP_ROOMS,
    MV_SWAP_SLOT,
    N_MOVES,
    Data,
    IntArray,
    State,
    admit,
    discharge,
    fits,
    hard,
    njit,
    objective,
    save_best,
    set_nurse,
    surgery,
)

__all__ = ["anneal"]


@njit
def _accept(delta: int, temperature: float) -> bool:
    if delta <= 0:
        return True
    if temperature <= 0.0:
        return False
    return np.random.random() < np.exp(-delta / temperature)


@njit
def _pick_theater(data: Data, st: State, p: int, a: int) -> int:
    """Theatre for a surgery of ``p`` on day ``a``: often one the surgeon or others already use."""
    u = data.p_surgeon[p]
    n_open = data.t_nopen[a]
    if n_open == 0:
        return np.random.randint(data.n_theaters)
    roll = np.random.random()
    if roll < 0.5:
        k = 0
        for i in range(n_open):
            if st.surgeon_theater[u, a, data.t_open[a, i]] > 0:
                k += 1
        if k > 0:
            pick = np.random.randint(k)
            for i in range(n_open):
                t = data.t_open[a, i]
                if st.surgeon_theater[u, a, t] > 0:
                    if pick == 0:
                        return t
                    pick -= 1
    if roll < 0.8:
        k = 0
        for i in range(n_open):
            if st.theater_cnt[data.t_open[a, i], a] > 0:
                k += 1
        if k > 0:
            pick = np.random.randint(k)
            for i in range(n_open):
                t = data.t_open[a, i]
                if st.theater_cnt[t, a] > 0:
                    if pick == 0:
                        return t
                    pick -= 1
    return data.t_open[a, np.random.randint(n_open)]


@njit
def _find_room(data: Data, st: State, p: int, a: int) -> int:
    """A random compatible room with a free bed on each stay day, avoiding gender mix if possible.

    Returns -1 when no compatible room has the beds.
    """
    end = min(a + data.pers_los[p], data.n_days)
    ga = data.pers_gender_a[p]
    good = -1
    n_good = 0
    any_fit = -1
    n_fit = 0
    for i in range(data.p_nrooms[p]):
        r = data.p_rooms[p, i]
        cap = data.capacity[r]
        ok = True
        mixed = False
        for d in range(a, end):
            n = st.occ_n[r, d]
            if n >= cap:
                ok = False
                break
            na = st.cnt_a[r, d]
            if (ga == 1 and na < n) or (ga == 0 and na > 0):
                mixed = True
        if not ok:
            continue
        n_fit += 1
        if np.random.randint(n_fit) == 0:
            any_fit = r
        if not mixed:
            n_good += 1
            if np.random.randint(n_good) == 0:
                good = r
    return good if good >= 0 else any_fit


@njit
def _move_patient(data: Data, st: State, temperature: float) -> bool:
    p = np.random.randint(data.n_patients)
    nd = data.p_ndays[p]
    nr = data.p_nrooms[p]
    if nd == 0 or nr == 0:
        return False
    before = objective(data, st.c)
    a0 = st.adm[p]
    if a0 < 0:
        a = data.p_days[p, np.random.randint(nd)]
        r = _find_room(data, st, p, a)
        if r < 0:
            return False
        admit(data, st, p, a, r, _pick_theater(data, st, p, a))
        if _accept(objective(data, st.c) - before, temperature):
            return True
        discharge(data, st, p)
        return False
    r0 = st.room[p]
    t0 = st.theater[p]
    roll = np.random.random()
    if data.p_mandatory[p] == 0 and roll < 0.08:
        discharge(data, st, p)
        if _accept(objective(data, st.c) - before, temperature):
            return True
        admit(data, st, p, a0, r0, t0)
        return False
    a = a0
    r = r0
    t = -1
    if roll < 0.35:  # new day, same room
        a = data.p_days[p, np.random.randint(nd)]
    elif roll < 0.65:  # new room
        r = data.p_rooms[p, np.random.randint(nr)]
        t = t0
    elif roll < 0.8:  # new theatre only: the ward is untouched
        t = _pick_theater(data, st, p, a0)
        if t == t0:
            return False
        surgery(data, st, p, a0, t0, -1)
        surgery(data, st, p, a0, t, 1)
        st.theater[p] = t
        if _accept(objective(data, st.c) - before, temperature):
            return True
        surgery(data, st, p, a0, t, -1)
        surgery(data, st, p, a0, t0, 1)
        st.theater[p] = t0
        return False
    else:  # new day, a room that has space then
        a = data.p_days[p, np.random.randint(nd)]
        r = -2
    discharge(data, st, p)
    if r == -2:
        r = _find_room(data, st, p, a)
        if r < 0:
            admit(data, st, p, a0, r0, t0)
            return False
    if t < 0:
        t = _pick_theater(data, st, p, a)
    if (a == a0 and r == r0 and t == t0) or not fits(data, st, p, a, r):
        admit(data, st, p, a0, r0, t0)
        return False
    admit(data, st, p, a, r, t)
    if _accept(objective(data, st.c) - before, temperature):
        return True
    discharge(data, st, p)
    admit(data, st, p, a0, r0, t0)
    return False


@njit
def _random_scheduled(data: Data, st: State) -> int:
    for _ in range(20):
        p = np.random.randint(data.n_patients)
        if st.adm[p] >= 0:
            return p
    return -1


@njit
def _compatible(data: Data, p: int, r: int) -> bool:
    for i in range(data.p_nrooms[p]):  # noqa: SIM110
        if data.p_rooms[p, i] == r:
            return True
    return False


@njit
def _swap_rooms(data: Data, st: State, temperature: float) -> bool:
    p = _random_scheduled(data, st)
    q = _random_scheduled(data, st)
    if p < 0 or q < 0 or p == q:
        return False
    rp = st.room[p]
    rq = st.room[q]
    if rp == rq or not _compatible(data, p, rq) or not _compatible(data, q, rp):
        return False
    before = objective(data, st.c)
    ap, aq = st.adm[p], st.adm[q]
    tp, tq = st.theater[p], st.theater[q]
    discharge(data, st, p)
    discharge(data, st, q)
    ok = fits(data, st, p, ap, rq)
    if ok:
        admit(data, st, p, ap, rq, tp)
        ok = fits(data, st, q, aq, rp)
        if ok:
            admit(data, st, q, aq, rp, tq)
            if _accept(objective(data, st.c) - before, temperature):
                return True
            discharge(data, st, q)
        discharge(data, st, p)
    admit(data, st, p, ap, rp, tp)
    admit(data, st, q, aq, rq, tq)
    return False


@njit
def _swap_slots(data: Data, st: State, temperature: float) -> bool:
    """Exchange the days (and theatres) of two patients of the same surgeon.

    Each keeps its room, or (half of the time) they exchange rooms too.
    """
    p = _random_scheduled(data, st)
    if p < 0:
        return False
    u = data.p_surgeon[p]
    q = data.u_patients[u, np.random.randint(data.u_npatients[u])]
    ap, aq = st.adm[p], st.adm[q]
    if q == p or aq < 0 or ap == aq:
        return False
    if not _in_domain(data, p, aq) or not _in_domain(data, q, ap):
        return False
    rp, rq = st.room[p], st.room[q]
    new_rp, new_rq = rp, rq
    if np.random.random() < 0.5:
        if not _compatible(data, p, rq) or not _compatible(data, q, rp):
            return False
        new_rp, new_rq = rq, rp
    tp, tq = st.theater[p], st.theater[q]
    before = objective(data, st.c)
    discharge(data, st, p)
    discharge(data, st, q)
    ok = fits(data, st, p, aq, new_rp)
    if ok:
        admit(data, st, p, aq, new_rp, tq)
        ok = fits(data, st, q, ap, new_rq)
        if ok:
            admit(data, st, q, ap, new_rq, tp)
            if _accept(objective(data, st.c) - before, temperature):
                return True
            discharge(data, st, q)
        discharge(data, st, p)
    admit(data, st, p, ap, rp, tp)
    admit(data, st, q, aq, rq, tq)
    return False


@njit
def _in_domain(data: Data, p: int, a: int) -> bool:
    for i in range(data.p_ndays[p]):  # noqa: SIM110
        if data.p_days[p, i] == a:
            return True
    return False


@njit
def _random_occupied_room_shift(data: Data, st: State) -> tuple[int, int]:
    n_g = data.n_days * data.n_shifts
    for _ in range(20):
        r = np.random.randint(data.n_rooms)
        g = np.random.randint(n_g)
        if st.occ_n[r, g // data.n_shifts] > 0:
            return r, g
    return -1, -1


@njit
def _move_nurse(data: Data, st: State, temperature: float) -> bool:
    r, g = _random_occupied_room_shift(data, st)
    if r < 0 or data.n_working[g] < 2:
        return False
    n0 = st.nurse_of[r, g]
    n2 = data.working[g, np.random.randint(data.n_working[g])]
    if n2 == n0:
        return False
    before = objective(data, st.c)
    set_nurse(data, st, r, g, n2)
    if _accept(objective(data, st.c) - before, temperature):
        return True
    set_nurse(data, st, r, g, n0)
    return False


@njit
def _swap_nurses(data: Data, st: State, temperature: float) -> bool:
    r, g = _random_occupied_room_shift(data, st)
    if r < 0:
        return False
    r2 = np.random.randint(data.n_rooms)
    n1 = st.nurse_of[r, g]
    n2 = st.nurse_of[r2, g]
    if n1 == n2:
        return False
    before = objective(data, st.c)
    set_nurse(data, st, r, g, n2)
    set_nurse(data, st, r2, g, n1)
    if _accept(objective(data, st.c) - before, temperature):
        return True
    set_nurse(data, st, r2, g, n2)
    set_nurse(data, st, r, g, n1)
    return False


@njit
def _nurse_block(data: Data, st: State, temperature: float, buf: IntArray) -> bool:
    """Give one nurse a room for several of her consecutive working shifts (continuity)."""
    r, g = _random_occupied_room_shift(data, st)
    if r < 0:
        return False
    n2 = data.working[g, np.random.randint(data.n_working[g])]
    # position of g in the nurse's shift list
    ns = data.nurse_nshifts[n2]
    pos = -1
    for i in range(ns):
        if data.nurse_shifts[n2, i] == g:
            pos = i
            break
    if pos < 0:
        return False
    length = 2 + np.random.randint(5)
    lo = max(0, pos - np.random.randint(length))
    hi = min(ns, lo + length)
    before = objective(data, st.c)
    for i in range(lo, hi):
        gg = data.nurse_shifts[n2, i]
        buf[i - lo] = st.nurse_of[r, gg]
        set_nurse(data, st, r, gg, n2)
    if _accept(objective(data, st.c) - before, temperature):
        return True
    for i in range(lo, hi):
        set_nurse(data, st, r, data.nurse_shifts[n2, i], buf[i - lo])
    return False


@njit
def _random_unscheduled(data: Data, st: State) -> int:
    for _ in range(30):
        p = np.random.randint(data.n_patients)
        if st.adm[p] < 0 and data.p_ndays[p] > 0 and data.p_nrooms[p] > 0:
            return p
    return -1


@njit
def _relocate(data: Data, st: State, p: int) -> bool:
    """Put the (just discharged) patient ``p`` on a random day and room; False if no bed."""
    a = data.p_days[p, np.random.randint(data.p_ndays[p])]
    r = data.p_rooms[p, np.random.randint(data.p_nrooms[p])]
    if not fits(data, st, p, a, r):
        return False
    admit(data, st, p, a, r, _pick_theater(data, st, p, a))
    return True


@njit
def _reinsert(data: Data, st: State, x: int) -> bool:
    """Admit the (just discharged) patient ``x`` on a day where its surgeon has time.

    Tries a few random days of its domain, each with a room that has a free
    bed on every stay day (see :func:`_find_room`); False when none works.
    """
    if data.p_ndays[x] == 0:
        return False  # no admission day in this view (phase 1 hides the optional patients)
    u = data.p_surgeon[x]
    dur = data.p_duration[x]
    for _ in range(3):
        a = data.p_days[x, np.random.randint(data.p_ndays[x])]
        if st.surgeon_load[u, a] + dur > data.max_surgery[u, a]:
            continue
        r = _find_room(data, st, x, a)
        if r < 0:
            continue
        admit(data, st, x, a, r, _pick_theater(data, st, x, a))
        return True
    return False


@njit
def _kick(
    data: Data, st: State, temperature: float, by_bed: bool, eject: float, saved: IntArray
) -> bool:
    """Admit an unscheduled patient, making room by removing (or moving) others.

    ``by_bed`` false: one patient of the same surgeon on the chosen day makes
    way (surgeon minutes are the bottleneck). ``by_bed`` true: patients that
    fill the chosen room on the stay days make way (beds are the bottleneck).
    With ``eject`` above 0, a displaced patient is re-admitted on a day
    where its surgeon has time and a room has beds (an ejection chain: one
    more patient admitted; an optional one is tried with probability
    ``eject``). Otherwise, or when that fails, a mandatory one goes to a
    random slot and an optional one is unscheduled, which exchanges the two.
    With ``eject`` 0 the move is the plain exchange. ``saved`` is scratch
    space for undoing.
    """
    q = _random_unscheduled(data, st)
    if q < 0:
        return False
    a = data.p_days[q, np.random.randint(data.p_ndays[q])]
    r = data.p_rooms[q, np.random.randint(data.p_nrooms[q])]
    before = objective(data, st.c)
    n_saved = 0
    t = -1
    if not by_bed:
        u = data.p_surgeon[q]
        k = 0
        for i in range(data.u_npatients[u]):
            if st.adm[data.u_patients[u, i]] == a:
                k += 1
        if k == 0:
            return False
        pick = np.random.randint(k)
        victim = -1
        for i in range(data.u_npatients[u]):
            p = data.u_patients[u, i]
            if st.adm[p] == a:
                if pick == 0:
                    victim = p
                    break
                pick -= 1
        saved[0] = victim
        saved[1] = a
        saved[2] = st.room[victim]
        saved[3] = st.theater[victim]
        n_saved = 1
        t = st.theater[victim]
        if np.random.random() < 0.5:
            r = st.room[victim]
            if not _compatible(data, q, r):
                return False
        discharge(data, st, victim)
    else:
        end = min(a + data.pers_los[q], data.n_days)
        cap = data.capacity[r]
        for d in range(a, end):
            if st.occ_n[r, d] >= cap:
                if n_saved == 2:
                    break
                x = st.occ_list[r, d, np.random.randint(st.occ_n[r, d])]
                if x >= data.n_patients:
                    break  # an occupant cannot move
                saved[4 * n_saved] = x
                saved[4 * n_saved + 1] = st.adm[x]
                saved[4 * n_saved + 2] = st.room[x]
                saved[4 * n_saved + 3] = st.theater[x]
                n_saved += 1
                discharge(data, st, x)
    ok = fits(data, st, q, a, r)
    if ok:
        if t < 0:
            t = _pick_theater(data, st, q, a)
        admit(data, st, q, a, r, t)
        moved = 0
        for i in range(n_saved):
            x = saved[4 * i]
            if data.p_mandatory[x] == 1:
                if (eject > 0 and _reinsert(data, st, x)) or _relocate(data, st, x):
                    moved |= 1 << i
                else:
                    ok = False
                    break
            elif eject > 0 and np.random.random() < eject and _reinsert(data, st, x):
                moved |= 1 << i
        if ok and _accept(objective(data, st.c) - before, temperature):
            return True
        for i in range(n_saved):
            if moved & (1 << i):
                discharge(data, st, saved[4 * i])
        discharge(data, st, q)
    for i in range(n_saved - 1, -1, -1):
        x = saved[4 * i]
        admit(data, st, x, saved[4 * i + 1], saved[4 * i + 2], saved[4 * i + 3])
    return False


@njit
def _swap_theaters(data: Data, st: State, temperature: float) -> bool:
    """Exchange the theatres of two patients operated on the same day."""
    p = _random_scheduled(data, st)
    if p < 0:
        return False
    a = st.adm[p]
    q = -1
    for _ in range(30):
        cand = np.random.randint(data.n_patients)
        if cand != p and st.adm[cand] == a and st.theater[cand] != st.theater[p]:
            q = cand
            break
    if q < 0:
        return False
    tp, tq = st.theater[p], st.theater[q]
    before = objective(data, st.c)
    surgery(data, st, p, a, tp, -1)
    surgery(data, st, q, a, tq, -1)
    surgery(data, st, p, a, tq, 1)
    surgery(data, st, q, a, tp, 1)
    st.theater[p] = tq
    st.theater[q] = tp
    if _accept(objective(data, st.c) - before, temperature):
        return True
    surgery(data, st, p, a, tq, -1)
    surgery(data, st, q, a, tp, -1)
    surgery(data, st, p, a, tp, 1)
    surgery(data, st, q, a, tq, 1)
    st.theater[p] = tp
    st.theater[q] = tq
    return False


@njit
def anneal(
    data: Data,
    st: State,
    n_iter: int,
    t_start: float,
    t_end: float,
    move_prob: npt.NDArray[np.float64],
    eject: float,
) -> int:
    """Run ``n_iter`` annealing moves, cooling geometrically from ``t_start`` to ``t_end``.

    ``eject`` is the probability that an optional patient displaced by a kick
    move is re-admitted elsewhere rather than unscheduled.

    The best feasible state seen is kept in the ``best_*`` arrays. Returns the
    number of accepted moves.
    """
    cum = np.cumsum(move_prob)
    cum = cum / cum[-1]
    buf = np.zeros(data.n_days * data.n_shifts, dtype=np.int64)
    saved = np.zeros(16, dtype=np.int64)
    ratio = t_end / t_start if t_start > 0 else 1.0
    accepted = 0
    best = st.best_obj[0]
    for it in range(n_iter):
        temperature = t_start * ratio ** (it / n_iter) if t_start > 0 else 0.0
        roll = np.random.random()
        mv = 0
        while mv < N_MOVES - 1 and roll > cum[mv]:
            mv += 1
        if mv == MV_PATIENT:
            ok = _move_patient(data, st, temperature)
        elif mv == MV_SWAP_ROOMS:
            ok = _swap_rooms(data, st, temperature)
        elif mv == MV_NURSE:
            ok = _move_nurse(data, st, temperature)
        elif mv == MV_NURSE_SWAP:
            ok = _swap_nurses(data, st, temperature)
        elif mv == MV_NURSE_BLOCK:
            ok = _nurse_block(data, st, temperature, buf)
        elif mv == MV_SWAP_SLOT:
            ok = _swap_slots(data, st, temperature)
        elif mv == MV_KICK_SURGEON:
            ok = _kick(data, st, temperature, False, eject, saved)
        elif mv == MV_KICK_BED:
            ok = _kick(data, st, temperature, True, eject, saved)
        else:
            ok = _swap_theaters(data, st, temperature)
        st.stats[mv, 0] += 1
        if ok:
            st.stats[mv, 1] += 1
            accepted += 1
            if hard(st.c) == 0:
                obj = objective(data, st.c)
                if best < 0 or obj < best:
                    save_best(data, st)
                    best = obj
    return accepted
