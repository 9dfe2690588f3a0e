"""Re-plan a published plan on the day: the smallest change that keeps every hard rule.

The live scenario (:mod:`orplan.live.situation`) already holds the hard rules of the day.
The CP-SAT model is the batch model of :mod:`orplan.solver` over that scenario, with the
options of each case narrowed to the replanning window, and an objective solved level by
level (lexicographic, cpsat-notes section 3: each level's value is held by a constraint
while the next is minimised):

1. every hard rule (the model) and every emergency inside its urgency window (its options);
   when no plan can keep a window, the emergency starts as early as any plan allows and the
   breach is recorded with its reason (:func:`_relax_emergencies`);
2. when no plan keeps every mandatory case: the fewest mandatory cases cancelled;
3. disruption: the fewest patients cancelled, then moved to another day, then to another
   theatre, then in start time by more than a tolerance (four levels);
4. the emergencies' total minutes from arrival to start;
5. overtime minutes;
6. the plan's normal cost (docs/rules.md).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from orplan.live.situation import LiveSituation, minute_of
from orplan.plan.model import CaseAssignment, PlanStatus
from orplan.scenario.model import Scenario
from orplan.solver.build import SurgeryModel, build_model
from orplan.solver.options import CaseOptions, Option, SurgeonChoice, build_options

__all__ = ["LEVELS", "LevelOutcome", "ReplanSettings", "solve_live"]

LEVELS = (
    "emergency_minutes_late",
    "mandatory_cancelled",
    "cancelled",
    "moved_day",
    "moved_theatre",
    "moved_time",
    "emergency_wait_minutes",
    "overtime_minutes",
    "cost",
)
"""The replanning objective's levels, most important first (recorded in ``plan.live``)."""


@dataclass(frozen=True)
class ReplanSettings:
    """How to re-plan.

    Parameters
    ----------
    time_limit
        Wall-clock seconds for the search, all levels together.
    workers
        CP-SAT worker threads.
    seed
        Random seed.
    days
        The window: cases planned on ``now``'s date and the next ``days - 1`` dates may move
        within it; cases planned later keep their slots (unless a rule forces them out).
    tolerance
        Minutes a case may start earlier or later than published without counting as moved.
    fill
        Also fit waiting-list cases (unscheduled in the published plan) into the window.
        Off by default: on the day a patient cannot be called in at short notice.
    deterministic_time
        Optional CP-SAT deterministic-time budget (with ``workers=1`` a run repeats exactly).
    """

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    days: int = 2
    tolerance: int = 15
    fill: bool = False
    deterministic_time: float | None = None


@dataclass
class LevelOutcome:
    """What the staged search found."""

    status: PlanStatus
    entries: list[CaseAssignment]
    levels: dict[str, float] = field(default_factory=dict)
    proven: dict[str, bool] = field(default_factory=dict)
    model_cost: float | None = None
    explanation: list[str] = field(default_factory=list)
    scenario: Scenario | None = None
    notes: list[str] = field(default_factory=list)


def _window(sit: LiveSituation, days: int) -> tuple[int, int]:
    horizon = sit.scenario.horizon
    first = horizon.day_index(sit.now.date())
    return first, min(first + max(1, days) - 1, horizon.days - 1)


def narrow_options(
    sit: LiveSituation, options: list[CaseOptions], settings: ReplanSettings
) -> set[int]:
    """Narrow each case's options to what the replan may do; return the movable cases.

    Pinned and cancelled cases are already fixed by the live scenario; emergencies by their
    window. A published case inside the window may move within the window; one planned after
    it keeps its slot (one option, one start, its surgeon) unless that slot is now ruled out;
    a waiting-list case stays waiting unless added or ``settings.fill``.
    """
    live = sit.scenario
    first, last = _window(sit, settings.days)
    movable: set[int] = set()
    for entry in options:
        case = entry.case
        if case.pinned is not None or case.cancelled is not None:
            continue
        if case.id in sit.emergencies:
            movable.add(entry.index)
            continue
        parent = sit.parent_entry(case.id)
        if case.id in sit.frozen and parent is not None:
            kept = _keep(live, entry.options, parent, any_surgeon=True)
            entry.options = [] if kept is None else [kept]
            continue
        window = [o for o in entry.options if first <= o.day <= last]
        if case.id in sit.added or (parent is None and settings.fill):
            entry.options = window
        elif parent is None:
            entry.options = []
            entry.excluded[(10, "on the waiting list (replan fills no free time; see --fill)")] += 1
        elif parent.date is not None and first <= live.horizon.day_index(parent.date) <= last:
            entry.options = window
        else:
            kept = _keep(live, entry.options, parent)
            if kept is not None:
                entry.options = [kept]
                continue
        if entry.options:
            movable.add(entry.index)
    return movable


def _keep(
    live: Scenario, options: list[Option], parent: CaseAssignment, *, any_surgeon: bool = False
) -> Option | None:
    """The option that keeps ``parent``'s slot exactly (its surgeon too, unless
    ``any_surgeon``), or None when the rules now exclude that slot."""
    start = parent.start
    for option in options:
        if live.sessions[option.session].id != parent.session or start is None:
            continue
        fixed = [
            SurgeonChoice(choice.surgeon, start, start)
            for choice in option.surgeons
            if (any_surgeon or choice.surgeon == parent.surgeon)
            and choice.earliest <= start <= choice.latest
            and (not choice.windows or any(a <= start <= b for a, b in choice.windows))
        ]
        if fixed:
            return Option(
                option.case, option.session, option.day, option.theatre, start, start, fixed
            )
    return None


def thaw_blocked(sit: LiveSituation) -> LiveSituation:
    """Unfreeze frozen cases whose slot the events ruled out (closed theatre, no surgeon).

    The freeze then ends (``frozen_until`` cleared in the live scenario, with a note), so
    the case may move like any other: an event on the day outranks a promise made earlier.
    """
    if not sit.frozen:
        return sit
    options = build_options(sit.scenario)
    blocked = set()
    for entry in options:
        parent = sit.parent_entry(entry.case.id)
        frozen = entry.case.id in sit.frozen and parent is not None
        if frozen and _keep(sit.scenario, entry.options, parent, any_surgeon=True) is None:  # type: ignore[arg-type]
            blocked.add(entry.case.id)
    if not blocked:
        return sit
    cases = [
        c.model_copy(update={"frozen_until": None}) if c.id in blocked else c
        for c in sit.scenario.cases
    ]
    notes = [
        *sit.notes,
        *(f"{cid} was frozen but its slot is no longer possible" for cid in sorted(blocked)),
    ]
    return LiveSituation(
        **{
            **sit.__dict__,
            "scenario": sit.scenario.model_copy(update={"cases": cases}),
            "frozen": sit.frozen - blocked,
            "notes": notes,
        }
    )


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


def _grid(sm: SurgeryModel, movable: set[int], grid: int, skip: set[str]) -> None:
    """Keep new starts on the original grid when the live scenario plans in minutes."""
    if sm.scenario.time_step != 1 or grid == 1:
        return
    for ci in movable:
        if sm.scenario.cases[ci].id in skip:
            continue
        for ov in sm.variables.by_case[ci]:
            lo, hi = ov.option.earliest, ov.option.latest
            values = [m for m in range(lo, hi + 1) if m % grid == 0]
            if values:
                domain = cp_model.Domain.from_values(values)
                model = sm.model
                model.add_linear_expression_in_domain(ov.start, domain).only_enforce_if(
                    ov.scheduled
                )


def _solver(settings: ReplanSettings, seconds: float, share: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.5, seconds)
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.catch_sigint_signal = False
    if settings.deterministic_time is not None:
        params.max_deterministic_time = max(0.5, settings.deterministic_time * share)
    return solver


def _hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _hint_parent(sm: SurgeryModel, sit: LiveSituation) -> None:
    """Hint the published slots (a partial hint: CP-SAT repairs what the events broke)."""
    from orplan.solver.warmstart import hint_plan

    hint_plan(sm, sit.parent)


def _stages(
    sm: SurgeryModel, sit: LiveSituation, movable: set[int], settings: ReplanSettings, t0: float
) -> LevelOutcome:
    from orplan.solver.search import read_plan

    levels = _Levels(sm, sit, movable, settings.tolerance)
    _grid(sm, movable, sit.grid, sit.emergencies)
    _hint_parent(sm, sit)
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
        solver = _solver(settings, left * share, share / 4)
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
        _hint_from(model, solver)
    if last is None:  # every level was constant: one solve for the plan itself
        model.minimize(sm.objective)
        last = _solver(settings, settings.time_limit, 1.0)
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


def _late_minutes(scenario: Scenario, entries: list[CaseAssignment]) -> float:
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


def _relax_emergencies(sit: LiveSituation, settings: ReplanSettings, t0: float) -> Scenario:
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
    _grid(sm, movable, sit.grid, sit.emergencies)
    _hint_parent(sm, sit)
    sm.model.minimize(sum(late_terms))
    left = settings.time_limit - (time.perf_counter() - t0)
    solver = _solver(settings, left * 0.3, 0.15)
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
                "emergency_minutes_late": _late_minutes(scenario, outcome.entries),
                **outcome.levels,
                "cost": outcome.model_cost or 0.0,
            }
            return outcome
        if sit.emergencies and not windows_opened:
            windows_opened = True
            scenario = _relax_emergencies(current, settings, t0)
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
