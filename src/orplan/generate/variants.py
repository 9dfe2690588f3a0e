"""What-if variants of a scenario: the questions a theatre planner asks.

Each function takes a scenario and returns a new one with one documented edit; cases are
untouched, so a variant can share its base scenario's waiting-list CSV. Choices (which
theatre, which surgeon) are made from the data by fixed rules, never at random, and each
variant keeps every mandatory case schedulable (checked with
:func:`~orplan.generate.mandatory.mandatory_witness`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from orplan.generate.mandatory import mandatory_witness
from orplan.scenario.clock import format_clock
from orplan.scenario.model import Scenario


def _renamed(base: Scenario, suffix: str, what: str, **update: object) -> Scenario:
    variant = base.model_copy(
        update={
            "name": f"{base.name}-{suffix}",
            "description": f"What-if on {base.name}: {what}",
            **update,
        },
        deep=True,
    )
    checked = Scenario.model_validate(variant.model_dump())
    _, missing = mandatory_witness(checked)
    if missing:
        raise ValueError(f"variant {checked.name}: mandatory cases {missing} lose their slot")
    return checked


def theatre_closed(base: Scenario, days: int = 2) -> tuple[Scenario, str]:
    """Close one laminar-flow theatre for maintenance on ``days`` consecutive working days.

    The theatre is the laminar-flow theatre with the most sessions; the days are the first
    run of ``days`` consecutive session dates it has from the second working day on (a
    Monday closure would be announced the week before). Laminar flow is the scarce
    capability of joint replacements, so the variant tests capability bottlenecks.

    Returns
    -------
    tuple
        The variant and a one-line summary of the edit.
    """
    counts = Counter(s.theatre for s in base.sessions)
    laminar = sorted(
        (t.id for t in base.theatres if "laminar-flow" in t.capabilities),
        key=lambda tid: (-counts[tid], tid),
    )
    if not laminar:
        raise ValueError(f"{base.name}: no laminar-flow theatre to close")
    theatre = laminar[0]
    dates = sorted(s.date for s in base.sessions if s.theatre == theatre)
    start_from = base.horizon.start + dt.timedelta(days=1)
    closed: list[dt.date] = []
    for date in dates:
        if date < start_from:
            continue
        if closed and (date - closed[-1]).days != 1:
            closed = []
        closed.append(date)
        if len(closed) == days:
            break
    closed = closed[:days]
    shut = set(closed)
    sessions = [s for s in base.sessions if not (s.theatre == theatre and s.date in shut)]
    when = ", ".join(d.isoformat() for d in closed)
    what = f"theatre {theatre} closed for ventilation maintenance on {when}."
    return _renamed(base, "theatre-closed", what, sessions=sessions), what


def surgeon_leave(base: Scenario) -> tuple[Scenario, str]:
    """Put the busiest surgeon on (sick) leave for the whole horizon.

    The surgeon is the one with the most cases booked to them by name, among surgeons
    named on no mandatory case (so the variant stays feasible); ties by id. Their cases can
    no longer be done this horizon unless another surgeon is eligible.

    Returns
    -------
    tuple
        The variant and a one-line summary of the edit.
    """
    pinned = {s for c in base.cases if c.mandatory for s in base.surgeons_for(c)}
    booked = Counter(c.surgeon for c in base.cases if c.surgeon is not None)
    choices = sorted(
        (s.id for s in base.surgeons if s.id not in pinned),
        key=lambda sid: (-booked[sid], sid),
    )
    if not choices:
        raise ValueError(f"{base.name}: every surgeon has a mandatory case")
    sid = choices[0]
    surgeons = [
        s.model_copy(update={"absent": base.dates()}) if s.id == sid else s for s in base.surgeons
    ]
    what = f"surgeon {sid} on sick leave the whole horizon ({booked[sid]} cases booked to them)."
    return _renamed(base, "surgeon-leave", what, surgeons=surgeons), what


def evening_sessions(
    base: Scenario, specialty: str = "orthopaedics", close: str = "20:00", days: int = 4
) -> tuple[Scenario, str]:
    """Extend one specialty's sessions into the evening on the first ``days`` weekdays.

    Sessions of ``specialty`` on Monday to Thursday (by default) close at ``close`` instead
    of their usual time; allowed overtime is unchanged. Surgeons' daily maxima are
    unchanged too, so the variant shows whether extra theatre hours help without extra
    surgeon time.

    Returns
    -------
    tuple
        The variant and a one-line summary of the edit.
    """
    hours, minutes = (int(x) for x in close.split(":"))
    new_close = hours * 60 + minutes
    sessions = []
    extended = 0
    for s in base.sessions:
        if s.specialty == specialty and s.date.weekday() < days and s.close < new_close:
            sessions.append(s.model_copy(update={"close": new_close}))
            extended += 1
        else:
            sessions.append(s)
    what = (
        f"{extended} {specialty} sessions on Monday-Thursday run until {format_clock(new_close)} "
        "(surgeon daily maxima unchanged)."
    )
    return _renamed(base, "evening", what, sessions=sessions), what
