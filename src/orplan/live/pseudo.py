"""``--pseudonymise`` for ``orplan replan`` and ``orplan book --apply``.

The replan or booking runs on the data as given (so the new plan records the digest of the
published plan file it replaces), and only what is written is pseudonymised: the live
scenario (emergencies and added cases included), the change list and the plan, which then
records the digest of the pseudonymised scenario written beside it and is checked again
against it. An id already in pseudonym form (``p-`` and 20 hex digits) is kept, so a replan
of a pseudonymised replan keeps the same pseudonyms instead of hashing them twice.
"""

from __future__ import annotations

import argparse
import dataclasses
import re

from orplan.check import CheckReport, check
from orplan.errors import OrplanError, PlanInvalidError
from orplan.live.changes import Change
from orplan.plan.model import Plan
from orplan.pseudonym import load_key, pseudonym
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Scenario

__all__ = ["key_of", "pseudonymised_changes", "pseudonymised_plan"]

_PSEUDONYM = re.compile(r"p-[0-9a-f]{20}")


def key_of(args: argparse.Namespace) -> bytes | None:
    """The key when ``--pseudonymise`` is given (None without it).

    Raises
    ------
    OrplanError
        No usable key, or ``--pseudonym-key-file`` without ``--pseudonymise``.
    """
    if not args.pseudonymise:
        if args.pseudonym_key_file is not None:
            raise OrplanError("--pseudonym-key-file: only with --pseudonymise")
        return None
    return load_key(args.pseudonym_key_file)


def _pseudonym(key: bytes, patient: str) -> str:
    return patient if _PSEUDONYM.fullmatch(patient) else pseudonym(key, patient)


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
        From :func:`key_of`.

    Returns
    -------
    tuple of (Scenario, Plan, CheckReport)

    Raises
    ------
    PlanInvalidError
        The checker rejects the plan against the pseudonymised scenario (a bug: patient ids
        take part in no rule).
    """
    cases = [c.model_copy(update={"patient": _pseudonym(key, c.patient)}) for c in scenario.cases]
    copy = scenario.model_copy(update={"cases": cases})
    if plan.run is not None:
        run = plan.run.model_copy(update={"scenario_sha256": scenario_digest(copy)})
        plan = plan.model_copy(update={"run": run})
    report = check(copy, plan, parent=parent)
    if not report.ok:
        raise PlanInvalidError(
            "the independent checker rejected the pseudonymised plan (a bug in orplan):\n"
            + report.summary()
        )
    return copy, plan, report


def pseudonymised_changes(changes: list[Change], key: bytes) -> list[Change]:
    """The change list with each patient id replaced by its pseudonym."""
    return [dataclasses.replace(c, patient=_pseudonym(key, c.patient)) for c in changes]
