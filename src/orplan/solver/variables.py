"""CP-SAT variables of the surgery plan, one small dataclass per hospital entity."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from orplan.scenario.model import Scenario
from orplan.solver.options import CaseOptions, Option


@dataclass
class OptionVars:
    """Variables of one (case, session) option.

    ``start`` counts grid steps of ``scenario.time_step`` minutes after midnight, so the case
    starts at ``step * start`` minutes. ``in_theatre`` covers the case and its turnover (the
    theatre is busy while it is cleaned); ``with_surgeon`` covers the case only.
    """

    option: Option
    scheduled: cp_model.IntVar
    start: cp_model.IntVar
    in_theatre: cp_model.IntervalVar
    by_surgeon: dict[str, cp_model.IntVar] = field(default_factory=dict)
    with_surgeon: dict[str, cp_model.IntervalVar] = field(default_factory=dict)


@dataclass
class SessionVars:
    """Overtime and idle minutes of one session (made for every session)."""

    overtime: cp_model.IntVar
    idle: cp_model.IntVar


@dataclass
class Variables:
    """All decision variables, indexed the way the constraints need them."""

    options: list[OptionVars]
    by_case: list[list[OptionVars]]
    sessions: list[SessionVars]
    #: Longest break-in interval of each (site, day), made when it has a cost weight.
    break_in: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)


def steps_up(minutes: int, step: int) -> int:
    """Minutes rounded up to whole grid steps."""
    return -(-minutes // step)


def make_variables(
    model: cp_model.CpModel, scenario: Scenario, case_options: list[CaseOptions]
) -> Variables:
    """Create the variables for every option and session.

    Durations are rounded up to the planning grid inside the intervals, so a plan that
    respects the grid also respects the true durations the checker uses.
    """
    step = scenario.time_step
    all_options: list[OptionVars] = []
    by_case: list[list[OptionVars]] = []
    for entry in case_options:
        case = entry.case
        theatre_steps = steps_up(case.duration + scenario.turnover_of(case), step)
        surgeon_steps = steps_up(case.duration, step)
        mine: list[OptionVars] = []
        for opt in entry.options:
            tag = f"{case.id}|{scenario.sessions[opt.session].id}"
            scheduled = model.new_bool_var(f"x[{tag}]")
            lo, hi = steps_up(opt.earliest, step), (opt.latest // step)
            start = model.new_int_var(lo, hi, f"start[{tag}]")
            in_theatre = model.new_optional_fixed_size_interval_var(
                start, theatre_steps, scheduled, f"theatre[{tag}]"
            )
            ov = OptionVars(opt, scheduled, start, in_theatre)
            if len(opt.surgeons) == 1:
                # One possible surgeon: the surgeon is chosen exactly when the case is.
                name = opt.surgeons[0].surgeon
                ov.by_surgeon[name] = scheduled
                ov.with_surgeon[name] = model.new_optional_fixed_size_interval_var(
                    start, surgeon_steps, scheduled, f"surgeon[{tag}|{name}]"
                )
            else:
                for choice in opt.surgeons:
                    lit = model.new_bool_var(f"y[{tag}|{choice.surgeon}]")
                    ov.by_surgeon[choice.surgeon] = lit
                    ov.with_surgeon[choice.surgeon] = model.new_optional_fixed_size_interval_var(
                        start, surgeon_steps, lit, f"surgeon[{tag}|{choice.surgeon}]"
                    )
            mine.append(ov)
        all_options.extend(mine)
        by_case.append(mine)
    sessions = []
    for session in scenario.sessions:
        sessions.append(
            SessionVars(
                overtime=model.new_int_var(0, session.overtime, f"overtime[{session.id}]"),
                idle=model.new_int_var(0, session.length, f"idle[{session.id}]"),
            )
        )
    return Variables(all_options, by_case, sessions)
