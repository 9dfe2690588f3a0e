"""Room for emergencies: break-in intervals and the emergency reserve (``docs/rules.md``).

A theatre is *closed to break-in* at time *t* while it operates a case (``start < t < end``)
or while none of its sessions is open (*t* outside every ``[open, close]``); a case start or
end, and a session opening or closing, are *break-in moments*. At a site on a date, a
*break-in interval* is a stretch of ``[A, B]`` (first opening, last close of the site's
sessions that date) in which every theatre of the site is closed to break-in: an emergency
arriving then waits until its end for a theatre (van Essen et al. 2012). The checker finds
these stretches directly, as the gaps between the free sets of the theatres.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from orplan.check.context import CheckContext, hhmm
from orplan.check.violation import Violation

__all__ = [
    "SiteDay",
    "break_in_groups",
    "break_in_interval",
    "closed_stretches",
    "emergency_reserve",
    "site_days",
]


def _free(
    sessions: Sequence[tuple[int, int]], cases: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Closed time ranges ``[a, b]`` (``a == b``: one instant) a theatre can take an emergency."""
    out: list[tuple[int, int]] = []
    ordered = sorted(cases)
    for open_, close in sessions:
        at = open_
        for start, end in ordered:
            if end <= at or start >= close:
                if start >= close:
                    break
                continue
            if start >= at:
                out.append((at, start))
            at = max(at, end)
        if at <= close:
            out.append((at, close))
    return out


def closed_stretches(
    sessions: Mapping[str, Sequence[tuple[int, int]]],
    cases: Mapping[str, Sequence[tuple[int, int]]],
) -> tuple[int, int, list[tuple[int, int]]]:
    """The break-in intervals of one site-date.

    Parameters
    ----------
    sessions
        Theatre id → its sessions' ``(open, close)`` minutes that date (each theatre listed
        has at least one).
    cases
        Theatre id → ``(start, end)`` minutes of the cases it operates that date.

    Returns
    -------
    tuple of (int, int, list of (int, int))
        ``A``, ``B`` and the stretches ``(a, b)``, ``a < b``, of ``[A, B]`` in which no
        theatre can take an emergency, in time order.
    """
    first = min(o for ss in sessions.values() for o, _ in ss)
    last = max(c for ss in sessions.values() for _, c in ss)
    free: list[tuple[int, int]] = []
    for theatre, ss in sessions.items():
        free.extend(_free(ss, cases.get(theatre, ())))
    free.sort()
    stretches: list[tuple[int, int]] = []
    reach = first  # the first opening is a break-in moment
    for a, b in free:
        if a > reach:
            stretches.append((reach, a))
        reach = max(reach, b)
    if reach < last:  # so is the last close
        stretches.append((reach, last))
    return first, last, stretches


@dataclass(frozen=True)
class SiteDay:
    """Break-in intervals of one group of theatres (a site, or a site and specialty) on a date.

    Attributes
    ----------
    group
        ``site``, or ``site/specialty`` when ``rules.break_in_scope`` is ``"specialty"``.
    site, date
        Where and when.
    theatres
        The group's theatres.
    first, last
        First opening and last close of the group's sessions that date.
    stretches
        The break-in intervals ``(a, b)`` in time order.
    """

    group: str
    site: str
    date: dt.date
    theatres: frozenset[str]
    first: int
    last: int
    stretches: tuple[tuple[int, int], ...]

    @property
    def longest(self) -> int:
        """Minutes of the longest break-in interval (0 when there is none)."""
        return max((b - a for a, b in self.stretches), default=0)


def break_in_groups(ctx: CheckContext) -> dict[str, tuple[str, frozenset[str]]]:
    """Groups of theatres an emergency may break into, by label: ``(site, theatre ids)``.

    Scope ``"site"``: every theatre of the site. Scope ``"specialty"``: for each site and each
    specialty named in some theatre's ``specialties``, the site's theatres whose
    ``specialties`` are empty or contain it (``site/specialty``); and the site's theatres with
    empty ``specialties`` (``site/*``), for emergencies of specialties no theatre names. Groups
    without a theatre are left out.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    dict of str to (str, frozenset of str)
        Label → (site, theatre ids).
    """
    by_site: dict[str, list[str]] = defaultdict(list)
    for t in ctx.scenario.theatres:
        by_site[t.site].append(t.id)
    if ctx.scenario.rules.break_in_scope == "site":
        return {site: (site, frozenset(ids)) for site, ids in by_site.items()}
    names = sorted({n for t in ctx.scenario.theatres for n in t.specialties})
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for site, ids in by_site.items():
        open_to_all = frozenset(i for i in ids if not ctx.theatres[i].specialties)
        for name in names:
            allowed = open_to_all | {i for i in ids if name in ctx.theatres[i].specialties}
            if allowed:
                out[f"{site}/{name}"] = (site, allowed)
        if open_to_all:
            out[f"{site}/*"] = (site, open_to_all)
    return out


def site_days(ctx: CheckContext) -> list[SiteDay]:
    """Break-in intervals of every group and date with a session, sorted by group and date.

    Cases count in the theatre and on the date of their plan entry (their session's when it
    is known), so a misplaced case still blocks the theatre it claims.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of SiteDay
        One per group (see :func:`break_in_groups`) and date with at least one session.
    """
    cached = ctx.memo.get("break-in")
    if cached is not None:
        return cached  # type: ignore[return-value]
    sessions: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for s in ctx.scenario.sessions:
        sessions[(s.theatre, s.date)].append((s.open, s.close))
    cases: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for p in ctx.placed:
        cases[(p.theatre, p.date)].append((p.start, p.end))
    dates = sorted({s.date for s in ctx.scenario.sessions})
    out = []
    for label, (site, theatres) in sorted(break_in_groups(ctx).items()):
        for date in dates:
            open_ = {t: sessions[(t, date)] for t in sorted(theatres) if (t, date) in sessions}
            if not open_:
                continue
            busy = {t: cases.get((t, date), []) for t in open_}
            first, last, stretches = closed_stretches(open_, busy)
            out.append(SiteDay(label, site, date, theatres, first, last, tuple(stretches)))
    ctx.memo["break-in"] = out
    return out


def break_in_interval(ctx: CheckContext) -> list[Violation]:
    """``break-in-interval``: no break-in interval longer than ``rules.break_in_interval``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per site-date with a longer interval (none when the rule is off); the message
        names the stretches and ``cases`` the cases operating then.
    """
    limit = ctx.scenario.rules.break_in_interval
    if limit is None:
        return []
    out: list[Violation] = []
    for sd in site_days(ctx):
        long = [(a, b) for a, b in sd.stretches if b - a > limit]
        if not long:
            continue
        busy = sorted(
            {
                p.case.id
                for p in ctx.placed
                if p.theatre in sd.theatres
                and p.date == sd.date
                and any(p.start < b and a < p.end for a, b in long)
            }
        )
        spans = ", ".join(f"{hhmm(a)}-{hhmm(b)} ({b - a} min)" for a, b in long)
        out.append(
            Violation(
                rule="break-in-interval",
                cases=busy,
                message=f"{_where(sd)} on {sd.date}: no theatre can take an emergency during "
                f"{spans}; the limit is {limit} min",
            )
        )
    return out


def _where(sd: SiteDay) -> str:
    if sd.group == sd.site:
        return f"site {sd.site}"
    specialty = sd.group.split("/", 1)[1]
    if specialty == "*":
        return f"site {sd.site}, theatres open to every specialty,"
    return f"site {sd.site}, theatres for {specialty},"


def _reserves(ctx: CheckContext) -> dict[tuple[str, dt.date], int]:
    """Minutes to keep free per (site, date) with a session: the largest applicable entry."""
    dates: dict[str, set[dt.date]] = defaultdict(set)
    for s in ctx.scenario.sessions:
        theatre = ctx.theatres.get(s.theatre)
        if theatre is not None:
            dates[theatre.site].add(s.date)
    need: dict[tuple[str, dt.date], int] = {}
    for r in ctx.scenario.rules.emergency_reserve:
        applies: Iterable[dt.date] = dates.get(r.site, set())
        if r.date is not None:
            applies = [r.date] if r.date in dates.get(r.site, set()) else []
        for date in applies:
            need[(r.site, date)] = max(need.get((r.site, date), 0), r.minutes)
    return need


def emergency_reserve(ctx: CheckContext) -> list[Violation]:
    """``emergency-reserve``: elective bookings leave ``minutes`` of a site-date's open time.

    Open time is Σ (close − open) over the site's sessions of the date; booked is
    Σ (dur + turn) over its scheduled cases without ``emergency``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per site-date whose open time minus booked minutes is below its reserve.
    """
    need = _reserves(ctx)
    if not need:
        return []
    open_minutes: dict[tuple[str, dt.date], int] = defaultdict(int)
    for s in ctx.scenario.sessions:
        theatre = ctx.theatres.get(s.theatre)
        if theatre is not None:
            open_minutes[(theatre.site, s.date)] += s.close - s.open
    booked: dict[tuple[str, dt.date], list[tuple[str, int]]] = defaultdict(list)
    for p in ctx.placed:
        if p.site is not None and p.case.emergency is None:
            booked[(p.site, p.date)].append((p.case.id, p.case.duration + p.turnover))
    out: list[Violation] = []
    for (site, date), minutes in sorted(need.items()):
        items = booked.get((site, date), [])
        used = sum(m for _, m in items)
        free = open_minutes[(site, date)] - used
        if free < minutes:
            out.append(
                Violation(
                    rule="emergency-reserve",
                    cases=sorted(cid for cid, _ in items),
                    message=f"site {site} on {date}: {open_minutes[(site, date)]} open min − "
                    f"{used} booked by electives = {free} min free, but {minutes} min must "
                    "stay free for emergencies",
                )
            )
    return out
