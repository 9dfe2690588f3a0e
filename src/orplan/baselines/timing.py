"""Timing the cases of one session on the board: earliest starts, re-timing, resource uses.

:class:`Timeline` is the timed half of :class:`~orplan.baselines.board.Board`: the uses of
theatres, surgeons, equipment and PACU beds by date, and :meth:`Timeline._retime`, which lays
a session out in sequencing order (``first`` flags, then the rest, then ``last`` flags;
inside each group ``early`` flags first, then by priority), each case at the earliest start
every resource allows. Members ahead of a new case keep their starts unless a use they could
have met was removed since the session was last timed (:meth:`Timeline._kept`): the result
is that of timing every member afresh, without the cost (issue 17).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from orplan.baselines.common import ceil_to
from orplan.durations.slack import whole_minute_slack
from orplan.scenario.model import Scenario

__all__ = ["Resource", "Timeline", "Use", "constant", "overloaded"]

Use = tuple[int, int]
"""A resource use ``[start, end)`` in minutes after midnight."""
Resource = tuple[str, str, dt.date]
"""A timed resource on one date: ``(kind, id, date)``, kind theatre/surgeon/equipment/pacu."""


def overloaded(
    uses: Iterable[Use], lo: int, hi: int, capacity: Callable[[int], int], breaks: list[int]
) -> bool:
    """Whether one more use over ``[lo, hi)`` would exceed ``capacity`` at some minute."""
    spans = [(a, b) for a, b in uses if a < hi and lo < b]
    points = {lo, *(a for a, _ in spans if a > lo), *(p for p in breaks if lo < p < hi)}
    if len(spans) < min(capacity(m) for m in points):
        return False  # even all of them at once leave room: no need to count minute by minute
    for m in points:
        load = sum(1 for a, b in spans if a <= m < b)
        if load + 1 > capacity(m):
            return True
    return False


def constant(value: int) -> Callable[[int], int]:
    """A capacity that is the same at every minute."""

    def capacity(_minute: int) -> int:
        return value

    return capacity


class Timeline:
    """Timed resource uses of the cases placed so far.

    Parameters
    ----------
    scenario
        A validated scenario.
    step
        Starts are multiples of this many minutes (default: the scenario's ``time_step``).
    """

    def __init__(self, scenario: Scenario, step: int | None = None) -> None:
        self.scenario = scenario
        self.step = step or scenario.time_step
        cases = scenario.cases
        self.surgeons = {s.id: s for s in scenario.surgeons}
        self.site_of = {t.id: t.site for t in scenario.theatres}
        self.equipment = {e.id: e for e in scenario.equipment}
        self.pacu = {u.site: u for u in scenario.recovery}
        self.turn = [scenario.turnover_of(c) for c in cases]
        first = {r.flag for r in scenario.sequencing if r.position == "first"}
        last = {r.flag for r in scenario.sequencing if r.position == "last"}
        early = {r.flag: r.weight for r in scenario.sequencing if r.position == "early"}
        self.is_first = [bool(first.intersection(c.flags)) for c in cases]
        self.is_last = [bool(last.intersection(c.flags)) for c in cases]
        self.early = [sum(w for f, w in early.items() if f in c.flags) for c in cases]
        self.sd = [scenario.duration_sd_of(c) for c in cases]
        self.start: dict[int, int] = {}
        self.where: dict[int, tuple[int, str]] = {}
        self.theatre_busy: dict[tuple[str, dt.date], dict[int, Use]] = defaultdict(dict)
        self.surgeon_busy: dict[tuple[str, dt.date], dict[int, Use]] = defaultdict(dict)
        self.equip_busy: dict[tuple[str, dt.date], dict[int, Use]] = defaultdict(dict)
        self.pacu_busy: dict[tuple[str, dt.date], dict[int, Use]] = defaultdict(dict)
        # Incremental re-timing (_kept): a clock of committed re-timings, when each session
        # was last timed, and (clock, start, end) of each use removed from a timed resource.
        self.clock = 0
        self.timed: dict[int, int] = {}
        self.freed: dict[Resource, list[tuple[int, int, int]]] = defaultdict(list)
        # Between a surgeon's availability slots of a date the surgeon is away: held as
        # busy time under negative keys (never a case index), so no case crosses a gap.
        for surgeon in scenario.surgeons:
            for date in {slot.date for slot in surgeon.available or []}:
                for k, gap in enumerate(surgeon.gaps(date)):
                    self.surgeon_busy[(surgeon.id, date)][-1 - k] = gap

    # -- look-ups ---------------------------------------------------------------------
    def _rank(self, ci: int) -> int:
        if self.is_first[ci] and not self.is_last[ci]:
            return 0
        if self.is_last[ci] and not self.is_first[ci]:
            return 2
        return 1

    def sequence_key(self, ci: int) -> tuple[int, int, int, str]:
        """Order of cases inside a session: first flags, rest, last flags; early; priority.

        Parameters
        ----------
        ci
            Case index.

        Returns
        -------
        tuple
            Sort key.
        """
        case = self.scenario.cases[ci]
        return (self._rank(ci), -self.early[ci], case.priority, case.id)

    def _sequence_ok(self, order: list[int]) -> bool:
        """Whether cases in this start order keep the ``first`` and ``last`` rules."""
        seen_plain = False
        for ci in order:
            if self.is_first[ci] and seen_plain:
                return False
            if not self.is_first[ci]:
                seen_plain = True
        seen_last = False
        for ci in order:
            if not self.is_last[ci] and seen_last:
                return False
            if self.is_last[ci]:
                seen_last = True
        return True

    # -- timing -------------------------------------------------------------------------
    def _conflict(self, ci: int, si: int, surgeon: str, x: int) -> int | None:
        """None if ``ci`` can start at ``x``; else a later start worth trying."""
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        date, dur = session.date, case.duration
        end_theatre = x + dur + self.turn[ci]
        for a, b in self.theatre_busy[(session.theatre, date)].values():
            if a < end_theatre and x < b:
                return b
        for a, b in self.surgeon_busy[(surgeon, date)].values():
            if a < x + dur and x < b:
                return b
        for name in case.equipment:
            item = self.equipment[name]
            uses = self.equip_busy[(name, date)].values()
            hi = x + dur + item.setup
            if overloaded(uses, x, hi, constant(item.count), []):
                ends = [b for a, b in uses if a < hi and x < b]
                return min(ends) if ends else x + 1
        unit = self.pacu.get(self.site_of[session.theatre])
        if unit is not None and case.recovery_minutes > 0:
            lo, hi = x + dur, x + dur + case.recovery_minutes
            uses = self.pacu_busy[(unit.site, date)].values()
            breaks = sorted({p.start for p in unit.periods} | {p.end for p in unit.periods})
            if overloaded(uses, lo, hi, unit.beds_at, breaks):
                later = [b for a, b in uses if a < hi and lo < b] + [p for p in breaks if p > lo]
                return (min(later) - dur) if later else x + 1
        return None

    def _robust_close(self, si: int, members: list[int]) -> int | None:
        """Latest planned end of any case of ``members`` in session ``si`` (robust target)."""
        alpha = self.scenario.rules.overtime_probability
        if alpha is None:
            return None
        slack = whole_minute_slack(alpha, [self.sd[ci] for ci in members])
        return self.scenario.sessions[si].close - slack

    def _earliest(
        self, ci: int, si: int, surgeon: str, t: int, end_by: int | None = None
    ) -> int | None:
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        window = self.surgeons[surgeon].window(session.date)
        if window is None:
            return None
        x = ceil_to(max(t, session.open, window[0]), self.step)
        latest = min(session.close + session.overtime, window[1]) - case.duration
        if end_by is not None:
            latest = min(latest, end_by - case.duration)
        while x <= latest:
            nxt = self._conflict(ci, si, surgeon, x)
            if nxt is None:
                return x
            x = ceil_to(max(nxt, x + 1), self.step)
        return None

    def _occupy(self, ci: int, si: int, surgeon: str, x: int) -> None:
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        date, dur = session.date, case.duration
        self.start[ci] = x
        self.theatre_busy[(session.theatre, date)][ci] = (x, x + dur + self.turn[ci])
        self.surgeon_busy[(surgeon, date)][ci] = (x, x + dur)
        for name in case.equipment:
            self.equip_busy[(name, date)][ci] = (x, x + dur + self.equipment[name].setup)
        site = self.site_of[session.theatre]
        if site in self.pacu and case.recovery_minutes > 0:
            self.pacu_busy[(site, date)][ci] = (x + dur, x + dur + case.recovery_minutes)

    def _vacate(self, ci: int, si: int, surgeon: str) -> None:
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        date = session.date
        self.start.pop(ci, None)
        self.theatre_busy[(session.theatre, date)].pop(ci, None)
        self.surgeon_busy[(surgeon, date)].pop(ci, None)
        for name in case.equipment:
            self.equip_busy[(name, date)].pop(ci, None)
        self.pacu_busy[(self.site_of[session.theatre], date)].pop(ci, None)

    def _spans(self, ci: int, si: int, surgeon: str, x: int) -> list[tuple[Resource, int, int]]:
        """The timed uses of case ``ci`` starting at ``x``: ``(resource, start, end)``."""
        case = self.scenario.cases[ci]
        session = self.scenario.sessions[si]
        date, dur = session.date, case.duration
        out = [
            (("theatre", session.theatre, date), x, x + dur + self.turn[ci]),
            (("surgeon", surgeon, date), x, x + dur),
        ]
        for name in case.equipment:
            out.append((("equipment", name, date), x, x + dur + self.equipment[name].setup))
        site = self.site_of[session.theatre]
        if site in self.pacu and case.recovery_minutes > 0:
            out.append((("pacu", site, date), x + dur, x + dur + case.recovery_minutes))
        return out

    def _kept(self, si: int, order: list[tuple[int, str]]) -> int:
        """How many leading members of ``order`` keep their starts when the session is re-timed.

        A start is the earliest the board allows after the previous case (:meth:`_earliest`
        skips only starts that some use blocks). Uses only ever get added, or removed when a
        case of another session moves. While no use that an earlier start of a member would
        meet was removed since its session was last timed, timing it again gives the same
        start; so the leading members already in that order keep theirs and need not be
        vacated and timed again.
        """
        timed = self.timed.get(si)
        if timed is None:
            return 0
        session = self.scenario.sessions[si]
        t = session.open
        for kept, (ci, surgeon) in enumerate(order):
            if self.where.get(ci) != (si, surgeon):
                return kept
            x = self.start[ci]
            window = self.surgeons[surgeon].window(session.date)
            lowest = ceil_to(max(t, session.open, window[0] if window else 0), self.step)
            # A member at the lowest start it may have cannot start earlier.
            if x > lowest and self._freed_before(ci, si, surgeon, x, lowest, timed):
                return kept
            t = x + self.scenario.cases[ci].duration + self.turn[ci]
        return len(order)

    def _freed_before(
        self, ci: int, si: int, surgeon: str, x: int, lowest: int, timed: int
    ) -> bool:
        """Whether a use that a start in ``[lowest, x)`` would meet was removed after ``timed``.

        Removals by this session's own re-timing carry its clock: they are of later members,
        which a member's timing never sees.
        """
        for resource, began, end in self._spans(ci, si, surgeon, x):
            reach = lowest + began - x  # where the earliest candidate's use would begin
            for clock, a, b in reversed(self.freed.get(resource, [])):
                if clock <= timed:
                    break
                if a < end and reach < b:
                    return True
        return False

    def _retime(self, si: int, members: list[tuple[int, str]]) -> bool:
        """Lay out ``members`` in session order; on failure leave the session as it was.

        The result is that of timing every member afresh (:meth:`_kept`), but only the members
        from the first new or possibly earlier one on are vacated and timed again.
        """
        session = self.scenario.sessions[si]
        order = sorted(members, key=lambda m: self.sequence_key(m[0]))
        if not self._sequence_ok([ci for ci, _ in order]):
            return False
        end_by = self._robust_close(si, [ci for ci, _ in order])
        kept = self._kept(si, order)
        cases = self.scenario.cases
        if end_by is not None and any(
            self.start[ci] + cases[ci].duration > end_by for ci, _ in order[:kept]
        ):
            return False
        moved = [(ci, g) for ci, g in order[kept:] if ci in self.start]
        previous = {ci: self.start[ci] for ci, _ in moved}
        for ci, g in moved:
            self._vacate(ci, si, g)
        t = session.open
        if kept:
            last = order[kept - 1][0]
            t = self.start[last] + cases[last].duration + self.turn[last]
        done: list[tuple[int, str]] = []
        for ci, surgeon in order[kept:]:
            x = self._earliest(ci, si, surgeon, t, end_by)
            if x is None:
                for cj, g in done:
                    self._vacate(cj, si, g)
                for cj, g in moved:
                    self._occupy(cj, si, g, previous[cj])
                return False
            self._occupy(ci, si, surgeon, x)
            done.append((ci, surgeon))
            t = x + cases[ci].duration + self.turn[ci]
        self.clock += 1
        for ci, g in moved:
            if self.start[ci] != previous[ci]:
                # Its old uses are gone: starts timed before may no longer be the earliest.
                for resource, began, end in self._spans(ci, si, g, previous[ci]):
                    self.freed[resource].append((self.clock, began, end))
        self.timed[si] = self.clock
        return True
