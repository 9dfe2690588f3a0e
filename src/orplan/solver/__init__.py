"""Solver: the CP-SAT model of the surgery plan and its search."""

from orplan.solver.solve import Result, SolveSettings, solve

__all__ = ["Result", "SolveSettings", "solve"]
