"""What the workbench shows of patients: their ids, or keyed pseudonyms (a setting).

With ``pseudonymise`` on (``orplan serve --pseudonymise``), every page, the draft's JSON
and every export show the pseudonym of each patient id (:mod:`orplan.pseudonym`, the key
from ``--pseudonym-key-file`` or ``ORPLAN_PSEUDONYM_KEY``), never the id itself. Pages
and exports go through this one module: :func:`shown_scenario` for what is drawn from a
scenario (the day view's tooltips, the report, FHIR, xlsx) and :func:`shown_changes` for the
change list of a replan or booking. The database keeps the real ids, so the setting can be
turned off again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request

from orplan.errors import OrplanError
from orplan.web.common import settings_of

if TYPE_CHECKING:
    from orplan.scenario.model import Scenario

__all__ = ["patient_key", "shown_changes", "shown_scenario"]


def patient_key(request: Request) -> bytes | None:
    """The pseudonymisation key when the workbench pseudonymises, else None.

    Raises
    ------
    HTTPException
        503 when the setting is on but no usable key is set (a server set-up fault, not the
        planner's): nothing is shown with raw ids instead.
    """
    from orplan.pseudonym import load_key

    settings = settings_of(request)
    if not settings.pseudonymise:
        return None
    try:
        return load_key(settings.pseudonym_key_file)
    except OrplanError as exc:
        raise HTTPException(
            503, f"the workbench pseudonymises patient ids but has no usable key: {exc}"
        ) from None


def shown_scenario(request: Request, scenario: Scenario) -> Scenario:
    """The scenario as pages and exports show it: patient ids pseudonymised when set to.

    Parameters
    ----------
    request
        The request (its app's settings).
    scenario
        The scenario as stored.

    Returns
    -------
    Scenario
        ``scenario`` itself when the setting is off; else a copy with keyed pseudonyms.
    """
    from orplan.pseudonym import pseudonymise_scenario

    key = patient_key(request)
    return scenario if key is None else pseudonymise_scenario(scenario, key)


def shown_changes(request: Request, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A change list (rows of :class:`orplan.live.changes.Change`) as pages show it.

    Parameters
    ----------
    request
        The request (its app's settings).
    changes
        The rows as stored, each with a ``patient``.

    Returns
    -------
    list of dict
        The rows, with the patient's pseudonym when the setting is on.
    """
    from orplan.pseudonym import pseudonym

    key = patient_key(request)
    if key is None:
        return changes
    return [c | {"patient": pseudonym(key, str(c["patient"]))} if c.get("patient") else c
            for c in changes]  # fmt: skip
