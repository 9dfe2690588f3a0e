"""``--pseudonymise`` for ``orplan replan`` and ``orplan book --apply``.

The replan or booking runs on the data as given (so the new plan records the digest of the
published plan file it replaces), and only what is written is pseudonymised: the live
scenario (emergencies and added cases included), the change list and the plan, which then
records the digest of the pseudonymised scenario written beside it and is checked again
against it. The key and the pseudonyms are :mod:`orplan.pseudonym`'s (an id already in
pseudonym form is kept there, so a replan of a pseudonymised replan keeps its pseudonyms).
"""

from __future__ import annotations

import dataclasses

from orplan.check import CheckReport, check
from orplan.errors import PlanInvalidError
from orplan.live.changes import Change
from orplan.plan.model import Plan
from orplan.pseudonym import pseudonym, pseudonymise_planned
from orplan.scenario.model import Scenario

__all__ = ["pseudonymised_changes", "pseudonymised_plan"]


def pseudonymised_plan(
    scenario: Scenario, plan: Plan, parent: Plan, key: bytes
) -> tuple[Scenario, Plan, CheckReport]:
    """The scenario with pseudonyms, the plan recorded as made for it, and their check.

    Parameters
    ----------
    scenario
        The live scenario the new plan was made for.
    plan
        The new (replanned or booked) plan.
    parent
        The published plan it replaces (the ``case-frozen`` rule is checked against it).
    key
        From :func:`orplan.pseudonym.key_from_args`.

    Returns
    -------
    tuple of (Scenario, Plan, CheckReport)

    Raises
    ------
    PlanInvalidError
        The checker rejects the plan against the pseudonymised scenario (a bug: patient ids
        take part in no rule).
    """
    copy, plan = pseudonymise_planned(scenario, plan, key)
    report = check(copy, plan, parent=parent)
    if not report.ok:
        raise PlanInvalidError(
            "the independent checker rejected the pseudonymised plan (a bug in orplan):\n"
            + report.summary()
        )
    return copy, plan, report


def pseudonymised_changes(changes: list[Change], key: bytes) -> list[Change]:
    """The change list with each patient id replaced by its pseudonym."""
    return [dataclasses.replace(c, patient=pseudonym(key, c.patient)) for c in changes]
