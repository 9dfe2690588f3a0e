"""Re-plan a published plan on the day: the smallest change that keeps every hard rule.

The live scenario (:mod:`orplan.live.situation`) already holds the hard rules of the day.
The CP-SAT model is the batch model of :mod:`orplan.solver` over that scenario, with the
options of each case narrowed to the replanning window, and an objective solved level by
level (lexicographic, cpsat-notes section 3: each level's value is held by a constraint
while the next is minimised):

1. every hard rule (the model) and every emergency inside its urgency window (its options);
   when no plan can keep a window, the emergency starts as early as any plan allows and the
   breach is recorded with its reason (:func:`orplan.live.relax.relax_emergencies`);
2. when no plan keeps every mandatory case: the fewest mandatory cases cancelled;
3. disruption: the fewest patients cancelled, then moved to another day, then to another
   theatre, then in start time by more than a tolerance (four levels);
4. the emergencies' total minutes from arrival to start;
5. overtime minutes;
6. the plan's normal cost (docs/rules.md).
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from orplan.live.cpsat import hint_from, hint_parent, keep_on_grid, make_solver
from orplan.live.relax import late_minutes, relax_emergencies
from orplan.live.settings import LEVELS, LevelOutcome, ReplanSettings
from orplan.live.situation import LiveSituation
from orplan.live.window import keep_slot, narrow_options, thaw_blocked
from orplan.scenario.model import Scenario
from orplan.solver.build import SurgeryModel, build_model
from orplan.solver.options import build_options

__all__ = [
    "LEVELS",
    "LevelOutcome",
    "ReplanSettings",
    "keep_slot",
    "narrow_options",
    "solve_live",
    "thaw_blocked",
]


class _Levels:
    """The level expressions of the replanning objective over a built model."""

    def __init__(self, sm: SurgeryModel, sit: LiveSituation, movable: set[int], tol: int) -> None:
        model, scenario = sm.model, sm.scenario
        step = scenario.time_step
        self.cancelled: list[cp_model.LinearExprT] = []
        self.moved_day: list[cp_model.LinearExprT] = []
        self.moved_theatre: list[cp_model.LinearExprT] = []
        self.moved_time: list[cp_model.LinearExprT] = []
        self.late: list[cp_model.LinearExprT] = []
        self.emergency_wait: list[cp_model.LinearExprT] = []
        horizon_minutes = scenario.horizon.days * 24 * 60
        for ci, case in enumerate(scenario.cases):
            em = case.emergency
            if em is None or case.pinned is not None:
                continue
            arrival = (em.arrival.date() - scenario.horizon.start).days * 1440
            arrival += em.arrival.hour * 60 + em.arrival.minute
            wait = model.new_int_var(0, horizon_minutes, f"wait[{case.id}]")
            for ov in sm.variables.by_case[ci]:
                begin = ov.option.day * 1440 + ov.start * step
                model.add(wait >= begin - arrival).only_enforce_if(ov.scheduled)
            self.emergency_wait.append(wait)
        self.mandatory_cancelled: list[cp_model.LinearExprT] = [
            1 - sum(o.scheduled for o in sm.variables.by_case[ci])
            for ci, case in enumerate(scenario.cases)
            if case.id in sit.relaxed_mandatory
        ]
        for ci, case in enumerate(scenario.cases):
            opts = sm.variables.by_case[ci]
            parent = sit.parent_entry(case.id)
            wanted = case.cancelled is None and (parent is not None or case.id in sit.added)
            if wanted and not case.must_schedule:
                self.cancelled.append(1 - sum(o.scheduled for o in opts))
            if parent is None or parent.date is None or parent.start is None:
                continue
            day = scenario.horizon.day_index(parent.date)
            for ov in opts:
                if ov.option.day != day:
                    self.moved_day.append(ov.scheduled)
                elif ov.option.theatre != parent.theatre:
                    self.moved_theatre.append(ov.scheduled)
                elif ci in movable:
                    shifted = model.new_bool_var(f"shifted[{case.id}]")
                    keep = [ov.scheduled, shifted.Not()]
                    model.add(ov.start * step <= parent.start + tol).only_enforce_if(keep)
                    model.add(ov.start * step >= parent.start - tol).only_enforce_if(keep)
                    model.add_implication(shifted, ov.scheduled)
                    self.moved_time.append(shifted)
        self.overtime = sum(s.overtime for s in sm.variables.sessions)


def _stages(
    sm: SurgeryModel, sit: LiveSituation, movable: set[int], settings: ReplanSettings, t0: float
) -> LevelOutcome:
    from orplan.solver.search import read_plan

    levels = _Levels(sm, sit, movable, settings.tolerance)
    keep_on_grid(sm, movable, sit.grid, sit.emergencies)
    hint_parent(sm, sit)
    model = sm.model
    # One CP-SAT solve per level with a small objective each: far easier to prove than one
    # weighted sum (measured on pilot-week: a weighted sum stalled far from the optimum that
    # these levels reach in about 2 s).
    stages: list[tuple[str, cp_model.LinearExprT, float]] = [
        ("mandatory_cancelled", sum(levels.mandatory_cancelled), 0.4),
        ("cancelled", sum(levels.cancelled), 0.5),
        ("moved_day", sum(levels.moved_day), 0.3),
        ("moved_theatre", sum(levels.moved_theatre), 0.3),
        ("moved_time", sum(levels.moved_time), 0.3),
        ("emergency_wait_minutes", sum(levels.emergency_wait), 0.3),
        ("overtime_minutes", levels.overtime, 0.4),
        ("cost", sm.objective, 1.0),
    ]
    outcome = LevelOutcome("OPTIMAL", [])
    last: cp_model.CpSolver | None = None
    for name, expr, share in stages:
        if isinstance(expr, int):
            outcome.proven[name] = True  # nothing to decide at this level
            continue
        left = settings.time_limit - (time.perf_counter() - t0)
        solver = make_solver(settings, left * share, share / 4)
        model.minimize(expr)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last is None:
                outcome.status = "INFEASIBLE" if status == cp_model.INFEASIBLE else "UNKNOWN"
                return outcome
            break  # keep the previous level's plan: it holds every level so far
        last = solver
        value = round(solver.objective_value)
        outcome.proven[name] = status == cp_model.OPTIMAL
        if status != cp_model.OPTIMAL:
            outcome.status = "FEASIBLE"
        model.add(expr <= value)
        hint_from(model, solver)
    if last is None:  # every level was constant: one solve for the plan itself
        model.minimize(sm.objective)
        last = make_solver(settings, settings.time_limit, 1.0)
        if last.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            outcome.status = "INFEASIBLE"
            return outcome
    val = last.value
    outcome.levels = {
        "mandatory_cancelled": float(sum(val(e) for e in levels.mandatory_cancelled)),
        "cancelled": float(sum(val(e) for e in levels.cancelled)),
        "moved_day": float(sum(val(e) for e in levels.moved_day)),
        "moved_theatre": float(sum(val(e) for e in levels.moved_theatre)),
        "moved_time": float(sum(val(e) for e in levels.moved_time)),
        "emergency_wait_minutes": float(sum(val(e) for e in levels.emergency_wait)),
        "overtime_minutes": float(val(levels.overtime)),
    }
    outcome.model_cost = float(val(sm.objective))
    outcome.entries = read_plan(sm, last)
    return outcome


def solve_live(sit: LiveSituation, settings: ReplanSettings, t0: float) -> LevelOutcome:
    """Search the live scenario level by level; widen unkeepable emergency windows first.

    Parameters
    ----------
    sit
        The live situation.
    settings
        Replan settings.
    t0
        ``time.perf_counter()`` when the replan began (the time limit counts from it).

    Returns
    -------
    LevelOutcome
        The plan entries, each level's value, and the (possibly widened) live scenario.
    """
    from orplan.solver.explain import explain_infeasible

    scenario = sit.scenario
    relaxed: set[str] = set()
    windows_opened = False
    while True:
        options = build_options(scenario)
        current = LiveSituation(
            **{**sit.__dict__, "scenario": scenario, "relaxed_mandatory": relaxed}
        )
        movable = narrow_options(current, options, settings)
        sm = build_model(scenario, options)
        outcome = _stages(sm, current, movable, settings, t0)
        if outcome.status not in ("INFEASIBLE", "UNKNOWN"):
            outcome.scenario = _keep_mandatory(scenario, relaxed, outcome)
            outcome.levels = {
                "emergency_minutes_late": late_minutes(scenario, outcome.entries),
                **outcome.levels,
                "cost": outcome.model_cost or 0.0,
            }
            return outcome
        if sit.emergencies and not windows_opened:
            windows_opened = True
            scenario = relax_emergencies(current, settings, t0)
            continue
        mandatory = {c.id for c in scenario.cases if c.mandatory and c.pinned is None}
        if mandatory and not relaxed:
            # The day cannot keep every mandatory case: cancel as few of them as possible.
            relaxed = mandatory
            scenario = scenario.model_copy(
                update={
                    "cases": [
                        c.model_copy(update={"mandatory": False}) if c.id in relaxed else c
                        for c in scenario.cases
                    ]
                }
            )
            continue
        break
    reasons = explain_infeasible(sm, time_limit=max(1.0, settings.time_limit / 2))
    return LevelOutcome(outcome.status, [], explanation=reasons, scenario=scenario)


def _keep_mandatory(scenario: Scenario, relaxed: set[str], outcome: LevelOutcome) -> Scenario:
    """The live scenario with ``mandatory`` back on every relaxed case the plan schedules; the
    others stay optional, each with a note (the checker then holds the plan to that)."""
    if not relaxed:
        return scenario
    placed = {e.case for e in outcome.entries if e.scheduled}
    for cid in sorted(relaxed - placed):
        outcome.notes.append(f"mandatory case {cid} cancelled: no plan of the day keeps it")
    return scenario.model_copy(
        update={
            "cases": [
                c.model_copy(update={"mandatory": True}) if c.id in relaxed & placed else c
                for c in scenario.cases
            ]
        }
    )
