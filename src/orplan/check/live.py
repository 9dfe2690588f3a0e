"""The day-of-surgery rules of ``docs/rules.md``: pinned, cancelled, now, emergency, frozen.

Written apart from the solver (which enforces the same rules when it builds its options), so
that a plan made on the day is checked by a second, independent reading of the rules.
"""

from __future__ import annotations

import datetime as dt

from orplan.check.context import CheckContext, Placed, hhmm, session_key, turnover_minutes
from orplan.check.violation import Violation
from orplan.plan.model import CaseAssignment

__all__ = [
    "LIVE_RULE_IDS",
    "case_cancelled",
    "case_frozen",
    "case_pinned",
    "emergency_window",
    "not_before_now",
]


LIVE_RULE_IDS = frozenset(
    {"case-pinned", "case-cancelled", "not-before-now", "emergency-window", "case-frozen"}
)
"""The day-of-surgery rule ids (tested in tests/check/test_check_live.py)."""


def _at(date: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _placed(ctx: CheckContext) -> dict[str, Placed]:
    return {p.case.id: p for p in ctx.placed}


def case_pinned(ctx: CheckContext) -> list[Violation]:
    """``case-pinned``: a pinned case is scheduled in its theatre, on its date, at its start.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per pinned case that is unscheduled or placed elsewhere.
    """
    out: list[Violation] = []
    placed = _placed(ctx)
    for case in ctx.scenario.cases:
        pin = case.pinned
        if pin is None:
            continue
        want = f"{pin.theatre} on {pin.date} at {hhmm(pin.start)}"
        if pin.surgeon is not None:
            want += f" with {pin.surgeon}"
        p = placed.get(case.id)
        if p is None:
            out.append(
                Violation(
                    rule="case-pinned",
                    case=case.id,
                    message=f"{case.id} is pinned to {want} but is not scheduled",
                )
            )
            continue
        wrong = []
        if p.theatre != pin.theatre:
            wrong.append(f"theatre {p.theatre}")
        if p.date != pin.date:
            wrong.append(f"date {p.date}")
        if p.start != pin.start:
            wrong.append(f"start {hhmm(p.start)}")
        if pin.surgeon is not None and p.surgeon != pin.surgeon:
            wrong.append(f"surgeon {p.surgeon}")
        if wrong:
            out.append(
                Violation(
                    rule="case-pinned",
                    case=case.id,
                    session=session_key(p.session) if p.session else p.entry.session,
                    message=f"{case.id} is pinned to {want} but has {', '.join(wrong)}",
                )
            )
    return out


def case_cancelled(ctx: CheckContext) -> list[Violation]:
    """``case-cancelled``: a cancelled case is not scheduled.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per cancelled case that the plan schedules.
    """
    return [
        Violation(
            rule="case-cancelled",
            case=p.case.id,
            message=f"{p.case.id} was cancelled ({p.case.cancelled}) but is scheduled on "
            f"{p.date} at {hhmm(p.start)}",
        )
        for p in ctx.placed
        if p.case.cancelled is not None
    ]


def not_before_now(ctx: CheckContext) -> list[Violation]:
    """``not-before-now``: with ``now`` set, no case that is not pinned starts before it.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per unpinned case starting before the replanning moment.
    """
    now = ctx.scenario.now
    if now is None:
        return []
    return [
        Violation(
            rule="not-before-now",
            case=p.case.id,
            message=f"{p.case.id} starts {_when(_at(p.date, p.start))}, before the replanning "
            f"moment {_when(now)}, and is not pinned",
        )
        for p in ctx.placed
        if p.case.pinned is None and _at(p.date, p.start) < now
    ]


def emergency_window(ctx: CheckContext) -> list[Violation]:
    """``emergency-window``: an emergency starts between its arrival and its latest start.

    The latest start is arrival + ``max_wait``, or the recorded ``breach_until``. An
    emergency may stay unscheduled only when a breach is recorded without ``breach_until``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    list of Violation
        One per emergency outside its window, or unscheduled without a recorded reason.
    """
    out: list[Violation] = []
    placed = _placed(ctx)
    for case in ctx.scenario.cases:
        em = case.emergency
        if em is None:
            continue
        if em.breach_until is not None:
            latest: dt.datetime | None = em.breach_until
        elif em.breach_reason is not None:
            latest = None
        else:
            latest = em.arrival + dt.timedelta(minutes=em.max_wait)
        p = placed.get(case.id)
        if p is None:
            if latest is not None:
                out.append(
                    Violation(
                        rule="emergency-window",
                        case=case.id,
                        message=f"emergency {case.id} (arrived {_when(em.arrival)}) is not "
                        f"scheduled; it must start by {_when(latest)}",
                    )
                )
            continue
        start = _at(p.date, p.start)
        if start < em.arrival:
            problem = f"before it arrived ({_when(em.arrival)})"
        elif latest is not None and start > latest:
            problem = f"after its latest start {_when(latest)}"
        else:
            continue
        out.append(
            Violation(
                rule="emergency-window",
                case=case.id,
                session=session_key(p.session) if p.session else p.entry.session,
                message=f"emergency {case.id} starts {_when(start)}, {problem}",
            )
        )
    return out


def _waiting(ctx: CheckContext, old: CaseAssignment) -> bool:
    """Whether a case the parent starts before ``now`` is still waiting.

    It is when a pinned (started) case of its theatre that day began before this case's
    planned start and ends, with its turnover, after it; or a pinned case of its surgeon that
    day began before and ends after it: an overrun holds the theatre or the surgeon.
    """
    if old.start is None:
        return False
    for case in ctx.scenario.cases:
        pin = case.pinned
        if pin is None or pin.date != old.date or case.id == old.case:
            continue
        same_theatre = pin.theatre == old.theatre
        if not same_theatre and (pin.surgeon is None or pin.surgeon != old.surgeon):
            continue
        end = pin.start + case.duration
        if same_theatre:
            end += turnover_minutes(ctx.scenario, case)
        if pin.start < old.start and end > old.start:
            return True
    return False


def case_frozen(ctx: CheckContext) -> list[Violation]:
    """``case-frozen``: against the parent plan, what has started or is frozen stays.

    Only with a parent plan and ``now``: a case the parent plan starts before ``now``, or
    whose ``frozen_until`` is after ``now``, keeps the parent's theatre, date and start (or
    its pinned start, when the actual start was reported). A started case also keeps its
    surgeon and is never unscheduled. A cancelled case is exempt: it never started.

    Parameters
    ----------
    ctx
        Indexed scenario, plan and parent plan.

    Returns
    -------
    list of Violation
        One per started or frozen case that moved.
    """
    now, parent = ctx.scenario.now, ctx.parent
    if now is None or parent is None:
        return []
    out: list[Violation] = []
    placed = _placed(ctx)
    for old in parent.cases:
        case = ctx.cases.get(old.case)
        if case is None or not old.scheduled or old.date is None or old.start is None:
            continue
        if case.cancelled is not None:
            continue  # cancelled: it never started (a started case cannot be cancelled)
        started = _at(old.date, old.start) < now and not _waiting(ctx, old)
        frozen = case.frozen_until is not None and now < case.frozen_until
        if not (started or frozen):
            continue
        what = "started" if started else f"frozen until {_when(case.frozen_until or now)}"
        p = placed.get(case.id)
        if p is None:
            if started or case.cancelled is None:
                out.append(
                    Violation(
                        rule="case-frozen",
                        case=case.id,
                        message=f"{case.id} has {what} but is no longer scheduled",
                    )
                )
            continue
        starts = {old.start} | ({case.pinned.start} if case.pinned is not None else set())
        wrong = []
        if p.theatre != old.theatre:
            wrong.append(f"theatre {old.theatre} -> {p.theatre}")
        if p.date != old.date:
            wrong.append(f"date {old.date} -> {p.date}")
        if p.start not in starts:
            wrong.append(f"start {hhmm(old.start)} -> {hhmm(p.start)}")
        if started and p.surgeon != old.surgeon:
            wrong.append(f"surgeon {old.surgeon} -> {p.surgeon}")
        if wrong:
            out.append(
                Violation(
                    rule="case-frozen",
                    case=case.id,
                    message=f"{case.id} has {what} but moved: {', '.join(wrong)}",
                )
            )
    return out
