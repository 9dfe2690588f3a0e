"""IHTC-2024 Integrated Healthcare Timetabling Problem: data model, evaluator and solver.

The problem and the official validator's scoring are specified in
``docs/ihtc2024.md``. Typical use::

    from orplan.ihtc import evaluate, load_instance, load_solution
    from orplan.ihtc.solve import solve

    inst = load_instance("i01.json")
    result = evaluate(inst, load_solution("sol_i01.json"))
    print(result.total_violations, result.total_cost)

    found = solve(inst, time_limit=60, workers=2)
    print(found.cost, found.time_to_first_feasible)

The solver lives in :mod:`orplan.ihtc.solve` (not imported here, so that
reading and evaluating never load OR-Tools or numba); the mapping of the
surgery part onto orplan's scenario model is
:func:`orplan.ihtc.scenario_map.to_scenario`.
"""

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.ihtc.evaluate import (
        HARD_RULES,
        SOFT_RULES,
        CostComponent,
        Evaluation,
        Violation,
        evaluate,
    )
    from orplan.ihtc.instance import Instance, InstanceFormatError, load_instance, parse_instance
    from orplan.ihtc.solution import (
        NurseRoster,
        PatientDecision,
        ShiftAssignment,
        Solution,
        SolutionArrays,
        SolutionFormatError,
        encode_solution,
        load_solution,
        parse_solution,
        write_solution,
    )

# Imported on first use; ``evaluate`` is both this function and a submodule.
lazy_package(
    __name__,
    {
        "HARD_RULES": "orplan.ihtc.evaluate",
        "SOFT_RULES": "orplan.ihtc.evaluate",
        "CostComponent": "orplan.ihtc.evaluate",
        "Evaluation": "orplan.ihtc.evaluate",
        "Violation": "orplan.ihtc.evaluate",
        "evaluate": "orplan.ihtc.evaluate",
        "Instance": "orplan.ihtc.instance",
        "InstanceFormatError": "orplan.ihtc.instance",
        "load_instance": "orplan.ihtc.instance",
        "parse_instance": "orplan.ihtc.instance",
        "NurseRoster": "orplan.ihtc.solution",
        "PatientDecision": "orplan.ihtc.solution",
        "ShiftAssignment": "orplan.ihtc.solution",
        "Solution": "orplan.ihtc.solution",
        "SolutionArrays": "orplan.ihtc.solution",
        "SolutionFormatError": "orplan.ihtc.solution",
        "encode_solution": "orplan.ihtc.solution",
        "load_solution": "orplan.ihtc.solution",
        "parse_solution": "orplan.ihtc.solution",
        "write_solution": "orplan.ihtc.solution",
    },
)

__all__ = [
    "HARD_RULES",
    "SOFT_RULES",
    "CostComponent",
    "Evaluation",
    "Instance",
    "InstanceFormatError",
    "NurseRoster",
    "PatientDecision",
    "ShiftAssignment",
    "Solution",
    "SolutionArrays",
    "SolutionFormatError",
    "Violation",
    "encode_solution",
    "evaluate",
    "load_instance",
    "load_solution",
    "parse_instance",
    "parse_solution",
    "write_solution",
]
