"""Cross-check of the numpy evaluator against a literal, loop-based reading of the spec.

The reference below works on the raw JSON (not on the package's parsed model)
and follows ``docs/ihtc2024.md`` sections 3-7 line by line. Random edits of the
published solutions (moves, unscheduling, nurse re-assignments, duplicated and
non-working listings) give many infeasible solutions on which all 17 counts
must agree.
"""

from __future__ import annotations

import copy
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from orplan.ihtc import HARD_RULES, SOFT_RULES, Instance, evaluate, parse_solution


def spec_counts(inst: dict[str, Any], sol: dict[str, Any]) -> dict[str, int]:
    """Compute H1..H9 and S1..S8 by direct enumeration.

    Parameters
    ----------
    inst : dict
        Decoded instance JSON.
    sol : dict
        Decoded solution JSON.

    Returns
    -------
    dict
        Count per rule name.
    """
    n_days = inst["days"]
    shifts = inst["shift_types"]
    n_s = len(shifts)
    age = {a: i for i, a in enumerate(inst["age_groups"])}
    patients = {p["id"]: p for p in inst["patients"]}
    capacity = {r["id"]: r["capacity"] for r in inst["rooms"]}
    nurse_skill = {n["id"]: n["skill_level"] for n in inst["nurses"]}
    max_load: dict[tuple[str, int], int] = {}
    for n in inst["nurses"]:
        for w in n["working_shifts"]:
            max_load[(n["id"], w["day"] * n_s + shifts.index(w["shift"]))] = w["max_load"]

    scheduled: dict[str, tuple[int, str, str]] = {}
    for e in sol.get("patients", []):
        if e["admission_day"] != "none":
            assert e["id"] not in scheduled
            scheduled[e["id"]] = (e["admission_day"], e["room"], e["operating_theater"])

    # persons: (key, gender, age index, first day, workload, skill, room)
    persons = [
        (
            "o" + o["id"],
            o["gender"],
            age[o["age_group"]],
            0,
            o["workload_produced"],
            o["skill_level_required"],
            o["room_id"],
            o["length_of_stay"],
        )
        for o in inst["occupants"]
    ]
    for pid, (a, r, _t) in scheduled.items():
        p = patients[pid]
        persons.append(
            (
                "p" + pid,
                p["gender"],
                age[p["age_group"]],
                a,
                p["workload_produced"],
                p["skill_level_required"],
                r,
                p["length_of_stay"],
            )
        )
    present: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for x in persons:
        first, los = x[3], x[7]
        for d in range(max(first, 0), min(n_days, first + los)):
            present[(x[6], d)].append(x)

    room_nurse: dict[tuple[str, int], str] = {}
    rooms_of: dict[tuple[str, int], list[str]] = defaultdict(list)
    presence = 0
    for e in sol.get("nurses", []):
        for asg in e.get("assignments", []):
            g = asg["day"] * n_s + shifts.index(asg["shift"])
            for r in asg.get("rooms", []):
                inside = 0 <= asg["day"] < n_days
                if not inside or (e["id"], g) not in max_load:
                    presence += 1
                if inside:
                    room_nurse[(r, g)] = e["id"]
                    rooms_of[(e["id"], g)].append(r)

    c: dict[str, int] = dict.fromkeys((*HARD_RULES, *SOFT_RULES), 0)
    c["NursePresence"] = presence
    for r, cap in capacity.items():
        for d in range(n_days):
            people = present.get((r, d), [])
            n_a = sum(1 for x in people if x[1] == "A")
            c["RoomGenderMix"] += min(n_a, len(people) - n_a)
            c["RoomCapacity"] += max(0, len(people) - cap)
            if people:
                ages = [x[2] for x in people]
                c["RoomAgeMix"] += max(ages) - min(ages)
            for k in range(n_s):
                g = d * n_s + k
                nurse = room_nurse.get((r, g))
                if people and nurse is None:
                    c["UncoveredRoom"] += 1
                if nurse is not None:
                    for x in people:
                        need = x[5][g - x[3] * n_s]
                        c["RoomSkillLevel"] += max(0, need - nurse_skill[nurse])
    for x in persons:
        cared = {
            room_nurse[(x[6], g)]
            for g in range(max(x[3], 0) * n_s, min(x[3] + x[7], n_days) * n_s)
            if (x[6], g) in room_nurse
        }
        c["ContinuityOfCare"] += len(cared)
    for n in inst["nurses"]:
        for w in n["working_shifts"]:
            g = w["day"] * n_s + shifts.index(w["shift"])
            load = sum(
                x[4][g - x[3] * n_s]
                for r in rooms_of.get((n["id"], g), [])
                for x in present.get((r, w["day"]), [])
            )
            c["ExcessiveNurseWorkload"] += max(0, load - max_load[(n["id"], g)])

    surgeon_load: dict[tuple[str, int], int] = defaultdict(int)
    theater_load: dict[tuple[str, int], int] = defaultdict(int)
    theaters_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    open_theaters: set[tuple[str, int]] = set()
    for pid, (a, r, t) in scheduled.items():
        p = patients[pid]
        last = p["surgery_due_day"] if p["mandatory"] else n_days - 1
        c["PatientRoomCompatibility"] += r in (p.get("incompatible_room_ids") or [])
        out = a < 0 or a >= n_days
        c["AdmissionDay"] += out or a < p["surgery_release_day"] or a > last
        c["PatientDelay"] += max(0, a - p["surgery_release_day"])
        if not out:
            surgeon_load[(p["surgeon_id"], a)] += p["surgery_duration"]
            theater_load[(t, a)] += p["surgery_duration"]
            theaters_of[(p["surgeon_id"], a)].add(t)
            open_theaters.add((t, a))
    for p in inst["patients"]:
        if p["id"] not in scheduled:
            c[
                "MandatoryUnscheduledPatients" if p["mandatory"] else "ElectiveUnscheduledPatients"
            ] += 1
    for u in inst["surgeons"]:
        for d in range(n_days):
            c["SurgeonOvertime"] += max(0, surgeon_load[(u["id"], d)] - u["max_surgery_time"][d])
    for t in inst["operating_theaters"]:
        for d in range(n_days):
            c["OperatingTheaterOvertime"] += max(
                0, theater_load[(t["id"], d)] - t["availability"][d]
            )
    c["OpenOperatingTheater"] = len(open_theaters)
    c["SurgeonTransfer"] = sum(len(ts) - 1 for ts in theaters_of.values())
    return c


def mutate(inst: dict[str, Any], sol: dict[str, Any], rng: random.Random, n_edits: int) -> None:
    """Apply ``n_edits`` random edits to a solution in place.

    Parameters
    ----------
    inst : dict
        Decoded instance JSON.
    sol : dict
        Decoded solution JSON (modified).
    rng : random.Random
        Source of randomness.
    n_edits : int
        Number of edits.
    """
    days = inst["days"]
    rooms = [r["id"] for r in inst["rooms"]]
    theaters = [t["id"] for t in inst["operating_theaters"]]
    shifts = inst["shift_types"]
    for _ in range(n_edits):
        kind = rng.randrange(9)
        entries = sol["patients"]
        if kind <= 3 and entries:
            e = rng.choice(entries)
            if kind == 0 or e["admission_day"] == "none":
                e.update(
                    admission_day=rng.randrange(days),
                    room=rng.choice(rooms),
                    operating_theater=rng.choice(theaters),
                )
            elif kind == 1:
                e["room"] = rng.choice(rooms)
            elif kind == 2:
                e["operating_theater"] = rng.choice(theaters)
            else:
                e["admission_day"] = "none"
        elif kind == 4 and entries:
            entries.remove(rng.choice(entries))
        elif kind <= 6 and sol["nurses"]:
            roster = rng.choice(sol["nurses"])
            if roster["assignments"]:
                asg = rng.choice(roster["assignments"])
                if kind == 5:
                    asg["rooms"].append(rng.choice(rooms))
                elif asg["rooms"]:
                    asg["rooms"].remove(rng.choice(asg["rooms"]))
        elif kind == 7:
            nurse = rng.choice(inst["nurses"])
            sol["nurses"].append(
                {
                    "id": nurse["id"],
                    "assignments": [
                        {
                            "day": rng.randrange(days),
                            "shift": rng.choice(shifts),
                            "rooms": [rng.choice(rooms)],
                        }
                    ],
                }
            )
        else:
            rng.shuffle(sol["nurses"])


CASES = [
    ("i01", "upper_bound"),
    ("i05", "competition_best"),
    ("i07", "upper_bound"),
    ("i13", "competition_best"),
    ("test01", "test"),
    ("test06", "test"),
]


@pytest.mark.parametrize(("name", "folder"), CASES)
def test_matches_literal_spec_on_random_edits(
    name: str,
    folder: str,
    instance_of: Callable[[str], Instance],
    raw_json: Callable[[str], Any],
) -> None:
    """On randomly edited solutions every hard and soft count equals the literal computation."""
    inst_raw = raw_json(f"instances/{name}.json")
    sol_raw = raw_json(f"solutions/{folder}/sol_{name}.json")
    inst = instance_of(name)
    rng = random.Random(f"{name}-{folder}")
    infeasible = 0
    for trial in range(12):
        sol = copy.deepcopy(sol_raw)
        mutate(inst_raw, sol, rng, n_edits=1 + 3 * trial)
        result = evaluate(inst, parse_solution(sol))
        mine = {v.name: v.count for v in result.violations}
        mine.update({c.name: c.raw for c in result.costs})
        assert mine == spec_counts(inst_raw, sol), f"trial {trial}"
        infeasible += not result.feasible
    assert infeasible >= 6  # the edits really do exercise the hard constraints


@pytest.mark.parametrize("name", ["i01", "test01"])
def test_literal_spec_matches_reference(
    name: str, raw_json: Callable[[str], Any], instance_of: Callable[[str], Instance]
) -> None:
    """The literal computation itself reproduces the published solutions' totals."""
    folder = "test" if name.startswith("test") else "upper_bound"
    sol = raw_json(f"solutions/{folder}/sol_{name}.json")
    counts = spec_counts(raw_json(f"instances/{name}.json"), sol)
    weights = instance_of(name).weights.as_tuple()
    assert all(counts[h] == 0 for h in HARD_RULES)
    total = sum(w * counts[s] for w, s in zip(weights, SOFT_RULES, strict=True))
    assert total == evaluate(instance_of(name), parse_solution(sol)).total_cost
