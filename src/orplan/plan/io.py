"""Plan files: ``plan.json`` (the record), ``plan.csv`` (for spreadsheets), ``kpis.json``.

Files are written to a temporary name and renamed, so an interrupted write never leaves a
half-written plan beside a good one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orplan.errors import ScenarioError
from orplan.files import atomic_write_text, read_text
from orplan.plan.model import Plan
from orplan.scenario.io import validation_problems
from orplan.scenario.model import Scenario


def _atomic_write(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8), atomically."""
    _atomic_write(path, text)


def spreadsheet_safe(value: Any) -> Any:
    """A cell value a spreadsheet will not run: text starting ``= + - @`` (or a tab or
    carriage return) gets a leading apostrophe, the OWASP advice against CSV injection.
    Numbers and other values pass unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    _atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def plan_to_json(plan: Plan) -> str:
    """Serialise a plan to its stable JSON form."""
    data = plan.model_dump(mode="json")
    if data.get("live") is None:
        data.pop("live", None)  # a plan made ahead keeps the file form it always had
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def plan_digest(plan: Plan) -> str:
    """SHA-256 of the plan's JSON form (what ``plan.json`` holds): a version's identity."""
    return hashlib.sha256(plan_to_json(plan).encode()).hexdigest()


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write ``plan.json``."""
    _atomic_write(Path(path), plan_to_json(plan))


def save_plan_csv(plan: Plan, path: str | Path) -> None:
    """Write the plan as CSV, one row per case (scheduled first, by date, theatre, start)."""
    frame = plan.to_frame()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame = frame.sort_values(
        ["scheduled", "date", "theatre", "start", "case"],
        ascending=[False, True, True, True, True],
        na_position="last",
    )
    for column in ("case", "session", "theatre", "surgeon", "reason"):
        frame[column] = frame[column].map(spreadsheet_safe)
    _atomic_write(Path(path), frame.to_csv(index=False))


def load_plan(path: str | Path) -> Plan:
    """Read ``plan.json``; errors name the file and field."""
    path = Path(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            str(path), [f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except RecursionError:
        raise ScenarioError(str(path), ["JSON nested too deeply"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), ["top level must be a mapping of plan fields"])
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), validation_problems(exc, data)) from None


def scenario_as_planned(scenario: Scenario, plan: Plan) -> Scenario:
    """The scenario with the rules the plan was made under (``run.rules_changed``).

    ``orplan solve --overtime-probability`` changes a rule for one run and records it in
    ``plan.json``; checking or reporting that plan against the file alone would drop the
    rule it was made to keep.

    Parameters
    ----------
    scenario
        The scenario as read from its file.
    plan
        A plan, possibly made with changed rules.

    Returns
    -------
    Scenario
        ``scenario`` itself when the plan records no change, else a copy with those rules.
    """
    changed = plan.run.rules_changed if plan.run is not None else None
    if not changed:
        return scenario
    return scenario.with_rules(changed)
