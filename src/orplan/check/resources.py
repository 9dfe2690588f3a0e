"""Shared-resource load profiles: equipment, recovery (PACU) beds, teams, ICU and ward beds.

The minute-level resources (equipment, PACU beds, staff teams) are checked with a sweep line
over *event points*: each use is a half-open interval ``[a, b)`` of minutes on one date, and
the load only changes where an interval starts or ends or the capacity changes. A profile is
the list of those change points ``(minute, load, capacity)``, each valid until the next; it
costs O(n log n) per date instead of a pass over every minute.

ICU and ward beds are counted per horizon date (``docs/rules.md``, ``bed-capacity``).

Semantics decided here (where ``docs/rules.md`` leaves room):

* A resource interval never carries over midnight into the next date: recovery or equipment
  set-up running past 24:00 stays on its own date's timeline (minutes ≥ 1440), where the
  PACU has its base ``beds``.
* Site-bound equipment (``site`` not null) counts only the cases in theatres at its site; a
  case using it elsewhere breaks ``equipment-site`` instead.
* A case whose theatre is unknown has no site, so it uses no site resource; it still uses
  site-free equipment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from orplan.check.context import CheckContext, Placed, session_key
from orplan.scenario.model import Equipment, RecoveryUnit, Session

__all__ = [
    "BED_KINDS",
    "Interval",
    "Overload",
    "Step",
    "active_labels",
    "bed_label",
    "bed_occupancy",
    "constant",
    "equipment_intervals",
    "overloads",
    "peak",
    "recovery_capacity",
    "recovery_intervals",
    "staff_intervals",
    "steps",
]

BED_KINDS: tuple[str, str] = ("icu", "ward")

Interval = tuple[int, int, str]
"""A use of a resource: ``[start, end)`` minutes and a label (case or session id)."""

Step = tuple[int, int, int | None]
"""A change point of a profile: minute, load from then on, capacity from then on (None =
no limit)."""


def steps(
    intervals: Iterable[Interval],
    capacity: Callable[[int], int | None],
    breaks: Iterable[int] = (),
) -> list[Step]:
    """Return the change points of the load of ``intervals`` against ``capacity``.

    Parameters
    ----------
    intervals
        Uses ``(start, end, label)``; empty intervals (end ≤ start) are ignored.
    capacity
        Capacity at a minute; it may change only at ``breaks``.
    breaks
        Minutes where the capacity may change.

    Returns
    -------
    list of Step
        Sorted change points, the first at minute 0; consecutive points differ in load or
        capacity. The last point has load 0 when there is any interval.
    """
    delta: dict[int, int] = defaultdict(int)
    for a, b, _ in intervals:
        if b > a:
            delta[a] += 1
            delta[b] -= 1
    points = sorted(set(delta) | set(breaks) | {0})
    out: list[Step] = []
    load = 0
    for t in points:
        load += delta.get(t, 0)
        cap = capacity(t)
        if out and out[-1][1] == load and out[-1][2] == cap:
            continue
        out.append((t, load, cap))
    return out


def constant(capacity: int) -> Callable[[int], int | None]:
    """Return a capacity function that is ``capacity`` at every minute."""

    def at(minute: int) -> int | None:
        return capacity

    return at


def bed_label(kind: str) -> str:
    """Return ``"ICU"`` or ``"ward"`` for a bed kind."""
    return "ICU" if kind == "icu" else kind


def peak(profile: Sequence[Step]) -> int:
    """Return the highest load of a profile (0 when empty)."""
    return max((load for _, load, _ in profile), default=0)


@dataclass(frozen=True, slots=True)
class Overload:
    """A maximal stretch of minutes where the load exceeds the capacity.

    Attributes
    ----------
    since, until
        The stretch ``[since, until)``.
    minute
        First minute of the worst excess (load − capacity) in the stretch.
    load, capacity
        Load and capacity at ``minute``.
    """

    since: int
    until: int
    minute: int
    load: int
    capacity: int


def overloads(profile: Sequence[Step]) -> list[Overload]:
    """Return the stretches of ``profile`` where load > capacity (capacity None never binds).

    Parameters
    ----------
    profile
        Change points from :func:`steps`.

    Returns
    -------
    list of Overload
        In time order.
    """
    out: list[Overload] = []
    since: int | None = None
    worst = (0, 0, 0)  # (minute, load, capacity) of the worst excess in the open stretch
    for t, load, cap in profile:
        if cap is not None and load > cap:
            if since is None:
                since, worst = t, (t, load, cap)
            elif load - cap > worst[1] - worst[2]:
                worst = (t, load, cap)
        elif since is not None:
            out.append(Overload(since, t, *worst))
            since = None
    if since is not None:  # unreachable for profiles of steps(), which drain to load 0
        out.append(Overload(since, profile[-1][0] + 1, *worst))
    return out


def active_labels(intervals: Iterable[Interval], minute: int) -> list[str]:
    """Return the labels of the intervals containing ``minute``, by start then label."""
    hits = sorted((a, label) for a, b, label in intervals if a <= minute < b)
    return [label for _, label in hits]


def _by_date(items: Iterable[tuple[dt.date, Interval]]) -> dict[dt.date, list[Interval]]:
    out: dict[dt.date, list[Interval]] = defaultdict(list)
    for date, interval in items:
        out[date].append(interval)
    return dict(out)


def equipment_intervals(ctx: CheckContext, item: Equipment) -> dict[dt.date, list[Interval]]:
    """Uses of ``item`` by date: ``[start, end + setup)`` of each case needing it.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.
    item
        The equipment.

    Returns
    -------
    dict of date to list of Interval
        Labels are case ids. With ``item.site`` set, only cases at that site count.
    """
    return _by_date(
        (p.date, (p.start, p.end + item.setup, p.case.id))
        for p in ctx.placed
        if item.id in p.case.equipment and (item.site is None or p.site == item.site)
    )


def recovery_intervals(ctx: CheckContext, site: str) -> dict[dt.date, list[Interval]]:
    """PACU stays at ``site`` by date: ``[end, end + recovery_minutes)`` of each case.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.
    site
        The site.

    Returns
    -------
    dict of date to list of Interval
        Labels are case ids; cases with ``recovery_minutes == 0`` are left out.
    """
    return _by_date(
        (p.date, (p.end, p.end + p.case.recovery_minutes, p.case.id))
        for p in ctx.placed
        if p.site == site and p.case.recovery_minutes > 0
    )


def recovery_capacity(unit: RecoveryUnit | None) -> tuple[Callable[[int], int | None], list[int]]:
    """Return the bed capacity of a PACU by minute and the minutes where it may change.

    The capacity at minute *m* is the ``beds`` of the period with ``start ≤ m < end``, else
    the unit's ``beds``; without a unit there is no limit (None).

    Parameters
    ----------
    unit
        The recovery unit, or None.

    Returns
    -------
    tuple of (callable, list of int)
        Capacity function and break minutes.
    """
    if unit is None:
        return (lambda m: None), []
    periods = [(p.start, p.end, p.beds) for p in unit.periods]
    base = unit.beds

    def capacity(minute: int) -> int | None:
        for start, end, beds in periods:
            if start <= minute < end:
                return beds
        return base

    breaks = [t for start, end, _ in periods for t in (start, end)]
    return capacity, breaks


def staff_intervals(ctx: CheckContext, site: str) -> dict[dt.date, list[Interval]]:
    """Used sessions at ``site`` by date: ``[open, close + overtime)``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.
    site
        The site.

    Returns
    -------
    dict of date to list of Interval
        Labels are session ids; a session is used when the plan names it for at least one
        scheduled case.
    """
    used = {session_key(p.session) for p in ctx.placed if p.session is not None}
    sessions: list[Session] = [
        s
        for key, s in ctx.sessions.items()
        if key in used and (t := ctx.theatres.get(s.theatre)) is not None and t.site == site
    ]
    return _by_date((s.date, (s.open, s.close + s.overtime, session_key(s))) for s in sessions)


def _in_bed(p: Placed, kind: str) -> tuple[int, int]:
    """Day offsets ``[a, b)`` after surgery that case ``p`` spends in a bed of ``kind``."""
    if kind == "icu":
        return 0, p.case.icu_days
    return p.case.icu_days, p.case.icu_days + p.case.ward_days


def bed_occupancy(ctx: CheckContext) -> dict[tuple[str, str], list[list[str]]]:
    """Cases in an ICU or ward bed, per (site, kind) and horizon day index.

    A case operated on date *s* is in ICU on ``s ≤ d < s + icu_days`` and in a ward on
    ``s + icu_days ≤ d < s + icu_days + ward_days``, at its theatre's site. Pre-existing
    ``occupied`` beds are *not* included here.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    dict of (site, kind) to list of list of str
        For every (site, kind) with at least one patient-day in the horizon: per day index
        ``0 .. horizon.days − 1`` the case ids in such a bed.
    """
    cached = ctx.memo.get("bed_occupancy")
    if cached is not None:
        return cast("dict[tuple[str, str], list[list[str]]]", cached)
    days = ctx.scenario.horizon.days
    out: dict[tuple[str, str], list[list[str]]] = {}
    for p in ctx.placed:
        if p.site is None or (p.case.icu_days == 0 and p.case.ward_days == 0):
            continue
        day0 = (p.date - ctx.h0).days
        for kind in BED_KINDS:
            a, b = _in_bed(p, kind)
            lo, hi = max(0, day0 + a), min(days, day0 + b)
            if lo >= hi:
                continue
            table = out.setdefault((p.site, kind), [[] for _ in range(days)])
            for d in range(lo, hi):
                table[d].append(p.case.id)
    ctx.memo["bed_occupancy"] = out
    return out
