"""Typed reader for IHTC-2024 instance files.

The instance format is described in ``docs/ihtc2024.md`` (section 2). The reader
checks every field it uses (types, array lengths, cross references) and raises
:class:`InstanceFormatError`, naming the file and the offending field, when the
file is malformed. Cross references that make the official validator abort
(unknown room, surgeon, age group or shift names) are reported the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orplan.errors import ScenarioError
from orplan.files import read_text

__all__ = [
    "WEIGHT_KEYS",
    "AgeGroupIndex",
    "Instance",
    "InstanceArrays",
    "InstanceFormatError",
    "Nurse",
    "Occupant",
    "OperatingTheater",
    "Patient",
    "Room",
    "Surgeon",
    "Weights",
    "WorkingShift",
    "load_instance",
    "parse_instance",
]

AgeGroupIndex = int

#: Weight keys in the order of the soft costs S1..S8 (spelling as in the files).
WEIGHT_KEYS: tuple[str, ...] = (
    "room_mixed_age",
    "room_nurse_skill",
    "continuity_of_care",
    "nurse_eccessive_workload",
    "open_operating_theater",
    "surgeon_transfer",
    "patient_delay",
    "unscheduled_optional",
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class InstanceFormatError(ValueError):
    """An instance file cannot be read or violates the format.

    Parameters
    ----------
    source : str
        The file (or other origin) being read.
    field : str
        JSON path of the offending field, e.g. ``patients[3].surgeon_id``;
        empty when the whole document is at fault.
    message : str
        What is wrong.
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source = source
        self.field = field
        self.message = message
        where = f"{source}: {field}: " if field else f"{source}: "
        super().__init__(where + message)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Weights:
    """The eight soft-cost weights (section 2.1 of the spec)."""

    room_mixed_age: int
    room_nurse_skill: int
    continuity_of_care: int
    nurse_eccessive_workload: int
    open_operating_theater: int
    surgeon_transfer: int
    patient_delay: int
    unscheduled_optional: int

    def as_tuple(self) -> tuple[int, ...]:
        """Return the weights in S1..S8 order.

        Returns
        -------
        tuple of int
            Weights ordered as :data:`WEIGHT_KEYS`.
        """
        return tuple(getattr(self, k) for k in WEIGHT_KEYS)


@dataclass(frozen=True)
class Occupant:
    """A person already in hospital on day 0, with a fixed room."""

    id: str
    gender: str
    age_group: AgeGroupIndex
    length_of_stay: int
    workload_produced: tuple[int, ...]
    skill_level_required: tuple[int, ...]
    room: int

    @property
    def is_gender_a(self) -> bool:
        """Whether the person counts as gender A (anything else counts as B)."""
        return self.gender == "A"


@dataclass(frozen=True)
class Patient:
    """A patient to be admitted (or, if optional, possibly left unscheduled)."""

    id: str
    mandatory: bool
    gender: str
    age_group: AgeGroupIndex
    length_of_stay: int
    surgery_release_day: int
    surgery_due_day: int | None
    surgery_duration: int
    surgeon: int
    incompatible_rooms: frozenset[int]
    workload_produced: tuple[int, ...]
    skill_level_required: tuple[int, ...]

    @property
    def is_gender_a(self) -> bool:
        """Whether the person counts as gender A (anything else counts as B)."""
        return self.gender == "A"


@dataclass(frozen=True)
class Surgeon:
    """A surgeon with a per-day operating-time budget in minutes."""

    id: str
    max_surgery_time: tuple[int, ...]


@dataclass(frozen=True)
class OperatingTheater:
    """An operating theatre with per-day opening minutes."""

    id: str
    availability: tuple[int, ...]


@dataclass(frozen=True)
class Room:
    """A ward room with a constant number of beds."""

    id: str
    capacity: int


@dataclass(frozen=True)
class WorkingShift:
    """One shift a nurse works, with her maximum workload in it."""

    day: int
    shift: int
    max_load: int


@dataclass(frozen=True)
class Nurse:
    """A nurse with a skill level and a roster of working shifts."""

    id: str
    skill_level: int
    working_shifts: tuple[WorkingShift, ...]


@dataclass(frozen=True)
class InstanceArrays:
    """Dense numpy views of an instance, used by the evaluator.

    Patient stay arrays are padded with zeros to the longest stay. ``G`` is the
    number of global shifts ``days * len(shift_types)``.
    """

    p_mandatory: BoolArray
    p_gender_a: BoolArray
    p_age: IntArray
    p_los: IntArray
    p_release: IntArray
    p_last: IntArray
    p_duration: IntArray
    p_surgeon: IntArray
    p_incompatible: BoolArray  # (P, R)
    p_workload: IntArray  # (P, max_los * S)
    p_skill: IntArray  # (P, max_los * S)
    o_room: IntArray
    o_gender_a: BoolArray
    o_age: IntArray
    o_days: IntArray  # stay days inside the horizon
    o_workload: IntArray  # (O, G), zero outside the stay
    o_skill: IntArray  # (O, G)
    o_pd_occupant: IntArray  # occupant person-days: occupant index
    o_pd_room: IntArray
    o_pd_day: IntArray
    o_ps_occupant: IntArray  # occupant person-shifts: occupant index
    o_ps_room: IntArray
    o_ps_shift: IntArray  # global shift
    o_ps_workload: IntArray
    o_ps_skill: IntArray
    r_capacity: IntArray
    u_max_time: IntArray  # (U, D)
    t_availability: IntArray  # (T, D)
    n_skill: IntArray
    n_working: BoolArray  # (N, G)
    ws_nurse: IntArray  # one entry per listed working shift
    ws_shift: IntArray
    ws_max_load: IntArray  # last max_load given for that (nurse, shift)


@dataclass(frozen=True)
class Instance:
    """An IHTC-2024 instance.

    Entities reference each other by index into their arrays (a patient's
    ``surgeon`` is an index into :attr:`surgeons`, and so on). The ``*_index``
    mappings translate ids and names to indices.
    """

    days: int
    skill_levels: int
    shift_types: tuple[str, ...]
    age_groups: tuple[str, ...]
    weights: Weights
    occupants: tuple[Occupant, ...]
    patients: tuple[Patient, ...]
    surgeons: tuple[Surgeon, ...]
    operating_theaters: tuple[OperatingTheater, ...]
    rooms: tuple[Room, ...]
    nurses: tuple[Nurse, ...]
    source: str = field(default="<instance>", compare=False)

    @property
    def n_shifts(self) -> int:
        """Number of shift types per day (``S``)."""
        return len(self.shift_types)

    @property
    def n_global_shifts(self) -> int:
        """Number of shifts in the horizon (``days * S``)."""
        return self.days * len(self.shift_types)

    @cached_property
    def patient_index(self) -> dict[str, int]:
        """Map patient id to index."""
        return {p.id: i for i, p in enumerate(self.patients)}

    @cached_property
    def room_index(self) -> dict[str, int]:
        """Map room id to index."""
        return {r.id: i for i, r in enumerate(self.rooms)}

    @cached_property
    def theater_index(self) -> dict[str, int]:
        """Map operating-theatre id to index."""
        return {t.id: i for i, t in enumerate(self.operating_theaters)}

    @cached_property
    def nurse_index(self) -> dict[str, int]:
        """Map nurse id to index."""
        return {n.id: i for i, n in enumerate(self.nurses)}

    @cached_property
    def shift_index(self) -> dict[str, int]:
        """Map shift-type name to index."""
        return {s: i for i, s in enumerate(self.shift_types)}

    def last_admission_day(self, patient: Patient) -> int:
        """Return the last allowed admission day of a patient.

        Parameters
        ----------
        patient : Patient
            A patient of this instance.

        Returns
        -------
        int
            The due day for a mandatory patient, ``days - 1`` otherwise.
        """
        if patient.mandatory and patient.surgery_due_day is not None:
            return patient.surgery_due_day
        return self.days - 1

    @cached_property
    def arrays(self) -> InstanceArrays:
        """Dense numpy arrays of the instance (computed once, then cached)."""
        return _build_arrays(self)


# ------------------------------------------------------------------------- parsing


class _Ctx:
    """Parsing helper that knows the file name, for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InstanceFormatError:
        return InstanceFormatError(self.source, path, message)

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, got {_kind(value)}")
        return value

    def get(self, obj: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in obj:
            raise self.fail(_join(path, key), "missing")
        return obj[key]

    def int_(self, obj: Mapping[str, Any], key: str, path: str, minimum: int | None = None) -> int:
        value = self.get(obj, key, path)
        return self.as_int(value, _join(path, key), minimum)

    def as_int(self, value: Any, path: str, minimum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {_kind(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(path, f"must be >= {minimum}, got {value}")
        return value

    def str_(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        value = self.get(obj, key, path)
        if not isinstance(value, str):
            raise self.fail(_join(path, key), f"expected a string, got {_kind(value)}")
        return value

    def bool_(self, obj: Mapping[str, Any], key: str, path: str) -> bool:
        value = self.get(obj, key, path)
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), f"expected true/false, got {_kind(value)}")
        return value

    def list_(self, obj: Mapping[str, Any], key: str, path: str) -> Sequence[Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, list):
            raise self.fail(_join(path, key), f"expected an array, got {_kind(value)}")
        return value

    def int_list(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        length: int,
        minimum: int | None = None,
    ) -> tuple[int, ...]:
        values = self.list_(obj, key, path)
        p = _join(path, key)
        if len(values) != length:
            raise self.fail(p, f"expected {length} entries, got {len(values)}")
        return tuple(self.as_int(v, f"{p}[{i}]", minimum) for i, v in enumerate(values))

    def lookup(self, mapping: Mapping[str, int], name: str, path: str, what: str) -> int:
        try:
            return mapping[name]
        except KeyError:
            raise self.fail(path, f"unknown {what} {name!r}") from None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _index_ids(ctx: _Ctx, items: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = ctx.str_(item, "id", f"{key}[{i}]")
        if ident in index:
            raise ctx.fail(f"{key}[{i}].id", f"duplicate id {ident!r}")
        index[ident] = i
    return index


def parse_instance(data: Any, source: str = "<instance>") -> Instance:
    """Build an :class:`Instance` from decoded JSON data.

    Parameters
    ----------
    data : Any
        The decoded JSON document.
    source : str, optional
        Name of the origin, used in error messages.

    Returns
    -------
    Instance
        The parsed instance.

    Raises
    ------
    InstanceFormatError
        If a field is missing, has the wrong type or refers to an unknown entity.
    """
    ctx = _Ctx(source)
    top = ctx.obj(data, "")
    days = ctx.int_(top, "days", "", minimum=1)
    skill_levels = ctx.int_(top, "skill_levels", "", minimum=0)

    shift_types = _name_list(ctx, ctx.list_(top, "shift_types", ""), "shift_types")
    if not shift_types:
        raise ctx.fail("shift_types", "must not be empty")
    age_groups = _name_list(ctx, ctx.list_(top, "age_groups", ""), "age_groups")
    if not age_groups:
        raise ctx.fail("age_groups", "must not be empty")
    n_shifts = len(shift_types)
    age_index = {a: i for i, a in enumerate(age_groups)}
    shift_index = {s: i for i, s in enumerate(shift_types)}

    w = ctx.obj(ctx.get(top, "weights", ""), "weights")
    weights = Weights(*(ctx.int_(w, k, "weights", minimum=0) for k in WEIGHT_KEYS))

    raw_rooms = [ctx.obj(r, f"rooms[{i}]") for i, r in enumerate(ctx.list_(top, "rooms", ""))]
    room_index = _index_ids(ctx, raw_rooms, "rooms")
    rooms = tuple(
        Room(id=r["id"], capacity=ctx.int_(r, "capacity", f"rooms[{i}]", minimum=0))
        for i, r in enumerate(raw_rooms)
    )

    raw_surgeons = [
        ctx.obj(s, f"surgeons[{i}]") for i, s in enumerate(ctx.list_(top, "surgeons", ""))
    ]
    surgeon_index = _index_ids(ctx, raw_surgeons, "surgeons")
    surgeons = tuple(
        Surgeon(
            id=s["id"],
            max_surgery_time=ctx.int_list(s, "max_surgery_time", f"surgeons[{i}]", days, 0),
        )
        for i, s in enumerate(raw_surgeons)
    )

    raw_theaters = [
        ctx.obj(t, f"operating_theaters[{i}]")
        for i, t in enumerate(ctx.list_(top, "operating_theaters", ""))
    ]
    _index_ids(ctx, raw_theaters, "operating_theaters")
    theaters = tuple(
        OperatingTheater(
            id=t["id"],
            availability=ctx.int_list(t, "availability", f"operating_theaters[{i}]", days, 0),
        )
        for i, t in enumerate(raw_theaters)
    )

    raw_occupants = [
        ctx.obj(o, f"occupants[{i}]") for i, o in enumerate(ctx.list_(top, "occupants", ""))
    ]
    _index_ids(ctx, raw_occupants, "occupants")
    occupants = []
    for i, o in enumerate(raw_occupants):
        path = f"occupants[{i}]"
        los = ctx.int_(o, "length_of_stay", path, minimum=1)
        occupants.append(
            Occupant(
                id=o["id"],
                gender=ctx.str_(o, "gender", path),
                age_group=ctx.lookup(
                    age_index, ctx.str_(o, "age_group", path), f"{path}.age_group", "age group"
                ),
                length_of_stay=los,
                workload_produced=ctx.int_list(o, "workload_produced", path, los * n_shifts, 0),
                skill_level_required=ctx.int_list(
                    o, "skill_level_required", path, los * n_shifts, 0
                ),
                room=ctx.lookup(
                    room_index, ctx.str_(o, "room_id", path), f"{path}.room_id", "room"
                ),
            )
        )

    raw_patients = [
        ctx.obj(p, f"patients[{i}]") for i, p in enumerate(ctx.list_(top, "patients", ""))
    ]
    _index_ids(ctx, raw_patients, "patients")
    patients = [
        _parse_patient(ctx, p, i, n_shifts, age_index, surgeon_index, room_index)
        for i, p in enumerate(raw_patients)
    ]

    raw_nurses = [ctx.obj(n, f"nurses[{i}]") for i, n in enumerate(ctx.list_(top, "nurses", ""))]
    _index_ids(ctx, raw_nurses, "nurses")
    nurses = []
    for i, n in enumerate(raw_nurses):
        path = f"nurses[{i}]"
        shifts = []
        for j, ws in enumerate(ctx.list_(n, "working_shifts", path)):
            wpath = f"{path}.working_shifts[{j}]"
            ws = ctx.obj(ws, wpath)
            day = ctx.int_(ws, "day", wpath, minimum=0)
            if day >= days:
                raise ctx.fail(f"{wpath}.day", f"day {day} is outside the horizon 0..{days - 1}")
            shifts.append(
                WorkingShift(
                    day=day,
                    shift=ctx.lookup(
                        shift_index, ctx.str_(ws, "shift", wpath), f"{wpath}.shift", "shift type"
                    ),
                    max_load=ctx.int_(ws, "max_load", wpath, minimum=0),
                )
            )
        nurses.append(
            Nurse(
                id=n["id"],
                skill_level=ctx.int_(n, "skill_level", path, minimum=0),
                working_shifts=tuple(shifts),
            )
        )

    return Instance(
        days=days,
        skill_levels=skill_levels,
        shift_types=shift_types,
        age_groups=age_groups,
        weights=weights,
        occupants=tuple(occupants),
        patients=tuple(patients),
        surgeons=surgeons,
        operating_theaters=theaters,
        rooms=rooms,
        nurses=tuple(nurses),
        source=source,
    )


def _name_list(ctx: _Ctx, values: Sequence[Any], key: str) -> tuple[str, ...]:
    names: list[str] = []
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise ctx.fail(f"{key}[{i}]", f"expected a string, got {_kind(v)}")
        if v in names:
            raise ctx.fail(f"{key}[{i}]", f"duplicate name {v!r}")
        names.append(v)
    return tuple(names)


def _parse_patient(
    ctx: _Ctx,
    p: Mapping[str, Any],
    i: int,
    n_shifts: int,
    age_index: Mapping[str, int],
    surgeon_index: Mapping[str, int],
    room_index: Mapping[str, int],
) -> Patient:
    path = f"patients[{i}]"
    los = ctx.int_(p, "length_of_stay", path, minimum=1)
    mandatory = ctx.bool_(p, "mandatory", path)
    due = ctx.int_(p, "surgery_due_day", path) if mandatory else None
    incompatible: set[int] = set()
    raw_inc = p.get("incompatible_room_ids")
    if raw_inc is not None:
        if not isinstance(raw_inc, list):
            raise ctx.fail(
                f"{path}.incompatible_room_ids", f"expected an array, got {_kind(raw_inc)}"
            )
        for j, rid in enumerate(raw_inc):
            rpath = f"{path}.incompatible_room_ids[{j}]"
            if not isinstance(rid, str):
                raise ctx.fail(rpath, f"expected a string, got {_kind(rid)}")
            incompatible.add(ctx.lookup(room_index, rid, rpath, "room"))
    return Patient(
        id=p["id"],
        mandatory=mandatory,
        gender=ctx.str_(p, "gender", path),
        age_group=ctx.lookup(
            age_index, ctx.str_(p, "age_group", path), f"{path}.age_group", "age group"
        ),
        length_of_stay=los,
        surgery_release_day=ctx.int_(p, "surgery_release_day", path),
        surgery_due_day=due,
        surgery_duration=ctx.int_(p, "surgery_duration", path, minimum=0),
        surgeon=ctx.lookup(
            surgeon_index, ctx.str_(p, "surgeon_id", path), f"{path}.surgeon_id", "surgeon"
        ),
        incompatible_rooms=frozenset(incompatible),
        workload_produced=ctx.int_list(p, "workload_produced", path, los * n_shifts, 0),
        skill_level_required=ctx.int_list(p, "skill_level_required", path, los * n_shifts, 0),
    )


def load_instance(path: str | Path) -> Instance:
    """Read an instance JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
        The instance file.

    Returns
    -------
    Instance
        The parsed instance.

    Raises
    ------
    InstanceFormatError
        If the file cannot be read, is not valid JSON, or is malformed.
    """
    source = str(path)
    try:
        data = json.loads(read_text(Path(path)))
    except ScenarioError as exc:  # missing, a folder, empty, not UTF-8: one line already
        raise InstanceFormatError(source, "", "; ".join(exc.problems)) from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InstanceFormatError(source, "", f"invalid JSON: {exc}") from None
    return parse_instance(data, source)


# ---------------------------------------------------------------------- arrays


def _build_arrays(inst: Instance) -> InstanceArrays:
    n_days = inst.days
    n_shifts = inst.n_shifts
    n_g = n_days * n_shifts
    n_p = len(inst.patients)
    n_r = len(inst.rooms)
    pats = inst.patients
    max_len = max((p.length_of_stay for p in pats), default=1) * n_shifts

    p_workload = np.zeros((n_p, max_len), dtype=np.int64)
    p_skill = np.zeros((n_p, max_len), dtype=np.int64)
    p_incompatible = np.zeros((n_p, max(n_r, 1)), dtype=np.bool_)
    for i, p in enumerate(pats):
        k = len(p.workload_produced)
        p_workload[i, :k] = p.workload_produced
        p_skill[i, :k] = p.skill_level_required
        for r in p.incompatible_rooms:
            p_incompatible[i, r] = True

    occs = inst.occupants
    n_o = len(occs)
    o_workload = np.zeros((n_o, n_g), dtype=np.int64)
    o_skill = np.zeros((n_o, n_g), dtype=np.int64)
    o_days = np.zeros(n_o, dtype=np.int64)
    for i, o in enumerate(occs):
        # Stays are truncated at the horizon (the validator would read out of
        # bounds; no published occupant stays longer than the horizon).
        k = min(o.length_of_stay, n_days) * n_shifts
        o_days[i] = k // n_shifts
        o_workload[i, :k] = o.workload_produced[:k]
        o_skill[i, :k] = o.skill_level_required[:k]

    n_n = len(inst.nurses)
    n_working = np.zeros((n_n, n_g), dtype=np.bool_)
    ws_nurse: list[int] = []
    ws_shift: list[int] = []
    last_load: dict[tuple[int, int], int] = {}
    for i, n in enumerate(inst.nurses):
        for ws in n.working_shifts:
            g = ws.day * n_shifts + ws.shift
            n_working[i, g] = True
            ws_nurse.append(i)
            ws_shift.append(g)
            last_load[(i, g)] = ws.max_load
    ws_max = [last_load[(n, g)] for n, g in zip(ws_nurse, ws_shift, strict=True)]

    o_room = np.array([o.room for o in occs], dtype=np.int64)
    o_pd_occupant = np.repeat(np.arange(n_o, dtype=np.int64), o_days)
    o_pd_day = np.arange(o_pd_occupant.size, dtype=np.int64) - np.repeat(
        np.cumsum(o_days) - o_days, o_days
    )
    o_ps_occupant = np.repeat(o_pd_occupant, n_shifts)
    o_ps_shift = (o_pd_day[:, None] * n_shifts + np.arange(n_shifts)).ravel()

    def ints(values: Sequence[int] | Sequence[Sequence[int]], cols: int | None = None) -> IntArray:
        arr = np.asarray(values, dtype=np.int64)
        if cols is not None and arr.size == 0:
            arr = arr.reshape(0, cols)
        return arr

    return InstanceArrays(
        p_mandatory=np.array([p.mandatory for p in pats], dtype=np.bool_),
        p_gender_a=np.array([p.is_gender_a for p in pats], dtype=np.bool_),
        p_age=ints([p.age_group for p in pats]),
        p_los=ints([p.length_of_stay for p in pats]),
        p_release=ints([p.surgery_release_day for p in pats]),
        p_last=ints([inst.last_admission_day(p) for p in pats]),
        p_duration=ints([p.surgery_duration for p in pats]),
        p_surgeon=ints([p.surgeon for p in pats]),
        p_incompatible=p_incompatible,
        p_workload=p_workload,
        p_skill=p_skill,
        o_room=o_room,
        o_gender_a=np.array([o.is_gender_a for o in occs], dtype=np.bool_),
        o_age=ints([o.age_group for o in occs]),
        o_days=o_days,
        o_workload=o_workload,
        o_skill=o_skill,
        o_pd_occupant=o_pd_occupant,
        o_pd_room=o_room[o_pd_occupant],
        o_pd_day=o_pd_day,
        o_ps_occupant=o_ps_occupant,
        o_ps_room=o_room[o_ps_occupant],
        o_ps_shift=o_ps_shift,
        o_ps_workload=o_workload[o_ps_occupant, o_ps_shift],
        o_ps_skill=o_skill[o_ps_occupant, o_ps_shift],
        r_capacity=ints([r.capacity for r in inst.rooms]),
        u_max_time=ints([s.max_surgery_time for s in inst.surgeons], n_days),
        t_availability=ints([t.availability for t in inst.operating_theaters], n_days),
        n_skill=ints([n.skill_level for n in inst.nurses]),
        n_working=n_working,
        ws_nurse=ints(ws_nurse),
        ws_shift=ints(ws_shift),
        ws_max_load=ints(ws_max),
    )
