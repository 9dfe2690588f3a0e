"""Assemble the CP-SAT model: options -> variables -> rules -> objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario
from orplan.solver import constraints, emergency, resources, sequencing
from orplan.solver.objective import add_objective
from orplan.solver.options import CaseOptions, build_options
from orplan.solver.variables import Variables, make_variables


@dataclass
class SurgeryModel:
    """A built CP-SAT model together with what is needed to read a plan back from it."""

    scenario: Scenario
    model: cp_model.CpModel
    case_options: list[CaseOptions]
    variables: Variables
    objective: cp_model.LinearExprT

    def scheduled(self, solver: cp_model.CpSolver) -> dict[int, CaseAssignment]:
        """The scheduled cases of the solver's current solution, by case index.

        Parameters
        ----------
        solver
            A solver that has found a solution of :attr:`model`.

        Returns
        -------
        dict of int to CaseAssignment
            One entry per scheduled case (session, start on the grid, chosen surgeon).
        """
        step = self.scenario.time_step
        out: dict[int, CaseAssignment] = {}
        for ci, options in enumerate(self.variables.by_case):
            chosen = next((o for o in options if solver.boolean_value(o.scheduled)), None)
            if chosen is None:
                continue
            surgeon = next(n for n, lit in chosen.by_surgeon.items() if solver.boolean_value(lit))
            out[ci] = CaseAssignment.placed(
                self.scenario.cases[ci],
                self.scenario.sessions[chosen.option.session],
                solver.value(chosen.start) * step,
                surgeon,
            )
        return out


def build_model(scenario: Scenario, case_options: list[CaseOptions] | None = None) -> SurgeryModel:
    """Build the CP-SAT model of ``scenario``.

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        Precomputed options (built from the scenario when omitted).
    """
    if case_options is None:
        case_options = build_options(scenario)
    model = cp_model.CpModel()
    variables = make_variables(model, scenario, case_options)
    for rule in (*constraints.RULES, *resources.RULES, *sequencing.RULES, *emergency.RULES):
        rule(model, scenario, variables)
    objective = add_objective(model, scenario, variables)
    return SurgeryModel(scenario, model, case_options, variables, objective)
