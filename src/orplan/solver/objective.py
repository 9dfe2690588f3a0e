"""The objective: minimise the weighted cost of docs/rules.md (a term only when its weight > 0)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from orplan.scenario.model import Case, Scenario
from orplan.solver.resources import bed_peaks
from orplan.solver.sequencing import early_start_costs
from orplan.solver.variables import Variables


def case_costs(scenario: Scenario, case: Case, days: Iterable[int]) -> tuple[int, list[int]]:
    r"""A case's unscheduled cost :math:`U_c` and its cost :math:`k_{cs}` on each of ``days``.

    :math:`U_c` is the priority weight, plus deadline breach and the late days to the end of
    the horizon when the deadline falls inside it; :math:`k_{cs}` is the waiting days from
    release, plus breach and late days when the day is past the deadline (docs/rules.md).
    The objective and the unavoidable cost (:mod:`orplan.solver.unavoidable`) both use it.

    Parameters
    ----------
    scenario
        The scenario.
    case
        A case (not cancelled).
    days
        Horizon day indices of its options (on or after its release).

    Returns
    -------
    tuple of (int, list of int)
        :math:`U_c` and :math:`k_{cs}` per day, in the order of ``days``.
    """
    w = scenario.weights
    horizon = scenario.horizon
    last_day = horizon.days - 1
    release = max(0, horizon.day_index(case.release)) if case.release else 0
    due = horizon.day_index(case.due) if case.due else None
    unscheduled = w.unscheduled_cost(case.priority)
    if due is not None and due <= last_day:
        unscheduled += w.deadline_breach + w.late_day * (last_day - due + 1)
    costs = []
    for day in days:
        cost = w.waiting_day * (day - release)
        if due is not None and day > due:
            cost += w.deadline_breach + w.late_day * (day - due)
        costs.append(cost)
    return unscheduled, costs


def add_objective(
    model: cp_model.CpModel, scenario: Scenario, v: Variables
) -> cp_model.LinearExprT:
    r"""Set the objective, in cost units (lower is better).

    For case :math:`c` with unscheduled cost :math:`U_c` (priority weight, plus deadline breach
    and late days when its deadline is inside the horizon), left-out literal
    :math:`u_c = 1 - \sum_s x_{cs}` and per-option cost :math:`k_{cs} \ge 0` (waiting days,
    late days and breach if the option's date is past the deadline):

    .. math::
        \min \sum_c U_c u_c + \sum_{c,s} k_{cs} x_{cs}
        + w_o \sum_s o_s + w_i \sum_s i_s + w_t \sum_{g,d} (\#\text{theatres}_{gd} - 1)

    plus the clinical terms (early sequencing, surgeon preferences, bed peaks) and the longest
    break-in interval of each site-date (:mod:`orplan.solver.emergency`). Returns the
    objective expression (used to hold the cost while the plan is compacted).
    """
    w = scenario.weights
    terms: list[cp_model.LinearExprT] = []
    constant = 0
    for case, options in zip(scenario.cases, v.by_case, strict=True):
        if case.cancelled is not None:
            continue  # a cancelled case has no options and costs nothing (docs/rules.md)
        unscheduled, costs = case_costs(scenario, case, [ov.option.day for ov in options])
        if not options:
            constant += unscheduled  # no eligible session: a cost no plan avoids
            continue
        if unscheduled and not case.must_schedule:
            terms.append(unscheduled * _left_out(model, case.id, [o.scheduled for o in options]))
        terms.extend(cost * ov.scheduled for ov, cost in zip(options, costs, strict=True) if cost)
    if w.overtime_minute:
        terms.extend(w.overtime_minute * s.overtime for s in v.sessions)
    if w.idle_minute:
        terms.extend(w.idle_minute * s.idle for s in v.sessions)
    if w.theatre_change:
        terms.extend(w.theatre_change * t for t in _theatre_changes(model, v))
    terms.extend(early_start_costs(model, scenario, v))
    if w.surgeon_preference:
        terms.extend(_preference_terms(scenario, v))
    if w.bed_peak and scenario.beds:
        terms.extend(w.bed_peak * peak for peak in bed_peaks(model, scenario, v))
    if w.break_in_interval:  # the variables come from the break-in-interval rule
        terms.extend(w.break_in_interval * gap for gap in v.break_in.values())
    expression = sum(terms) + constant
    model.minimize(expression)
    return expression


def _left_out(
    model: cp_model.CpModel, case_id: str, scheduled: list[cp_model.IntVar]
) -> cp_model.LinearExprT:
    r"""The literal "case left unscheduled": :math:`u_c + \sum_s x_{cs} = 1`.

    Writing the unscheduled cost as :math:`U_c u_c` rather than as a constant minus rewards
    :math:`U_c - \sum_s U_c x_{cs}` keeps every coefficient >= 0, so CP-SAT's bound starts at
    0 and climbs instead of starting at minus the whole waiting list (issue 17).
    """
    # A variable even for one option: ``x.Not()`` would enter the objective as 1 - x.
    left_out = model.new_bool_var(f"unscheduled[{case_id}]")
    model.add_exactly_one([*scheduled, left_out])
    return left_out


def _preference_terms(scenario: Scenario, v: Variables) -> list[cp_model.LinearExprT]:
    """Cost of each surgeon-case pairing on a weekday or theatre the surgeon does not prefer."""
    surgeons = {s.id: s for s in scenario.surgeons}
    dates = scenario.dates()
    terms: list[cp_model.LinearExprT] = []
    for ov in v.options:
        weekday = dates[ov.option.day].weekday()
        for name, lit in ov.by_surgeon.items():
            surgeon = surgeons[name]
            misses = int(
                bool(surgeon.preferred_weekdays) and weekday not in surgeon.preferred_weekdays
            )
            misses += int(
                bool(surgeon.preferred_theatres)
                and ov.option.theatre not in surgeon.preferred_theatres
            )
            if misses:
                terms.append(scenario.weights.surgeon_preference * misses * lit)
    return terms


def _theatre_changes(model: cp_model.CpModel, v: Variables) -> list[cp_model.LinearExprT]:
    r"""Expressions that sum to the number of extra theatres each surgeon works in per day.

    :math:`u_{gdt} \ge y` for each option of surgeon g in theatre t on day d, and
    :math:`w_{gd} \le \sum_t u_{gdt}` with :math:`w_{gd} \le 1`; minimising
    :math:`\sum u - \sum w` counts distinct theatres minus one on days the surgeon works.
    """
    lits: dict[tuple[str, int], dict[str, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for ov in v.options:
        for name, lit in ov.by_surgeon.items():
            lits[(name, ov.option.day)][ov.option.theatre].append(lit)
    exprs: list[cp_model.LinearExprT] = []
    for (name, day), theatres in lits.items():
        if len(theatres) < 2:
            continue  # cannot change theatre on a day with only one possible theatre
        used = []
        for theatre, in_theatre in theatres.items():
            u = model.new_bool_var(f"works[{name}|{day}|{theatre}]")
            for lit in in_theatre:
                model.add_implication(lit, u)
            used.append(u)
        works = model.new_bool_var(f"works[{name}|{day}]")
        model.add(works <= sum(used))
        exprs.append(sum(used) - works)
    return exprs
