"""Errors a user can fix: they carry one readable message naming the file and field."""

from __future__ import annotations


class OrplanError(Exception):
    """Base class for errors reported to the user without a traceback (exit code 2)."""


class ScenarioError(OrplanError):
    """A scenario (or waiting-list, or plan) file is unreadable or invalid.

    Parameters
    ----------
    path
        The file at fault.
    problems
        One line per problem, each naming the field or row.
    """

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(self._format())

    def _format(self) -> str:
        if len(self.problems) == 1:
            return f"{self.path}: {self.problems[0]}"
        lines = [f"{self.path}: {len(self.problems)} problems"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class OutputPathError(OrplanError):
    """An output path cannot be written (checked before any work is done).

    Parameters
    ----------
    option
        The command-line option that named the path, e.g. ``--out``.
    path
        The path at fault.
    problem
        What is wrong with it.
    """

    def __init__(self, option: str, path: object, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{option} {path}: {problem}")


class PlanInvalidError(Exception):
    """The independent checker rejected a plan the solver produced: a bug in orplan.

    Deliberately not an :class:`OrplanError`: it is not the user's input that is wrong.
    """
