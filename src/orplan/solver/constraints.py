"""Hard rules of the surgery plan, one function per rule (see docs/rules.md).

Eligibility rules (specialty, capability, release date, hard deadline, surgeon presence,
session length) are already applied when options are built, so they need no constraint here.
Order does not matter for correctness; the rules are added in the order of docs/rules.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import NormalDist

from ortools.sat.python import cp_model

from orplan.scenario.model import Scenario
from orplan.solver.variables import OptionVars, Variables


def case_at_most_once(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Each case is scheduled in at most one session; a mandatory case in exactly one.

    .. math:: \sum_{s} x_{cs} \le 1 \quad (= 1 \text{ if } c \text{ is mandatory})
    """
    for case, options in zip(scenario.cases, v.by_case, strict=True):
        literals = [o.scheduled for o in options]
        if case.must_schedule:  # mandatory, pinned, or an emergency within its window
            model.add_exactly_one(literals)
        elif len(literals) > 1:
            model.add_at_most_one(literals)


def one_surgeon_per_case(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""A scheduled case has exactly one of its eligible surgeons, within that surgeon's hours.

    .. math:: \sum_{g} y_{csg} = x_{cs}, \qquad y_{csg} \Rightarrow a_g \le \text{start} \le b_g

    On a split day (several availability slots) the start lies in one slot's range: a
    domain of grid steps ``∪ [⌈a_k / step⌉, ⌊b_k / step⌋]``, exact in minutes.
    """
    step = scenario.time_step
    for ov in v.options:
        several = len(ov.by_surgeon) > 1
        if several:  # with one surgeon its literal is the scheduling literal itself
            model.add(sum(ov.by_surgeon.values()) == ov.scheduled)
        for choice in ov.option.surgeons:
            lit = ov.by_surgeon[choice.surgeon]
            if several and choice.earliest > ov.option.earliest:
                model.add(ov.start * step >= choice.earliest).only_enforce_if(lit)
            if several and choice.latest < ov.option.latest:
                model.add(ov.start * step <= choice.latest).only_enforce_if(lit)
            if choice.windows:
                ranges = [[-(-a // step), b // step] for a, b in choice.windows]
                domain = cp_model.Domain.from_intervals([r for r in ranges if r[0] <= r[1]])
                model.add_linear_expression_in_domain(ov.start, domain).only_enforce_if(lit)


def theatre_no_overlap(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    """Cases in one theatre on one date do not overlap, turnover included."""
    groups: dict[tuple[str, int], list[cp_model.IntervalVar]] = defaultdict(list)
    for ov in v.options:
        groups[(ov.option.theatre, ov.option.day)].append(ov.in_theatre)
    for intervals in groups.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def surgeon_no_overlap(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    """A surgeon is never in two places at once (turnover does not need the surgeon)."""
    groups: dict[tuple[str, int], list[cp_model.IntervalVar]] = defaultdict(list)
    for ov in v.options:
        for name, interval in ov.with_surgeon.items():
            groups[(name, ov.option.day)].append(interval)
    for intervals in groups.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)


def surgeon_daily_max(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""A surgeon operates at most ``max_minutes_per_day`` minutes per date.

    .. math:: \sum_{c,s:\ day(s)=d} dur_c\, y_{csg} \le M_g
    """
    limit = {s.id: s.max_minutes_per_day for s in scenario.surgeons}
    load: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for ov in v.options:
        duration = scenario.cases[ov.option.case].duration
        for name, lit in ov.by_surgeon.items():
            load[(name, ov.option.day)].append((duration, lit))
    for (name, _day), terms in load.items():
        if sum(d for d, _ in terms) > limit[name]:
            model.add(sum(d * lit for d, lit in terms) <= limit[name])


def session_overtime(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Overtime of a session is at least how far any of its cases ends past closing.

    .. math:: o_s \ge step \cdot start_{cs} + dur_c - close_s \quad \text{if } x_{cs}

    Redundant row (tightens the LP bound on overtime, which the per-no-overlap energy rows
    cannot do because they do not see the objective): cases follow each other from opening,
    so the last one ends no earlier than open + the sum of durations and turnovers minus the
    last turnover.

    .. math:: o_s \ge \sum_c (dur_c + turn_c)\, x_{cs} - \max_c turn_c - (close_s - open_s)
    """
    step = scenario.time_step
    per_session: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    max_turn: dict[int, int] = defaultdict(int)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        session = scenario.sessions[ov.option.session]
        end_latest = ov.option.latest + case.duration
        if end_latest > session.close:
            model.add(
                v.sessions[ov.option.session].overtime
                >= ov.start * step + case.duration - session.close
            ).only_enforce_if(ov.scheduled)
        turn = scenario.turnover_of(case)
        per_session[ov.option.session].append((case.duration + turn, ov.scheduled))
        max_turn[ov.option.session] = max(max_turn[ov.option.session], turn)
    for si, terms in per_session.items():
        session = scenario.sessions[si]
        if session.overtime and sum(t for t, _ in terms) - max_turn[si] > session.length:
            model.add(
                v.sessions[si].overtime
                >= sum(t * lit for t, lit in terms) - max_turn[si] - session.length
            )


def session_idle(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Idle minutes: open time not booked with surgery or turnover.

    .. math:: i_s \ge (close_s - open_s) - \sum_c (dur_c + turn_c)\, x_{cs}, \quad i_s \ge 0
    """
    per_session: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        per_session[ov.option.session].append(
            (case.duration + scenario.turnover_of(case), ov.scheduled)
        )
    for si, session in enumerate(scenario.sessions):
        terms = per_session.get(si, [])
        model.add(v.sessions[si].idle >= session.length - sum(t * lit for t, lit in terms))


def session_overtime_risk(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Robust surgery loading: planned slack so a session rarely runs past closing.

    With target probability :math:`\alpha` (``rules.overtime_probability``), expected minutes
    :math:`\mu_c` and standard deviations :math:`\sigma_c` (normal approximation of the sum,
    Hans et al. 2008), every case of a session must end, as planned, at least the slack
    :math:`k_s \ge z_\alpha \sqrt{\sum_c \sigma_c^2 x_{cs}}` before closing:

    .. math:: x_{cs} \Rightarrow start_c + \mu_c + k_s \le close_s

    On the day the first case starts as planned and the rest follow back to back, so the
    session's expected end is at most the planned end of its last case; a session whose
    first case starts late (surgeon hours, sequencing) therefore gets fewer cases, which a
    pure load rule (sum of minutes from opening) would miss. Pooling is exact: the slack grows
    with the square root of the summed variances. CP-SAT stays integer: :math:`100 k_s^2 \ge
    \lceil 100 z^2 \rceil \sum_c \lceil \sigma_c^2 \rceil x_{cs}` (multiplication
    equality), which rounds only towards more slack. The load form
    :math:`\sum_c (\mu_c + t_c) x_{cs} - t_{max} + k_s \le close_s - open_s` is implied
    (the last case ends no earlier than opening + the loads − its turnover) and is added to
    help the search.
    """
    alpha = scenario.rules.overtime_probability
    if alpha is None:
        return
    z = NormalDist().inv_cdf(1 - alpha)
    z2 = math.ceil(100 * z * z)
    step = scenario.time_step
    per_session: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    by_session: dict[int, list[tuple[OptionVars, int]]] = defaultdict(list)
    max_turn: dict[int, int] = defaultdict(int)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        sd = scenario.duration_sd_of(case)
        turn = scenario.turnover_of(case)
        si = ov.option.session
        per_session[si].append((case.duration + turn, math.ceil(sd * sd), ov.scheduled))
        by_session[si].append((ov, case.duration))
        max_turn[si] = max(max_turn[si], turn)
    for si, terms in per_session.items():
        session = scenario.sessions[si]
        variance_max = sum(var for _, var, _ in terms)
        slack = model.new_int_var(0, session.length, f"slack[{session.id}]")
        square = model.new_int_var(0, session.length**2, f"slack2[{session.id}]")
        model.add_multiplication_equality(square, [slack, slack])
        model.add(100 * square >= z2 * sum(var * lit for _, var, lit in terms))
        if variance_max == 0:
            model.add(slack == 0)
        for ov, duration in by_session[si]:
            model.add(ov.start * step + duration + slack <= session.close).only_enforce_if(
                ov.scheduled
            )
        model.add(
            sum(load * lit for load, _, lit in terms) - max_turn[si] + slack <= session.length
        )


#: All hard rules and session measures, in the order they are added.
RULES = (
    case_at_most_once,
    one_surgeon_per_case,
    theatre_no_overlap,
    surgeon_no_overlap,
    surgeon_daily_max,
    session_overtime,
    session_idle,
    session_overtime_risk,
)
