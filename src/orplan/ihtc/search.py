"""Bridge between an :class:`~orplan.ihtc.instance.Instance` and the compiled kernel.

:func:`build_data` turns an instance into the kernel's :class:`~orplan.ihtc.kernel.Data`
arrays (with the pruned admission-day and room domains), :func:`new_state`
allocates a :class:`~orplan.ihtc.kernel.State`, and :func:`to_solution`
writes the best state back as an official :class:`~orplan.ihtc.solution.Solution`.
"""

from __future__ import annotations

import numpy as np

from orplan.ihtc.instance import Instance
from orplan.ihtc.kernel import N_COUNTERS, N_MOVES, Data, State, init_state
from orplan.ihtc.solution import (
    NurseRoster,
    PatientDecision,
    ShiftAssignment,
    Solution,
    encode_solution,
)

__all__ = ["DEFAULT_PENALTY", "build_data", "from_solution", "new_state", "to_solution"]

#: Penalty per unit of H1 (person), H3 and H4 (minute), H5 (patient).
DEFAULT_PENALTY = (2000, 100, 100, 20000)


def _i64(values: object) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.int64))


def build_data(inst: Instance, penalty: tuple[int, int, int, int] = DEFAULT_PENALTY) -> Data:
    """Build the kernel's instance arrays.

    The admission-day domain of a patient is ``release .. last`` restricted to
    days on which the surgeon's budget and some theatre's opening both cover
    the surgery duration (when that leaves nothing, the unrestricted window is
    used, so that the penalties can still steer a mandatory patient). The room
    domain is the compatible rooms with at least one bed.

    Parameters
    ----------
    inst : Instance
        The instance.
    penalty : tuple of int, optional
        Weights of the hard counts H1, H3, H4 and H5 in the search objective.

    Returns
    -------
    Data
        The kernel arrays.
    """
    a = inst.arrays
    n_days, n_shifts = inst.days, inst.n_shifts
    n_g = n_days * n_shifts
    n_p, n_o = len(inst.patients), len(inst.occupants)
    n_r, n_t, n_n = len(inst.rooms), len(inst.operating_theaters), len(inst.nurses)
    width = max(int(a.p_workload.shape[1]), n_g)
    n_x = n_p + n_o

    pers_work = np.zeros((n_x, width), dtype=np.int64)
    pers_skill = np.zeros((n_x, width), dtype=np.int64)
    pers_work[:n_p, : a.p_workload.shape[1]] = a.p_workload
    pers_skill[:n_p, : a.p_skill.shape[1]] = a.p_skill
    if n_o:
        pers_work[n_p:, :n_g] = a.o_workload
        pers_skill[n_p:, :n_g] = a.o_skill
    n_levels = int(max(pers_skill.max(initial=0), a.n_skill.max(initial=0))) + 1

    t_open = np.zeros((n_days, max(n_t, 1)), dtype=np.int64)
    t_nopen = np.zeros(n_days, dtype=np.int64)
    for d in range(n_days):
        ts = np.flatnonzero(a.t_availability[:, d] > 0)
        t_open[d, : ts.size] = ts
        t_nopen[d] = ts.size

    p_days = np.zeros((n_p, n_days), dtype=np.int64)
    p_ndays = np.zeros(n_p, dtype=np.int64)
    p_rooms = np.zeros((n_p, max(n_r, 1)), dtype=np.int64)
    p_nrooms = np.zeros(n_p, dtype=np.int64)
    best_theatre = a.t_availability.max(axis=0) if n_t else np.zeros(n_days, dtype=np.int64)
    for p in range(n_p):
        lo = max(int(a.p_release[p]), 0)
        hi = min(int(a.p_last[p]), n_days - 1)
        window = np.arange(lo, hi + 1)
        dur = a.p_duration[p]
        ok = window[(a.u_max_time[a.p_surgeon[p], window] >= dur) & (best_theatre[window] >= dur)]
        if ok.size == 0 and a.p_mandatory[p]:
            ok = window[t_nopen[window] > 0] if window.size else window
        p_days[p, : ok.size] = ok
        p_ndays[p] = ok.size
        rooms = np.flatnonzero(~a.p_incompatible[p, :n_r] & (a.r_capacity > 0))
        p_rooms[p, : rooms.size] = rooms
        p_nrooms[p] = rooms.size

    max_load = np.zeros((n_n, n_g), dtype=np.int64)
    max_load[a.ws_nurse, a.ws_shift] = a.ws_max_load
    working = np.zeros((n_g, max(n_n, 1)), dtype=np.int64)
    n_working = np.zeros(n_g, dtype=np.int64)
    for g in range(n_g):
        ns = np.flatnonzero(a.n_working[:, g])
        working[g, : ns.size] = ns
        n_working[g] = ns.size
    nurse_shifts = np.zeros((n_n, n_g), dtype=np.int64)
    nurse_nshifts = np.zeros(n_n, dtype=np.int64)
    for n in range(n_n):
        gs = np.flatnonzero(a.n_working[n])
        nurse_shifts[n, : gs.size] = gs
        nurse_nshifts[n] = gs.size

    n_u = len(inst.surgeons)
    u_patients = np.zeros((max(n_u, 1), max(n_p, 1)), dtype=np.int64)
    u_npatients = np.zeros(max(n_u, 1), dtype=np.int64)
    for p in range(n_p):
        u = int(a.p_surgeon[p])
        u_patients[u, u_npatients[u]] = p
        u_npatients[u] += 1

    return Data(
        n_days=n_days,
        n_shifts=n_shifts,
        n_rooms=n_r,
        n_theaters=n_t,
        n_nurses=n_n,
        n_patients=n_p,
        n_ages=len(inst.age_groups),
        n_levels=n_levels,
        weights=_i64(inst.weights.as_tuple()),
        penalty=_i64(penalty),
        capacity=_i64(a.r_capacity),
        pers_los=_i64(np.concatenate([a.p_los, a.o_days])),
        pers_gender_a=_i64(np.concatenate([a.p_gender_a, a.o_gender_a])),
        pers_age=_i64(np.concatenate([a.p_age, a.o_age])),
        pers_work=pers_work,
        pers_skill=pers_skill,
        occ_room=_i64(a.o_room),
        p_mandatory=_i64(a.p_mandatory),
        p_release=_i64(a.p_release),
        p_duration=_i64(a.p_duration),
        p_surgeon=_i64(a.p_surgeon),
        p_days=p_days,
        p_ndays=p_ndays,
        p_rooms=p_rooms,
        p_nrooms=p_nrooms,
        t_open=t_open,
        t_nopen=t_nopen,
        availability=_i64(a.t_availability),
        max_surgery=_i64(a.u_max_time),
        n_skill=_i64(a.n_skill),
        max_load=max_load,
        working=working,
        n_working=n_working,
        nurse_shifts=nurse_shifts,
        nurse_nshifts=nurse_nshifts,
        u_patients=u_patients,
        u_npatients=u_npatients,
    )


def new_state(inst: Instance, data: Data, seed: int) -> State:
    """Allocate a state: occupants placed, random nurses, no patient scheduled.

    Parameters
    ----------
    inst : Instance
        The instance ``data`` was built from.
    data : Data
        Kernel arrays of the instance.
    seed : int
        Seed of the kernel's random generator (for the calling thread).

    Returns
    -------
    State
        The initial state.
    """
    n_days, n_g = data.n_days, data.n_days * data.n_shifts
    n_p, n_r, n_t = data.n_patients, data.n_rooms, data.n_theaters
    n_x = n_p + len(inst.occupants)
    n_u, n_n = len(inst.surgeons), data.n_nurses
    cmax = int(data.capacity.max(initial=0)) + 1

    def z(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.int64)

    st = State(
        adm=z(n_x),
        room=z(n_x),
        theater=z(n_p),
        occ_n=z(n_r, n_days),
        occ_list=z(n_r, n_days, cmax),
        cnt_a=z(n_r, n_days),
        age_cnt=z(n_r, n_days, data.n_ages),
        room_load=z(n_r, n_g),
        room_skill=z(n_r, n_g, data.n_levels),
        nurse_of=z(n_r, n_g),
        nurse_load=z(n_n, n_g),
        pers_nurse=z(n_x, n_n),
        theater_load=z(n_t, n_days),
        surgeon_load=z(n_u, n_days),
        theater_cnt=z(n_t, n_days),
        surgeon_theater=z(n_u, n_days, n_t),
        surgeon_ntheaters=z(n_u, n_days),
        c=z(N_COUNTERS),
        best_adm=z(n_p),
        best_room=z(n_p),
        best_theater=z(n_p),
        best_nurse_of=z(n_r, n_g),
        best_c=z(N_COUNTERS),
        best_obj=z(1),
        stats=z(N_MOVES, 2),
    )
    init_state(data, st, seed)
    return st


def to_solution(
    inst: Instance,
    adm: np.ndarray,
    room: np.ndarray,
    theater: np.ndarray,
    nurse_of: np.ndarray,
) -> Solution:
    """Write kernel arrays as an official solution.

    Each nurse lists, for each of her working shifts, the occupied rooms she
    is the nurse of (empty rooms are left out; they would cost nothing).

    Parameters
    ----------
    inst : Instance
        The instance.
    adm, room, theater : numpy.ndarray
        Per patient: admission day (-1 unscheduled), room and theatre index.
    nurse_of : numpy.ndarray
        ``(rooms, days * shifts)`` nurse index of each room-shift.

    Returns
    -------
    Solution
        The solution in file order (patients and nurses as in the instance).
    """
    n_shifts = inst.n_shifts
    patients = []
    occupied = np.zeros((len(inst.rooms), inst.days), dtype=bool)
    for o in inst.occupants:
        occupied[o.room, : min(o.length_of_stay, inst.days)] = True
    for p, pat in enumerate(inst.patients):
        if adm[p] < 0:
            patients.append(PatientDecision(id=pat.id, admission_day=None))
            continue
        a = int(adm[p])
        occupied[room[p], a : min(a + pat.length_of_stay, inst.days)] = True
        patients.append(
            PatientDecision(
                id=pat.id,
                admission_day=a,
                room=inst.rooms[int(room[p])].id,
                operating_theater=inst.operating_theaters[int(theater[p])].id,
            )
        )
    rosters = []
    for n, nurse in enumerate(inst.nurses):
        assignments = []
        for ws in nurse.working_shifts:
            g = ws.day * n_shifts + ws.shift
            rooms = tuple(
                inst.rooms[r].id
                for r in range(len(inst.rooms))
                if nurse_of[r, g] == n and occupied[r, ws.day]
            )
            assignments.append(
                ShiftAssignment(day=ws.day, shift=inst.shift_types[ws.shift], rooms=rooms)
            )
        rosters.append(NurseRoster(id=nurse.id, assignments=tuple(assignments)))
    return Solution(patients=tuple(patients), nurses=tuple(rosters))


def from_solution(
    inst: Instance, data: Data, solution: Solution
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kernel arrays of an official solution (the inverse of :func:`to_solution`).

    Room-shifts the solution leaves without a nurse (empty rooms) get the
    first nurse working that shift.

    Parameters
    ----------
    inst : Instance
        The instance.
    data : Data
        Kernel arrays of the instance.
    solution : Solution
        A solution for it.

    Returns
    -------
    adm, room, theater, nurse_of : numpy.ndarray
        As :func:`orplan.ihtc.kernel.load_solution` takes them.
    """
    arrays = encode_solution(inst, solution)
    adm = np.where(arrays.scheduled, arrays.admission, -1).astype(np.int64)
    nurse_of = np.tile(data.working[:, 0], (data.n_rooms, 1))  # (rooms, shifts)
    g = arrays.listing_day * data.n_shifts + arrays.listing_shift
    inside = (arrays.listing_day >= 0) & (arrays.listing_day < data.n_days)
    nurse_of[arrays.listing_room[inside], g[inside]] = arrays.listing_nurse[inside]
    return adm, arrays.room.copy(), arrays.theater.copy(), nurse_of
