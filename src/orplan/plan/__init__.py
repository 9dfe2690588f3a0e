"""Plan: the output model and its files."""

from orplan.plan.model import CaseAssignment, Plan, SolverRun

__all__ = ["CaseAssignment", "Plan", "SolverRun"]
