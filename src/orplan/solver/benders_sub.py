r"""Subproblems of the logic-based Benders bound: the least timing cost of a fixed assignment.

Given the master's assignment (case -> session and surgeon), the cases of one date are split
into *components*: cases joined by a theatre, a surgeon, or an equipment item that could run
short (more users that date than units). Each component is timed by a small CP-SAT model in
whole minutes with only rules of docs/rules.md that bind start times:

* ``session-hours``: :math:`open_s \le start_c`, :math:`start_c + d_c \le close_s + ot_s`,
  and the start window of the day-of-surgery rules (pinned, ``now``, emergency window);
* ``surgeon-available``: inside the envelope of the surgeon's slots (a relaxation when the
  surgeon has several slots that day: the gaps between them are not enforced);
* ``theatre-no-overlap``: intervals :math:`[start_c, start_c + d_c + t_c)` per theatre;
* ``surgeon-no-overlap``: intervals :math:`[start_c, start_c + d_c)` per surgeon;
* ``equipment-capacity``: a cumulative of :math:`[start_c, start_c + d_c + setup_e)`;
* ``sequence-first`` / ``sequence-last``: strict start order inside each session.

Its objective is the part of the cost of docs/rules.md that depends on start times:
:math:`w_o \sum_s o_s + \sum_c w_c (start_c - open_s)` (overtime and early sequencing). The
other timed rules (recovery beds, break-in, overtime risk) are left out, which only makes
the subproblem a relaxation; :func:`benders_refusal` refuses scenarios whose timed costs
or rules would break the monotonicity the cuts rely on (see :mod:`orplan.solver.benders`).

Whole minutes, not the planning grid: the bound must hold for every plan the checker
accepts, not only for plans on the ``time_step`` grid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from orplan.scenario.model import Scenario
from orplan.solver.options import live_window

__all__ = ["Component", "SubResult", "benders_refusal", "components", "solve_component"]


@dataclass(frozen=True)
class Component:
    """Cases of one date that share theatres, surgeons or scarce equipment.

    ``members`` holds ``(case index, session index, surgeon)`` in a stable order.
    """

    day: int
    members: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class SubResult:
    """A timed component: a proven lower bound of its timing cost, or infeasible.

    ``bound`` is None when the component is infeasible; ``optimal`` says whether CP-SAT
    closed the gap (the bound is then the least cost itself).
    """

    component: Component
    bound: int | None
    optimal: bool


def benders_refusal(scenario: Scenario) -> str | None:
    """Why the Benders bound cannot be used on ``scenario`` (None when it can).

    The cuts need every timed cost term of the component to be non-decreasing when cases
    are added to it. The break-in interval (removing a case can lengthen none, adding one
    can shorten one) and the overtime-risk rule (its ``planned`` minutes count from the first
    case's start, which moves when a case is removed) are not, so they are refused rather
    than risked.
    """
    if scenario.weights.break_in_interval:
        return "Benders bound skipped: the break-in cost is not monotone in the case set"
    if scenario.rules.overtime_probability is not None:
        return "Benders bound skipped: the overtime-risk rule is not monotone in the case set"
    return None


def _find(parent: dict[int, int], a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def components(scenario: Scenario, chosen: dict[int, tuple[int, str]]) -> list[Component]:
    """Split an assignment into independent timing components (module docstring).

    Parameters
    ----------
    scenario
        The scenario.
    chosen
        Case index -> (session index, surgeon) of the scheduled cases.

    Returns
    -------
    list of Component
        In date order, then by first case index.
    """
    sessions = scenario.sessions
    items = {e.id: e for e in scenario.equipment}
    day_of = {si: scenario.horizon.day_index(s.date) for si, s in enumerate(sessions)}
    by_day: dict[int, list[int]] = defaultdict(list)
    for ci in sorted(chosen):
        by_day[day_of[chosen[ci][0]]].append(ci)
    out: list[Component] = []
    for day, cases in sorted(by_day.items()):
        parent = {ci: ci for ci in cases}
        keys: dict[tuple[str, str], int] = {}
        users: dict[str, list[int]] = defaultdict(list)
        for ci in cases:
            for name in scenario.cases[ci].equipment:
                users[name].append(ci)
        # An item with at least as many units as users that date never runs short: no link.
        scarce = {name for name, who in users.items() if len(who) > items[name].count}
        for ci in cases:
            si, surgeon = chosen[ci]
            links = [("theatre", sessions[si].theatre), ("surgeon", surgeon)]
            links += [("equipment", n) for n in scenario.cases[ci].equipment if n in scarce]
            for key in links:
                if key in keys:
                    parent[_find(parent, ci)] = _find(parent, keys[key])
                else:
                    keys[key] = ci
        groups: dict[int, list[int]] = defaultdict(list)
        for ci in cases:
            groups[_find(parent, ci)].append(ci)
        for members in sorted(groups.values()):
            out.append(Component(day, tuple((ci, *chosen[ci]) for ci in members)))
    return out


def solve_component(
    scenario: Scenario, component: Component, time_limit: float, seed: int = 0
) -> SubResult | None:
    """Time one component with CP-SAT; return a proven bound of its timing cost.

    Parameters
    ----------
    scenario
        The scenario.
    component
        The cases, sessions and surgeons to time.
    time_limit
        Seconds CP-SAT may spend (1 worker).
    seed
        CP-SAT random seed.

    Returns
    -------
    SubResult or None
        None when CP-SAT proved nothing (no bound, no infeasibility) in time.
    """
    sc = scenario
    w = sc.weights
    surgeons = {g.id: g for g in sc.surgeons}
    items = {e.id: e for e in sc.equipment}
    early_w = {r.flag: r.weight for r in sc.sequencing if r.position == "early"}
    first = {r.flag for r in sc.sequencing if r.position == "first"}
    last = {r.flag for r in sc.sequencing if r.position == "last"}
    model = cp_model.CpModel()
    theatre_iv: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    surgeon_iv: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    equipment_iv: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    ends: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    in_session: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    cost: list[cp_model.LinearExprT] = []
    for ci, si, name in component.members:
        case, session = sc.cases[ci], sc.sessions[si]
        lo, hi = session.open, session.close + session.overtime - case.duration
        live = live_window(sc, case, session.date)
        window = surgeons[name].window(session.date)
        if live is None or window is None:
            return SubResult(component, None, True)  # no start at all: infeasible
        lo, hi = max(lo, live[0], window[0]), min(hi, live[1], window[1] - case.duration)
        if lo > hi:
            return SubResult(component, None, True)
        start = model.new_int_var(lo, hi, f"start[{ci}]")
        turn = sc.turnover_of(case)
        theatre_iv[session.theatre].append(
            model.new_fixed_size_interval_var(start, case.duration + turn, f"t[{ci}]")
        )
        surgeon_iv[name].append(model.new_fixed_size_interval_var(start, case.duration, f"g[{ci}]"))
        for item in case.equipment:
            size = case.duration + items[item].setup
            equipment_iv[item].append(model.new_fixed_size_interval_var(start, size, f"e[{ci}]"))
        ends[si].append(start + case.duration)
        in_session[si].append((ci, start))
        weight = sum(v for f, v in early_w.items() if f in case.flags)
        if weight:
            cost.append(weight * (start - session.open))
    for intervals in [*theatre_iv.values(), *surgeon_iv.values()]:
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    for item, intervals in equipment_iv.items():
        if len(intervals) > items[item].count:
            model.add_cumulative(intervals, [1] * len(intervals), items[item].count)
    for starts in in_session.values():
        for ca, sa in starts:
            for cb, sb in starts:
                fa, fb = sc.cases[ca].flags, sc.cases[cb].flags
                if first.intersection(fa) and not first.intersection(fb):
                    model.add(sa + 1 <= sb)
                if last.intersection(fa) and not last.intersection(fb):
                    model.add(sb + 1 <= sa)
    if w.overtime_minute:
        for si, session_ends in ends.items():
            session = sc.sessions[si]
            if session.overtime == 0:
                continue  # ends are already bounded by close: no overtime possible
            over = model.new_int_var(0, session.overtime, f"o[{si}]")
            for end in session_ends:
                model.add(over >= end - session.close)
            cost.append(w.overtime_minute * over)
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return SubResult(component, None, True)
    if status == cp_model.OPTIMAL:
        return SubResult(component, round(solver.objective_value), True)
    if status == cp_model.FEASIBLE:
        # The proven bound is valid even though the search stopped; costs are integers.
        return SubResult(component, int(-(-solver.best_objective_bound // 1)), False)
    return None
