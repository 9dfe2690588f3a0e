"""Tests of the IHTC-2024 evaluator against the official reference costs and broken solutions."""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orplan.ihtc import (
    HARD_RULES,
    SOFT_RULES,
    Instance,
    InstanceFormatError,
    NurseRoster,
    PatientDecision,
    ShiftAssignment,
    Solution,
    SolutionFormatError,
    evaluate,
    load_instance,
    load_solution,
    parse_instance,
    parse_solution,
    write_solution,
)
from orplan.ihtc.cli import main as cli_main

PUBLIC = [f"i{k:02d}" for k in range(1, 31)]
TEST = [f"test{k:02d}" for k in range(1, 11)]
REFERENCE_CASES = (
    [(name, "competition_best") for name in PUBLIC]
    + [(name, "upper_bound") for name in PUBLIC]
    + [(name, "competition_best") for name in TEST]
)


@pytest.fixture(scope="module")
def reference_rows(ihtc_data: Path) -> dict[tuple[str, str], tuple[int, str]]:
    """Map ``(instance, column)`` to ``(official cost, solution path)`` from reference_costs.csv."""
    rows: dict[tuple[str, str], tuple[int, str]] = {}
    with open(ihtc_data / "reference_costs.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for column in ("competition_best", "upper_bound"):
                if row[f"{column}_solution"]:
                    rows[(row["instance"], column)] = (
                        int(row[f"{column}_cost"]),
                        row[f"{column}_solution"],
                    )
    return rows


def test_reference_cases_cover_every_csv_row(
    reference_rows: dict[tuple[str, str], tuple[int, str]],
) -> None:
    """The parametrised reference cases are exactly the solutions listed in the CSV."""
    assert set(reference_rows) == set(REFERENCE_CASES)


@pytest.mark.parametrize(("name", "column"), REFERENCE_CASES, ids=lambda v: str(v))
def test_reference_solution_cost(
    name: str,
    column: str,
    reference_rows: dict[tuple[str, str], tuple[int, str]],
    ihtc_data: Path,
    instance_of: Callable[[str], Instance],
) -> None:
    """Every published solution is feasible and its total equals the official cost exactly."""
    cost, rel = reference_rows[(name, column)]
    result = evaluate(instance_of(name), load_solution(ihtc_data / rel))
    assert [v.count for v in result.violations] == [0] * 9
    assert result.feasible
    assert result.total_cost == cost


_COMPONENT_LABELS = {
    "AgeMix": "RoomAgeMix",
    "Skill": "RoomSkillLevel",
    "Continuity": "ContinuityOfCare",
    "Excess": "ExcessiveNurseWorkload",
    "OpenOT": "OpenOperatingTheater",
    "SurgeonTransfer": "SurgeonTransfer",
    "Delay": "PatientDelay",
    "Unscheduled": "ElectiveUnscheduledPatients",
}


@pytest.mark.parametrize("name", TEST)
def test_test_solution_components(
    name: str, instance_of: Callable[[str], Instance], raw_json: Callable[[str], Any]
) -> None:
    """Each weighted component matches the breakdown stored in the organisers' test solutions.

    reference_costs.csv only has totals; the ``costs`` string inside the
    ``solutions/test`` files gives the eight weighted components.
    """
    data = raw_json(f"solutions/test/sol_{name}.json")
    found = dict(re.findall(r"(\w+):\s*(\d+)", data["costs"][0]))
    result = evaluate(instance_of(name), parse_solution(data))
    assert set(_COMPONENT_LABELS) <= set(found)
    for label, component in _COMPONENT_LABELS.items():
        assert result.cost(component).weighted == int(found[label]), label
    assert result.total_cost == int(found["Cost"])


# ----------------------------------------------------------------- broken solutions


BASE = "i05"


@pytest.fixture()
def base(instance_of: Callable[[str], Instance], ihtc_data: Path) -> tuple[Instance, Solution]:
    """A feasible reference instance and solution to break in memory."""
    return instance_of(BASE), load_solution(ihtc_data / f"solutions/upper_bound/sol_{BASE}.json")


def _occupancy(inst: Instance, sol: Solution) -> dict[tuple[int, int], list[str]]:
    """Genders of the persons in each (room, day), computed directly from the objects."""
    occ: dict[tuple[int, int], list[str]] = defaultdict(list)
    for o in inst.occupants:
        for d in range(min(o.length_of_stay, inst.days)):
            occ[(o.room, d)].append("A" if o.is_gender_a else "B")
    for dec in sol.patients:
        if dec.admission_day is None:
            continue
        p = inst.patients[inst.patient_index[dec.id]]
        r = inst.room_index[dec.room or ""]
        for d in range(dec.admission_day, min(inst.days, dec.admission_day + p.length_of_stay)):
            occ[(r, d)].append("A" if p.is_gender_a else "B")
    return occ


def _with_patient(sol: Solution, pid: str, **changes: Any) -> Solution:
    patients = tuple(dataclasses.replace(d, **changes) if d.id == pid else d for d in sol.patients)
    return dataclasses.replace(sol, patients=patients)


def _hard(result: Any) -> dict[str, int]:
    return {v.name: v.count for v in result.violations}


def test_move_into_full_room_counts_capacity(base: tuple[Instance, Solution]) -> None:
    """Moving a patient into a room that is full on some of its days adds one per such day."""
    inst, sol = base
    occ = _occupancy(inst, sol)
    for dec in sol.patients:
        if dec.admission_day is None:
            continue
        p = inst.patients[inst.patient_index[dec.id]]
        g = "A" if p.is_gender_a else "B"
        days = range(dec.admission_day, min(inst.days, dec.admission_day + p.length_of_stay))
        for r, room in enumerate(inst.rooms):
            if r == inst.room_index[dec.room or ""] or r in p.incompatible_rooms:
                continue
            people = [occ.get((r, d), []) for d in days]
            if all(ps and set(ps) == {g} for ps in people) and any(
                len(ps) >= room.capacity for ps in people
            ):
                expected = sum(len(ps) >= room.capacity for ps in people)
                result = evaluate(inst, _with_patient(sol, dec.id, room=room.id))
                hard = _hard(result)
                assert hard["RoomCapacity"] == expected
                assert result.total_violations == expected
                assert len(result.violation("RoomCapacity").details) == expected
                return
    pytest.fail("no suitable patient/room pair found in the base solution")


def test_drop_mandatory_patient(base: tuple[Instance, Solution]) -> None:
    """Unscheduling a mandatory patient gives exactly one MandatoryUnscheduledPatients."""
    inst, sol = base
    before = evaluate(inst, sol)
    dec = next(
        d
        for d in sol.patients
        if d.admission_day is not None and inst.patients[inst.patient_index[d.id]].mandatory
    )
    p = inst.patients[inst.patient_index[dec.id]]
    assert dec.admission_day is not None
    result = evaluate(inst, _with_patient(sol, dec.id, admission_day=None))
    assert _hard(result)["MandatoryUnscheduledPatients"] == 1
    assert result.total_violations == 1
    assert dec.id in result.violation("H5").details[0]
    assert result.cost("ElectiveUnscheduledPatients").raw == before.cost("S8").raw
    delay = max(0, dec.admission_day - p.surgery_release_day)
    assert result.cost("PatientDelay").raw == before.cost("PatientDelay").raw - delay


def test_remove_patient_entry_is_unscheduled(base: tuple[Instance, Solution]) -> None:
    """A patient missing from the file counts like ``"none"`` (H5 for a mandatory one)."""
    inst, sol = base
    dec = next(
        d
        for d in sol.patients
        if d.admission_day is not None and inst.patients[inst.patient_index[d.id]].mandatory
    )
    dropped = dataclasses.replace(sol, patients=tuple(d for d in sol.patients if d is not dec))
    none = _with_patient(sol, dec.id, admission_day=None)
    assert evaluate(inst, dropped).to_dict() == evaluate(inst, none).to_dict()
    assert evaluate(inst, dropped).violation("MandatoryUnscheduledPatients").count == 1


def test_nurse_in_non_working_shift(base: tuple[Instance, Solution]) -> None:
    """Assigning a room to a nurse in a shift she does not work is one NursePresence."""
    inst, sol = base
    nurse = inst.nurses[0]
    works = {(w.day, w.shift) for w in nurse.working_shifts}
    day, shift = next(
        (d, k) for d in range(inst.days) for k in range(inst.n_shifts) if (d, k) not in works
    )
    extra = NurseRoster(
        id=nurse.id,
        assignments=(ShiftAssignment(day, inst.shift_types[shift], (inst.rooms[0].id,)),),
    )
    result = evaluate(inst, dataclasses.replace(sol, nurses=(*sol.nurses, extra)))
    assert _hard(result)["NursePresence"] == 1
    assert result.total_violations == 1
    assert nurse.id in result.violation("NursePresence").details[0]
    empty = NurseRoster(
        id=nurse.id, assignments=(ShiftAssignment(day, inst.shift_types[shift], ()),)
    )
    assert evaluate(inst, dataclasses.replace(sol, nurses=(*sol.nurses, empty))).feasible


def test_no_nurses_leaves_every_occupied_shift_uncovered(base: tuple[Instance, Solution]) -> None:
    """Without nurse assignments every occupied room-shift is uncovered; nurse costs vanish."""
    inst, sol = base
    occupied = sum(1 for people in _occupancy(inst, sol).values() if people)
    result = evaluate(inst, dataclasses.replace(sol, nurses=()))
    assert result.violation("UncoveredRoom").count == occupied * inst.n_shifts
    assert result.total_violations == occupied * inst.n_shifts
    for name in ("RoomSkillLevel", "ContinuityOfCare", "ExcessiveNurseWorkload"):
        assert result.cost(name).raw == 0


def test_incompatible_room_counted_once_per_patient(base: tuple[Instance, Solution]) -> None:
    """A patient in one of its incompatible rooms is exactly one PatientRoomCompatibility."""
    inst, sol = base
    for dec in sol.patients:
        p = inst.patients[inst.patient_index[dec.id]]
        if dec.admission_day is not None and p.incompatible_rooms and p.length_of_stay > 1:
            bad = inst.rooms[min(p.incompatible_rooms)].id
            result = evaluate(inst, _with_patient(sol, dec.id, room=bad))
            assert result.violation("PatientRoomCompatibility").count == 1
            return
    pytest.fail("no patient with incompatible rooms")


def test_admission_before_release(base: tuple[Instance, Solution]) -> None:
    """Admitting a patient a day before release is one AdmissionDay and removes its delay."""
    inst, sol = base
    for dec in sol.patients:
        p = inst.patients[inst.patient_index[dec.id]]
        if dec.admission_day is not None and p.surgery_release_day >= 1:
            before = evaluate(inst, sol)
            result = evaluate(
                inst, _with_patient(sol, dec.id, admission_day=p.surgery_release_day - 1)
            )
            assert result.violation("AdmissionDay").count == 1
            delay = dec.admission_day - p.surgery_release_day
            assert result.cost("PatientDelay").raw == before.cost("PatientDelay").raw - delay
            return
    pytest.fail("no patient with release day >= 1")


def test_admission_outside_horizon_is_flagged(base: tuple[Instance, Solution]) -> None:
    """An admission day >= days (undefined in the validator) is reported as AdmissionDay."""
    inst, sol = base
    dec = next(d for d in sol.patients if d.admission_day is not None)
    result = evaluate(inst, _with_patient(sol, dec.id, admission_day=inst.days))
    assert result.violation("AdmissionDay").count == 1
    assert "outside the horizon" in result.violation("AdmissionDay").details[0]


def test_patient_scheduled_twice_is_rejected(base: tuple[Instance, Solution]) -> None:
    """Scheduling one patient in two entries raises SolutionFormatError (validator aborts)."""
    inst, sol = base
    dec = next(d for d in sol.patients if d.admission_day is not None)
    with pytest.raises(SolutionFormatError, match="scheduled twice"):
        evaluate(inst, dataclasses.replace(sol, patients=(*sol.patients, dec)))


def test_unknown_room_is_rejected(base: tuple[Instance, Solution]) -> None:
    """An unknown room id raises SolutionFormatError naming the field."""
    inst, sol = base
    dec = next(d for d in sol.patients if d.admission_day is not None)
    with pytest.raises(SolutionFormatError) as info:
        evaluate(inst, _with_patient(sol, dec.id, room="no-such-room"))
    assert info.value.field.endswith(".room")


def test_none_entry_with_unknown_id_is_ignored(base: tuple[Instance, Solution]) -> None:
    """A ``"none"`` entry is skipped entirely, even with an unknown patient id."""
    inst, sol = base
    ghost = PatientDecision(id="ghost", admission_day=None)
    extended = dataclasses.replace(sol, patients=(*sol.patients, ghost))
    assert evaluate(inst, extended).to_dict() == evaluate(inst, sol).to_dict()


# ------------------------------------------------------------- hand-computed instance


def _tiny_instance() -> dict[str, Any]:
    """Two days, two shifts, two rooms; see the expected values in the tests below."""
    return {
        "days": 2,
        "skill_levels": 3,
        "shift_types": ["early", "late"],
        "age_groups": ["young", "mid", "old"],
        "weights": {
            "room_mixed_age": 2,
            "room_nurse_skill": 3,
            "continuity_of_care": 5,
            "nurse_eccessive_workload": 7,
            "open_operating_theater": 11,
            "surgeon_transfer": 13,
            "patient_delay": 17,
            "unscheduled_optional": 19,
        },
        "occupants": [
            {
                "id": "a0",
                "gender": "A",
                "age_group": "mid",
                "length_of_stay": 1,
                "workload_produced": [1, 1],
                "skill_level_required": [0, 0],
                "room_id": "r1",
            }
        ],
        "patients": [
            {
                "id": "p0",
                "mandatory": True,
                "gender": "A",
                "age_group": "young",
                "length_of_stay": 1,
                "surgery_release_day": 0,
                "surgery_due_day": 0,
                "surgery_duration": 50,
                "surgeon_id": "s0",
                "incompatible_room_ids": [],
                "workload_produced": [1, 1],
                "skill_level_required": [1, 2],
            },
            {
                "id": "p1",
                "mandatory": False,
                "gender": "B",
                "age_group": "old",
                "length_of_stay": 3,
                "surgery_release_day": 0,
                "surgery_duration": 30,
                "surgeon_id": "s0",
                "incompatible_room_ids": ["r1"],
                "workload_produced": [1, 2, 3, 4, 5, 6],
                "skill_level_required": [0, 1, 2, 0, 1, 2],
            },
        ],
        "surgeons": [{"id": "s0", "max_surgery_time": [70, 0]}],
        "operating_theaters": [
            {"id": "t0", "availability": [60, 100]},
            {"id": "t1", "availability": [0, 100]},
        ],
        "rooms": [{"id": "r0", "capacity": 1}, {"id": "r1", "capacity": 1}],
        "nurses": [
            {
                "id": "n0",
                "skill_level": 0,
                "working_shifts": [
                    {"day": d, "shift": s, "max_load": 2} for d in (0, 1) for s in ("early", "late")
                ],
            },
            {
                "id": "n1",
                "skill_level": 2,
                "working_shifts": [{"day": 0, "shift": "early", "max_load": 10}],
            },
        ],
    }


def _tiny_solution() -> dict[str, Any]:
    return {
        "patients": [
            {"id": "p0", "admission_day": 0, "room": "r0", "operating_theater": "t0"},
            {"id": "p1", "admission_day": 0, "room": "r1", "operating_theater": "t1"},
        ],
        "nurses": [
            {
                "id": "n0",
                "assignments": [
                    {"day": 0, "shift": "early", "rooms": ["r0", "r1"]},
                    {"day": 0, "shift": "late", "rooms": ["r0", "r1"]},
                    {"day": 1, "shift": "early", "rooms": ["r1"]},
                    {"day": 1, "shift": "late", "rooms": []},
                ],
            },
            {"id": "n1", "assignments": [{"day": 0, "shift": "early", "rooms": ["r1"]}]},
        ],
    }


def test_tiny_instance_every_count() -> None:
    """All 17 counts of a hand-worked example (derivation in the comments)."""
    inst = parse_instance(_tiny_instance(), "tiny")
    result = evaluate(inst, parse_solution(_tiny_solution(), "tiny-sol"))
    # H1: r1 day 0 holds a0 (A) and p1 (B). H2: p1 in r1. H3: s0 day 0 80 > 70.
    # H4: t1 closed on day 0, p1 takes 30 min. H7: r1 day 0 has 2 > 1.
    # H9: r1 day 1 late is occupied by p1 (stay truncated at the horizon) and has no nurse.
    assert _hard(result) == {
        "RoomGenderMix": 1,
        "PatientRoomCompatibility": 1,
        "SurgeonOvertime": 10,
        "OperatingTheaterOvertime": 30,
        "MandatoryUnscheduledPatients": 0,
        "AdmissionDay": 0,
        "RoomCapacity": 1,
        "NursePresence": 0,
        "UncoveredRoom": 1,
    }
    assert result.total_violations == 44
    # S1: r1 day 0 spans mid..old = 1. S2: r0 (n0): 1 + 2; r1 day 0 late (n0): p1 1;
    # r1 day 1 early (n0): p1 2. S3: p0 {n0}, a0 {n1, n0}, p1 {n1, n0}.
    # S4 (n0, max 2): day 0 early r0+r1 = 1 + 2 -> 1 (r1 counts although n1 is its nurse),
    # day 0 late 1 + 3 -> 2, day 1 early 3 -> 1. S5: t0 and t1 on day 0. S6: s0 in 2 theatres.
    raw = {c.name: c.raw for c in result.costs}
    assert raw == {
        "RoomAgeMix": 1,
        "RoomSkillLevel": 6,
        "ContinuityOfCare": 5,
        "ExcessiveNurseWorkload": 4,
        "OpenOperatingTheater": 2,
        "SurgeonTransfer": 1,
        "PatientDelay": 0,
        "ElectiveUnscheduledPatients": 0,
    }
    assert result.total_cost == 2 * 1 + 3 * 6 + 5 * 5 + 7 * 4 + 11 * 2 + 13 * 1
    assert not result.feasible
    assert [v.name for v in result.violations] == list(HARD_RULES)
    assert [c.name for c in result.costs] == list(SOFT_RULES)


def test_last_listing_sets_room_nurse() -> None:
    """When two nurses list a room-shift the later one is its nurse (continuity changes)."""
    inst = parse_instance(_tiny_instance(), "tiny")
    data = _tiny_solution()
    data["nurses"].reverse()  # n1's listing of r1 day 0 early now comes first
    result = evaluate(inst, parse_solution(data))
    assert result.cost("ContinuityOfCare").raw == 3
    assert result.cost("ExcessiveNurseWorkload").raw == 4


def test_room_listed_twice_counts_twice_for_workload() -> None:
    """A room listed twice by one nurse in one shift doubles its workload for her."""
    inst = parse_instance(_tiny_instance(), "tiny")
    data = _tiny_solution()
    data["nurses"][0]["assignments"][2]["rooms"] = ["r1", "r1"]
    result = evaluate(inst, parse_solution(data))
    assert result.cost("ExcessiveNurseWorkload").raw == 1 + 2 + (3 + 3 - 2)


def test_duplicate_working_shift_checked_twice_with_last_max_load() -> None:
    """A working shift listed twice is checked twice in S4, both times with the last max_load."""
    data = _tiny_instance()
    data["nurses"][0]["working_shifts"].append({"day": 1, "shift": "early", "max_load": 1})
    inst = parse_instance(data, "tiny")
    result = evaluate(inst, parse_solution(_tiny_solution()))
    assert result.cost("ExcessiveNurseWorkload").raw == 1 + 2 + 2 * (3 - 1)


def test_delay_unscheduled_and_due_day() -> None:
    """Delay counts days after release; a late mandatory admission is an AdmissionDay."""
    inst = parse_instance(_tiny_instance(), "tiny")
    data = _tiny_solution()
    data["patients"][0]["admission_day"] = 1  # p0 is due on day 0
    data["patients"][1] = {"id": "p1", "admission_day": "none", "room": "bogus"}
    result = evaluate(inst, parse_solution(data))
    assert result.violation("AdmissionDay").count == 1
    assert result.cost("PatientDelay").raw == 1
    assert result.cost("ElectiveUnscheduledPatients").raw == 1
    assert result.violation("MandatoryUnscheduledPatients").count == 0


# ------------------------------------------------------------------ reading and writing


def test_write_then_read_roundtrip(base: tuple[Instance, Solution], tmp_path: Path) -> None:
    """A written solution reads back equal and evaluates the same."""
    inst, sol = base
    out = tmp_path / "sol.json"
    write_solution(sol, out)
    again = load_solution(out)
    assert again == sol
    assert evaluate(inst, again).to_dict() == evaluate(inst, sol).to_dict()
    data = json.loads(out.read_text())
    none = next(p for p in data["patients"] if p["admission_day"] == "none")
    assert set(none) == {"id", "admission_day"}


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("days"), "days"),
        (lambda d: d["patients"][0].update(surgeon_id="zz"), "patients[0].surgeon_id"),
        (
            lambda d: d["patients"][1]["workload_produced"].pop(),
            "patients[1].workload_produced",
        ),
        (lambda d: d["occupants"][0].update(room_id="r9"), "occupants[0].room_id"),
        (lambda d: d["weights"].pop("patient_delay"), "weights.patient_delay"),
        (lambda d: d["rooms"][0].update(capacity="2"), "rooms[0].capacity"),
        (
            lambda d: d["nurses"][0]["working_shifts"][0].update(shift="noon"),
            "nurses[0].working_shifts[0].shift",
        ),
    ],
)
def test_malformed_instance_names_file_and_field(
    mutate: Callable[[dict[str, Any]], Any], field: str, tmp_path: Path
) -> None:
    """Malformed instances raise InstanceFormatError naming the file and the field."""
    data = copy.deepcopy(_tiny_instance())
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InstanceFormatError) as info:
        load_instance(path)
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    assert str(path) in str(info.value)


def test_instance_not_json(tmp_path: Path) -> None:
    """A file that is not JSON raises InstanceFormatError naming the file."""
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    with pytest.raises(InstanceFormatError, match=r"broken\.json"):
        load_instance(path)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (
            {"id": "p0", "admission_day": "3", "room": "r0", "operating_theater": "t0"},
            "patients[0].admission_day",
        ),
        ({"id": "p0", "admission_day": 0, "operating_theater": "t0"}, "patients[0].room"),
        ({"id": "p0", "room": "r0"}, "patients[0].admission_day"),
    ],
)
def test_malformed_solution_entry(entry: dict[str, Any], field: str) -> None:
    """Solution entries the validator cannot read raise SolutionFormatError with the field."""
    with pytest.raises(SolutionFormatError) as info:
        parse_solution({"patients": [entry]}, "s.json")
    assert info.value.field == field


# ------------------------------------------------------------------------------ CLI


def test_cli_cost_feasible(ihtc_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``ihtc cost`` prints the total and exits 0 for a feasible solution."""
    status = cli_main(
        [
            "ihtc",
            "cost",
            str(ihtc_data / "instances/i01.json"),
            str(ihtc_data / "solutions/upper_bound/sol_i01.json"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "Total cost = 3842" in out
    assert "RoomSkillLevel" in out


def test_cli_cost_json_and_violations(
    base: tuple[Instance, Solution], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json`` prints a parsable result; a solution with violations exits 1."""
    inst, sol = base
    bad = tmp_path / "bad.json"
    broken = dataclasses.replace(sol, nurses=())
    write_solution(broken, bad)
    status = cli_main(["ihtc", "cost", inst.source, str(bad), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 1
    assert payload["feasible"] is False
    assert payload["total_violations"] == evaluate(inst, broken).total_violations > 0
    assert {c["name"] for c in payload["costs"]} == set(SOFT_RULES)


def test_cli_cost_bad_input(
    ihtc_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unreadable input exits 2 with one line naming the file and no traceback."""
    bad = tmp_path / "garbage.json"
    bad.write_text("[1, 2")
    status = cli_main(["ihtc", "cost", str(ihtc_data / "instances/i01.json"), str(bad)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert str(bad) in err
    assert "Traceback" not in err
