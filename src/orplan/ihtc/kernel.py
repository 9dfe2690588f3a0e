"""Compiled core of the IHTC-2024 local search: state and incremental costs.

Everything here works on flat integer arrays held in two named tuples:
:class:`Data` (the instance, read-only) and :class:`State` (one solution plus
all the counters needed to update its cost in O(stay length) per change). The
functions are compiled with numba when it is installed; without numba they
run as plain Python (correct but slow, about 100 times fewer moves per
second).

Representation (the ideas follow the leading competition entries, see
``docs/ihtc2024-approaches.md``):

* a patient is unscheduled (``adm = -1``) or has a day, a room and a theatre;
  days come from a pruned domain (release .. last day, surgeon and some
  theatre available), rooms from the compatible rooms, so H2 and H6 hold by
  construction; a room never holds more persons than beds (H7 by
  construction, the move is refused);
* every room-shift always has a working nurse (H8 and H9 by construction);
* H1 (gender mix), H3/H4 (surgeon / theatre overtime) and H5 (mandatory
  unscheduled) are counted and priced with large penalty weights.

Persons are numbered ``0 .. P-1`` for patients and ``P .. P+O-1`` for
occupants. The cost counters ``c`` hold, in this order, the raw soft costs
S1..S8 and the hard counts H1, H3, H4, H5 (see the ``C_*`` constants).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "HAVE_NUMBA",
    "Data",
    "State",
    "admit",
    "discharge",
    "fits",
    "init_state",
    "load_solution",
    "njit",
    "objective",
    "save_best",
    "set_nurse",
    "surgery",
    "ward",
]

F = TypeVar("F", bound=Callable[..., Any])

try:  # pragma: no cover - depends on the environment
    from numba import njit as _numba_njit

    HAVE_NUMBA = True

    def njit(func: F) -> F:
        """Compile ``func`` with numba (cached on disk, GIL released)."""
        compiled: F = _numba_njit(cache=True, nogil=True)(func)  # type: ignore[assignment]
        return compiled

except ImportError:  # pragma: no cover
    HAVE_NUMBA = False

    def njit(func: F) -> F:
        """Return ``func`` unchanged (numba is not installed)."""
        return func


IntArray = npt.NDArray[np.int64]

# Indices into the counter array ``c``.
C_S1, C_S2, C_S3, C_S4, C_S5, C_S6, C_S7, C_S8 = 0, 1, 2, 3, 4, 5, 6, 7
C_H1, C_H3, C_H4, C_H5 = 8, 9, 10, 11
N_COUNTERS = 12

# Move kinds (index into the move-probability vector and the statistics).
(
    MV_PATIENT,
    MV_SWAP_ROOMS,
    MV_NURSE,
    MV_NURSE_SWAP,
    MV_NURSE_BLOCK,
    MV_SWAP_SLOT,
    MV_KICK_SURGEON,
    MV_KICK_BED,
    MV_SWAP_THEATERS,
) = range(9)
N_MOVES = 9


class Data(NamedTuple):
    """Read-only instance arrays for the kernel (built by :func:`build_data`)."""

    n_days: int
    n_shifts: int
    n_rooms: int
    n_theaters: int
    n_nurses: int
    n_patients: int
    n_ages: int
    n_levels: int
    weights: IntArray  # (8,) S1..S8
    penalty: IntArray  # (4,) H1, H3, H4, H5 per unit
    capacity: IntArray  # (R,)
    pers_los: IntArray  # (X,) stay days (occupants: inside the horizon)
    pers_gender_a: IntArray  # (X,) 1 for gender A
    pers_age: IntArray  # (X,)
    pers_work: IntArray  # (X, W) per stay shift
    pers_skill: IntArray  # (X, W)
    occ_room: IntArray  # (O,)
    p_mandatory: IntArray  # (P,)
    p_release: IntArray
    p_duration: IntArray
    p_surgeon: IntArray
    p_days: IntArray  # (P, D) admission-day domain, first p_ndays[p] entries
    p_ndays: IntArray
    p_rooms: IntArray  # (P, R) compatible rooms, first p_nrooms[p] entries
    p_nrooms: IntArray
    t_open: IntArray  # (D, T) theatres open on a day, first t_nopen[d] entries
    t_nopen: IntArray
    availability: IntArray  # (T, D)
    max_surgery: IntArray  # (U, D)
    n_skill: IntArray  # (N,)
    max_load: IntArray  # (N, G), 0 when not working
    working: IntArray  # (G, N) nurses working a shift, first n_working[g] entries
    n_working: IntArray  # (G,)
    nurse_shifts: IntArray  # (N, G) working shifts of a nurse, first nurse_nshifts[n]
    nurse_nshifts: IntArray
    u_patients: IntArray  # (U, P) patients of a surgeon, first u_npatients[u] entries
    u_npatients: IntArray


class State(NamedTuple):
    """A solution and its incremental cost structures (built by :func:`new_state`)."""

    adm: IntArray  # (X,) admission day, -1 unscheduled; occupants 0
    room: IntArray  # (X,)
    theater: IntArray  # (P,)
    occ_n: IntArray  # (R, D) persons present
    occ_list: IntArray  # (R, D, Cmax) who is present
    cnt_a: IntArray  # (R, D) persons of gender A
    age_cnt: IntArray  # (R, D, A)
    room_load: IntArray  # (R, G) workload
    room_skill: IntArray  # (R, G, L) persons per required skill level
    nurse_of: IntArray  # (R, G) nurse of each room-shift
    nurse_load: IntArray  # (N, G)
    pers_nurse: IntArray  # (X, N) shifts a person is cared for by a nurse
    theater_load: IntArray  # (T, D) minutes
    surgeon_load: IntArray  # (U, D) minutes
    theater_cnt: IntArray  # (T, D) surgeries
    surgeon_theater: IntArray  # (U, D, T) surgeries
    surgeon_ntheaters: IntArray  # (U, D) distinct theatres
    c: IntArray  # (N_COUNTERS,) cost counters
    best_adm: IntArray
    best_room: IntArray
    best_theater: IntArray
    best_nurse_of: IntArray
    best_c: IntArray
    best_obj: IntArray  # (1,) objective of the best feasible state, -1 if none
    stats: IntArray  # (N_MOVES, 2) tried / accepted


# --------------------------------------------------------------------- costs


@njit
def objective(data: Data, c: IntArray) -> int:
    """Weighted soft cost plus penalised hard counts of counter vector ``c``."""
    total = 0
    for i in range(8):
        total += data.weights[i] * c[i]
    for i in range(4):
        total += data.penalty[i] * c[8 + i]
    return total


@njit
def hard(c: IntArray) -> int:
    """Sum of the tracked hard counts (0 means feasible)."""
    return c[C_H1] + c[C_H3] + c[C_H4] + c[C_H5]


@njit
def _spread(age_cnt: IntArray, r: int, d: int, n_ages: int) -> int:
    lo = -1
    for a in range(n_ages):
        if age_cnt[r, d, a] > 0:
            lo = a
            break
    if lo < 0:
        return 0
    hi = lo
    for a in range(n_ages - 1, lo, -1):
        if age_cnt[r, d, a] > 0:
            hi = a
            break
    return hi - lo


@njit
def _shortfall(room_skill: IntArray, r: int, g: int, skill: int, n_levels: int) -> int:
    total = 0
    for lvl in range(skill + 1, n_levels):
        total += room_skill[r, g, lvl] * (lvl - skill)
    return total


@njit
def ward(data: Data, st: State, x: int, a: int, r: int, sign: int) -> None:
    """Add (``sign=1``) or remove (``sign=-1``) person ``x`` staying in room ``r`` from day ``a``.

    Updates presence, gender, age, workload, skill and continuity structures
    and the counters S1..S4 and H1.
    """
    n_shifts = data.n_shifts
    end = min(a + data.pers_los[x], data.n_days)
    ga = data.pers_gender_a[x]
    age = data.pers_age[x]
    c = st.c
    for d in range(a, end):
        sp0 = _spread(st.age_cnt, r, d, data.n_ages)
        na = st.cnt_a[r, d]
        nn = st.occ_n[r, d]
        h0 = min(na, nn - na)
        if sign > 0:
            st.occ_list[r, d, nn] = x
            st.occ_n[r, d] = nn + 1
            st.cnt_a[r, d] = na + ga
            st.age_cnt[r, d, age] += 1
        else:
            for k in range(nn):
                if st.occ_list[r, d, k] == x:
                    st.occ_list[r, d, k] = st.occ_list[r, d, nn - 1]
                    break
            st.occ_n[r, d] = nn - 1
            st.cnt_a[r, d] = na - ga
            st.age_cnt[r, d, age] -= 1
        na = st.cnt_a[r, d]
        nn = st.occ_n[r, d]
        c[C_H1] += min(na, nn - na) - h0
        c[C_S1] += _spread(st.age_cnt, r, d, data.n_ages) - sp0
        for k in range(n_shifts):
            g = d * n_shifts + k
            j = (d - a) * n_shifts + k
            w = data.pers_work[x, j]
            s = data.pers_skill[x, j]
            n = st.nurse_of[r, g]
            ml = data.max_load[n, g]
            old = st.nurse_load[n, g]
            new = old + sign * w
            st.nurse_load[n, g] = new
            c[C_S4] += max(0, new - ml) - max(0, old - ml)
            st.room_load[r, g] += sign * w
            st.room_skill[r, g, s] += sign
            sf = s - data.n_skill[n]
            if sf > 0:
                c[C_S2] += sign * sf
            if sign > 0:
                st.pers_nurse[x, n] += 1
                if st.pers_nurse[x, n] == 1:
                    c[C_S3] += 1
            else:
                st.pers_nurse[x, n] -= 1
                if st.pers_nurse[x, n] == 0:
                    c[C_S3] -= 1


@njit
def surgery(data: Data, st: State, p: int, a: int, t: int, sign: int) -> None:
    """Add or remove the surgery of patient ``p`` on day ``a`` in theatre ``t`` (S5-S8, H3-H5)."""
    c = st.c
    u = data.p_surgeon[p]
    dur = data.p_duration[p]
    cap_t = data.availability[t, a]
    old = st.theater_load[t, a]
    new = old + sign * dur
    st.theater_load[t, a] = new
    c[C_H4] += max(0, new - cap_t) - max(0, old - cap_t)
    cap_u = data.max_surgery[u, a]
    old = st.surgeon_load[u, a]
    new = old + sign * dur
    st.surgeon_load[u, a] = new
    c[C_H3] += max(0, new - cap_u) - max(0, old - cap_u)
    tc = st.theater_cnt[t, a] + sign
    st.theater_cnt[t, a] = tc
    if sign > 0 and tc == 1:
        c[C_S5] += 1
    elif sign < 0 and tc == 0:
        c[C_S5] -= 1
    uc = st.surgeon_theater[u, a, t] + sign
    st.surgeon_theater[u, a, t] = uc
    if sign > 0 and uc == 1:
        m = st.surgeon_ntheaters[u, a] + 1
        st.surgeon_ntheaters[u, a] = m
        if m > 1:
            c[C_S6] += 1
    elif sign < 0 and uc == 0:
        m = st.surgeon_ntheaters[u, a] - 1
        st.surgeon_ntheaters[u, a] = m
        if m >= 1:
            c[C_S6] -= 1
    c[C_S7] += sign * (a - data.p_release[p])
    if data.p_mandatory[p] == 1:
        c[C_H5] -= sign
    else:
        c[C_S8] -= sign


@njit
def admit(data: Data, st: State, p: int, a: int, r: int, t: int) -> None:
    """Schedule patient ``p`` (currently unscheduled) on day ``a`` in room ``r``, theatre ``t``."""
    st.adm[p] = a
    st.room[p] = r
    st.theater[p] = t
    ward(data, st, p, a, r, 1)
    surgery(data, st, p, a, t, 1)


@njit
def discharge(data: Data, st: State, p: int) -> None:
    """Unschedule patient ``p`` (currently scheduled)."""
    a = st.adm[p]
    ward(data, st, p, a, st.room[p], -1)
    surgery(data, st, p, a, st.theater[p], -1)
    st.adm[p] = -1


@njit
def fits(data: Data, st: State, x: int, a: int, r: int) -> bool:
    """Whether room ``r`` has a free bed on every stay day of ``x`` admitted on ``a``."""
    end = min(a + data.pers_los[x], data.n_days)
    cap = data.capacity[r]
    for d in range(a, end):  # noqa: SIM110 - plain loops compile best in numba
        if st.occ_n[r, d] >= cap:
            return False
    return True


@njit
def set_nurse(data: Data, st: State, r: int, g: int, n2: int) -> None:
    """Make nurse ``n2`` (working in shift ``g``) the nurse of room ``r`` in shift ``g``."""
    n = st.nurse_of[r, g]
    if n == n2:
        return
    c = st.c
    load = st.room_load[r, g]
    if load != 0:
        ml = data.max_load[n, g]
        old = st.nurse_load[n, g]
        c[C_S4] += max(0, old - load - ml) - max(0, old - ml)
        st.nurse_load[n, g] = old - load
        ml = data.max_load[n2, g]
        old = st.nurse_load[n2, g]
        c[C_S4] += max(0, old + load - ml) - max(0, old - ml)
        st.nurse_load[n2, g] = old + load
    d = g // data.n_shifts
    nn = st.occ_n[r, d]
    if nn > 0:
        c[C_S2] += _shortfall(st.room_skill, r, g, data.n_skill[n2], data.n_levels) - _shortfall(
            st.room_skill, r, g, data.n_skill[n], data.n_levels
        )
        for k in range(nn):
            x = st.occ_list[r, d, k]
            st.pers_nurse[x, n] -= 1
            if st.pers_nurse[x, n] == 0:
                c[C_S3] -= 1
            st.pers_nurse[x, n2] += 1
            if st.pers_nurse[x, n2] == 1:
                c[C_S3] += 1
    st.nurse_of[r, g] = n2


# ------------------------------------------------------------------- set-up


@njit
def init_state(data: Data, st: State, seed: int) -> None:
    """Fill an all-zero state: random nurses, occupants placed, every patient unscheduled."""
    np.random.seed(seed)
    n_g = data.n_days * data.n_shifts
    for r in range(data.n_rooms):
        for g in range(n_g):
            st.nurse_of[r, g] = data.working[g, np.random.randint(data.n_working[g])]
    for p in range(data.n_patients):
        st.adm[p] = -1
        st.room[p] = -1
        st.theater[p] = -1
        if data.p_mandatory[p] == 1:
            st.c[C_H5] += 1
        else:
            st.c[C_S8] += 1
    for o in range(data.occ_room.shape[0]):
        x = data.n_patients + o
        st.adm[x] = 0
        st.room[x] = data.occ_room[o]
        ward(data, st, x, 0, data.occ_room[o], 1)
    st.best_obj[0] = -1


@njit
def load_solution(
    data: Data, st: State, adm: IntArray, room: IntArray, theater: IntArray, nurse_of: IntArray
) -> bool:
    """Replace patients and nurses by a given solution; False if a room would overflow."""
    n_g = data.n_days * data.n_shifts
    for p in range(data.n_patients):
        if st.adm[p] >= 0:
            discharge(data, st, p)
    for r in range(data.n_rooms):
        for g in range(n_g):
            set_nurse(data, st, r, g, nurse_of[r, g])
    ok = True
    for p in range(data.n_patients):
        if adm[p] >= 0:
            if fits(data, st, p, adm[p], room[p]):
                admit(data, st, p, adm[p], room[p], theater[p])
            else:
                ok = False
    return ok


@njit
def save_best(data: Data, st: State) -> None:
    """Copy the current state into the best-solution arrays."""
    st.best_adm[:] = st.adm[: data.n_patients]
    st.best_room[:] = st.room[: data.n_patients]
    st.best_theater[:] = st.theater
    st.best_nurse_of[:, :] = st.nurse_of
    st.best_c[:] = st.c
    st.best_obj[0] = objective(data, st.c)
