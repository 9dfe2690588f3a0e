"""The per-pair option builder as it was before vectorising (issue 17): the test oracle.

:func:`orplan.solver.options.build_options` must give exactly these options, in this order,
with the same exclusion counts inserted in the same order (``CaseOptions.reason`` breaks ties
by insertion order). Kept verbatim apart from imports; do not optimise it.
"""

from __future__ import annotations

import math
from collections import Counter

from orplan.scenario.model import Case, Equipment, Scenario, Session, Theatre
from orplan.solver.options import CaseOptions, Option, SurgeonChoice, live_reason, live_window


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


def reference_build_options(scenario: Scenario) -> list[CaseOptions]:
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
        if case.emergency is not None:
            candidates = list(range(len(scenario.sessions)))  # exempt (rules.md)
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
