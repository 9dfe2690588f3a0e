"""What the workbench does to scenarios and plans, without the web: the library behind the
pages (and usable from Python).

Every function takes and returns orplan's own models (:class:`~orplan.scenario.Scenario`,
:class:`~orplan.plan.Plan`); bad input raises :class:`~orplan.errors.ScenarioError` with one
readable line naming the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from orplan.errors import ScenarioError
from orplan.live.changes import booking_kind, slot_text
from orplan.plan.io import plan_to_json
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.clock import format_clock
from orplan.scenario.clock import parse_clock as _clock
from orplan.scenario.io import (
    ModelT,
    scenario_digest,
    scenario_from_dict,
    validation_problems,
)
from orplan.scenario.model import PinnedSlot, Scenario

__all__ = [
    "DiffRow",
    "aligned",
    "diff_plans",
    "hhmm",
    "listed_scenario",
    "move_case",
    "parse_case",
    "parse_clock",
    "parse_events",
    "parse_scenario",
    "pin_case",
    "plan_from_json",
    "plan_text",
    "scenario_from_json",
    "scenario_to_json",
    "unpin_case",
]


def hhmm(minutes: int | None) -> str:
    """``"HH:MM"`` for minutes after midnight ('' for None)."""
    return "" if minutes is None else format_clock(minutes)


def parse_clock(text: str, source: str = "start") -> int:
    """Minutes after midnight of ``"HH:MM"``; a ScenarioError names ``source`` otherwise."""
    try:
        return _clock(text)
    except ValueError as exc:
        raise ScenarioError(source, [str(exc)]) from None


def _mapping(name: str, data: bytes) -> dict[str, Any]:
    """The YAML or JSON mapping of an uploaded file (YAML safe-loaded: no objects built)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(name, ["not a UTF-8 text file"]) from None
    lower = name.lower()
    try:
        if lower.endswith(".json"):
            parsed = json.loads(text)
        elif lower.endswith((".yaml", ".yml")):
            parsed = yaml.safe_load(text)
        else:
            raise ScenarioError(name, ["unknown file type; use .yaml, .yml or .json"])
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            name, [f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(name, [f"YAML syntax error{where}: {problem}"]) from None
    if not isinstance(parsed, dict):
        raise ScenarioError(name, ["top level must be a mapping of fields"])
    return parsed


def parse_scenario(name: str, data: bytes) -> Scenario:
    """Validate an uploaded scenario file.

    Parameters
    ----------
    name
        The file's name as uploaded (its suffix picks YAML or JSON; errors name it).
    data
        The file's bytes.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Unreadable or invalid; also a ``cases_file``, which would name a file on the server.
    """
    mapping = _mapping(name, data)
    if mapping.get("cases_file") is not None:
        raise ScenarioError(
            name, ["cases_file: an uploaded scenario must list its cases inline (cases:)"]
        )
    return scenario_from_dict(mapping, source=name)


def listed_scenario(path: Path, folder: Path) -> Scenario:
    """A scenario from the server's own listing (``--scenarios``): unlike an upload, its
    ``cases_file`` is read, when it lies inside ``folder``; the cases are then kept inline.

    Raises
    ------
    ScenarioError
        Invalid, or a ``cases_file`` outside the scenarios folder.
    """
    from orplan.scenario.io import load_scenario

    mapping = _mapping(path.name, path.read_bytes())
    cases_file = mapping.get("cases_file")
    if cases_file is None:
        return scenario_from_dict(mapping, source=path.name)
    target = (path.parent / str(cases_file)).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ScenarioError(path.name, ["cases_file: must be inside the scenarios folder"])
    return load_scenario(path).model_copy(update={"cases_file": None})


def _parse(name: str, data: bytes, model: type[ModelT]) -> ModelT:
    """An uploaded YAML or JSON file validated as ``model``; one line per problem."""
    mapping = _mapping(name, data)
    try:
        return model.model_validate(mapping)
    except ValidationError as exc:
        raise ScenarioError(name, validation_problems(exc, mapping)) from None


def parse_case(name: str, data: bytes) -> Any:
    """Validate an uploaded new case (the fields of one scenario case); returns a Case."""
    from orplan.scenario.model import Case

    return _parse(name, data, Case)


def parse_events(name: str, data: bytes) -> Any:
    """Validate an uploaded events file (``orplan schema events``); returns PlanEvents."""
    from orplan.live.events import PlanEvents

    return _parse(name, data, PlanEvents)


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario's JSON text (what the database keeps)."""
    return scenario.model_dump_json(exclude_none=True)


def scenario_from_json(text: str) -> Scenario:
    """A stored scenario back as a model."""
    return Scenario.model_validate_json(text)


def plan_from_json(text: str) -> Plan:
    """A stored plan back as a model."""
    return Plan.model_validate_json(text)


def _case(scenario: Scenario, case_id: str) -> Any:
    for case in scenario.cases:
        if case.id == case_id:
            return case
    raise ScenarioError("case", [f"unknown case {case_id!r}"])


def move_case(
    scenario: Scenario, plan: Plan, case_id: str, session_id: str | None, start: int | None
) -> Plan:
    """The plan with one case moved to a session and start, or unscheduled.

    The move is not checked here: the planner may make a plan that breaks a rule, sees the
    checker's words for it and fixes it (such a plan can be saved as a draft version, never
    published).

    Parameters
    ----------
    scenario, plan
        The working scenario and plan.
    case_id
        The case to move.
    session_id, start
        Target session id and start (minutes after midnight); ``None`` unschedules the case.

    Returns
    -------
    Plan
        A new plan; the surgeon is kept when they may operate the case, else the first
        eligible surgeon is named.
    """
    case = _case(scenario, case_id)
    old = {entry.case: entry for entry in plan.cases}.get(case_id)
    if session_id is None:
        entry = CaseAssignment(case=case_id, scheduled=False, reason="unscheduled by a planner")
    else:
        session = {s.id: s for s in scenario.sessions}.get(session_id)
        if session is None:
            raise ScenarioError("session", [f"unknown session {session_id!r}"])
        if start is None:
            start = session.open
        eligible = scenario.surgeons_for(case)
        surgeon = old.surgeon if old is not None and old.surgeon in eligible else None
        surgeon = surgeon or (eligible[0] if eligible else None)
        if surgeon is None:
            raise ScenarioError("case", [f"case {case_id} has no eligible surgeon"])
        entry = CaseAssignment.placed(case, session, start, surgeon)
    cases = [entry if e.case == case_id else e for e in plan.cases]
    if old is None:
        cases.append(entry)
    return plan.model_copy(update={"cases": cases})


def pin_case(scenario: Scenario, plan: Plan, case_id: str) -> Scenario:
    """A scenario copy where ``case_id`` keeps its planned slot (``Case.pinned``)."""
    case = _case(scenario, case_id)
    entry = {e.case: e for e in plan.cases}.get(case_id)
    if entry is None or not entry.scheduled:
        raise ScenarioError("case", [f"case {case_id} is not scheduled, so it cannot be pinned"])
    assert entry.theatre is not None and entry.date is not None and entry.start is not None
    slot = PinnedSlot(
        theatre=entry.theatre, date=entry.date, start=entry.start, surgeon=entry.surgeon
    )
    return _with_case(scenario, case.model_copy(update={"pinned": slot}))


def unpin_case(scenario: Scenario, case_id: str) -> Scenario:
    """A scenario copy where ``case_id`` is free again."""
    case = _case(scenario, case_id)
    return _with_case(scenario, case.model_copy(update={"pinned": None}))


def _with_case(scenario: Scenario, case: Any) -> Scenario:
    cases = [case if c.id == case.id else c for c in scenario.cases]
    # Revalidate: a pin off the time grid or on an unknown theatre is refused here.
    return scenario_from_dict(
        scenario.model_dump(mode="json") | {"cases": [c.model_dump(mode="json") for c in cases]},
        source="pin",
    )


def aligned(plan: Plan, scenario: Scenario) -> Plan:
    """The plan recorded as belonging to ``scenario`` (its ``run.scenario_sha256``).

    A pin or a move changes the working scenario or plan after the solver made it; once the
    checker has passed the plan against ``scenario``, that is the input it belongs to, and
    ``orplan replan`` and ``orplan check`` must find the matching digest.
    """
    if plan.run is None:
        return plan
    digest = scenario_digest(scenario)
    if plan.run.scenario_sha256 == digest:
        return plan
    run = plan.run.model_copy(update={"scenario_sha256": digest, "scenario": scenario.name})
    return plan.model_copy(update={"run": run})


@dataclass(frozen=True)
class DiffRow:
    """One case that differs between two plans.

    Attributes
    ----------
    case
        Case id.
    kind
        ``moved`` (another session, start or surgeon), ``added`` (now scheduled) or
        ``cancelled`` (no longer scheduled).
    old, new
        ``date theatre HH:MM-HH:MM surgeon`` before and after ('' when not scheduled).
    """

    case: str
    kind: str
    old: str
    new: str


def diff_plans(old: Plan, new: Plan) -> list[DiffRow]:
    """Cases moved, added or cancelled from ``old`` to ``new``, by case id."""
    before = {e.case: e for e in old.cases}
    after = {e.case: e for e in new.cases}
    rows = []
    for case_id in sorted(set(before) | set(after)):
        a, b = before.get(case_id), after.get(case_id)
        was = a is not None and a.scheduled
        now = b is not None and b.scheduled
        if was and now:
            # The change list's test (orplan.live.changes), to the minute: any other day,
            # theatre, start or surgeon is a move.
            if booking_kind(a, b, tolerance=0) is not None:  # type: ignore[arg-type]
                rows.append(DiffRow(case_id, "moved", slot_text(a), slot_text(b)))
        elif now:
            rows.append(DiffRow(case_id, "added", "", slot_text(b)))
        elif was:
            rows.append(DiffRow(case_id, "cancelled", slot_text(a), ""))
    return rows


def plan_text(plan: Plan) -> str:
    """The plan's stable JSON form (as ``plan.json``)."""
    return plan_to_json(plan)
