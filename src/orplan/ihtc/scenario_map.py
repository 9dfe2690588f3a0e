"""Map the surgery/admission part of an IHTC-2024 instance onto orplan's :class:`Scenario`.

What maps (and how)
-------------------
* **Horizon.** IHTC day ``d`` is the calendar date ``start + d`` (``start``
  defaults to 2024-01-01, a Monday); ``days`` is the IHTC horizon.
* **Theatres and sessions.** Every operating theatre becomes a
  :class:`~orplan.scenario.model.Theatre`; every day on which it is open
  (``availability > 0``) becomes a :class:`~orplan.scenario.model.Session`
  from 08:00 for ``availability`` minutes (earlier when a day is longer than
  16 h), without allowed overtime: IHTC theatre overtime (H4) is a hard rule.
* **Surgeons.** The per-day budget ``max_surgery_time[d]`` becomes one
  availability window of exactly that length starting at 08:00; days with
  budget 0 are left out (absent). ``max_minutes_per_day`` is the largest daily
  budget, so on each day the window length is the binding limit (H3).
* **Cases.** Every IHTC patient becomes a :class:`~orplan.scenario.model.Case`
  with its fixed surgeon, its surgery duration, ``release`` = release day and,
  for mandatory patients, ``due`` = due day with ``mandatory=True``. IHTC has no
  turnover (``turnover=0``), one specialty (``general``) and no priorities:
  mandatory patients get priority class 1, optional ones class 3.
* **Weights and rules.** ``deadlines_hard=True`` (H6); ``waiting_day`` =
  ``patient_delay`` (S7); ``unscheduled[3]`` = ``unscheduled_optional`` (S8);
  ``theatre_change`` = ``surgeon_transfer`` (S6); no idle or overtime price.
  The planning grid is 1 minute.

What IHTC needs beyond the scenario model
-----------------------------------------
* **S5 open theatres**: a fixed cost per used theatre-day has no weight in
  :class:`~orplan.scenario.model.Weights`.
* **The ward**: rooms with beds, admission = surgery day, length of stay,
  gender separation (H1), incompatible rooms (H2), bed capacity (H7),
  occupants already in hospital, and the age-mix cost (S1).
* **Nursing**: nurses with rosters and skill levels, a nurse for every
  occupied room-shift (H8/H9), per-shift workloads and skill requirements
  (S2, S4), and continuity of care (S3).
* IHTC fixes only the day and the theatre of a surgery, not its start time,
  so the scenario's clock times (08:00 starts) are a representation choice.

Those parts are handled by :mod:`orplan.ihtc.solve`, not by the core model.
"""

from __future__ import annotations

import datetime as dt

from orplan.ihtc.instance import Instance
from orplan.scenario.model import (
    Availability,
    Case,
    Horizon,
    Rules,
    Scenario,
    Session,
    Surgeon,
    Theatre,
    Weights,
)

__all__ = ["SPECIALTY", "to_scenario"]

#: The single specialty used for all theatres, surgeons and cases.
SPECIALTY = "general"

_DAY_START = 8 * 60
_MINUTES_PER_DAY = 24 * 60


def _window(minutes: int) -> tuple[int, int]:
    """Clock window of ``minutes`` length, starting 08:00 when it fits in the day."""
    minutes = min(minutes, _MINUTES_PER_DAY)
    start = min(_DAY_START, _MINUTES_PER_DAY - minutes)
    return start, start + minutes


def to_scenario(instance: Instance, start: dt.date | None = None) -> Scenario:
    """Build an orplan :class:`~orplan.scenario.model.Scenario` from an IHTC instance.

    Only the surgery and admission part is mapped; see the module docstring
    for what is left out.

    Parameters
    ----------
    instance : Instance
        The IHTC-2024 instance.
    start : datetime.date, optional
        Calendar date of IHTC day 0 (default 2024-01-01).

    Returns
    -------
    Scenario
        One theatre per operating theatre, one session per open theatre-day,
        one surgeon per surgeon (daily budgets as availability windows) and
        one case per patient.
    """
    start = start or dt.date(2024, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(instance.days)]
    theatres = [Theatre(id=t.id) for t in instance.operating_theaters]
    sessions = []
    for t in instance.operating_theaters:
        for d, minutes in enumerate(t.availability):
            if minutes > 0:
                open_, close = _window(minutes)
                sessions.append(Session(theatre=t.id, date=dates[d], open=open_, close=close))
    surgeons = []
    for s in instance.surgeons:
        windows = [
            Availability(date=dates[d], start=_window(m)[0], end=_window(m)[1])
            for d, m in enumerate(s.max_surgery_time)
            if m > 0
        ]
        surgeons.append(
            Surgeon(
                id=s.id,
                specialty=SPECIALTY,
                max_minutes_per_day=max(1, min(max(s.max_surgery_time), _MINUTES_PER_DAY)),
                available=windows,
            )
        )
    cases = []
    for p in instance.patients:
        due = instance.last_admission_day(p) if p.mandatory else None
        cases.append(
            Case(
                id=p.id,
                patient=p.id,
                procedure="surgery",
                specialty=SPECIALTY,
                surgeon=instance.surgeons[p.surgeon].id,
                duration=max(1, min(p.surgery_duration, _MINUTES_PER_DAY)),
                turnover=0,
                release=dates[min(max(p.surgery_release_day, 0), instance.days - 1)],
                due=dates[due] if due is not None else None,
                priority=1 if p.mandatory else 3,
                mandatory=p.mandatory,
            )
        )
    w = instance.weights
    weights = Weights(
        unscheduled={1: max(w.unscheduled_optional, 1) * 10, 3: w.unscheduled_optional},
        waiting_day=w.patient_delay,
        deadline_breach=0,
        late_day=0,
        overtime_minute=0,
        idle_minute=0,
        theatre_change=w.surgeon_transfer,
    )
    name = instance.source.rsplit("/", 1)[-1].removesuffix(".json") or "ihtc"
    return Scenario(
        name=f"ihtc-{name}",
        description="Surgery/admission part of an IHTC-2024 instance "
        "(see orplan.ihtc.scenario_map).",
        horizon=Horizon(start=start, days=instance.days),
        default_turnover=0,
        time_step=1,
        theatres=theatres,
        sessions=sessions,
        surgeons=surgeons,
        cases=cases,
        rules=Rules(deadlines_hard=True),
        weights=weights,
    )
