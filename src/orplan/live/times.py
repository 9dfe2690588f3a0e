"""Local date-times and minutes of the day, and the day's hours cut around an absence or a
closure (helpers of :mod:`orplan.live.situation`)."""

from __future__ import annotations

import datetime as dt

from orplan.scenario.clock import format_clock
from orplan.scenario.model import Availability, Scenario, Session, Surgeon

__all__ = ["DAY", "cut_session", "minute_of", "moment", "without_hours"]

DAY = 24 * 60


def moment(date: dt.date, minute: int) -> dt.datetime:
    """The local date-time ``minute`` minutes after midnight of ``date``."""
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)


def minute_of(when: dt.datetime) -> int:
    """Minutes after midnight of ``when``."""
    return when.hour * 60 + when.minute


def without_hours(
    scenario: Scenario, surgeon: Surgeon, start: dt.datetime, end: dt.datetime
) -> Surgeon:
    """The surgeon with ``[start, end)`` taken out of their hours."""
    available: list[Availability] = []
    for date in scenario.dates():
        for a, b in surgeon.slots(date):
            lo, hi = moment(date, a), moment(date, b)
            for x, y in ((lo, min(hi, start)), (max(lo, end), hi)):
                if x < y and x.date() == date:
                    last = DAY if y.date() > date else minute_of(y)
                    if last > minute_of(x):
                        available.append(Availability(date=date, start=minute_of(x), end=last))
    return surgeon.model_copy(update={"available": available, "absent": []})


def cut_session(session: Session, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """The parts of ``session`` outside the closure ``[start, end)``."""
    lo = moment(session.date, session.open)
    hi = moment(session.date, session.close + session.overtime)
    if end <= lo or start >= hi:
        return [session]
    parts = []
    if start > lo and minute_of(start) > session.open and start.date() == session.date:
        close = minute_of(start)
        parts.append(
            session.model_copy(
                update={
                    "close": min(close, session.close),
                    "overtime": max(0, close - session.close),
                }
            )
        )
    if end < hi and end.date() == session.date and minute_of(end) < session.close:
        parts.append(
            session.model_copy(
                update={
                    "id": f"{session.id}~{format_clock(minute_of(end))}",
                    "open": minute_of(end),
                }
            )
        )
    return parts
