"""Mandatory cases that are schedulable by construction.

A case becomes mandatory when it is priority 1, released by the end of the horizon and due
at most a week after it. For each such case (earliest deadline first) we reserve a concrete
slot: a session on a date between release (or horizon start) and deadline (or horizon end,
when already overdue or due after the horizon) in a theatre that allows the specialty and
has the required capabilities (and is at the site of any equipment the case needs), with a
surgeon who is present. The reserved cases of a session run back to back from its opening,
each followed by its turnover, and fit its regular hours: cases with a ``first`` flag
first, then the unflagged ones, then cases with a ``last`` flag (the sequencing rules). A
surgeon's reserved cases of one day sit in one session and within the daily maximum.

The reserved cases, at these times, form a plan that obeys every hard rule of
``docs/rules.md`` when nothing else is scheduled: a reservation is only kept if, with it,
equipment units, PACU beds (by time of day), ICU and ward beds (with the beds already
occupied) and anaesthesia teams (every session with a reserved case counts as used, over
its opening hours plus overtime) all stay within their capacities. A case for which no
slot is left stays priority 1 but not mandatory.

:func:`mandatory_witness` repeats the reservation on a finished scenario, so tests and
what-if variants can show that its mandatory cases still have such a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from orplan.generate.profiles import Profile
from orplan.scenario.model import Case, Scenario, Session

#: Mandatory cases may be due at most this many days after the horizon (A).
MANDATORY_DUE_SLACK_DAYS = 7


def _within(
    intervals: list[tuple[int, int]],
    capacity: int | Callable[[int], int],
    marks: Iterable[int] = (),
) -> bool:
    """Whether at every minute the intervals ``[start, end)`` covering it are <= capacity.

    ``capacity`` is a number or a function of the minute. The count only rises at an
    interval start and the capacity only changes at ``marks``, so checking those points is
    exact.
    """
    for point in {s for s, _ in intervals} | set(marks):
        limit = capacity if isinstance(capacity, int) else capacity(point)
        if sum(1 for s, e in intervals if s <= point < e) > limit:
            return False
    return True


class SlotBook:
    """Greedy reservations of sessions, surgeons and shared resources for mandatory cases."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.theatre_of = {t.id: t for t in scenario.theatres}
        self.surgeon_of = {s.id: s for s in scenario.surgeons}
        self.sessions = sorted(scenario.sessions, key=lambda s: (s.date, s.theatre, s.open))
        self.on_date: dict[dt.date, list[Session]] = {}
        for session in self.sessions:
            self.on_date.setdefault(session.date, []).append(session)
        self.equipment = {e.id: e for e in scenario.equipment}
        self.recovery = {u.site: u for u in scenario.recovery}
        first = {r.flag for r in scenario.sequencing if r.position == "first"}
        last = {r.flag for r in scenario.sequencing if r.position == "last"}
        self.first_flags, self.last_flags = first, last
        self.reserved: dict[str, list[Case]] = {}
        self.surgeon_load: dict[tuple[str, dt.date], int] = {}
        self.surgeon_session: dict[tuple[str, dt.date], str] = {}
        self.beds_taken: dict[tuple[str, str, dt.date], int] = {}

    # -- the plan the reservations form ---------------------------------------------------
    def _order(self, cases: list[Case]) -> list[Case] | None:
        """Cases of one session in sequencing order, or None if no order obeys the rules."""

        def group(case: Case) -> int:
            first = bool(self.first_flags.intersection(case.flags))
            last = bool(self.last_flags.intersection(case.flags))
            return 1 if first == last else (0 if first else 2)

        ordered = sorted(cases, key=group)  # stable: reservation order within a group
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                a_first = bool(self.first_flags.intersection(a.flags))
                b_first = bool(self.first_flags.intersection(b.flags))
                a_last = bool(self.last_flags.intersection(a.flags))
                b_last = bool(self.last_flags.intersection(b.flags))
                if (b_first and not a_first) or (a_last and not b_last):
                    return None
        return ordered

    def _times(self, session: Session, cases: list[Case]) -> list[tuple[Case, int]] | None:
        """(case, start) back to back from opening in sequencing order; None if impossible."""
        ordered = self._order(cases)
        if ordered is None:
            return None
        placed = []
        clock = session.open
        for case in ordered:
            placed.append((case, clock))
            clock += case.duration + self.scenario.turnover_of(case)
        return placed

    def _resources_fit(self, date: dt.date, plans: dict[str, list[tuple[Case, int]]]) -> bool:
        """Equipment, PACU and staff rules for all reservations of ``date``."""
        session_of = {s.id: s for s in self.on_date[date]}
        site_of = {sid: self.theatre_of[s.theatre].site for sid, s in session_of.items()}
        for item in self.equipment.values():
            spans = [
                (start, start + case.duration + item.setup)
                for plan in plans.values()
                for case, start in plan
                if item.id in case.equipment
            ]
            if spans and not _within(spans, item.count):
                return False
        for site, unit in self.recovery.items():
            spans = [
                (start + case.duration, start + case.duration + case.recovery_minutes)
                for sid, plan in plans.items()
                if site_of[sid] == site
                for case, start in plan
                if case.recovery_minutes > 0
            ]
            marks = [m for p in unit.periods for m in (p.start, p.end)]
            if spans and not _within(spans, unit.beds_at, marks):
                return False
        for pool in self.scenario.staff:
            spans = [
                (session_of[sid].open, session_of[sid].close + session_of[sid].overtime)
                for sid, plan in plans.items()
                if plan and site_of[sid] == pool.site
            ]
            if spans and not _within(spans, pool.teams_on(date)):
                return False
        return True

    def _beds_fit(self, case: Case, site: str, date: dt.date) -> bool:
        for unit in self.scenario.beds:
            if unit.site != site:
                continue
            for day in self._bed_dates(case, unit.kind, date):
                taken = unit.occupied.get(day, 0) + self.beds_taken.get((site, unit.kind, day), 0)
                if taken + 1 > unit.beds:
                    return False
        return True

    def _bed_dates(self, case: Case, kind: str, date: dt.date) -> list[dt.date]:
        first, length = (0, case.icu_days) if kind == "icu" else (case.icu_days, case.ward_days)
        days = (date + dt.timedelta(days=first + k) for k in range(length))
        return [d for d in days if self.scenario.horizon.contains(d)]

    # -- reserving ---------------------------------------------------------------------------
    def _session_allows(self, session: Session, case: Case) -> bool:
        theatre = self.theatre_of[session.theatre]
        if theatre.specialties and case.specialty not in theatre.specialties:
            return False
        if session.specialty not in (None, case.specialty):
            return False
        if not set(case.requires) <= set(theatre.capabilities):
            return False
        for name in case.equipment:
            item = self.equipment.get(name)
            if item is None or item.count < 1 or item.site not in (None, theatre.site):
                return False
        return True

    def reserve(
        self, case: Case, first: dt.date, last: dt.date, surgeons: list[str]
    ) -> tuple[str, str] | None:
        """Reserve the earliest fitting (session id, surgeon id) for ``case``, or ``None``.

        Surgeons are tried in the given order.
        """
        for session in self.sessions:
            if not first <= session.date <= last or not self._session_allows(session, case):
                continue
            sid_session = session.id or ""  # always set once the Session is validated
            booked = self.reserved.get(sid_session, [])
            load = sum(c.duration + self.scenario.turnover_of(c) for c in booked)
            if load + case.duration > session.length:
                continue
            site = self.theatre_of[session.theatre].site
            if not self._beds_fit(case, site, session.date):
                continue
            surgeon_id = self._surgeon_for(session, sid_session, case, surgeons)
            if surgeon_id is None:
                continue
            plans: dict[str, list[tuple[Case, int]]] = {}
            feasible = True
            for other in self.on_date[session.date]:
                oid = other.id or ""
                cases = self.reserved.get(oid, []) + ([case] if oid == sid_session else [])
                timed = self._times(other, cases) if cases else []
                if timed is None:
                    feasible = False
                    break
                plans[oid] = timed
            if not feasible or not self._resources_fit(session.date, plans):
                continue
            self.reserved[sid_session] = [*booked, case]
            key = (surgeon_id, session.date)
            self.surgeon_load[key] = self.surgeon_load.get(key, 0) + case.duration
            self.surgeon_session[key] = sid_session
            for unit in self.scenario.beds:
                if unit.site == site:
                    for day in self._bed_dates(case, unit.kind, session.date):
                        slot = (site, unit.kind, day)
                        self.beds_taken[slot] = self.beds_taken.get(slot, 0) + 1
            return sid_session, surgeon_id
        return None

    def placements(self) -> dict[str, tuple[str, int]]:
        """``{case id: (session id, start minute)}`` of every reservation so far."""
        placed: dict[str, tuple[str, int]] = {}
        for session in self.sessions:
            sid = session.id or ""
            timed = self._times(session, self.reserved.get(sid, [])) or []
            for case, start in timed:
                placed[case.id] = (sid, start)
        return placed

    def _surgeon_for(
        self, session: Session, sid_session: str, case: Case, surgeons: list[str]
    ) -> str | None:
        for sid in surgeons:
            surgeon = self.surgeon_of.get(sid)
            window = None if surgeon is None else surgeon.window(session.date)
            if surgeon is None or window is None:
                continue
            if window[0] > session.open or window[1] < session.close:
                continue
            if any(a < session.close and session.open < b for a, b in surgeon.gaps(session.date)):
                continue  # away for part of the session (a split day)
            key = (sid, session.date)
            if self.surgeon_session.get(key, sid_session) != sid_session:
                continue
            if self.surgeon_load.get(key, 0) + case.duration > surgeon.max_minutes_per_day:
                continue
            return sid
        return None


def _window(scenario: Scenario, case: Case) -> tuple[dt.date, dt.date]:
    """Dates a mandatory case may be reserved on: release .. deadline, inside the horizon."""
    start, end = scenario.horizon.start, scenario.horizon.end
    first = max(case.release or start, start)
    last = end if case.due is None or case.due < start else min(case.due, end)
    return first, last


def mark_mandatory(profile: Profile, scenario: Scenario) -> None:
    """Set ``mandatory`` (and, if needed, priority and surgeon) on the scenario's cases.

    Candidates are priority-1 cases as described in the module docstring; when fewer than
    ``profile.min_mandatory`` exist, cases released by the horizon end and not yet overdue
    are promoted to priority 1 and become candidates whatever their deadline:
    cancer-pathway cases first, each group by earliest deadline. A candidate whose own
    surgeons have no slot left goes to another surgeon of its specialty who has one.
    """
    start, end = scenario.horizon.start, scenario.horizon.end
    last_due = end + dt.timedelta(days=MANDATORY_DUE_SLACK_DAYS)
    cases = scenario.cases
    promoted: set[int] = set()

    def due(i: int) -> dt.date:
        return cases[i].due or last_due

    def candidate(i: int) -> bool:
        c = cases[i]
        released = c.release is None or c.release <= end
        return c.priority == 1 and released and (due(i) <= last_due or i in promoted)

    order = sorted(range(len(cases)), key=lambda i: (due(i), i))
    shortfall = profile.min_mandatory - sum(1 for i in order if candidate(i))
    for i in sorted(order, key=lambda i: (not cases[i].cancer_pathway, due(i), i)):
        if shortfall <= 0:
            break
        c = cases[i]
        if c.priority != 1 and due(i) >= start and (c.release is None or c.release <= end):
            c.priority = 1
            promoted.add(i)
            shortfall -= 1

    book = SlotBook(scenario)
    for i in order:
        if not candidate(i):
            continue
        c = cases[i]
        team = [c.surgeon] if c.surgeon else list(c.eligible_surgeons)
        others = [s.id for s in scenario.surgeons if s.specialty == c.specialty]
        first, last = _window(scenario, c)
        found = book.reserve(c, first, last, team + [s for s in others if s not in team])
        if found is None:
            continue
        c.mandatory = True
        if found[1] not in team:
            c.surgeon, c.eligible_surgeons = found[1], []


def witness_plan(scenario: Scenario) -> dict[str, tuple[str, str, int]]:
    """A plan that schedules only the mandatory cases: ``{case id: (session, surgeon, start)}``.

    The reservations of :func:`mandatory_witness` at their back-to-back start times (minutes
    after midnight). With every other case unscheduled it obeys the hard rules, so a solver
    can take it as a first solution (a hint); cases the greedy could not place are left out.
    """
    book = SlotBook(scenario)
    slots = _reserve_all(scenario, book)[0]
    times = book.placements()
    return {cid: (session, surgeon, times[cid][1]) for cid, (session, surgeon) in slots.items()}


def _reserve_all(
    scenario: Scenario, book: SlotBook
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    end = scenario.horizon.end
    slots: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    mandatory = [c for c in scenario.cases if c.mandatory]
    for case in sorted(mandatory, key=lambda c: (c.due or end, c.id)):
        first, last = _window(scenario, case)
        found = book.reserve(case, first, last, scenario.surgeons_for(case))
        if found is None:
            missing.append(case.id)
        else:
            slots[case.id] = found
    return slots, missing


def mandatory_witness(scenario: Scenario) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Reserve a slot for every mandatory case of a finished scenario, greedily.

    Cases are taken by (deadline, id); each may use only its own eligible surgeons. A full
    reservation proves the mandatory cases can all be scheduled together, with every
    resource rule kept (the converse does not hold: greedy may miss a plan that exists).

    Returns
    -------
    tuple
        ``({case id: (session id, surgeon id)}, [ids of cases left without a slot])``.
    """
    return _reserve_all(scenario, SlotBook(scenario))
