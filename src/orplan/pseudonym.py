"""Pseudonymised exports: patient ids replaced by keyed hashes (HMAC-SHA256).

The key comes from the environment variable ``ORPLAN_PSEUDONYM_KEY`` or from a file named
with ``--pseudonym-key-file``; it is never written to any output. The same key gives the
same pseudonyms, so exports made on different days can be joined by whoever holds them,
and no one without the key can go back from a pseudonym to the patient id. An id already in
pseudonym form is kept, so pseudonymising pseudonymised data (a replan of a pseudonymised
replan, an export of it) keeps the pseudonyms instead of hashing them twice.

Every command with ``--pseudonymise`` (solve, report, export fhir, replan, book, serve) adds
the options with :func:`add_pseudonym_options` and reads them with :func:`key_from_args`.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from orplan.errors import OrplanError
from orplan.files import read_bytes

if TYPE_CHECKING:
    # Annotations only: the CLI adds this module's options at start-up, which must not pay
    # for the scenario model (pydantic) before a command runs.
    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario

__all__ = [
    "KEY_ENV",
    "add_pseudonym_options",
    "apply_option",
    "key_from_args",
    "load_key",
    "pseudonym",
    "pseudonymise_planned",
    "pseudonymise_scenario",
]

KEY_ENV = "ORPLAN_PSEUDONYM_KEY"
#: Fewer bytes than this make a key one could guess by trying.
_MIN_KEY_BYTES = 16
_PSEUDONYM = re.compile(r"p-[0-9a-f]{20}")


def load_key(key_file: Path | None) -> bytes:
    """The pseudonymisation key: from ``key_file`` when given, else from the environment.

    Parameters
    ----------
    key_file
        A file holding the key (surrounding whitespace is dropped), or None.

    Returns
    -------
    bytes

    Raises
    ------
    OrplanError
        No key, or a key shorter than 16 bytes.
    """
    if key_file is not None:
        key = read_bytes(key_file, missing="pseudonym key file not found").strip()
        where = f"--pseudonym-key-file {key_file}"
    else:
        key = os.environ.get(KEY_ENV, "").strip().encode()
        where = KEY_ENV
        if not key:
            raise OrplanError(
                f"--pseudonymise needs a key: set {KEY_ENV} or give --pseudonym-key-file"
            )
    if len(key) < _MIN_KEY_BYTES:
        raise OrplanError(f"{where}: the key must be at least {_MIN_KEY_BYTES} bytes")
    return key


def pseudonym(key: bytes, patient: str) -> str:
    """The pseudonym of one patient id: ``p-`` and 20 hex digits of HMAC-SHA256.

    80 bits keep collisions out of reach for any waiting list (birthday bound ~10^12 ids).
    An id already in that form is returned unchanged (pseudonymising is idempotent).

    Parameters
    ----------
    key
        From :func:`load_key`.
    patient
        The patient id as in the scenario.

    Returns
    -------
    str
    """
    if _PSEUDONYM.fullmatch(patient):
        return patient
    digest = hmac.new(key, patient.encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:20]}"


def pseudonymise_scenario(scenario: Scenario, key: bytes) -> Scenario:
    """The scenario with every case's patient id replaced by its pseudonym.

    Parameters
    ----------
    scenario
        The scenario as read.
    key
        From :func:`load_key`.

    Returns
    -------
    Scenario
        A copy; the plan of one is a plan of the other (patient ids take part in no rule).
    """
    cases = [c.model_copy(update={"patient": pseudonym(key, c.patient)}) for c in scenario.cases]
    return scenario.model_copy(update={"cases": cases})


def pseudonymise_planned(scenario: Scenario, plan: Plan, key: bytes) -> tuple[Scenario, Plan]:
    """The scenario pseudonymised, and the plan recorded as made for the copy.

    A plan whose ``run.scenario_sha256`` is the digest of ``scenario`` gets the digest of the
    copy instead (its check and report would otherwise say they differ); any other plan is
    returned as it is.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan.
    key
        From :func:`load_key`.

    Returns
    -------
    tuple of (Scenario, Plan)
    """
    from orplan.scenario.io import scenario_digest

    copy = pseudonymise_scenario(scenario, key)
    run = plan.run
    if run is not None and run.scenario_sha256 == scenario_digest(scenario):
        run = run.model_copy(update={"scenario_sha256": scenario_digest(copy)})
        plan = plan.model_copy(update={"run": run})
    return copy, plan


def add_pseudonym_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--pseudonymise`` and ``--pseudonym-key-file`` to a sub-command."""
    parser.add_argument(
        "--pseudonymise",
        action="store_true",
        help=f"replace patient ids by keyed hashes in every output (key from "
        f"{KEY_ENV} or --pseudonym-key-file)",
    )
    parser.add_argument(
        "--pseudonym-key-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="file holding the key (never written out)",
    )


def key_from_args(args: argparse.Namespace) -> bytes | None:
    """The key when ``--pseudonymise`` is given, None without it.

    Raises
    ------
    OrplanError
        No usable key, or ``--pseudonym-key-file`` without ``--pseudonymise``.
    """
    if not getattr(args, "pseudonymise", False):
        if getattr(args, "pseudonym_key_file", None) is not None:
            raise OrplanError("--pseudonym-key-file: only with --pseudonymise")
        return None
    return load_key(args.pseudonym_key_file)


def apply_option(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """``scenario`` pseudonymised when ``args.pseudonymise`` is set, else unchanged."""
    key = key_from_args(args)
    return scenario if key is None else pseudonymise_scenario(scenario, key)
