"""Warm start: hint the CP-SAT model with a complete plan from the planner's rule.

CP-SAT handles a complete feasible hint much better than a partial one (docs/cpsat-notes,
"Hints"). The rule plan (earliest deadline first, first fit; ``orplan.baselines.rule``) is
valid by construction and takes well under a second for a pilot week, so every solve starts
from a real plan: on a loaded machine a 10-30 s whole-horizon search of a clinical pilot
week could otherwise end without any plan at all.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.build import SurgeryModel


def hint_plan(sm: SurgeryModel, plan: Plan) -> int:
    """Hint every option's presence, surgeon and start from ``plan``; returns hints added."""
    scenario = sm.scenario
    step = scenario.time_step
    by_case = {e.case: e for e in plan.cases if e.scheduled}
    hinted: set[int] = set()

    def hint(var: cp_model.IntVar, value: int) -> None:
        if var.index not in hinted:
            sm.model.add_hint(var, value)
            hinted.add(var.index)

    for case, options in zip(scenario.cases, sm.variables.by_case, strict=True):
        entry = by_case.get(case.id)
        for ov in options:
            session = scenario.sessions[ov.option.session]
            here = (
                entry is not None
                and entry.session == session.id
                and entry.start is not None
                and entry.start % step == 0
                and entry.surgeon in ov.by_surgeon
            )
            hint(ov.scheduled, int(here))
            if here and entry is not None and entry.start is not None:
                hint(ov.start, entry.start // step)
            else:
                hint(ov.start, -(-ov.option.earliest // step))
            for name, lit in ov.by_surgeon.items():
                hint(lit, int(here and entry is not None and name == entry.surgeon))
    return len(hinted)


def complete_hint(model: cp_model.CpModel, seconds: float) -> bool:
    """Extend a partial hint to every variable by a solve with the hinted values fixed.

    Returns whether it worked; otherwise the partial hint is left in place.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.num_workers = 1
    params.fix_variables_to_their_hinted_value = True
    params.catch_sigint_signal = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))
    return True


def start_plan(scenario: Scenario) -> Plan | None:
    """The planner's-rule plan of ``scenario``, or None if it is not a valid plan.

    The rule places mandatory cases first, but it may miss one; a start that breaks any hard
    rule is dropped (the search then starts from nothing), so it can never be returned as a
    plan. With a robust target the rule keeps the model's slack, so it is a valid start too.
    """
    from orplan.baselines.rule import rule_plan
    from orplan.check import check

    plan = rule_plan(scenario)
    return plan if check(scenario, plan).ok else None
