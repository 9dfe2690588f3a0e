"""Slots where a few other cases shift: one small CP-SAT model per session.

For a session the case may use, the model is the batch model of :mod:`orplan.solver` over
that session's date alone (its sessions and the cases the plan has on it; other dates
cannot change, so they are left out), with the day-of-surgery rules already in the booking
scenario. The case is forced into the session. The cases in the session's theatre that day,
and those of the case's possible surgeons, may move within the date, each keeping its
surgeon; every other case keeps its slot (:func:`orplan.live.window.keep_slot`), and nobody is
taken off the plan. The objective is solved in two levels, as in ``orplan replan``: the
fewest cases moved, then the plan's cost. The checker judges the whole plan afterwards.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from orplan.live.book import Booking, BookSettings, Suggestion, suggestion_from
from orplan.live.book_slots import waiting_change
from orplan.live.window import keep_slot as _keep
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario, Session
from orplan.solver.build import SurgeryModel, build_model
from orplan.solver.options import CaseOptions, Option, SurgeonChoice, build_options
from orplan.solver.warmstart import hint_plan

__all__ = ["moved_slots"]


def _day_scenario(booking: Booking, session: Session) -> Scenario:
    """The booking scenario cut to the session's date: its sessions, its booked cases."""
    sc = booking.scenario
    booked = {e.case for e in booking.waiting.cases if e.scheduled and e.date == session.date}
    cases = [c for c in sc.cases if c.id in booked or c.id == booking.case.id]
    sessions = [s for s in sc.sessions if s.date == session.date]
    return sc.model_copy(update={"cases": cases, "sessions": sessions})


def _narrowed(
    booking: Booking, day: Scenario, session: Session
) -> tuple[list[CaseOptions], set[int]]:
    """The day's options: the case in ``session``, the movable cases within the date."""
    options = build_options(day)
    parents = {e.case: e for e in booking.waiting.cases if e.scheduled}
    target = next(o for o in options if o.case.id == booking.case.id)
    target.options = [o for o in target.options if day.sessions[o.session].id == session.id]
    surgeons = {c.surgeon for o in target.options for c in o.surgeons}
    movable: set[int] = set()
    for entry in options:
        parent = parents.get(entry.case.id)
        if parent is None or entry.case.pinned is not None:
            continue  # the case to book, or a started case (pinned by the live scenario)
        near = parent.theatre == session.theatre or parent.surgeon in surgeons
        if near and entry.case.id not in booking.frozen:
            entry.options = [
                Option(
                    o.case,
                    o.session,
                    o.day,
                    o.theatre,
                    o.earliest,
                    o.latest,
                    [c for c in o.surgeons if c.surgeon == parent.surgeon],
                )
                for o in entry.options
            ]
            entry.options = [o for o in entry.options if o.surgeons]
            _tighten(entry.options)
            movable.add(entry.index)
        else:
            kept = _keep(day, entry.options, parent)
            if kept is not None:
                entry.options = [kept]
            else:
                movable.add(entry.index)  # its slot is gone already: let it find another
    return options, movable


def _tighten(options: list[Option]) -> None:
    """Start bounds of each option from its remaining surgeons."""
    for o in options:
        choices: list[SurgeonChoice] = o.surgeons
        o.earliest = min(c.earliest for c in choices)
        o.latest = max(c.latest for c in choices)


def _solve_day(
    booking: Booking, session: Session, settings: BookSettings, seconds: float
) -> list[CaseAssignment] | None:
    """The day's entries with the case in ``session`` and the fewest moves, or None."""
    day = _day_scenario(booking, session)
    options, movable = _narrowed(booking, day, session)
    sm: SurgeryModel = build_model(day, options)
    model, step = sm.model, day.time_step
    parents = {e.case: e for e in booking.waiting.cases if e.scheduled}
    moved = []
    for ci, case in enumerate(day.cases):
        opts = sm.variables.by_case[ci]
        model.add(sum(o.scheduled for o in opts) == 1)  # nobody is taken off the plan
        parent = parents.get(case.id)
        if ci not in movable or parent is None or parent.start is None:
            continue
        stays = []
        for ov in opts:
            if day.sessions[ov.option.session].id != parent.session:
                continue
            stay = model.new_bool_var(f"stays[{case.id}]")
            model.add_implication(stay, ov.scheduled)
            model.add(ov.start * step <= parent.start + settings.tolerance).only_enforce_if(stay)
            model.add(ov.start * step >= parent.start - settings.tolerance).only_enforce_if(stay)
            stays.append(stay)
        moved.append(1 - sum(stays))
    hint_plan(sm, booking.waiting)
    last = None
    began = time.perf_counter()
    for expr, share in ((sum(moved), 0.5), (sm.objective, 1.0)):
        solver = cp_model.CpSolver()
        left = seconds * share - (time.perf_counter() - began)
        solver.parameters.max_time_in_seconds = max(0.2, left)
        solver.parameters.num_workers = settings.workers
        solver.parameters.catch_sigint_signal = False
        model.minimize(expr)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        last = solver
        model.add(expr <= round(solver.objective_value))
        model.clear_hints()
        for index in range(len(model.proto.variables)):
            var = model.get_int_var_from_proto_index(index)
            model.add_hint(var, solver.value(var))
    if last is None:
        return None
    return list(sm.scheduled(last).values())


def _sessions(booking: Booking, taken: set[str]) -> list[Session]:
    """Sessions the case may use, without a free slot already, most promising first."""
    sc = booking.scenario
    only = sc.model_copy(update={"cases": [booking.case]})
    (options,) = build_options(only)
    durations = {c.id: c.duration for c in sc.cases}
    load: dict[str, int] = {}
    for e in booking.waiting.cases:
        if e.scheduled:
            load[str(e.session)] = load.get(str(e.session), 0) + durations[e.case]
    ranked = []
    for o in options.options:
        s = sc.sessions[o.session]
        if str(s.id) in taken:
            continue
        room = s.close + s.overtime - s.open - load.get(str(s.id), 0) - booking.case.duration
        if room < 0:
            continue  # even with no turnover the session cannot hold one more case
        ranked.append((waiting_change(sc, booking, o.day), -room, s.date, s.theatre, s))
    ranked.sort(key=lambda r: r[:4])
    return [r[-1] for r in ranked]


def moved_slots(
    booking: Booking, wanted: int, taken: set[str], settings: BookSettings, t0: float
) -> tuple[list[Suggestion], str]:
    """Up to ``wanted`` slots in sessions not in ``taken`` where other cases shift.

    Returns
    -------
    tuple of (list of Suggestion, str)
        The checked suggestions and, when none, why.
    """
    sessions = _sessions(booking, taken)[: wanted + settings.sessions]
    if not sessions:
        return [], "no session has room for the case even if others shift"
    found: list[Suggestion] = []
    for n, session in enumerate(sessions):
        left = settings.time_limit - (time.perf_counter() - t0)
        if left <= 0 or len(found) >= wanted:
            break
        entries = _solve_day(booking, session, settings, left / (len(sessions) - n))
        if entries is None:
            continue
        plan = booking.with_entries({e.case: e for e in entries})
        suggestion, _ = suggestion_from(booking, plan, settings.tolerance)
        if suggestion is not None:
            found.append(suggestion)
    why = "" if found else "no session can take the case even if others shift"
    return found, why
