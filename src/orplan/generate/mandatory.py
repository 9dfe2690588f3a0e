"""Mandatory cases that are schedulable by construction.

A case becomes mandatory when it is priority 1, released by the end of the horizon and due
at most a week after it. For each such case (earliest deadline first) we reserve a concrete
slot: a session on a date between release (or horizon start) and deadline (or horizon end,
when already overdue or due after the horizon) in a theatre that allows the specialty and
has the required capabilities, with a surgeon who is present. Reserved cases of one session
fit its regular hours back to back with their turnovers; a surgeon's reserved cases of one
day sit in one session and within the surgeon's daily maximum. Placing the reserved cases
one after another in their sessions is therefore a feasible plan for the mandatory cases.
A case for which no slot is left stays priority 1 but not mandatory.

:func:`mandatory_witness` repeats the reservation on a finished scenario, so tests and
what-if variants can show that its mandatory cases still have such a plan.
"""

from __future__ import annotations

import datetime as dt

from orplan.generate.cases import Draft
from orplan.generate.profiles import Profile
from orplan.generate.resources import Roster
from orplan.scenario.model import Scenario, Session, Surgeon, Theatre

#: Mandatory cases may be due at most this many days after the horizon (A).
MANDATORY_DUE_SLACK_DAYS = 7


class SlotBook:
    """Greedy reservations of session time and surgeon-days for mandatory cases."""

    def __init__(
        self, theatres: list[Theatre], sessions: list[Session], surgeons: list[Surgeon]
    ) -> None:
        self.theatre_of = {t.id: t for t in theatres}
        self.surgeon_of = {s.id: s for s in surgeons}
        self.sessions = sorted(sessions, key=lambda s: (s.date, s.theatre, s.open))
        self.session_load: dict[str, int] = {}
        self.surgeon_load: dict[tuple[str, dt.date], int] = {}
        self.surgeon_session: dict[tuple[str, dt.date], str] = {}

    def reserve(
        self,
        specialty: str,
        requires: list[str] | tuple[str, ...],
        duration: int,
        turnover: int,
        first: dt.date,
        last: dt.date,
        surgeons: list[str],
    ) -> tuple[str, str] | None:
        """Reserve the earliest fitting (session id, surgeon id), or return ``None``.

        Surgeons are tried in the given order.
        """
        for session in self.sessions:
            if not first <= session.date <= last:
                continue
            theatre = self.theatre_of[session.theatre]
            if theatre.specialties and specialty not in theatre.specialties:
                continue
            if session.specialty not in (None, specialty):
                continue
            if not set(requires) <= set(theatre.capabilities):
                continue
            sid_session = session.id or f"{session.theatre}@{session.date.isoformat()}"
            if self.session_load.get(sid_session, 0) + duration > session.length:
                continue
            for sid in surgeons:
                surgeon = self.surgeon_of.get(sid)
                if surgeon is None or surgeon.window(session.date) is None:
                    continue
                window = surgeon.window(session.date)
                assert window is not None
                if window[0] > session.open or window[1] < session.close:
                    continue
                key = (sid, session.date)
                if self.surgeon_session.get(key, sid_session) != sid_session:
                    continue
                if self.surgeon_load.get(key, 0) + duration > surgeon.max_minutes_per_day:
                    continue
                self.session_load[sid_session] = (
                    self.session_load.get(sid_session, 0) + duration + turnover
                )
                self.surgeon_load[key] = self.surgeon_load.get(key, 0) + duration
                self.surgeon_session[key] = sid_session
                return sid_session, sid
        return None


def mark_mandatory(
    profile: Profile,
    drafts: list[Draft],
    theatres: list[Theatre],
    sessions: list[Session],
    roster: Roster,
) -> None:
    """Set ``mandatory`` (and, if needed, the surgeon) on drafts, in place.

    Candidates are priority-1 cases as described in the module docstring; when fewer than
    ``profile.min_mandatory`` exist, cases released by the horizon end and not yet overdue
    are promoted to priority 1 and become candidates whatever their deadline:
    cancer-pathway cases first, each group by earliest deadline. A candidate whose own
    surgeons have no slot left goes to another surgeon of its specialty who has one.
    """
    start = profile.start
    end = start + dt.timedelta(days=profile.horizon_days - 1)
    last_due = end + dt.timedelta(days=MANDATORY_DUE_SLACK_DAYS)
    promoted: set[int] = set()

    def candidate(i: int) -> bool:
        d = drafts[i]
        return d.priority == 1 and d.release <= end and (d.due <= last_due or i in promoted)

    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].due, i))
    shortfall = profile.min_mandatory - sum(1 for i in order if candidate(i))
    for i in sorted(order, key=lambda i: (not drafts[i].cancer, drafts[i].due, i)):
        if shortfall <= 0:
            break
        d = drafts[i]
        if d.priority != 1 and d.due >= start and d.release <= end:
            d.priority = 1
            promoted.add(i)
            shortfall -= 1

    book = SlotBook(theatres, sessions, roster.surgeons)
    for i in order:
        d = drafts[i]
        if not candidate(i):
            continue
        team = [d.surgeon] if d.surgeon else list(d.eligible)
        others = [s.id for s in roster.of_specialty(d.specialty) if s.id not in team]
        first = max(d.release, start)
        last = end if d.due < start else min(d.due, end)
        found = book.reserve(
            d.specialty, d.family.requires, d.duration, d.turnover, first, last, team + others
        )
        if found is None:
            continue
        d.mandatory = True
        if found[1] not in team:
            d.surgeon, d.eligible = found[1], []


def mandatory_witness(scenario: Scenario) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Reserve a slot for every mandatory case of a finished scenario, greedily.

    Cases are taken by (deadline, id); each may use only its own eligible surgeons. A full
    reservation proves the mandatory cases can all be scheduled (the converse does not
    hold: greedy may miss a plan that exists).

    Returns
    -------
    tuple
        ``({case id: (session id, surgeon id)}, [ids of cases left without a slot])``.
    """
    start, end = scenario.horizon.start, scenario.horizon.end
    book = SlotBook(scenario.theatres, scenario.sessions, scenario.surgeons)
    slots: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    mandatory = [c for c in scenario.cases if c.mandatory]
    for case in sorted(mandatory, key=lambda c: (c.due or end, c.id)):
        first = max(case.release or start, start)
        last = end if case.due is None or case.due < start else min(case.due, end)
        found = book.reserve(
            case.specialty,
            case.requires,
            case.duration,
            scenario.turnover_of(case),
            first,
            last,
            scenario.surgeons_for(case),
        )
        if found is None:
            missing.append(case.id)
        else:
            slots[case.id] = found
    return slots, missing
