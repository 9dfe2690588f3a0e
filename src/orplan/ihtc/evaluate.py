"""Exact evaluator for IHTC-2024 solutions.

Reproduces the hard-constraint counts H1..H9 and the soft costs S1..S8 of the
official validator as specified in ``docs/ihtc2024.md`` (sections 4-8). All
counts are computed with numpy on integer index arrays: about 0.7 ms per call
on i30 for an already encoded solution (see
:func:`~orplan.ihtc.solution.encode_solution`), about 2 ms from a
:class:`~orplan.ihtc.solution.Solution`.

Where the validator aborts or its behaviour is undefined, this evaluator
either raises :class:`~orplan.ihtc.solution.SolutionFormatError` (unknown ids,
a patient scheduled twice) or reports a violation and carries on:

* a nurse listing a room in a shift she does not work (the validator aborts)
  is counted in ``NursePresence``, once per listing; a listing on a day
  outside the horizon counts there too and is otherwise ignored;
* an admission day outside ``0..days-1`` counts in ``AdmissionDay``; only the
  stay days inside the horizon are evaluated and a surgery outside the horizon
  adds no theatre or surgeon load;
* an occupied room-shift without a nurse counts in ``UncoveredRoom`` and adds
  nothing to ``RoomSkillLevel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from orplan.ihtc.instance import WEIGHT_KEYS, Instance
from orplan.ihtc.solution import Solution, SolutionArrays, encode_solution

__all__ = [
    "HARD_RULES",
    "SOFT_RULES",
    "CostComponent",
    "Evaluation",
    "Violation",
    "evaluate",
]

IntArray = npt.NDArray[np.int64]

#: Hard-constraint names in the validator's order (H1..H9).
HARD_RULES: tuple[str, ...] = (
    "RoomGenderMix",
    "PatientRoomCompatibility",
    "SurgeonOvertime",
    "OperatingTheaterOvertime",
    "MandatoryUnscheduledPatients",
    "AdmissionDay",
    "RoomCapacity",
    "NursePresence",
    "UncoveredRoom",
)

#: Soft-cost names in the validator's order (S1..S8).
SOFT_RULES: tuple[str, ...] = (
    "RoomAgeMix",
    "RoomSkillLevel",
    "ContinuityOfCare",
    "ExcessiveNurseWorkload",
    "OpenOperatingTheater",
    "SurgeonTransfer",
    "PatientDelay",
    "ElectiveUnscheduledPatients",
)


@dataclass(frozen=True)
class Violation:
    """Count of one hard constraint.

    Attributes
    ----------
    code : str
        ``H1`` .. ``H9``.
    name : str
        Name as printed by the validator, e.g. ``RoomCapacity``.
    count : int
        The validator's count (minutes for the overtime rules).
    details : tuple of str
        One human-readable line per offending item (empty when the count is 0
        or when details were not requested).
    """

    code: str
    name: str
    count: int
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class CostComponent:
    """One soft-cost component.

    Attributes
    ----------
    code : str
        ``S1`` .. ``S8``.
    name : str
        Name as printed by the validator, e.g. ``PatientDelay``.
    weight_key : str
        Key of the weight in the instance's ``weights`` object.
    raw : int
        Unweighted count.
    weight : int
        Weight from the instance.
    """

    code: str
    name: str
    weight_key: str
    raw: int
    weight: int

    @property
    def weighted(self) -> int:
        """Weighted cost ``weight * raw``."""
        return self.weight * self.raw


@dataclass(frozen=True)
class Evaluation:
    """Result of evaluating a solution.

    Attributes
    ----------
    violations : tuple of Violation
        All nine hard constraints in H1..H9 order (including zero counts).
    costs : tuple of CostComponent
        All eight soft costs in S1..S8 order.
    """

    violations: tuple[Violation, ...]
    costs: tuple[CostComponent, ...]

    @property
    def total_violations(self) -> int:
        """Plain (unweighted) sum of the hard counts, as the validator prints it."""
        return sum(v.count for v in self.violations)

    @property
    def total_cost(self) -> int:
        """Sum of the weighted soft costs."""
        return sum(c.weighted for c in self.costs)

    @property
    def feasible(self) -> bool:
        """Whether every hard count is zero."""
        return self.total_violations == 0

    def violation(self, name: str) -> Violation:
        """Return the hard constraint with the given name or code.

        Parameters
        ----------
        name : str
            A name from :data:`HARD_RULES` or a code ``H1`` .. ``H9``.

        Returns
        -------
        Violation
            The matching entry.

        Raises
        ------
        KeyError
            If no rule has that name.
        """
        for v in self.violations:
            if name in (v.name, v.code):
                return v
        raise KeyError(name)

    def cost(self, name: str) -> CostComponent:
        """Return the soft-cost component with the given name or code.

        Parameters
        ----------
        name : str
            A name from :data:`SOFT_RULES` or a code ``S1`` .. ``S8``.

        Returns
        -------
        CostComponent
            The matching entry.

        Raises
        ------
        KeyError
            If no component has that name.
        """
        for c in self.costs:
            if name in (c.name, c.code):
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable summary.

        Returns
        -------
        dict
            Keys ``feasible``, ``total_violations``, ``total_cost``,
            ``violations`` and ``costs``.
        """
        return {
            "feasible": self.feasible,
            "total_violations": self.total_violations,
            "total_cost": self.total_cost,
            "violations": [
                {"code": v.code, "name": v.name, "count": v.count, "details": list(v.details)}
                for v in self.violations
            ],
            "costs": [
                {
                    "code": c.code,
                    "name": c.name,
                    "weight_key": c.weight_key,
                    "raw": c.raw,
                    "weight": c.weight,
                    "weighted": c.weighted,
                }
                for c in self.costs
            ],
        }

    def report(self) -> str:
        """Format the counts in the official validator's (non-verbose) layout.

        Returns
        -------
        str
            The report, ending with a newline.
        """
        lines = ["VIOLATIONS: "]
        lines += [f"{v.name:.<30}{v.count:.>5}" for v in self.violations]
        lines += [f"Total violations = {self.total_violations}", "", "COSTS (weight X cost): "]
        lines += [
            f"{c.name:.<30}{c.weighted:.>10} ({c.weight:>3} X {c.raw:>3})" for c in self.costs
        ]
        lines.append(f"Total cost = {self.total_cost}")
        return "\n".join(lines) + "\n"


def evaluate(
    instance: Instance, solution: Solution | SolutionArrays, *, details: bool = True
) -> Evaluation:
    """Evaluate a solution exactly as the official IHTC-2024 validator does.

    Parameters
    ----------
    instance : Instance
        The instance.
    solution : Solution or SolutionArrays
        The solution, either as read from a file or already encoded with
        :func:`~orplan.ihtc.solution.encode_solution` (faster in a loop).
    details : bool, optional
        Whether to build the human-readable lines for each violation
        (default true). Counts are the same either way.

    Returns
    -------
    Evaluation
        Hard counts, soft components and totals.

    Raises
    ------
    SolutionFormatError
        If the solution names unknown entities or schedules a patient twice.
    """
    arrays = (
        solution if isinstance(solution, SolutionArrays) else encode_solution(instance, solution)
    )
    state = _State(instance, arrays)
    hard = state.hard_counts()
    soft = state.soft_counts()
    weights = instance.weights.as_tuple()
    violations = tuple(
        Violation(
            code=f"H{i + 1}",
            name=name,
            count=hard[i],
            details=tuple(state.hard_details(i)) if details and hard[i] > 0 else (),
        )
        for i, name in enumerate(HARD_RULES)
    )
    costs = tuple(
        CostComponent(
            code=f"S{i + 1}", name=name, weight_key=WEIGHT_KEYS[i], raw=soft[i], weight=weights[i]
        )
        for i, name in enumerate(SOFT_RULES)
    )
    return Evaluation(violations=violations, costs=costs)


def _n_distinct(keys: IntArray, size: int) -> int:
    """Number of distinct values in ``keys``, all in ``0..size-1``."""
    return int(np.count_nonzero(np.bincount(keys, minlength=size)))


def _clip_sum(values: npt.NDArray[Any]) -> int:
    """Sum of the positive parts of ``values``."""
    return int(np.maximum(values, 0).sum())


class _State:
    """Derived state (section 4 of the spec) of one solution, as flat arrays."""

    def __init__(self, inst: Instance, sol: SolutionArrays) -> None:
        a = inst.arrays
        self.inst = inst
        self.sol = sol
        n_days = inst.days
        n_shifts = inst.n_shifts
        n_g = n_days * n_shifts
        n_r = len(inst.rooms)
        n_p = len(inst.patients)
        self.n_days, self.n_shifts, self.n_g, self.n_r = n_days, n_shifts, n_g, n_r

        # Scheduled patients.
        pidx = np.flatnonzero(sol.scheduled)
        adm = sol.admission[pidx]
        proom = sol.room[pidx]
        self.pidx, self.adm, self.proom, self.ptheater = pidx, adm, proom, sol.theater[pidx]

        # Patient person-days inside the horizon.
        start = np.maximum(adm, 0)
        n_in = np.maximum(np.minimum(adm + a.p_los[pidx], n_days) - start, 0)
        rep = np.repeat(np.arange(pidx.size), n_in)
        day = start[rep] + np.arange(rep.size) - np.repeat(np.cumsum(n_in) - n_in, n_in)
        pd_patient = pidx[rep]
        pd_room = proom[rep]

        # All person-days (patients first, then occupants); persons are numbered
        # 0..P-1 for patients and P.. for occupants.
        self.pd_room = np.concatenate([pd_room, a.o_pd_room])
        self.pd_day = np.concatenate([day, a.o_pd_day])
        pd_gender_a = np.concatenate([a.p_gender_a[pd_patient], a.o_gender_a[a.o_pd_occupant]])
        pd_age = np.concatenate([a.p_age[pd_patient], a.o_age[a.o_pd_occupant]])

        n_age = len(inst.age_groups)
        rd = self.pd_room * n_days + self.pd_day
        self.age_counts = np.bincount(rd * n_age + pd_age, minlength=n_r * n_days * n_age).reshape(
            n_r * n_days, n_age
        )
        self.count = self.age_counts.sum(axis=1)
        self.count_a = np.bincount(rd, weights=pd_gender_a, minlength=n_r * n_days).astype(np.int64)

        # Person-shifts.
        shifts = np.arange(n_shifts)
        loc = ((day - adm[rep]) * n_shifts)[:, None] + shifts
        ps_patient = np.repeat(pd_patient, n_shifts)
        p_ps_workload = a.p_workload[pd_patient[:, None], loc].ravel()
        p_ps_skill = a.p_skill[pd_patient[:, None], loc].ravel()
        self.ps_person = np.concatenate([ps_patient, a.o_ps_occupant + n_p])
        self.ps_room = np.concatenate([np.repeat(pd_room, n_shifts), a.o_ps_room])
        self.ps_g = np.concatenate([(day[:, None] * n_shifts + shifts).ravel(), a.o_ps_shift])
        self.ps_workload = np.concatenate([p_ps_workload, a.o_ps_workload])
        self.ps_skill = np.concatenate([p_ps_skill, a.o_ps_skill])
        ps_rg = self.ps_room * n_g + self.ps_g
        self.room_load = np.bincount(ps_rg, weights=self.ps_workload, minlength=n_r * n_g)

        # Nurse listings and room nurses (last listing in file order wins).
        ln, lday = sol.listing_nurse, sol.listing_day
        lroom = sol.listing_room
        in_horizon = (lday >= 0) & (lday < n_days)
        lg = np.where(in_horizon, lday * n_shifts + sol.listing_shift, 0)
        self.listing_bad = ~in_horizon | ~a.n_working[ln, lg]
        ok = np.flatnonzero(in_horizon)
        keys = lroom[ok] * n_g + lg[ok]
        last = np.full(n_r * n_g, -1, dtype=np.int64)
        np.maximum.at(last, keys, ok)  # position of the last listing of each room-shift
        nr = np.append(ln, -1)[last]  # index -1 picks the appended "no nurse"
        self.nr = nr
        n_n = len(inst.nurses)
        self.nurse_load = np.bincount(
            ln[ok] * n_g + lg[ok], weights=self.room_load[keys], minlength=n_n * n_g
        )
        self.ps_nurse = nr[ps_rg]

        # Surgeries inside the horizon.
        surg = (adm >= 0) & (adm < n_days)
        self.s_patient = pidx[surg]
        self.s_day = adm[surg]
        self.s_theater = self.ptheater[surg]
        self.s_surgeon = a.p_surgeon[self.s_patient]
        dur = a.p_duration[self.s_patient]
        n_u = len(inst.surgeons)
        n_t = len(inst.operating_theaters)
        self.surgeon_load = np.bincount(
            self.s_surgeon * n_days + self.s_day, weights=dur, minlength=n_u * n_days
        ).astype(np.int64)
        self.theater_load = np.bincount(
            self.s_theater * n_days + self.s_day, weights=dur, minlength=n_t * n_days
        ).astype(np.int64)

    # ------------------------------------------------------------------ counts

    def _room_shift_occupied(self) -> npt.NDArray[np.bool_]:
        return np.repeat(self.count > 0, self.n_shifts)  # (R*D) -> (R*G), same order

    def hard_counts(self) -> list[int]:
        a = self.inst.arrays
        sol = self.sol
        count_b = self.count - self.count_a
        adm = self.adm
        pidx = self.pidx
        cap = np.repeat(a.r_capacity, self.n_days)
        return [
            int(np.minimum(self.count_a, count_b).sum()),
            int(a.p_incompatible[pidx, self.proom].sum()),
            _clip_sum(self.surgeon_load - a.u_max_time.ravel()),
            _clip_sum(self.theater_load - a.t_availability.ravel()),
            int((a.p_mandatory & ~sol.scheduled).sum()),
            int(
                (
                    (adm < a.p_release[pidx])
                    | (adm > a.p_last[pidx])
                    | (adm < 0)
                    | (adm >= self.n_days)
                ).sum()
            ),
            _clip_sum(self.count - cap),
            int(self.listing_bad.sum()),
            int((self._room_shift_occupied() & (self.nr < 0)).sum()),
        ]

    def soft_counts(self) -> list[int]:
        a = self.inst.arrays
        n_age = self.age_counts.shape[1]
        has = self.age_counts > 0
        occupied = self.count > 0
        max_age = n_age - 1 - np.argmax(has[:, ::-1], axis=1)
        min_age = np.argmax(has, axis=1)
        s1 = int((max_age - min_age)[occupied].sum())

        covered = self.ps_nurse >= 0
        nurse = self.ps_nurse[covered]
        s2 = _clip_sum(self.ps_skill[covered] - a.n_skill[nurse])
        n_n = max(len(self.inst.nurses), 1)
        n_persons = len(self.inst.patients) + len(self.inst.occupants)
        s3 = _n_distinct(self.ps_person[covered] * n_n + nurse, n_persons * n_n)

        load = self.nurse_load[a.ws_nurse * self.n_g + a.ws_shift]
        s4 = _clip_sum(np.rint(load).astype(np.int64) - a.ws_max_load)

        n_t = max(len(self.inst.operating_theaters), 1)
        n_ud = len(self.inst.surgeons) * self.n_days
        s5 = _n_distinct(self.s_theater * self.n_days + self.s_day, n_t * self.n_days)
        ud = self.s_surgeon * self.n_days + self.s_day
        s6 = _n_distinct(ud * n_t + self.s_theater, n_ud * n_t) - _n_distinct(ud, n_ud)
        s7 = _clip_sum(self.adm - a.p_release[self.pidx])
        s8 = int((~a.p_mandatory & ~self.sol.scheduled).sum())
        return [s1, s2, s3, s4, s5, s6, s7, s8]

    # ----------------------------------------------------------------- details

    def hard_details(self, rule: int) -> list[str]:
        funcs: list[Callable[[], list[str]]] = [
            self._d_gender,
            self._d_compat,
            self._d_surgeon,
            self._d_theater,
            self._d_mandatory,
            self._d_admission,
            self._d_capacity,
            self._d_presence,
            self._d_uncovered,
        ]
        return funcs[rule]()

    def _rd(self, flat: int) -> tuple[str, int]:
        return self.inst.rooms[flat // self.n_days].id, flat % self.n_days

    def _shift_name(self, g: int) -> str:
        return f"day {g // self.n_shifts} shift {self.inst.shift_types[g % self.n_shifts]}"

    def _d_gender(self) -> list[str]:
        count_b = self.count - self.count_a
        out = []
        for f in np.flatnonzero(np.minimum(self.count_a, count_b) > 0):
            rid, d = self._rd(int(f))
            out.append(
                f"room {rid} day {d}: {self.count_a[f]} patient(s) of gender A "
                f"and {count_b[f]} of gender B"
            )
        return out

    def _d_compat(self) -> list[str]:
        inc = self.inst.arrays.p_incompatible[self.pidx, self.proom]
        return [
            f"patient {self.inst.patients[p].id} is in incompatible room {self.inst.rooms[r].id}"
            for p, r in zip(self.pidx[inc], self.proom[inc], strict=True)
        ]

    def _overtime(self, load: IntArray, cap: IntArray, names: list[str], what: str) -> list[str]:
        out = []
        for f in np.flatnonzero(load > cap):
            i, d = divmod(int(f), self.n_days)
            out.append(
                f"{what} {names[i]} day {d}: {load[f]} min scheduled, {cap[f]} available "
                f"({load[f] - cap[f]} over)"
            )
        return out

    def _d_surgeon(self) -> list[str]:
        a = self.inst.arrays
        names = [s.id for s in self.inst.surgeons]
        return self._overtime(self.surgeon_load, a.u_max_time.ravel(), names, "surgeon")

    def _d_theater(self) -> list[str]:
        a = self.inst.arrays
        names = [t.id for t in self.inst.operating_theaters]
        return self._overtime(self.theater_load, a.t_availability.ravel(), names, "theater")

    def _d_mandatory(self) -> list[str]:
        a = self.inst.arrays
        return [
            f"mandatory patient {self.inst.patients[p].id} is not scheduled"
            for p in np.flatnonzero(a.p_mandatory & ~self.sol.scheduled)
        ]

    def _d_admission(self) -> list[str]:
        out = []
        for p, d in zip(self.pidx.tolist(), self.adm.tolist(), strict=True):
            pat = self.inst.patients[p]
            last = self.inst.last_admission_day(pat)
            if d < 0 or d >= self.n_days:
                out.append(
                    f"patient {pat.id} admitted on day {d}, outside the horizon "
                    f"0..{self.n_days - 1}"
                )
            elif d < pat.surgery_release_day or d > last:
                out.append(
                    f"patient {pat.id} admitted on day {d}, allowed "
                    f"{pat.surgery_release_day}..{last}"
                )
        return out

    def _d_capacity(self) -> list[str]:
        cap = self.inst.arrays.r_capacity
        out = []
        for f in np.flatnonzero(self.count > np.repeat(cap, self.n_days)):
            rid, d = self._rd(int(f))
            c = cap[f // self.n_days]
            out.append(f"room {rid} day {d}: {self.count[f]} persons, capacity {c}")
        return out

    def _d_presence(self) -> list[str]:
        sol = self.sol
        out = []
        for i in np.flatnonzero(self.listing_bad):
            n = self.inst.nurses[sol.listing_nurse[i]].id
            r = self.inst.rooms[sol.listing_room[i]].id
            d = int(sol.listing_day[i])
            k = self.inst.shift_types[sol.listing_shift[i]]
            if 0 <= d < self.n_days:
                out.append(
                    f"nurse {n} is assigned room {r} on day {d} shift {k}, not a working shift"
                )
            else:
                out.append(
                    f"nurse {n} is assigned room {r} on day {d} shift {k}, outside the horizon"
                )
        return out

    def _d_uncovered(self) -> list[str]:
        out = []
        for f in np.flatnonzero(self._room_shift_occupied() & (self.nr < 0)):
            r, g = divmod(int(f), self.n_g)
            out.append(f"room {self.inst.rooms[r].id} {self._shift_name(g)}: occupied, no nurse")
        return out
