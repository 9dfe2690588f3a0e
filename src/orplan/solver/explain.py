"""Explanations in the hospital's terms: why a scenario is infeasible, why a case waits.

Method (documented so that a planner can trust it):

1. *Eligibility*: every case is tested against every session rule by rule (specialty,
   capability, release date, hard deadline, session length, surgeon presence and hours, the
   surgeon's daily maximum). A case with no eligible session gets the rule that excluded most
   sessions as its reason.
2. *Capacity*: a case that had sessions but was not chosen is named with the cases of equal
   or higher priority that occupy those sessions.
3. *Infeasibility*: only mandatory cases can make a scenario infeasible (without them the empty
   plan is valid). Mandatory cases without an eligible session are named with their reason;
   otherwise the mandatory requirement is turned into assumptions and CP-SAT returns a subset
   of mandatory cases that cannot all be scheduled together.
4. *Robust slack*: with ``rules.overtime_probability`` set, that subset is solved again
   without the target; if it fits then, the explanation names the slack as the cause.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import NormalDist
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from orplan.scenario.model import Case, Scenario
    from orplan.solver.build import SurgeryModel
    from orplan.solver.options import CaseOptions


def _describe(sm: SurgeryModel, case_index: int) -> str:
    case = sm.scenario.cases[case_index]
    return f"{case.id} ({case.specialty}, {case.procedure}, {case.duration} min)"


def unplaceable_mandatory(scenario: Scenario, case_options: list[CaseOptions]) -> list[str]:
    """Mandatory cases with no eligible session at all, each with the rule that excluded it."""
    return [
        f"{_kind(e.case)} case {e.case.id} ({e.case.specialty}, {e.case.procedure}, "
        f"{e.case.duration} min) has no possible session: {e.reason()}"
        for e in case_options
        if e.case.must_schedule and not e.options
    ]


def _kind(case: Case) -> str:
    """What makes a case one that every plan must schedule, in a word."""
    if case.pinned is not None:
        return "pinned"
    if case.emergency is not None and not case.mandatory:
        return "emergency"
    return "mandatory"


def explain_infeasible(
    sm: SurgeryModel, *, solve_core: bool = True, time_limit: float = 20.0
) -> list[str]:
    """Return readable reasons why the mandatory cases cannot all be scheduled.

    Parameters
    ----------
    sm
        The built model.
    solve_core
        When False, only the cheap eligibility test is done (used before every solve).
    time_limit
        Seconds for the core search.

    Returns
    -------
    list of str
        Empty when no reason was found.
    """
    reasons = unplaceable_mandatory(sm.scenario, sm.case_options)
    if reasons or not solve_core:
        return reasons
    empty = _empty_plan_breaks_emergency_rules(sm.scenario)
    if empty:
        return empty
    from orplan.solver.build import build_model

    scenario = sm.scenario
    relaxed = scenario.model_copy(
        update={
            "cases": [
                c.model_copy(update={"mandatory": False, "pinned": None, "emergency": None})
                for c in scenario.cases
            ]
        }
    )
    core_model = build_model(relaxed, sm.case_options)
    core_model.model.clear_objective()
    flags: dict[int, int] = {}
    for entry, options in zip(sm.case_options, core_model.variables.by_case, strict=True):
        if entry.case.must_schedule:
            flag = core_model.model.new_bool_var(f"must[{entry.case.id}]")
            core_model.model.add(sum(o.scheduled for o in options) == 1).only_enforce_if(flag)
            core_model.model.add_assumption(flag)
            flags[flag.index] = entry.index
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # assumptions run on one worker anyway
    status = solver.solve(core_model.model)
    if status != cp_model.INFEASIBLE:
        return [
            "the mandatory cases could not all be scheduled together within the search time; "
            "try a longer time limit or fewer mandatory cases"
        ]
    core = [flags[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in flags]
    names = ", ".join(_describe(sm, i) for i in sorted(core))
    minutes = sum(scenario.cases[i].duration for i in core)
    sessions = sorted(
        {str(scenario.sessions[o.session].id) for i in core for o in sm.case_options[i].options}
    )
    listed = ", ".join(sessions)
    if len(core) == 1:
        lines = [
            f"this mandatory case cannot be scheduled: {names}",
            f"it needs {minutes} operating minutes in the sessions open to it ({listed}), "
            "with its surgeons' hours and daily maxima",
        ]
        fix = "to fix: open more or longer sessions for it, add eligible surgeons, or make it "
        fix += "non-mandatory"
    else:
        lines = [
            f"these {len(core)} mandatory cases cannot all be scheduled together: {names}",
            f"together they need {minutes} operating minutes (plus turnover) in the sessions "
            f"open to them ({listed}), with their surgeons' hours and daily maxima",
        ]
        fix = "to fix: open more or longer sessions for them, add eligible surgeons, or make "
        fix += "one of them non-mandatory"
    robust = _robust_slack_cause(sm, core, time_limit) or _emergency_rule_cause(
        sm, core, time_limit
    )
    return [*lines, *robust] if robust else [*lines, fix]


def _empty_plan_breaks_emergency_rules(scenario: Scenario) -> list[str]:
    """Lines naming a break-in interval or reserve that no plan, not even an empty one, keeps.

    A stretch with no theatre of a site in session, or a reserve larger than a site's open
    minutes, is in the sessions, not the cases: the checker's view of the empty plan says
    where (explanations may use it; the model does not).
    """
    rules = scenario.rules
    if rules.break_in_interval is None and not rules.emergency_reserve:
        return []
    from orplan.check import check
    from orplan.plan.model import CaseAssignment, Plan

    entries = [CaseAssignment(case=c.id, scheduled=False, reason="-") for c in scenario.cases]
    broken = [
        v.message
        for v in check(scenario, Plan(cases=entries)).violations
        if v.rule in ("break-in-interval", "emergency-reserve")
    ]
    if not broken:
        return []
    return [
        "no plan can keep the emergency rules, not even one without cases:",
        *broken,
        "to fix: raise rules.break_in_interval or lower rules.emergency_reserve, or open "
        "sessions that fill the gap",
    ]


def _emergency_rule_cause(sm: SurgeryModel, core: list[int], time_limit: float) -> list[str]:
    """Lines blaming the break-in or reserve rules, if all mandatory cases fit without them."""
    from orplan.solver.build import build_model

    scenario = sm.scenario
    rules = scenario.rules
    if (rules.break_in_interval is None and not rules.emergency_reserve) or not core:
        return []
    plain = scenario.with_rules({"break_in_interval": None, "emergency_reserve": []})
    check_model = build_model(plain, sm.case_options)
    check_model.model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    if solver.solve(check_model.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    named = []
    if rules.break_in_interval is not None:
        named.append(f"rules.break_in_interval = {rules.break_in_interval} min")
    if rules.emergency_reserve:
        named.append("rules.emergency_reserve")
    return [
        f"the room kept for emergencies is the cause ({' and '.join(named)}): without it "
        "every mandatory case fits",
        "to fix: allow a longer break-in interval, keep a smaller reserve, open more "
        "sessions, or make one of them non-mandatory",
    ]


def _robust_slack_cause(sm: SurgeryModel, core: list[int], time_limit: float) -> list[str]:
    """Lines saying the robust slack is the cause, if all mandatory cases fit without it.

    With ``rules.overtime_probability`` set, every session keeps slack for its cases' spread;
    mandatory cases that fit their sessions on average may not fit with that slack. Solving
    the scenario again without the target (every mandatory case still mandatory) tells the
    two causes apart; only a feasible answer in time blames the slack.
    """
    from orplan.solver.build import build_model

    scenario = sm.scenario
    alpha = scenario.rules.overtime_probability
    if alpha is None or not core:
        return []
    plain = scenario.model_copy(
        update={"rules": scenario.rules.model_copy(update={"overtime_probability": None})}
    )
    check_model = build_model(plain, sm.case_options)
    check_model.model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    if solver.solve(check_model.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    z = NormalDist().inv_cdf(1 - alpha)
    cases = [scenario.cases[i] for i in sorted(core)]
    slacks = ", ".join(f"{c.id} {z * scenario.duration_sd_of(c):.0f}" for c in cases)
    return [
        f"the robust slack is the cause: with rules.overtime_probability = {alpha:g} each "
        f"session keeps z · sd minutes free for its cases' spread (z = {z:.2f}; alone: "
        f"{slacks} min); without that target every mandatory case fits",
        "to fix: accept a higher overtime probability, give shorter sessions fewer long "
        "cases, open longer sessions, or make one of them non-mandatory",
    ]


def unscheduled_reasons(
    scenario: Scenario, case_options: list[CaseOptions], chosen: dict[int, int]
) -> dict[str, str]:
    """Reason for each unscheduled case.

    Parameters
    ----------
    scenario
        The scenario.
    case_options
        Eligible options of every case.
    chosen
        Case index -> session index of every scheduled case.

    Returns
    -------
    dict
        Case id -> reason, for every case not in ``chosen``.
    """
    in_session: dict[int, list[int]] = defaultdict(list)
    for ci, si in chosen.items():
        in_session[si].append(ci)
    reasons: dict[str, str] = {}
    for entry in case_options:
        if entry.index in chosen:
            continue
        if not entry.options:
            reasons[entry.case.id] = entry.reason()
            continue
        rivals = sorted(
            {
                ci
                for o in entry.options
                for ci in in_session.get(o.session, [])
                if scenario.cases[ci].priority <= entry.case.priority
            },
            key=lambda ci: (scenario.cases[ci].priority, scenario.cases[ci].id),
        )
        n = len({o.session for o in entry.options})
        if rivals:
            named = ", ".join(scenario.cases[ci].id for ci in rivals[:5])
            more = f" and {len(rivals) - 5} more" if len(rivals) > 5 else ""
            reasons[entry.case.id] = (
                f"capacity: its {n} possible session(s) are filled by cases of equal or higher "
                f"priority ({named}{more})"
            )
        else:
            reasons[entry.case.id] = (
                f"capacity: its {n} possible session(s) or its surgeon's time are used by "
                "cases that cost less to schedule there (overtime, waiting or deadlines)"
            )
    return reasons
