"""eligible_sessions as it was before issue 17 (one check per case and session): the oracle.

:func:`orplan.baselines.common.eligible_sessions` must return exactly this. Kept verbatim
apart from imports and the name; do not optimise it.
"""

from __future__ import annotations

from typing import Any

from orplan.baselines.common import Options, _room_allows
from orplan.scenario.model import Scenario


def reference_eligible_sessions(scenario: Scenario) -> Options:
    """For each case, the sessions and surgeons it may use by every per-case rule.

    The per-case rules are: theatre and session specialty, theatre capabilities, site of
    site-bound equipment (and at least one unit), release date, hard deadline, session
    length with allowed overtime, and an eligible surgeon present long enough that date.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Options
        ``(session index, surgeon ids)`` per case, in (date, opening time, theatre) order.
    """
    theatres = {t.id: t for t in scenario.theatres}
    equipment = {e.id: e for e in scenario.equipment}
    surgeons = {s.id: s for s in scenario.surgeons}
    sessions = scenario.sessions
    order = sorted(
        range(len(sessions)),
        key=lambda i: (sessions[i].date, sessions[i].open, sessions[i].theatre),
    )
    windows = {
        (g.id, session.date): g.window(session.date)
        for g in scenario.surgeons
        for session in sessions
    }
    h0 = scenario.horizon.start
    fixed: dict[tuple[Any, ...], list[int]] = {}
    out: Options = []
    for case in scenario.cases:
        key = (case.specialty, tuple(case.requires), tuple(case.equipment))
        if key not in fixed:
            fixed[key] = [
                si
                for si in order
                if _room_allows(theatres[sessions[si].theatre], equipment, case, sessions[si])
            ]
        names = [
            n
            for n in scenario.surgeons_for(case)
            if n in surgeons and case.duration <= surgeons[n].max_minutes_per_day
        ]
        hard_due = (
            case.due
            if scenario.rules.deadlines_hard and case.due is not None and case.due >= h0
            else None
        )
        mine: list[tuple[int, list[str]]] = []
        for si in fixed[key]:
            session = sessions[si]
            if case.release is not None and session.date < case.release:
                continue
            if hard_due is not None and session.date > hard_due:
                continue
            if case.duration > session.close + session.overtime - session.open:
                continue
            present = []
            for name in names:
                window = windows[(name, session.date)]
                if window is None:
                    continue
                lo = max(window[0], session.open)
                hi = min(window[1], session.close + session.overtime)
                if hi - lo >= case.duration:
                    present.append(name)
            if present:
                mine.append((si, present))
        out.append(mine)
    return out
