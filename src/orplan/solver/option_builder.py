"""The option builder behind :func:`orplan.solver.options.build_options`.

The checks and their order are those of a scan over every (case, session) pair, which took
minutes on a 13-week horizon (~14,000 cases, ~3,000 sessions, ~5 M options; issue 17). Here
stages 1-5 run as numpy masks over each case's candidate sessions and the surgeon stage is
looked up once per (date, start window, length, surgeons); ``tests/solver/
test_options_builder.py`` holds the result to the pair scan (``tests/solver/
options_reference.py``), exclusion counts and their insertion order included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from orplan.scenario.model import Case, Scenario, Theatre
from orplan.solver.options import (
    CaseOptions,
    Option,
    SurgeonChoice,
    live_reason,
    live_window,
)

__all__ = ["OptionBuilder"]


def _ceil_to(value: int, step: int) -> int:
    # Integer ceiling: the same as math.ceil(value / step) for minutes, and exact.
    return -(-value // step) * step


Why = tuple[int, str]
"""A reason a session was ruled out: (stage of the checks, planner-readable text)."""
Ints = npt.NDArray[np.int64]
_SPAN, _HALF = 1 << 16, 1 << 15  # packs start minutes in (-32768, 32768) into one integer
Bools = npt.NDArray[np.bool_]
Surgeons = tuple[tuple[SurgeonChoice, ...], int, int, tuple[Why, ...]]
"""Surgeon choices in one session, the option's start window, and the surgeons' reasons."""


class _Tally:
    """Exclusion counts with the place each reason first arose.

    :meth:`CaseOptions.reason` breaks ties by insertion order, so the counter is filled in
    the order a session-by-session, surgeon-by-surgeon scan meets the reasons.
    """

    def __init__(self) -> None:
        self.count: dict[Why, int] = {}
        self.first: dict[Why, tuple[int, int]] = {}

    def add(self, why: Why, n: int, pos: tuple[int, int]) -> None:
        """Count ``why`` ``n`` times, first met at (candidate position, place inside it)."""
        self.count[why] = self.count.get(why, 0) + n
        if why not in self.first or pos < self.first[why]:
            self.first[why] = pos

    def codes(self, codes: Ints, whys: list[Why]) -> None:
        """Count each ruled-out candidate of ``codes`` (index into ``whys``; -1: none)."""
        for code in np.unique(codes[codes >= 0]).tolist():
            hits = np.flatnonzero(codes == code)
            self.add(whys[code], len(hits), (int(hits[0]), 0))

    def mask(self, why: Why, mask: Bools) -> None:
        """Count the candidates of ``mask`` as ruled out by ``why``."""
        hits = np.flatnonzero(mask)
        if len(hits):
            self.add(why, len(hits), (int(hits[0]), 0))

    def counter(self) -> Counter[Why]:
        """The counts, inserted in the order of first appearance."""
        out: Counter[Why] = Counter()
        for why in sorted(self.first, key=self.first.__getitem__):
            out[why] = self.count[why]
        return out


@dataclass
class _Group:
    """Candidate sessions of cases alike in specialty, emergency, capabilities, equipment.

    ``room`` holds the code (index into ``whys``) of the specialty rule (stage 1) each
    candidate breaks, ``kit`` that of the capability/equipment rules (stage 2); -1: none.
    """

    sessions: Ints
    room: Ints
    kit: Ints
    whys: list[Why]

    def code(self, why: Why | None) -> int:
        """The code of ``why`` (added to ``whys`` when new); -1 for None."""
        if why is None:
            return -1
        if why not in self.whys:
            self.whys.append(why)
        return self.whys.index(why)


class OptionBuilder:
    """The options of every case of one scenario.

    The checks and their order are those of a scan over every (case, session) pair (stage 1
    specialty and pin, 2 capabilities and equipment, 3 release, 4 hard deadline, 5 length
    and day-of-surgery window, then 6-8 per surgeon), but stages 1-5 run as numpy masks over
    a case's candidate sessions and the surgeon stage is cached by (date, start window,
    duration, surgeons): with ~14,000 cases and ~3,000 sessions the pair loop took minutes.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.step = step = scenario.time_step
        sessions = scenario.sessions
        self.surgeons = {s.id: s for s in scenario.surgeons}
        self.theatres = {t.id: t for t in scenario.theatres}
        self.equipment = {e.id: e for e in scenario.equipment}
        rooms = {t: i for i, t in enumerate(self.theatres)}
        self.days = [scenario.horizon.day_index(s.date) for s in sessions]
        self.day = np.array(self.days, np.int64)
        self.rooms = [s.theatre for s in sessions]
        self.room = np.array([rooms.get(s.theatre, -1) for s in sessions], np.int64)
        self.opening = np.array([_ceil_to(s.open, step) for s in sessions], np.int64)
        self.end = np.array([s.close + s.overtime for s in sessions], np.int64)
        self.length = self.end - np.array([s.open for s in sessions], np.int64)
        self.by_specialty: dict[str | None, list[int]] = {}
        for si, session in enumerate(sessions):
            self.by_specialty.setdefault(session.specialty, []).append(si)
        self.groups: dict[tuple[object, ...], _Group] = {}
        self.plain: tuple[Bools, Ints, Ints] | None = None
        self.slots: dict[tuple[str, dt.date], list[tuple[int, int]]] = {}
        self.crews: dict[tuple[object, ...], int] = {}
        self.cache: dict[tuple[object, ...], Surgeons] = {}

    # -- stages 1-2, the same for every case of a group --------------------------------
    def group(self, case: Case) -> _Group:
        """The candidates of ``case`` with their stage 1-2 codes (built once per group)."""
        key = (case.specialty, case.emergency is None, tuple(case.requires), (*case.equipment,))
        if key in self.groups:
            return self.groups[key]
        spec = case.specialty
        if case.emergency is not None:
            # An emergency may break into a session of any specialty (rules.md): every
            # session is a candidate; the theatre's own specialties still rule some out.
            found = list(range(len(self.scenario.sessions)))
        else:
            found = sorted(self.by_specialty.get(None, []) + self.by_specialty.get(spec, []))
        group = _Group(np.array(found, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), [])
        room, kit = [], []
        for si in found:
            session = self.scenario.sessions[si]
            theatre = self.theatres[session.theatre]
            why: Why | None = None
            if theatre.specialties and spec not in theatre.specialties:
                why = (1, f"no theatre open to {spec}")
            # An emergency breaks into any session its theatre allows (rules.md).
            elif session.specialty not in (None, spec) and case.emergency is None:
                why = (1, f"no session of {spec}")
            room.append(group.code(why))
            kit.append(group.code(self._kit(case, theatre)))
        group.room, group.kit = np.array(room, np.int64), np.array(kit, np.int64)
        self.groups[key] = group
        return group

    def _kit(self, case: Case, theatre: Theatre) -> Why | None:
        missing = [c for c in case.requires if c not in theatre.capabilities]
        if missing:
            return (2, f"no theatre with {', '.join(missing)}")
        for name in case.equipment:
            item = self.equipment[name]
            if item.count == 0:
                return (2, f"no {name} available (0 units)")
            if item.site is not None and item.site != theatre.site:
                return (2, f"{name} only at site {item.site}")
        return None

    # -- stage 5's day-of-surgery window ------------------------------------------------
    def plain_windows(self, case: Case) -> tuple[Bools, Ints, Ints]:
        """Per session: whether a case neither pinned nor an emergency may start that day,
        and its earliest (on the grid) and latest start by :func:`live_window`.

        For such a case the window depends on the date (and ``now``) only: computed once.
        """
        if self.plain is None:
            sessions = self.scenario.sessions
            windows = [live_window(self.scenario, case, s.date) for s in sessions]
            ok = np.array([w is not None for w in windows], np.bool_)
            lo = [_ceil_to(w[0], self.step) if w else 0 for w in windows]
            hi = [w[1] if w else 0 for w in windows]
            self.plain = (ok, np.array(lo, np.int64), np.array(hi, np.int64))
        return self.plain

    def _windows(self, case: Case, sessions: Ints) -> tuple[Bools, Ints, Ints]:
        """As :meth:`plain_windows` for any case, over ``sessions`` only."""
        if case.pinned is None and case.emergency is None:
            ok, lo, hi = self.plain_windows(case)
            return ok[sessions], lo[sessions], hi[sessions]
        windows = [
            live_window(self.scenario, case, self.scenario.sessions[si].date)
            for si in sessions.tolist()
        ]
        ok = np.array([w is not None for w in windows], np.bool_)
        lo_list = [_ceil_to(w[0], self.step) if w else 0 for w in windows]
        hi_list = [w[1] if w else 0 for w in windows]
        return ok, np.array(lo_list, np.int64), np.array(hi_list, np.int64)

    # -- the whole check of one case ----------------------------------------------------
    def case_options(self, ci: int, case: Case) -> CaseOptions:
        """The options of case ``ci`` and the reasons for the sessions it cannot use."""
        if case.cancelled is not None:
            return CaseOptions(case, ci, [], Counter({(9, f"cancelled: {case.cancelled}"): 1}))
        scenario = self.scenario
        tally = _Tally()
        group = self.group(case)
        found = group.sessions
        others = len(scenario.sessions) - len(found)
        if others:
            tally.add((1, f"no session of {case.specialty}"), others, (-1, 0))
        whys = group.whys
        codes = np.where(group.room >= 0, group.room, group.kit)
        pin = case.pinned
        if pin is not None:
            # The pin rule comes after the specialty rules and before the capability ones.
            here = self.day[found] == scenario.horizon.day_index(pin.date)
            here &= self.room[found] == self._room_index(pin.theatre)
            whys = [*whys, (1, f"pinned to {pin.theatre} on {pin.date}, which has no such session")]
            codes = np.where(group.room >= 0, group.room, np.where(here, group.kit, len(whys) - 1))
        tally.codes(codes, whys)
        alive = codes < 0
        days = self.day[found]
        release = scenario.horizon.day_index(case.release) if case.release else -(10**6)
        alive = self._drop(
            tally, alive, days < release, (3, "no suitable session on or after its release date")
        )
        if scenario.rules.deadlines_hard and case.due is not None:
            due = scenario.horizon.day_index(case.due)
            if due >= 0:
                alive = self._drop(
                    tally, alive, days > due, (4, "no suitable session before its deadline")
                )
        long = case.duration > self.length[found]
        alive = self._drop(
            tally, alive, long, (5, "longer than any suitable session (including allowed overtime)")
        )
        pos = np.flatnonzero(alive)
        sessions = found[pos]
        ok, lo, hi = self._windows(case, sessions)
        earliest = np.maximum(self.opening[sessions], lo)
        latest = np.minimum(self.end[sessions] - case.duration, hi)
        fits = ok & (earliest <= latest)
        if not fits.all():
            first = int(pos[np.argmin(fits)])
            tally.add((5, live_reason(scenario, case)), int((~fits).sum()), (first, 0))
        options = self._options(
            ci, case, tally, pos[fits], sessions[fits], earliest[fits], latest[fits]
        )
        return CaseOptions(case, ci, options, tally.counter())

    @staticmethod
    def _drop(tally: _Tally, alive: Bools, broken: Bools, why: Why) -> Bools:
        """``alive`` without the candidates ``broken`` rules out, counted as ``why``."""
        hit = alive & broken
        tally.mask(why, hit)
        return alive & ~hit

    def _room_index(self, theatre: str) -> int:
        return list(self.theatres).index(theatre) if theatre in self.theatres else -2

    # -- stages 6-8: surgeons -------------------------------------------------------------
    def _options(
        self,
        ci: int,
        case: Case,
        tally: _Tally,
        pos: Ints,
        sessions: Ints,
        earliest: Ints,
        latest: Ints,
    ) -> list[Option]:
        """The options of ``case`` among the sessions that pass stages 1-5.

        ``pos`` are their positions among the case's candidates (for the reasons' order).
        """
        eligible = self.scenario.surgeons_for(case)
        pinned = case.pinned.surgeon if case.pinned is not None else None
        crew = self.crews.setdefault((tuple(eligible), pinned, case.specialty), len(self.crews))
        # The surgeon stage depends on the date and the start window only: evaluated once per
        # distinct (day, earliest, latest) of the case, packed into one integer to group them.
        packed = (self.day[sessions] * _SPAN + earliest + _HALF) * _SPAN + latest + _HALF
        keys, first_at, which = np.unique(packed, return_index=True, return_inverse=True)
        counts = np.bincount(which, minlength=len(keys))
        entries: list[Surgeons] = []
        for key, at, n in zip(keys.tolist(), first_at.tolist(), counts.tolist(), strict=True):
            cached = self.cache.get((key, case.duration, crew))
            if cached is None:
                date = self.scenario.sessions[int(sessions[at])].date
                lo, hi = int(earliest[at]), int(latest[at])
                cached = self._surgeons(case, eligible, date, lo, hi)
                self.cache[(key, case.duration, crew)] = cached
            entries.append(cached)
            for k, why in enumerate(cached[3]):
                tally.add(why, n, (int(pos[at]), k + 1))
        days, rooms = self.days, self.rooms
        return [
            Option(ci, si, days[si], rooms[si], entry[1], entry[2], list(entry[0]))
            for si, entry in zip(
                sessions.tolist(), [entries[w] for w in which.tolist()], strict=True
            )
            if entry[0]
        ]

    def _surgeons(
        self, case: Case, eligible: list[str], date: dt.date, earliest: int, latest: int
    ) -> Surgeons:
        """Who can operate ``case`` on ``date`` starting in [earliest, latest], and why not."""
        step = self.step
        whys: list[Why] = []
        choices: list[SurgeonChoice] = []
        for name in eligible:
            if case.pinned is not None and case.pinned.surgeon not in (None, name):
                continue
            surgeon = self.surgeons[name]
            slots = self.slots.get((name, date))
            if slots is None:
                slots = self.slots[(name, date)] = surgeon.slots(date)
            if not slots:
                whys.append((6, f"surgeon {name} not present on session dates"))
                continue
            if case.duration > surgeon.max_minutes_per_day:
                whys.append((7, f"longer than surgeon {name}'s daily maximum"))
                continue
            # The case must fit inside one slot (constraints.one_surgeon_per_case).
            bounds = [
                (max(earliest, _ceil_to(a, step)), min(latest, b - case.duration)) for a, b in slots
            ]
            fitting = [(lo, hi) for lo, hi in bounds if lo <= hi]
            if not fitting:
                whys.append((8, f"surgeon {name}'s hours do not fit the case"))
                continue
            windows = tuple(fitting) if len(fitting) > 1 else ()
            lo, hi = min(lo for lo, _ in fitting), max(hi for _, hi in fitting)
            choices.append(SurgeonChoice(name, lo, hi, windows))
        if not eligible:
            whys.append((6, f"no surgeon of {case.specialty}"))
        if not choices:
            return ((), 0, 0, tuple(whys))
        first = min(c.earliest for c in choices)
        last = max(c.latest for c in choices)
        return (tuple(choices), first, last, tuple(whys))
