"""Reader and writer for IHTC-2024 solution files.

The format is described in ``docs/ihtc2024.md`` (section 3)::

    {"patients": [{"id": ..., "admission_day": <int> | "none",
                   "room": ..., "operating_theater": ...}, ...],
     "nurses": [{"id": ..., "assignments": [
                   {"day": <int>, "shift": <name>, "rooms": [...]}, ...]}, ...]}

:func:`load_solution` checks the structure only (it does not need the
instance). :func:`encode_solution` resolves ids against an instance and turns
the solution into the integer arrays used by the evaluator; it raises
:class:`SolutionFormatError` in every case where the official validator aborts
(unknown ids or shift names, a patient scheduled twice).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orplan.errors import ScenarioError
from orplan.files import read_text
from orplan.ihtc.instance import Instance

__all__ = [
    "NurseRoster",
    "PatientDecision",
    "ShiftAssignment",
    "Solution",
    "SolutionArrays",
    "SolutionFormatError",
    "encode_solution",
    "load_solution",
    "parse_solution",
    "solution_to_json",
    "write_solution",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class SolutionFormatError(ValueError):
    """A solution file cannot be read, is malformed, or does not fit the instance.

    Parameters
    ----------
    source : str
        The file (or other origin) of the solution.
    field : str
        JSON path of the offending field, e.g. ``patients[4].room``; empty
        when the whole document is at fault.
    message : str
        What is wrong.
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source = source
        self.field = field
        self.message = message
        where = f"{source}: {field}: " if field else f"{source}: "
        super().__init__(where + message)


@dataclass(frozen=True)
class PatientDecision:
    """The decision for one patient.

    ``admission_day`` is ``None`` for an entry written as ``"none"``; such an
    entry leaves the patient unscheduled and its room and theatre are ignored
    (and stored as ``None``).
    """

    id: str
    admission_day: int | None
    room: str | None = None
    operating_theater: str | None = None

    @property
    def scheduled(self) -> bool:
        """Whether this entry schedules the patient."""
        return self.admission_day is not None


@dataclass(frozen=True)
class ShiftAssignment:
    """Rooms a nurse looks after in one shift."""

    day: int
    shift: str
    rooms: tuple[str, ...]


@dataclass(frozen=True)
class NurseRoster:
    """All room assignments of one nurse entry."""

    id: str
    assignments: tuple[ShiftAssignment, ...]


@dataclass(frozen=True)
class Solution:
    """A solution: patient decisions and nurse rosters, in file order."""

    patients: tuple[PatientDecision, ...]
    nurses: tuple[NurseRoster, ...]
    source: str = field(default="<solution>", compare=False)


# ------------------------------------------------------------------------ reading


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return "an array" if isinstance(value, list) else "an object"


def parse_solution(data: Any, source: str = "<solution>") -> Solution:
    """Build a :class:`Solution` from decoded JSON data.

    Follows the validator's reading rules: entries with ``"admission_day":
    "none"`` are kept only as "unscheduled" markers (their other fields are
    ignored, and they are dropped if they have no string ``id``); missing
    ``patients``, ``nurses``, ``assignments`` or ``rooms`` keys mean empty;
    unknown keys are ignored.

    Parameters
    ----------
    data : Any
        The decoded JSON document.
    source : str, optional
        Name of the origin, used in error messages.

    Returns
    -------
    Solution
        The parsed solution.

    Raises
    ------
    SolutionFormatError
        If a field the validator needs is missing or has the wrong type.
    """

    def fail(path: str, message: str) -> SolutionFormatError:
        return SolutionFormatError(source, path, message)

    def obj(value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise fail(path, f"expected an object, got {_kind(value)}")
        return value

    def arr(container: Mapping[str, Any], key: str, path: str) -> Sequence[Any]:
        value = container.get(key)
        if value is None and key not in container:
            return []
        if not isinstance(value, list):
            raise fail(f"{path}{key}", f"expected an array, got {_kind(value)}")
        return value

    def string(container: Mapping[str, Any], key: str, path: str) -> str:
        if key not in container:
            raise fail(f"{path}.{key}", "missing")
        value = container[key]
        if not isinstance(value, str):
            raise fail(f"{path}.{key}", f"expected a string, got {_kind(value)}")
        return value

    def integer(container: Mapping[str, Any], key: str, path: str) -> int:
        if key not in container:
            raise fail(f"{path}.{key}", "missing")
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"{path}.{key}", f"expected an integer, got {_kind(value)}")
        return value

    top = obj(data, "")
    patients: list[PatientDecision] = []
    for i, entry in enumerate(arr(top, "patients", "")):
        path = f"patients[{i}]"
        entry = obj(entry, path)
        if "admission_day" not in entry:
            raise fail(f"{path}.admission_day", "missing")
        if entry["admission_day"] == "none":
            if isinstance(entry.get("id"), str):
                patients.append(PatientDecision(id=entry["id"], admission_day=None))
            continue
        patients.append(
            PatientDecision(
                id=string(entry, "id", path),
                admission_day=integer(entry, "admission_day", path),
                room=string(entry, "room", path),
                operating_theater=string(entry, "operating_theater", path),
            )
        )

    nurses: list[NurseRoster] = []
    for i, entry in enumerate(arr(top, "nurses", "")):
        path = f"nurses[{i}]"
        entry = obj(entry, path)
        nurse_id = string(entry, "id", path)
        assignments: list[ShiftAssignment] = []
        for j, a in enumerate(arr(entry, "assignments", f"{path}.")):
            apath = f"{path}.assignments[{j}]"
            a = obj(a, apath)
            rooms = arr(a, "rooms", f"{apath}.")
            for k, r in enumerate(rooms):
                if not isinstance(r, str):
                    raise fail(f"{apath}.rooms[{k}]", f"expected a string, got {_kind(r)}")
            assignments.append(
                ShiftAssignment(
                    day=integer(a, "day", apath),
                    shift=string(a, "shift", apath),
                    rooms=tuple(rooms),
                )
            )
        nurses.append(NurseRoster(id=nurse_id, assignments=tuple(assignments)))
    return Solution(patients=tuple(patients), nurses=tuple(nurses), source=source)


def load_solution(path: str | Path) -> Solution:
    """Read a solution JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
        The solution file.

    Returns
    -------
    Solution
        The parsed solution (ids not yet checked against an instance).

    Raises
    ------
    SolutionFormatError
        If the file cannot be read, is not valid JSON, or is malformed.
    """
    source = str(path)
    try:
        data = json.loads(read_text(Path(path)))
    except ScenarioError as exc:  # missing, a folder, empty, not UTF-8: one line already
        raise SolutionFormatError(source, "", "; ".join(exc.problems)) from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SolutionFormatError(source, "", f"invalid JSON: {exc}") from None
    return parse_solution(data, source)


# ------------------------------------------------------------------------ writing


def solution_to_json(solution: Solution) -> dict[str, Any]:
    """Convert a solution to the official JSON structure.

    Parameters
    ----------
    solution : Solution
        The solution.

    Returns
    -------
    dict
        A JSON-serialisable dict with ``patients`` and ``nurses``. Unscheduled
        patients are written with ``"admission_day": "none"`` and no room or
        theatre.
    """
    patients: list[dict[str, Any]] = []
    for p in solution.patients:
        if p.admission_day is None:
            patients.append({"id": p.id, "admission_day": "none"})
        else:
            patients.append(
                {
                    "id": p.id,
                    "admission_day": p.admission_day,
                    "room": p.room,
                    "operating_theater": p.operating_theater,
                }
            )
    nurses = [
        {
            "id": n.id,
            "assignments": [
                {"day": a.day, "shift": a.shift, "rooms": list(a.rooms)} for a in n.assignments
            ],
        }
        for n in solution.nurses
    ]
    return {"patients": patients, "nurses": nurses}


def write_solution(solution: Solution, path: str | Path) -> None:
    """Write a solution in the official JSON format.

    Parameters
    ----------
    solution : Solution
        The solution to write.
    path : str or pathlib.Path
        Destination file (overwritten).
    """
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(solution_to_json(solution), fh, indent=1)
        fh.write("\n")


# ----------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class SolutionArrays:
    """A solution resolved against an instance, as integer arrays.

    Patient arrays have one entry per instance patient. ``admission`` is only
    meaningful where ``scheduled`` is true; ``room`` and ``theater`` are
    indices (``-1`` when unscheduled). Nurse listings have one entry per
    (nurse, shift, room) listed in the file, in file order; ``listing_day`` may
    lie outside the horizon (the evaluator flags such listings).
    """

    scheduled: BoolArray
    admission: IntArray
    room: IntArray
    theater: IntArray
    listing_nurse: IntArray
    listing_day: IntArray
    listing_shift: IntArray
    listing_room: IntArray


def encode_solution(instance: Instance, solution: Solution) -> SolutionArrays:
    """Resolve a solution's ids against an instance.

    Parameters
    ----------
    instance : Instance
        The instance the solution is for.
    solution : Solution
        The solution.

    Returns
    -------
    SolutionArrays
        Index arrays for the evaluator.

    Raises
    ------
    SolutionFormatError
        For an unknown patient, room, theatre, nurse or shift name, or a
        patient scheduled twice (cases where the official validator aborts).
    """
    src = solution.source
    n_p = len(instance.patients)
    scheduled = np.zeros(n_p, dtype=np.bool_)
    admission = np.zeros(n_p, dtype=np.int64)
    room = np.full(n_p, -1, dtype=np.int64)
    theater = np.full(n_p, -1, dtype=np.int64)
    p_index = instance.patient_index
    r_index = instance.room_index
    t_index = instance.theater_index
    for i, d in enumerate(solution.patients):
        if d.admission_day is None:
            continue
        path = f"patients[{i}]"
        try:
            p = p_index[d.id]
        except KeyError:
            raise SolutionFormatError(src, f"{path}.id", f"unknown patient {d.id!r}") from None
        if scheduled[p]:
            raise SolutionFormatError(src, f"{path}.id", f"patient {d.id!r} is scheduled twice")
        r = r_index.get(d.room) if d.room is not None else None
        if r is None:
            raise SolutionFormatError(src, f"{path}.room", f"unknown room {d.room!r}")
        t = t_index.get(d.operating_theater) if d.operating_theater is not None else None
        if t is None:
            raise SolutionFormatError(
                src,
                f"{path}.operating_theater",
                f"unknown operating theater {d.operating_theater!r}",
            )
        scheduled[p] = True
        admission[p] = d.admission_day
        room[p] = r
        theater[p] = t

    n_index = instance.nurse_index
    s_index = instance.shift_index
    nurses: list[int] = []
    days: list[int] = []
    shifts: list[int] = []
    rooms: list[int] = []
    for i, roster in enumerate(solution.nurses):
        path = f"nurses[{i}]"
        n = n_index.get(roster.id)
        if n is None:
            raise SolutionFormatError(src, f"{path}.id", f"unknown nurse {roster.id!r}")
        for j, a in enumerate(roster.assignments):
            apath = f"{path}.assignments[{j}]"
            k = s_index.get(a.shift)
            if k is None:
                raise SolutionFormatError(src, f"{apath}.shift", f"unknown shift {a.shift!r}")
            for m, rid in enumerate(a.rooms):
                r = r_index.get(rid)
                if r is None:
                    raise SolutionFormatError(src, f"{apath}.rooms[{m}]", f"unknown room {rid!r}")
                nurses.append(n)
                days.append(a.day)
                shifts.append(k)
                rooms.append(r)
    return SolutionArrays(
        scheduled=scheduled,
        admission=admission,
        room=room,
        theater=theater,
        listing_nurse=np.asarray(nurses, dtype=np.int64),
        listing_day=np.asarray(days, dtype=np.int64),
        listing_shift=np.asarray(shifts, dtype=np.int64),
        listing_room=np.asarray(rooms, dtype=np.int64),
    )
