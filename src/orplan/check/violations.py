"""The hard rules of ``docs/rules.md``, one function per rule id.

Every rule function takes a :class:`~orplan.check.context.CheckContext` and returns a list of
:class:`Violation` (empty when the plan keeps the rule). :func:`find_violations` runs them all.
Rules that need a resolved session, theatre or surgeon skip entries where that reference is
unknown; the unknown reference itself is reported once, by ``session-exists`` or
``surgeon-eligible``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from orplan.check import emergency, live, risk
from orplan.check import resources as res
from orplan.check.context import CheckContext, Placed, hhmm, session_key
from orplan.check.violation import Violation
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = [
    "RULES",
    "RULE_IDS",
    "Violation",
    "bed_capacity",
    "deadline_hard",
    "equipment_capacity",
    "equipment_site",
    "find_violations",
    "mandatory_scheduled",
    "plan_covers_cases",
    "recovery_capacity",
    "release_date",
    "sequence_first",
    "sequence_last",
    "session_allows_specialty",
    "session_exists",
    "session_hours",
    "session_overtime_risk",
    "staff_capacity",
    "surgeon_available",
    "surgeon_daily_max",
    "surgeon_eligible",
    "surgeon_no_overlap",
    "theatre_allows_specialty",
    "theatre_capabilities",
    "theatre_no_overlap",
]


def _sid(p: Placed) -> str | None:
    return session_key(p.session) if p.session is not None else p.entry.session


def plan_covers_cases(ctx: CheckContext) -> list[Violation]:
    """``plan-covers-cases``: every case exactly once, no unknown case ids.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per missing case, duplicated case and unknown plan entry.
    """
    rule = "plan-covers-cases"
    out: list[Violation] = []
    for entry in ctx.unknown_entries:
        out.append(
            Violation(
                rule=rule,
                case=entry.case,
                message=f"plan entry {entry.case} names no case of the scenario",
            )
        )
    for case in ctx.scenario.cases:
        n = ctx.entry_counts.get(case.id, 0)
        if n == 0:
            out.append(Violation(rule=rule, case=case.id, message=f"{case.id} is not in the plan"))
        elif n > 1:
            out.append(
                Violation(
                    rule=rule,
                    case=case.id,
                    message=f"{case.id} appears {n} times in the plan (only the first is used)",
                )
            )
    return out


def session_exists(ctx: CheckContext) -> list[Violation]:
    """``session-exists``: the named session exists and its theatre and date match.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per unknown session, theatre mismatch or date mismatch.
    """
    rule = "session-exists"
    out: list[Violation] = []
    for p in ctx.placed:
        e = p.entry
        s = p.session
        if s is None:
            out.append(
                Violation(
                    rule=rule,
                    case=e.case,
                    session=e.session,
                    message=f"{e.case} names session {e.session}, which is not in the scenario",
                )
            )
            continue
        sid = session_key(s)
        if e.theatre != s.theatre:
            out.append(
                Violation(
                    rule=rule,
                    case=e.case,
                    session=sid,
                    message=f"{e.case} is placed in theatre {e.theatre} but session {sid} "
                    f"is in theatre {s.theatre}",
                )
            )
        if e.date != s.date:
            out.append(
                Violation(
                    rule=rule,
                    case=e.case,
                    session=sid,
                    message=f"{e.case} is dated {e.date} but session {sid} is on {s.date}",
                )
            )
    return out


def theatre_allows_specialty(ctx: CheckContext) -> list[Violation]:
    """``theatre-allows-specialty``: the theatre's specialties are empty or include the case's.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case in a theatre closed to its specialty.
    """
    out: list[Violation] = []
    for p in ctx.placed:
        theatre = ctx.theatres.get(p.theatre)
        if theatre is None or not theatre.specialties:
            continue
        if p.case.specialty not in theatre.specialties:
            allowed = ", ".join(theatre.specialties)
            out.append(
                Violation(
                    rule="theatre-allows-specialty",
                    case=p.case.id,
                    session=_sid(p),
                    message=f"{p.case.id} ({p.case.specialty}) is in theatre {theatre.id}, "
                    f"which allows only {allowed}",
                )
            )
    return out


def session_allows_specialty(ctx: CheckContext) -> list[Violation]:
    """``session-allows-specialty``: the session's specialty is null or the case's.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case in a session owned by another specialty.
    """
    out: list[Violation] = []
    for p in ctx.placed:
        s = p.session
        if s is None or s.specialty is None or s.specialty == p.case.specialty:
            continue
        if p.case.emergency is not None:
            continue  # an emergency breaks into any session its theatre allows
        sid = session_key(s)
        out.append(
            Violation(
                rule="session-allows-specialty",
                case=p.case.id,
                session=sid,
                message=f"{p.case.id} ({p.case.specialty}) is in session {sid}, "
                f"which belongs to {s.specialty}",
            )
        )
    return out


def theatre_capabilities(ctx: CheckContext) -> list[Violation]:
    """``theatre-capabilities``: the theatre has every capability the case requires.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case placed in a theatre lacking a required capability.
    """
    out: list[Violation] = []
    for p in ctx.placed:
        theatre = ctx.theatres.get(p.theatre)
        if theatre is None or not p.case.requires:
            continue
        missing = [r for r in p.case.requires if r not in theatre.capabilities]
        if missing:
            out.append(
                Violation(
                    rule="theatre-capabilities",
                    case=p.case.id,
                    session=_sid(p),
                    message=f"{p.case.id} requires {', '.join(missing)}, which theatre "
                    f"{theatre.id} lacks",
                )
            )
    return out


def release_date(ctx: CheckContext) -> list[Violation]:
    """``release-date``: a case is not operated before its release date.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case scheduled before its release.
    """
    out: list[Violation] = []
    for p in ctx.placed:
        release = p.case.release
        if release is not None and p.date < release:
            out.append(
                Violation(
                    rule="release-date",
                    case=p.case.id,
                    session=_sid(p),
                    message=f"{p.case.id} is scheduled on {p.date}, before its release "
                    f"{release} ({(release - p.date).days} d early)",
                )
            )
    return out


def deadline_hard(ctx: CheckContext) -> list[Violation]:
    """``deadline-hard``: with ``rules.deadlines_hard``, no case after a due date ≥ H0.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case scheduled after its deadline (none when deadlines are soft).
    """
    if not ctx.scenario.rules.deadlines_hard:
        return []
    out: list[Violation] = []
    for p in ctx.placed:
        due = p.case.due
        if due is None or due < ctx.h0:
            continue
        if p.date > due:
            out.append(
                Violation(
                    rule="deadline-hard",
                    case=p.case.id,
                    session=_sid(p),
                    message=f"{p.case.id} is scheduled on {p.date}, {(p.date - due).days} d "
                    f"after its deadline {due} (deadlines are hard)",
                )
            )
    return out


def session_hours(ctx: CheckContext) -> list[Violation]:
    """``session-hours``: start ≥ open, end = start + dur, end ≤ close + allowed overtime.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per broken condition per case (cases in unknown sessions are skipped).
    """
    rule = "session-hours"
    out: list[Violation] = []
    for p in ctx.placed:
        s = p.session
        if s is None:
            continue
        sid = session_key(s)
        cid = p.case.id
        if p.start < s.open:
            out.append(
                Violation(
                    rule=rule,
                    case=cid,
                    session=sid,
                    message=f"{cid} starts {hhmm(p.start)} but session {sid} opens {hhmm(s.open)}",
                )
            )
        if p.entry.end != p.end:
            written = "none" if p.entry.end is None else hhmm(p.entry.end)
            out.append(
                Violation(
                    rule=rule,
                    case=cid,
                    session=sid,
                    message=f"{cid} is written to end {written} but starts {hhmm(p.start)} "
                    f"and lasts {p.case.duration} min, so ends {hhmm(p.end)}",
                )
            )
        if p.end > s.close + s.overtime:
            out.append(
                Violation(
                    rule=rule,
                    case=cid,
                    session=sid,
                    message=f"{cid} ends {hhmm(p.end)} but session {sid} closes "
                    f"{hhmm(s.close)} + {s.overtime} min overtime",
                )
            )
    return out


def _sweep(
    groups: Iterable[tuple[tuple[str, dt.date], list[Placed]]],
    free_at: Callable[[Placed], int],
) -> Iterable[tuple[str, dt.date, Placed, Placed, int]]:
    """Yield ``(key, date, earlier, later, free)`` where ``later`` starts before ``free``.

    Each group is sorted by start; each case is compared with the earlier case that keeps the
    resource busy longest (``free_at``), so a long case overlapping several later ones is
    caught without pairwise comparison.
    """
    for (key, date), items in groups:
        if len(items) < 2:
            continue
        items.sort(key=lambda q: (q.start, q.end, q.case.id))
        blocker = items[0]
        frontier = free_at(blocker)
        for q in items[1:]:
            if q.start < frontier:
                yield key, date, blocker, q, frontier
            f = free_at(q)
            if f > frontier:
                frontier, blocker = f, q


def _cleaning_note(p: Placed) -> str:
    return f" (incl. {p.cleaning} min cleaning)" if p.cleaning else ""


def theatre_no_overlap(ctx: CheckContext) -> list[Violation]:
    """``theatre-no-overlap``: a theatre's cases on one date, with turnover, do not overlap.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case that starts before an earlier case's end plus turnover.
    """
    groups: dict[tuple[str, dt.date], list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        groups[(p.theatre, p.date)].append(p)
    out: list[Violation] = []
    for theatre, date, a, b, free in _sweep(groups.items(), lambda q: q.end + q.turnover):
        out.append(
            Violation(
                rule="theatre-no-overlap",
                case=b.case.id,
                session=_sid(b),
                message=f"{b.case.id} starts {hhmm(b.start)} in {theatre} on {date} but "
                f"{a.case.id} ends {hhmm(a.end)} + {a.turnover} min turnover"
                f"{_cleaning_note(a)} (free at {hhmm(free)})",
            )
        )
    return out


def surgeon_eligible(ctx: CheckContext) -> list[Violation]:
    """``surgeon-eligible``: the fixed surgeon, a listed one, or one of the case's specialty.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case operated by a surgeon who may not (including unknown surgeon ids).
    """
    out: list[Violation] = []
    for p in ctx.placed:
        c = p.case
        sid = p.surgeon
        if c.surgeon is not None:
            ok = sid == c.surgeon
            why = f"its surgeon is {c.surgeon}"
        elif c.eligible_surgeons:
            ok = sid in c.eligible_surgeons
            why = f"eligible surgeons are {', '.join(c.eligible_surgeons)}"
        else:
            surgeon = ctx.surgeons.get(sid)
            ok = surgeon is not None and surgeon.specialty == c.specialty
            why = f"it needs a {c.specialty} surgeon"
        if ok and sid not in ctx.surgeons:
            ok, why = False, "that surgeon is not in the scenario"
        if not ok:
            out.append(
                Violation(
                    rule="surgeon-eligible",
                    case=c.id,
                    surgeon=sid,
                    session=_sid(p),
                    message=f"{c.id} is operated by {sid} but {why}",
                )
            )
    return out


def _joined(entries: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Availability entries of one date with touching or overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(entries):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def surgeon_available(ctx: CheckContext) -> list[Violation]:
    """``surgeon-available``: the surgeon is present on the date for the whole case.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case whose surgeon is absent, has no availability that date, or is
        present only part of the case (unknown surgeons are skipped).
    """
    out: list[Violation] = []
    for p in ctx.placed:
        surgeon = ctx.surgeons.get(p.surgeon)
        if surgeon is None:
            continue
        cid = p.case.id
        problem: str | None = None
        if p.date in surgeon.absent:
            problem = f"{surgeon.id} is absent on {p.date}"
        elif surgeon.available is not None:
            present = _joined((a.start, a.end) for a in surgeon.available if a.date == p.date)
            if not present:
                problem = f"{surgeon.id} has no availability on {p.date}"
            elif not any(a <= p.start and p.end <= b for a, b in present):
                hours = ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in present)
                problem = f"{surgeon.id} is present only {hours} on {p.date}"
        if problem is not None:
            out.append(
                Violation(
                    rule="surgeon-available",
                    case=cid,
                    surgeon=surgeon.id,
                    session=_sid(p),
                    message=f"{cid} runs {hhmm(p.start)}-{hhmm(p.end)} but {problem}",
                )
            )
    return out


def _by_surgeon_date(ctx: CheckContext) -> dict[tuple[str, dt.date], list[Placed]]:
    groups: dict[tuple[str, dt.date], list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        groups[(p.surgeon, p.date)].append(p)
    return groups


def surgeon_no_overlap(ctx: CheckContext) -> list[Violation]:
    """``surgeon-no-overlap``: a surgeon's cases on one date do not overlap in time.

    Turnover does not bind the surgeon: a case may start exactly when another ends.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per case that starts before an earlier case of the same surgeon ends.
    """
    out: list[Violation] = []
    for surgeon, date, a, b, _ in _sweep(_by_surgeon_date(ctx).items(), lambda q: q.end):
        out.append(
            Violation(
                rule="surgeon-no-overlap",
                case=b.case.id,
                surgeon=surgeon,
                session=_sid(b),
                message=f"{surgeon} starts {b.case.id} at {hhmm(b.start)} on {date} "
                f"({b.theatre}) but is operating {a.case.id} until {hhmm(a.end)} "
                f"({a.theatre})",
            )
        )
    return out


def surgeon_daily_max(ctx: CheckContext) -> list[Violation]:
    """``surgeon-daily-max``: a surgeon's operating minutes per date ≤ the daily maximum.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per surgeon-date over the limit (unknown surgeons are skipped).
    """
    out: list[Violation] = []
    for (sid, date), items in sorted(_by_surgeon_date(ctx).items()):
        surgeon = ctx.surgeons.get(sid)
        if surgeon is None:
            continue
        total = sum(p.case.duration for p in items)
        if total > surgeon.max_minutes_per_day:
            names = ", ".join(p.case.id for p in items)
            out.append(
                Violation(
                    rule="surgeon-daily-max",
                    surgeon=sid,
                    message=f"{sid} operates {total} min on {date} ({names}) but may "
                    f"operate at most {surgeon.max_minutes_per_day} min a day",
                )
            )
    return out


def mandatory_scheduled(ctx: CheckContext) -> list[Violation]:
    """``mandatory-scheduled``: every mandatory case is scheduled.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per mandatory case left out.
    """
    scheduled = {p.case.id for p in ctx.placed}
    return [
        Violation(
            rule="mandatory-scheduled",
            case=c.id,
            message=f"{c.id} is mandatory (priority {c.priority}) but not scheduled",
        )
        for c in ctx.scenario.cases
        if c.mandatory and c.id not in scheduled
    ]


def equipment_site(ctx: CheckContext) -> list[Violation]:
    """``equipment-site``: a case needing site-bound equipment is in a theatre at that site.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per (case, equipment) used away from the equipment's site (cases in unknown
        theatres are skipped).
    """
    bound = {e.id: e.site for e in ctx.scenario.equipment if e.site is not None}
    out: list[Violation] = []
    for p in ctx.placed:
        if p.site is None:
            continue
        for name in dict.fromkeys(p.case.equipment):
            site = bound.get(name)
            if site is not None and p.site != site:
                out.append(
                    Violation(
                        rule="equipment-site",
                        case=p.case.id,
                        session=_sid(p),
                        message=f"{p.case.id} needs {name}, which belongs to site {site}, "
                        f"but is in theatre {p.theatre} at site {p.site}",
                    )
                )
    return out


def _ids(labels: list[str]) -> str:
    return ", ".join(labels)


def equipment_capacity(ctx: CheckContext) -> list[Violation]:
    """``equipment-capacity``: units in use (case plus set-up) never exceed ``count``.

    A case uses a unit of *e* over ``[start, end + e.setup)``; site-bound equipment counts
    only the cases at its site.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per equipment, date and maximal stretch of minutes over the count, naming the
        worst minute and the cases in use then.
    """
    out: list[Violation] = []
    for item in ctx.scenario.equipment:
        for date, intervals in sorted(res.equipment_intervals(ctx, item).items()):
            for o in res.overloads(res.steps(intervals, res.constant(item.count))):
                cases = res.active_labels(intervals, o.minute)
                out.append(
                    Violation(
                        rule="equipment-capacity",
                        cases=cases,
                        message=f"{item.id}: {o.load} in use at {hhmm(o.minute)} on {date} "
                        f"but {o.capacity} exist ({_ids(cases)}); over from "
                        f"{hhmm(o.since)} to {hhmm(o.until)}"
                        + (f" (set-up {item.setup} min)" if item.setup else ""),
                    )
                )
    return out


def recovery_capacity(ctx: CheckContext) -> list[Violation]:
    """``recovery-capacity``: PACU beds in use never exceed the beds staffed at that minute.

    A case with ``recovery_minutes > 0`` holds a bed at its site over
    ``[end, end + recovery_minutes)``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per site, date and maximal stretch of minutes over capacity.
    """
    out: list[Violation] = []
    for unit in ctx.scenario.recovery:
        capacity, breaks = res.recovery_capacity(unit)
        for date, intervals in sorted(res.recovery_intervals(ctx, unit.site).items()):
            for o in res.overloads(res.steps(intervals, capacity, breaks)):
                cases = res.active_labels(intervals, o.minute)
                out.append(
                    Violation(
                        rule="recovery-capacity",
                        cases=cases,
                        message=f"PACU at {unit.site}: {o.load} beds in use at "
                        f"{hhmm(o.minute)} on {date} but {o.capacity} staffed "
                        f"({_ids(cases)}); over from {hhmm(o.since)} to {hhmm(o.until)}",
                    )
                )
    return out


def bed_capacity(ctx: CheckContext) -> list[Violation]:
    """``bed-capacity``: per site, kind and horizon date, occupied + patients ≤ beds.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per bed unit and date over capacity.
    """
    occupancy = res.bed_occupancy(ctx)
    days = ctx.scenario.horizon.days
    out: list[Violation] = []
    for unit in ctx.scenario.beds:
        table = occupancy.get((unit.site, unit.kind))
        for d in range(days):
            date = ctx.h0 + dt.timedelta(days=d)
            cases = table[d] if table is not None else []
            before = unit.occupied.get(date, 0)
            total = before + len(cases)
            if total > unit.beds:
                out.append(
                    Violation(
                        rule="bed-capacity",
                        cases=list(cases),
                        message=f"{res.bed_label(unit.kind)} at {unit.site} on {date}: "
                        f"{before} occupied + {len(cases)} patient(s) "
                        f"({_ids(cases) or 'none'}) = {total} beds but {unit.beds} exist",
                    )
                )
    return out


def staff_capacity(ctx: CheckContext) -> list[Violation]:
    """``staff-capacity``: running used sessions of a site never exceed its teams that date.

    A used session runs over ``[open, close + overtime)``; the teams of a date are
    ``by_date[date]``, else ``teams``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per pool, date and maximal stretch of minutes over capacity; ``cases`` lists
        the cases of the sessions running at the worst minute.
    """
    by_session: dict[str, list[str]] = defaultdict(list)
    for p in ctx.placed:
        if p.session is not None:
            by_session[session_key(p.session)].append(p.case.id)
    out: list[Violation] = []
    for pool in ctx.scenario.staff:
        for date, intervals in sorted(res.staff_intervals(ctx, pool.site).items()):
            teams = pool.by_date.get(date, pool.teams)
            for o in res.overloads(res.steps(intervals, res.constant(teams))):
                sessions = res.active_labels(intervals, o.minute)
                out.append(
                    Violation(
                        rule="staff-capacity",
                        cases=[c for s in sessions for c in by_session[s]],
                        message=f"{pool.kind} teams at {pool.site}: {o.load} sessions "
                        f"running at {hhmm(o.minute)} on {date} but {o.capacity} team(s) "
                        f"({_ids(sessions)}); over from {hhmm(o.since)} to {hhmm(o.until)}",
                    )
                )
    return out


def _by_session(ctx: CheckContext) -> dict[str, list[Placed]]:
    groups: dict[str, list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        if p.session is not None:
            groups[session_key(p.session)].append(p)
    return groups


def _position_flags(ctx: CheckContext, position: str) -> set[str]:
    return {r.flag for r in ctx.scenario.sequencing if r.position == position}


def _sequence(ctx: CheckContext, position: str) -> list[Violation]:
    """Cases with a ``position`` flag (``first``/``last``) start before/after all others."""
    flags = _position_flags(ctx, position)
    if not flags:
        return []
    first = position == "first"
    out: list[Violation] = []
    for sid, items in _by_session(ctx).items():
        marked = [p for p in items if flags.intersection(p.case.flags)]
        others = [p for p in items if not flags.intersection(p.case.flags)]
        if not marked or not others:
            continue
        pick = min if first else max
        other = pick(others, key=lambda q: (q.start, q.case.id))
        for p in sorted(marked, key=lambda q: (q.start, q.case.id)):
            if (p.start >= other.start) if first else (p.start <= other.start):
                why = ", ".join(f for f in p.case.flags if f in flags)
                out.append(
                    Violation(
                        rule=f"sequence-{position}",
                        case=p.case.id,
                        session=sid,
                        message=f"{p.case.id} ({why}: {position}) starts {hhmm(p.start)} in "
                        f"session {sid} but {other.case.id}, without a {position} flag, "
                        f"starts {hhmm(other.start)}",
                    )
                )
    return out


def sequence_first(ctx: CheckContext) -> list[Violation]:
    """``sequence-first``: cases with a ``first`` flag start before every other case.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per flagged case that does not start before the earliest case of its session
        without a ``first`` flag.
    """
    return _sequence(ctx, "first")


def sequence_last(ctx: CheckContext) -> list[Violation]:
    """``sequence-last``: cases with a ``last`` flag start after every other case.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per flagged case that does not start after the latest case of its session
        without a ``last`` flag.
    """
    return _sequence(ctx, "last")


def session_overtime_risk(ctx: CheckContext) -> list[Violation]:
    """``session-overtime-risk``: with ``rules.overtime_probability`` = α, slack for α.

    Each used session needs ``planned + z_α · sqrt(Σ sd²) ≤ close − open`` with
    ``planned = (start(first) − open) + Σ (dur + turn) − turn(last)`` (0.01 minute
    tolerance), i.e. a normal-approximation chance of running past close of at most α when
    the cases after the first follow back to back (see :mod:`orplan.check.risk`).

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per used session without enough slack (none when α is not set); ``cases``
        lists the session's cases.
    """
    alpha = ctx.scenario.rules.overtime_probability
    if alpha is None:
        return []
    z = risk.z_value(alpha)
    out: list[Violation] = []
    for sid, r in risk.session_risks(ctx).items():
        if not r.breaks(alpha):
            continue
        slack = r.slack(alpha)
        s = r.session
        out.append(
            Violation(
                rule="session-overtime-risk",
                session=sid,
                cases=[p.case.id for p in r.cases],
                message=f"session {sid}: {r.planned} planned min + {slack:.2f} min slack "
                f"(z {z:.3f} × sd {r.sd:.2f}) = {r.planned + slack:.2f} min but it is open "
                f"{r.length} min ({hhmm(s.open)}-{hhmm(s.close)}); P(past close) = "
                f"{r.probability:.2%} > α {alpha:.2%}",
            )
        )
    return out


RULES: dict[str, Callable[[CheckContext], list[Violation]]] = {
    "plan-covers-cases": plan_covers_cases,
    "session-exists": session_exists,
    "theatre-allows-specialty": theatre_allows_specialty,
    "session-allows-specialty": session_allows_specialty,
    "theatre-capabilities": theatre_capabilities,
    "release-date": release_date,
    "deadline-hard": deadline_hard,
    "session-hours": session_hours,
    "theatre-no-overlap": theatre_no_overlap,
    "surgeon-eligible": surgeon_eligible,
    "surgeon-available": surgeon_available,
    "surgeon-no-overlap": surgeon_no_overlap,
    "surgeon-daily-max": surgeon_daily_max,
    "mandatory-scheduled": mandatory_scheduled,
    "equipment-site": equipment_site,
    "equipment-capacity": equipment_capacity,
    "recovery-capacity": recovery_capacity,
    "bed-capacity": bed_capacity,
    "staff-capacity": staff_capacity,
    "sequence-first": sequence_first,
    "sequence-last": sequence_last,
    "session-overtime-risk": session_overtime_risk,
    "break-in-interval": emergency.break_in_interval,
    "emergency-reserve": emergency.emergency_reserve,
    "case-pinned": live.case_pinned,
    "case-cancelled": live.case_cancelled,
    "not-before-now": live.not_before_now,
    "emergency-window": live.emergency_window,
    "case-frozen": live.case_frozen,
}
"""Rule id → rule function, in the order of ``docs/rules.md``."""

RULE_IDS: tuple[str, ...] = tuple(RULES)
"""All hard-rule ids, in the order of ``docs/rules.md``."""


def find_violations(
    scenario: Scenario, plan: Plan, *, context: CheckContext | None = None
) -> list[Violation]:
    """Run every hard rule on ``plan``.

    Parameters
    ----------
    scenario
        The scenario the plan claims to solve.
    plan
        The plan to check.
    context
        Indexes built by :meth:`CheckContext.build` (built here when omitted).

    Returns
    -------
    list of Violation
        All violations, grouped by rule in the order of :data:`RULE_IDS`.
    """
    ctx = context if context is not None else CheckContext.build(scenario, plan)
    out: list[Violation] = []
    for rule in RULES.values():
        out.extend(rule(ctx))
    return out
