"""Slots where nothing else moves: the gaps in a theatre's day that fit one more case.

For every session the case may use and every eligible surgeon (the solver's options, so
release, specialty, capabilities, surgeon hours and ``now`` are already applied), the start
minutes left free by the theatre (each case's end plus turnover, and the new case's own
turnover before the next case) and by the surgeon's other cases are intersected. Each
free range gives a candidate at its earliest start on the grid (and at its latest, if the
earliest is rejected). Candidates are tried cheapest first by a lower bound on the cost
change; each is kept only if the independent checker accepts the whole plan, and the
search stops once ``top`` are kept and no untried candidate could be cheaper.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from orplan.live.book import Booking, Suggestion, suggestion_from
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario, Session
from orplan.solver.options import build_options

__all__ = ["free_slots", "waiting_change"]

Ranges = list[tuple[int, int]]
FAR = 10**6
#: Checker calls at most per booking: bounds the latency when many free gaps break a
#: resource rule (staff, equipment, beds) the geometry does not see.
MAX_CHECKS = 200


@dataclass(frozen=True)
class _Candidate:
    key: tuple[str, str, int]  # session, surgeon, free range: one suggestion per key
    session: Session
    surgeon: str
    start: int
    fallback: int | None  # the range's latest start, tried if ``start`` is rejected


def _free(busy: list[tuple[int, int]], length: int) -> Ranges:
    """Start minutes ``t`` with ``[t, t + length)`` clear of every ``busy`` interval."""
    out: Ranges = []
    lo = -FAR
    for a, b in sorted(busy):
        if a - length >= lo:
            out.append((lo, a - length))
        lo = max(lo, b)
    out.append((lo, FAR))
    return out


def _intersect(left: Ranges, right: Ranges) -> Ranges:
    out = []
    for a, b in left:
        for c, d in right:
            lo, hi = max(a, c), min(b, d)
            if lo <= hi:
                out.append((lo, hi))
    return sorted(out)


class _Day:
    """The published plan indexed by theatre-date, surgeon-date and session."""

    def __init__(self, booking: Booking) -> None:
        sc = booking.scenario
        cases = {c.id: c for c in sc.cases}
        self.surgeons = {s.id: s for s in sc.surgeons}
        self.theatre: dict[tuple[str, object], list[tuple[int, int]]] = defaultdict(list)
        self.surgeon: dict[tuple[str, object], list[tuple[int, int]]] = defaultdict(list)
        self.theatres_of: dict[tuple[str, object], set[str]] = defaultdict(set)
        self.last_end: dict[str, int] = {}
        self.used: Counter[str] = Counter()
        for e in booking.waiting.cases:
            if not e.scheduled or e.start is None or e.end is None:
                continue
            case = cases[e.case]
            turn = sc.turnover_of(case)
            self.theatre[(str(e.theatre), e.date)].append((e.start, e.end + turn))
            self.surgeon[(str(e.surgeon), e.date)].append((e.start, e.end))
            self.theatres_of[(str(e.surgeon), e.date)].add(str(e.theatre))
            sid = str(e.session)
            self.last_end[sid] = max(self.last_end.get(sid, 0), e.end)
            self.used[sid] += case.duration + turn


def waiting_change(sc: Scenario, booking: Booking, day: int) -> float:
    """Cost change of booking the case on horizon day ``day``: unscheduled, waiting, lateness."""
    case, w = booking.case, sc.weights
    h0, h1 = sc.horizon.start, sc.horizon.end
    date = sc.dates()[day]
    change = -w.unscheduled_cost(case.priority)
    earliest = h0 if case.release is None else max(case.release, h0)
    change += w.waiting_day * max(0, (date - earliest).days)
    if case.due is not None:
        late = max(0, (date - case.due).days)
        change += w.late_day * late
        if case.due <= h1:
            change -= w.late_day * ((h1 - case.due).days + 1)
            change -= w.deadline_breach * int(date <= case.due)
    return float(change)


def _bound(booking: Booking, day: _Day, cand: _Candidate, start: int, base: float) -> float:
    """A lower bound on the checker's cost change (exact but for the bed peak, which can only
    rise when a case is added)."""
    sc, case, s = booking.scenario, booking.case, cand.session
    w = sc.weights
    sid = str(s.id)
    end = start + case.duration
    turn = sc.turnover_of(case)
    change = base
    last = day.last_end.get(sid)
    before = max(0, last - s.close) if last is not None else 0
    change += w.overtime_minute * (max(0, max(end, last or 0) - s.close) - before)
    used = day.used.get(sid, 0)
    change += w.idle_minute * (
        max(0, s.length - used - case.duration - turn) - max(0, s.length - used)
    )
    theatres = day.theatres_of.get((cand.surgeon, s.date), set())
    change += w.theatre_change * int(bool(theatres) and s.theatre not in theatres)
    for rule in sc.sequencing:
        if rule.position == "early" and rule.flag in case.flags:
            change += rule.weight * max(0, start - s.open)
    surgeon = day.surgeons[cand.surgeon]
    weekdays, theatres_ok = surgeon.preferred_weekdays, surgeon.preferred_theatres
    misses = int(bool(weekdays) and s.date.weekday() not in weekdays)
    misses += int(bool(theatres_ok) and s.theatre not in theatres_ok)
    return float(change + w.surgeon_preference * misses)


def _candidates(booking: Booking, day: _Day) -> tuple[list[tuple[_Candidate, float]], str]:
    """Every candidate with its day-dependent cost change; the options' reason when none."""
    sc, case = booking.scenario, booking.case
    step = booking.grid
    only = sc.model_copy(update={"cases": [case]})
    (options,) = build_options(only)
    surgeons = day.surgeons
    turn = sc.turnover_of(case)
    out = []
    for option in options.options:
        session = sc.sessions[option.session]
        # Before another case the new one needs its turnover too; as the last, it does not.
        blocks = day.theatre.get((session.theatre, session.date), [])
        theatre = _free(blocks, case.duration + turn)
        base = waiting_change(sc, booking, option.day)
        for choice in option.surgeons:
            busy = day.surgeon.get((choice.surgeon, session.date), [])
            daily = surgeons[choice.surgeon].max_minutes_per_day
            if sum(b - a for a, b in busy) + case.duration > daily:
                continue
            windows = list(choice.windows) or [(choice.earliest, choice.latest)]
            ranges = _intersect(_intersect(theatre, _free(busy, case.duration)), windows)
            for i, (lo, hi) in enumerate(ranges):
                first = int(math.ceil(lo / step) * step)
                last = hi // step * step
                if first > hi:
                    continue
                key = (str(session.id), choice.surgeon, i)
                fallback = last if last > first else None
                out.append((_Candidate(key, session, choice.surgeon, first, fallback), base))
    return out, options.reason()


def free_slots(booking: Booking, top: int) -> tuple[list[Suggestion], str, bool]:
    """Up to ``top`` cheapest slots where no other case moves, each accepted by the checker.

    Returns
    -------
    tuple of (list of Suggestion, str, bool)
        The suggestions (unranked); when fewer than ``top``, why; and whether any session
        can take the case at all (if not, no move can make room).
    """
    day = _Day(booking)
    candidates, reason = _candidates(booking, day)
    if reason:
        return [], reason, False
    if not candidates:
        return [], "no free time in any session the case may use", True
    heap: list[tuple[float, int, _Candidate, int, bool]] = []
    for n, (cand, base) in enumerate(candidates):
        heap.append((_bound(booking, day, cand, cand.start, base), n, cand, cand.start, False))
    heapq.heapify(heap)
    bases = {c.key: b for c, b in candidates}
    kept: dict[tuple[str, str, int], Suggestion] = {}
    rejected: Counter[str] = Counter()
    counter = len(heap)
    checks, stopped = 0, False
    while heap:
        bound, _, cand, start, is_fallback = heapq.heappop(heap)
        if cand.key in kept:
            continue
        costs = sorted(s.cost_change for s in kept.values())
        if len(costs) >= top and bound >= costs[top - 1]:
            break  # no untried slot can beat the top ones
        if checks >= MAX_CHECKS:
            stopped = True
            break
        checks += 1
        entry = CaseAssignment.placed(booking.case, cand.session, start, cand.surgeon)
        plan = booking.with_entries({booking.case.id: entry})
        suggestion, broken = suggestion_from(booking, plan)
        if suggestion is not None:
            kept[cand.key] = suggestion
            continue
        rejected[broken[0]] += 1
        if not is_fallback and cand.fallback is not None:
            counter += 1
            later = _bound(booking, day, cand, cand.fallback, bases[cand.key])
            heapq.heappush(heap, (later, counter, cand, cand.fallback, True))
    found = list(kept.values())
    why = ""
    if len(found) < top:
        why = "no further free slot" if found else "no free slot"
        if rejected:
            rules = ", ".join(f"{rule} ({n})" for rule, n in rejected.most_common(3))
            why += f"; free gaps rejected by the checker for {rules}"
        if stopped:
            why += f"; search stopped after {MAX_CHECKS} checks"
    return found, why, True
