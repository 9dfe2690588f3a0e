"""When no plan keeps an emergency's urgency window: widen it to the earliest start any plan
allows and record the breach (docs/day-of-surgery.md)."""

from __future__ import annotations

import datetime as dt
import time

from ortools.sat.python import cp_model

from orplan.live.cpsat import hint_parent, keep_on_grid, make_solver
from orplan.live.settings import ReplanSettings
from orplan.live.situation import LiveSituation
from orplan.live.times import minute_of
from orplan.live.window import narrow_options
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario
from orplan.solver.build import build_model
from orplan.solver.options import build_options

__all__ = ["late_minutes", "relax_emergencies"]


def late_minutes(scenario: Scenario, entries: list[CaseAssignment]) -> float:
    """Minutes the emergencies start after arrival + max_wait (0 inside their windows)."""
    by_id = {c.id: c for c in scenario.cases}
    total = 0.0
    for entry in entries:
        em = by_id[entry.case].emergency
        if em is None or not entry.scheduled or entry.date is None or entry.start is None:
            continue
        start = dt.datetime.combine(entry.date, dt.time()) + dt.timedelta(minutes=entry.start)
        late = (start - em.arrival).total_seconds() / 60 - em.max_wait
        total += max(0.0, late)
    return total


def relax_emergencies(sit: LiveSituation, settings: ReplanSettings, t0: float) -> Scenario:
    """A live scenario whose unkeepable urgency windows are widened, each breach explained.

    Every emergency's window is opened to the end of the horizon; CP-SAT then minimises the
    emergencies' total minutes late (an unplaced one counts the whole horizon) with every
    other hard rule kept. An emergency that still starts in its window keeps it; a late one
    gets ``breach_until`` = the start found; one no session can take stays unscheduled with
    ``breach_reason`` alone.
    """
    live = sit.scenario
    opened = [
        c.model_copy(
            update={"emergency": c.emergency.model_copy(update={"breach_reason": "window opened"})}
        )
        if c.emergency is not None
        else c
        for c in live.cases
    ]
    wide = live.model_copy(update={"cases": opened})
    options = build_options(wide)
    relaxed_sit = LiveSituation(**{**sit.__dict__, "scenario": wide})
    movable = narrow_options(relaxed_sit, options, settings)
    sm = build_model(wide, options)
    horizon_minutes = wide.horizon.days * 24 * 60
    late_terms = []
    for ci, case in enumerate(wide.cases):
        if case.emergency is None:
            continue
        arrival = case.emergency.arrival
        due = (arrival.date() - wide.horizon.start).days * 1440 + minute_of(arrival)
        due += case.emergency.max_wait
        late = sm.model.new_int_var(0, horizon_minutes, f"late[{case.id}]")
        opts = sm.variables.by_case[ci]
        for ov in opts:
            absolute = ov.option.day * 1440 + ov.start * wide.time_step
            sm.model.add(late >= absolute - due).only_enforce_if(ov.scheduled)
        sm.model.add(late >= horizon_minutes * (1 - sum(o.scheduled for o in opts)))
        late_terms.append(late)
    keep_on_grid(sm, movable, sit.grid, sit.emergencies)
    hint_parent(sm, sit)
    sm.model.minimize(sum(late_terms))
    left = settings.time_limit - (time.perf_counter() - t0)
    solver = make_solver(settings, left * 0.3, 0.15)
    status = solver.solve(sm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return live  # no plan even with open windows: the caller explains
    placed = sm.scheduled(solver)
    cases = []
    for ci, case in enumerate(live.cases):
        em = case.emergency
        if em is None:
            cases.append(case)
            continue
        entry = placed.get(ci)
        if entry is None or entry.date is None or entry.start is None:
            reason = options[ci].reason() or "no session can take it"
            em = em.model_copy(update={"breach_reason": f"cannot be placed: {reason}"})
        else:
            start = dt.datetime.combine(entry.date, dt.time()) + dt.timedelta(minutes=entry.start)
            latest = em.arrival + dt.timedelta(minutes=em.max_wait)
            if start > latest:
                em = em.model_copy(
                    update={
                        "breach_until": start,
                        "breach_reason": f"no theatre and surgeon free before "
                        f"{start:%Y-%m-%d %H:%M} (window ended {latest:%H:%M})",
                    }
                )
        cases.append(case.model_copy(update={"emergency": em}))
    return live.model_copy(update={"cases": cases})
