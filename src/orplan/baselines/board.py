"""A plan under construction that keeps every hard rule of ``docs/rules.md`` at all times.

:class:`Board` holds the cases placed so far with their resource uses (theatre, surgeon,
equipment, PACU beds, ICU and ward beds, staff teams). :meth:`Board.try_insert` adds one
case to one session with one surgeon: it re-times the session — cases in sequencing order
(``first`` flags, then the rest, then ``last`` flags; inside each group ``early`` flags
first, then by priority), each at the earliest start that every resource allows, see
:mod:`orplan.baselines.timing` — and keeps the result only when every case of the session
still fits. Other sessions never move, so a placed case stays valid.

Times are exact minutes; starts are rounded up to ``step`` (the scenario's planning grid by
default, so a rule plan is also a valid CP-SAT hint). With a robust target
(``rules.overtime_probability``) every case of a session must end the session's planned
slack (:func:`~orplan.durations.slack.whole_minute_slack`) before closing, as in the model.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import numpy.typing as npt

from orplan.baselines.timing import Timeline, Use, constant, overloaded
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import BedUnit, Scenario, StaffPool

__all__ = ["Board"]


class Board(Timeline):
    """Cases placed so far, indexed by every resource they use.

    Parameters
    ----------
    scenario
        A validated scenario.
    step
        Starts are multiples of this many minutes (default: the scenario's ``time_step``).
    """

    def __init__(self, scenario: Scenario, step: int | None = None) -> None:
        super().__init__(scenario, step)
        self.bed_units: dict[tuple[str, str], BedUnit] = {
            (u.site, u.kind): u for u in scenario.beds
        }
        self.pools: dict[str, list[StaffPool]] = defaultdict(list)
        for pool in scenario.staff:
            self.pools[pool.site].append(pool)
        self.dates = scenario.dates()
        self.members: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.minutes: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.theatres_of: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self.beds: dict[tuple[str, str, int], int] = defaultdict(int)
        self.staff_busy: dict[tuple[str, dt.date], dict[int, Use]] = defaultdict(dict)
        self.load: dict[int, int] = defaultdict(int)
        self.top_turn: dict[int, int] = {}
        # The same per session as arrays, to rule out full sessions of a case at once.
        sessions = scenario.sessions
        self.room = np.array([s.close + s.overtime - s.open for s in sessions], np.int64)
        self.load_of = np.zeros(len(sessions), np.int64)
        self.top_of = np.zeros(len(sessions), np.int64)

    def _bed_days(self, ci: int, day: int) -> list[tuple[str, int]]:
        case = self.scenario.cases[ci]
        days = self.scenario.horizon.days
        out = [("icu", d) for d in range(day, min(days, day + case.icu_days))]
        ward0 = day + case.icu_days
        out += [("ward", d) for d in range(ward0, min(days, ward0 + case.ward_days))]
        return out

    # -- static checks of one (case, session, surgeon) ---------------------------------
    def _fits_beds(self, ci: int, si: int) -> bool:
        session = self.scenario.sessions[si]
        site = self.site_of[session.theatre]
        day = self.scenario.horizon.day_index(session.date)
        dates = self.dates
        for kind, d in self._bed_days(ci, day):
            unit = self.bed_units.get((site, kind))
            if unit is None:
                continue
            if unit.occupied.get(dates[d], 0) + self.beds[(site, kind, d)] + 1 > unit.beds:
                return False
        return True

    def _fits_staff(self, si: int) -> bool:
        session = self.scenario.sessions[si]
        if self.members.get(si):
            return True
        site = self.site_of[session.theatre]
        uses = self.staff_busy[(site, session.date)].values()
        hi = session.close + session.overtime
        for pool in self.pools.get(site, []):
            teams = pool.teams_on(session.date)
            if overloaded(uses, session.open, hi, constant(teams), []):
                return False
        return True

    # -- public -------------------------------------------------------------------------
    def fits_statically(self, ci: int, si: int, surgeon: str) -> bool:
        """Checks that do not depend on start times: daily maximum, beds, teams, length.

        Parameters
        ----------
        ci
            Case index.
        si
            Session index (already eligible for the case).
        surgeon
            Surgeon id (eligible and present on the session's date).

        Returns
        -------
        bool
            False when the case surely cannot join the session with this surgeon now.
        """
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        limit = self.surgeons[surgeon].max_minutes_per_day
        if self.minutes[(surgeon, session.date)] + case.duration > limit:
            return False
        return self.fits_session(ci, si)

    def long_enough(self, ci: int, sessions: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which of ``sessions`` still have the length :meth:`fits_session` asks for ``ci``.

        Parameters
        ----------
        ci
            Case index.
        sessions
            Session indices.

        Returns
        -------
        numpy.ndarray of bool
            False where the case surely cannot join the session now.
        """
        turn = self.turn[ci]
        need = self.load_of[sessions] + self.scenario.cases[ci].duration + turn
        return need - np.maximum(self.top_of[sessions], turn) <= self.room[sessions]

    def fits_session(self, ci: int, si: int) -> bool:
        """The checks of :meth:`fits_statically` that hold for every surgeon: length, beds,
        teams. A caller may skip a session that fails them without ranking its surgeons.

        Parameters
        ----------
        ci
            Case index.
        si
            Session index (already eligible for the case).

        Returns
        -------
        bool
            False when the case surely cannot join the session now, whoever operates.
        """
        session = self.scenario.sessions[si]
        need = self.load[si] + self.scenario.cases[ci].duration + self.turn[ci]
        # The longest turnover is not needed: one case of the session ends it.
        top_turn = max(self.turn[ci], self.top_turn.get(si, 0))
        if need - top_turn > session.close + session.overtime - session.open:
            return False
        return self._fits_beds(ci, si) and self._fits_staff(si)

    def try_insert(self, ci: int, si: int, surgeon: str) -> bool:
        """Add case ``ci`` to session ``si`` with ``surgeon`` if every hard rule still holds.

        Parameters
        ----------
        ci
            Case index (not yet placed).
        si
            Session index; the caller has checked the per-case rules (specialty,
            capabilities, release, hard deadline, equipment site, surgeon eligibility).
        surgeon
            Surgeon id.

        Returns
        -------
        bool
            Whether the case was added (the session is then re-timed).
        """
        if ci in self.where or not self.fits_statically(ci, si, surgeon):
            return False
        old = list(self.members.get(si, []))
        if not self._retime(si, [*old, (ci, surgeon)]):
            return False
        session = self.scenario.sessions[si]
        case = self.scenario.cases[ci]
        if not old:
            site = self.site_of[session.theatre]
            hi = session.close + session.overtime
            self.staff_busy[(site, session.date)][si] = (session.open, hi)
        self.members[si].append((ci, surgeon))
        self.where[ci] = (si, surgeon)
        self.load[si] += case.duration + self.turn[ci]
        self.top_turn[si] = max(self.top_turn.get(si, 0), self.turn[ci])
        self.load_of[si], self.top_of[si] = self.load[si], self.top_turn[si]
        self.minutes[(surgeon, session.date)] += case.duration
        self.theatres_of[(surgeon, session.date)][session.theatre] += 1
        site = self.site_of[session.theatre]
        day = self.scenario.horizon.day_index(session.date)
        for kind, d in self._bed_days(ci, day):
            self.beds[(site, kind, d)] += 1
        return True

    def surgeon_preference(self, si: int, candidates: list[str]) -> list[str]:
        """Order ``candidates`` for a case in session ``si``: fewest theatre changes first.

        Surgeons already operating in the session's theatre that day come first, then those
        not operating at all that day, then the rest; ties go to the least loaded surgeon.

        Parameters
        ----------
        si
            Session index.
        candidates
            Surgeon ids.

        Returns
        -------
        list of str
            The same ids, best first.
        """
        session = self.scenario.sessions[si]

        def key(name: str) -> tuple[int, int, str]:
            used = self.theatres_of.get((name, session.date), {})
            if used.get(session.theatre):
                tier = 0
            elif not any(used.values()):
                tier = 1
            else:
                tier = 2
            return (tier, self.minutes.get((name, session.date), 0), name)

        return sorted(candidates, key=key)

    def entries(self, reasons: dict[int, str] | None = None) -> list[CaseAssignment]:
        """The plan entries, one per scenario case in scenario order.

        Parameters
        ----------
        reasons
            Why a case is not scheduled, by case index (a default text otherwise).

        Returns
        -------
        list of CaseAssignment
        """
        out: list[CaseAssignment] = []
        reasons = reasons or {}
        for ci, case in enumerate(self.scenario.cases):
            if ci not in self.where:
                why = reasons.get(ci, "no session with room left")
                out.append(CaseAssignment(case=case.id, scheduled=False, reason=why))
                continue
            si, surgeon = self.where[ci]
            session = self.scenario.sessions[si]
            start = self.start[ci]
            out.append(CaseAssignment.placed(case, session, start, surgeon))
        return out
