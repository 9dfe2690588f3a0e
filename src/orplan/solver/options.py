"""Where each case could go: the eligible (case, session, surgeon) options.

Building options before the model keeps the CP-SAT model small (intervals only for pairs
that can really happen, see docs/cpsat-notes) and gives, for a case with no option at all,
the rule that ruled out each session, which becomes the case's "why not scheduled".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from orplan.scenario.model import Case, Equipment, Scenario, Session, Theatre


@dataclass(frozen=True)
class SurgeonChoice:
    """A surgeon who can operate the case in one session, and the start window it allows."""

    surgeon: str
    earliest: int
    latest: int
    #: Start ranges ``(earliest, latest)``, one per availability slot the case fits in, when
    #: the surgeon has more than one such slot that day (a split day); empty otherwise.
    windows: tuple[tuple[int, int], ...] = ()


@dataclass
class Option:
    """One session a case may be scheduled in.

    Times are minutes after midnight; ``earliest``/``latest`` bound the start so that the
    case starts after opening and ends by close + allowed overtime, for some surgeon.
    """

    case: int
    session: int
    day: int
    theatre: str
    earliest: int
    latest: int
    surgeons: list[SurgeonChoice] = field(default_factory=list)


@dataclass
class CaseOptions:
    """All options of one case, or the reasons none exist."""

    case: Case
    index: int
    options: list[Option]
    excluded: Counter[tuple[int, str]]

    def reason(self) -> str:
        """A planner-readable reason when the case has no option at all.

        Each session was ruled out at some stage of the checks (specialty, capability,
        dates, length, surgeon); the reason given is from the sessions that came closest to
        fitting (the latest stage), the most frequent among them.
        """
        if self.options:
            return ""
        if not self.excluded:
            return "no sessions in the horizon"
        deepest = max(stage for stage, _ in self.excluded)
        counts = Counter(
            {text: n for (stage, text), n in self.excluded.items() if stage == deepest}
        )
        return counts.most_common(1)[0][0]


def _ceil_to(value: int, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _session_filter(
    scenario: Scenario,
    theatre: Theatre,
    equipment: dict[str, Equipment],
    case: Case,
    session: Session,
    day: int,
) -> tuple[int, str] | None:
    """Return (stage, why) ``case`` cannot use ``session``; None when it can, surgeons aside."""
    if theatre.specialties and case.specialty not in theatre.specialties:
        return (1, f"no theatre open to {case.specialty}")
    # An emergency breaks into any session its theatre allows (rules.md, session-allows-...).
    if (
        session.specialty is not None
        and session.specialty != case.specialty
        and case.emergency is None
    ):
        return (1, f"no session of {case.specialty}")
    pin = case.pinned
    if pin is not None and (pin.theatre != theatre.id or pin.date != session.date):
        return (1, f"pinned to {pin.theatre} on {pin.date}, which has no such session")
    missing = [c for c in case.requires if c not in theatre.capabilities]
    if missing:
        return (2, f"no theatre with {', '.join(missing)}")
    for name in case.equipment:
        item = equipment[name]
        if item.count == 0:
            return (2, f"no {name} available (0 units)")
        if item.site is not None and item.site != theatre.site:
            return (2, f"{name} only at site {item.site}")
    release = scenario.horizon.day_index(case.release) if case.release else -(10**6)
    if day < release:
        return (3, "no suitable session on or after its release date")
    if scenario.rules.deadlines_hard and case.due is not None:
        due = scenario.horizon.day_index(case.due)
        if due >= 0 and day > due:
            return (4, "no suitable session before its deadline")
    if case.duration > session.close + session.overtime - session.open:
        return (5, "longer than any suitable session (including allowed overtime)")
    return None


def live_window(scenario: Scenario, case: Case, date: dt.date) -> tuple[int, int] | None:
    """The start minutes allowed on ``date`` by the day-of-surgery rules (None: none).

    A pinned case starts at its pinned minute; other cases start no earlier than the
    scenario's ``now``; an emergency starts between its arrival and its latest start.
    """
    lo, hi = 0, 24 * 60
    if case.pinned is not None:
        return (case.pinned.start, case.pinned.start) if case.pinned.date == date else None
    if scenario.now is not None:
        if date < scenario.now.date():
            return None
        if date == scenario.now.date():
            lo = max(lo, scenario.now.hour * 60 + scenario.now.minute)
    if case.emergency is not None:
        arrival, latest = case.emergency.arrival, case.emergency.latest_start
        if date < arrival.date() or (latest is not None and date > latest.date()):
            return None
        if date == arrival.date():
            lo = max(lo, arrival.hour * 60 + arrival.minute)
        if latest is not None and date == latest.date():
            hi = min(hi, latest.hour * 60 + latest.minute)
    return (lo, hi) if lo <= hi else None


def live_reason(scenario: Scenario, case: Case) -> str:
    """Why the day-of-surgery rules leave a case no start in a session, in plain words."""
    if case.pinned is not None:
        return "its pinned start does not fit the session"
    if case.emergency is not None:
        return "no session open within its urgency window"
    return "no session left after the replanning moment (now)"


def build_options(scenario: Scenario) -> list[CaseOptions]:
    """Return the options of every case, in scenario order.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    list of CaseOptions
    """
    step = scenario.time_step
    surgeons = {s.id: s for s in scenario.surgeons}
    # Hours present per (surgeon, date), looked up for every (case, session) pair.
    present = {(s.id, d): s.slots(d) for s in scenario.surgeons for d in scenario.dates()}
    theatres = {t.id: t for t in scenario.theatres}
    equipment = {e.id: e for e in scenario.equipment}
    # Sessions owned by another specialty are ruled out in bulk: with thousands of cases and
    # sessions, a Python loop over every pair is the slow part of model building.
    by_specialty: dict[str | None, list[int]] = {}
    for si, session in enumerate(scenario.sessions):
        by_specialty.setdefault(session.specialty, []).append(si)
    result: list[CaseOptions] = []
    for ci, case in enumerate(scenario.cases):
        options: list[Option] = []
        excluded: Counter[tuple[int, str]] = Counter()
        if case.cancelled is not None:
            excluded[(9, f"cancelled: {case.cancelled}")] += 1
            result.append(CaseOptions(case, ci, options, excluded))
            continue
        eligible = scenario.surgeons_for(case)
        candidates = sorted(by_specialty.get(None, []) + by_specialty.get(case.specialty, []))
        others = len(scenario.sessions) - len(candidates)
        if others:
            excluded[(1, f"no session of {case.specialty}")] += others
        for si in candidates:
            session = scenario.sessions[si]
            day = scenario.horizon.day_index(session.date)
            why = _session_filter(
                scenario, theatres[session.theatre], equipment, case, session, day
            )
            if why is not None:
                excluded[why] += 1
                continue
            earliest = _ceil_to(session.open, step)
            latest = session.close + session.overtime - case.duration
            window = live_window(scenario, case, session.date)
            if window is None:
                excluded[(5, live_reason(scenario, case))] += 1
                continue
            earliest = max(earliest, _ceil_to(window[0], step))
            latest = min(latest, window[1])
            if earliest > latest:
                excluded[(5, live_reason(scenario, case))] += 1
                continue
            choices = []
            for name in eligible:
                if case.pinned is not None and case.pinned.surgeon not in (None, name):
                    continue
                surgeon = surgeons[name]
                slots = present[(name, session.date)]
                if not slots:
                    excluded[(6, f"surgeon {name} not present on session dates")] += 1
                    continue
                if case.duration > surgeon.max_minutes_per_day:
                    excluded[(7, f"longer than surgeon {name}'s daily maximum")] += 1
                    continue
                # The case must fit inside one slot (constraints.one_surgeon_per_case).
                bounds = [
                    (max(earliest, _ceil_to(a, step)), min(latest, b - case.duration))
                    for a, b in slots
                ]
                fitting = [(lo, hi) for lo, hi in bounds if lo <= hi]
                if not fitting:
                    excluded[(8, f"surgeon {name}'s hours do not fit the case")] += 1
                    continue
                windows = tuple(fitting) if len(fitting) > 1 else ()
                lo, hi = min(lo for lo, _ in fitting), max(hi for _, hi in fitting)
                choices.append(SurgeonChoice(name, lo, hi, windows))
            if not eligible:
                excluded[(6, f"no surgeon of {case.specialty}")] += 1
            if not choices:
                continue
            lo = min(c.earliest for c in choices)
            hi = max(c.latest for c in choices)
            options.append(Option(ci, si, day, session.theatre, lo, hi, choices))
        result.append(CaseOptions(case, ci, options, excluded))
    return result
