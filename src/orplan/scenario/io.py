"""Reading scenarios from YAML or JSON, with waiting lists from CSV, XLSX or FHIR
(tables in :mod:`orplan.scenario.tables`, bundles in :mod:`orplan.fhir`).

Every failure becomes a :class:`~orplan.errors.ScenarioError` whose message names the file
and the field (or row), so the command line can print it without a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from orplan.errors import ScenarioError
from orplan.files import read_text
from orplan.scenario.model import Scenario
from orplan.scenario.tables import read_cases_table, read_table, readable_message

__all__ = [
    "format_location",
    "load_model_file",
    "load_scenario",
    "load_yaml",
    "read_cases_table",
    "save_scenario",
    "scenario_digest",
    "scenario_from_dict",
    "validation_problems",
]


ModelT = TypeVar("ModelT", bound=BaseModel)


def format_location(loc: tuple[int | str, ...], data: Any = None) -> str:
    """Turn a pydantic error location into ``cases[3] (id=C4).duration``.

    Parameters
    ----------
    loc
        Location tuple from a pydantic error.
    data
        The raw input, used to name the id of a list item where possible.
    """
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            text = f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and "id" in node:
                    text += f" (id={node['id']})"
            else:
                node = None
            parts.append(text)
        elif item == "[key]":
            continue  # a mapping key at fault: the key itself is already in the path
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def validation_problems(error: ValidationError, data: Any = None) -> list[str]:
    """One readable line per pydantic error."""
    problems: list[str] = []
    for err in error.errors():
        message = readable_message(err)
        loc = format_location(tuple(err["loc"]), data)
        if not loc:
            # Cross-reference errors already start with their field path; split joined ones.
            problems.extend(part.strip() for part in message.split("; "))
        else:
            # Model validators name their field first ("close: must be after open").
            field, sep, rest = message.partition(": ")
            if sep and field.isidentifier():
                problems.append(f"{loc}.{field}: {rest}")
            else:
                problems.append(f"{loc}: {message}")
    return problems


# libyaml's parser (when PyYAML has it) reads a pilot week several times faster; the safe
# constructors are the same Python ones either way.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ScenarioLoader(_SafeBase):
    """Safe YAML loader that leaves dates and ``HH:MM`` times to the scenario model.

    YAML 1.1 builds dates itself and raises a bare ``ValueError`` for an impossible one
    (``2027-02-30``), which no field path can be given to; it also reads an unquoted
    ``15:30`` as the base-60 number 930. Here such scalars stay text, so pydantic validates
    them with the field's path, as it does for JSON.
    """


def _timestamp_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _number(base: Any) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if ":" in str(node.value):
            return str(loader.construct_scalar(node))  # base-60: a clock time, kept as text
        return base(loader, node)

    return construct


_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_text)
_ScenarioLoader.add_constructor(
    "tag:yaml.org,2002:int", _number(yaml.SafeLoader.construct_yaml_int)
)
_ScenarioLoader.add_constructor(
    "tag:yaml.org,2002:float", _number(yaml.SafeLoader.construct_yaml_float)
)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, with dates and clock times left as text (see ``_ScenarioLoader``).

    Raises
    ------
    yaml.YAMLError
        Syntax errors.
    """
    # yaml.load is safe here: the loader is a SafeLoader subclass.
    return yaml.load(text, Loader=_ScenarioLoader)


def _read_mapping(path: Path) -> dict[str, Any]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        # Checked first: a .csv given as the scenario should not get a JSON syntax error.
        raise ScenarioError(str(path), ["unknown file type; use .yaml, .yml or .json"])
    text = read_text(path)
    try:
        data = json.loads(text) if suffix == ".json" else load_yaml(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            str(path), [f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(str(path), [f"YAML syntax error{where}: {problem}"]) from None
    except (ValueError, RecursionError) as exc:
        # A constructor's error (e.g. a bad !!binary) or nesting too deep for the parser.
        raise ScenarioError(str(path), [f"cannot read file ({exc})"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), ["top level must be a mapping of scenario fields"])
    return data


def load_model_file(
    path: str | Path, model: type[ModelT], *, kind: str | None = None, key: str | None = None
) -> ModelT:
    """Read a YAML or JSON file holding one ``model`` (events, arrivals, a case).

    Parameters
    ----------
    path
        ``.yaml``/``.yml`` or ``.json`` file whose top level is a mapping.
    model
        The pydantic model to validate it as.
    kind, key
        When the file lacks the top-level ``key``, it is not a ``kind`` file at all (say, a
        scenario given where events belong): one line says so instead of one per field.

    Returns
    -------
    ModelT
        The validated model.

    Raises
    ------
    ScenarioError
        One readable line per problem, naming the file and field.
    """
    path = Path(path)
    data = _read_mapping(path)
    if key is not None and key not in data:
        problem = f"{key}: missing: this is not {kind or 'such a'} file"
        raise ScenarioError(str(path), [problem + " (orplan schema shows the format)"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), validation_problems(exc, data)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML or JSON), with its waiting list if referenced.

    Parameters
    ----------
    path
        Scenario file, ``.yaml``/``.yml`` or ``.json``.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With one readable line per problem, naming the file and field.
    """
    path = Path(path)
    data = _read_mapping(path)
    cases_file = data.get("cases_file")
    table_rows: list[int] = []
    listed: list[Any] = []
    if cases_file is not None:
        if not isinstance(cases_file, str) or not cases_file.strip():
            raise ScenarioError(str(path), ["cases_file: must be a file name"])
        extra = read_table(path.parent / cases_file)
        listed = data.get("cases") or []
        if not isinstance(listed, list):
            raise ScenarioError(str(path), ["cases: must be a list"])
        table_rows = [number for number, _ in extra]
        data = {**data, "cases": [*listed, *(c.model_dump() for _, c in extra)]}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, data)
    if table_rows:

        def by_row(match: re.Match[str]) -> str:
            index = int(match.group(1)) - len(listed)
            if index < 0:
                return match.group(0)
            if str(cases_file).lower().endswith(".json"):
                return f"{cases_file} entry[{table_rows[index]}]"
            return f"{cases_file} row {table_rows[index]}"

        # Cases from the waiting list are named by their row there, not by cases[k].
        problems = [re.sub(r"cases\[(\d+)\]", by_row, p) for p in problems]
    raise ScenarioError(str(path), problems)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate an in-memory mapping as a scenario, with the same error messages as files."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, validation_problems(exc, data)) from None


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario as YAML or JSON (by suffix), cases inline."""
    path = Path(path)
    data = scenario.model_dump(mode="json", exclude_none=True)
    data.pop("cases_file", None)
    if path.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


_LIVE_CASE_FIELDS = ("pinned", "frozen_until", "cancelled", "emergency")


def _drop_default(data: dict[str, Any], key: str, default: Any) -> None:
    if key in data and data[key] == default:
        del data[key]


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (records which input a plan belongs to)."""
    data = scenario.model_dump(mode="json")
    # Fields added after plans were first written are left out while at their defaults, so a
    # scenario that does not use them keeps the digest those plans recorded (a published
    # plan must stay the plan of its scenario for orplan replan and book). Add new fields here.
    _drop_default(data, "now", None)
    _drop_default(data["rules"], "break_in_interval", None)
    _drop_default(data["rules"], "break_in_scope", "site")
    _drop_default(data["rules"], "emergency_reserve", [])
    _drop_default(data["weights"], "break_in_interval", 0)
    for case in data["cases"]:
        for name in _LIVE_CASE_FIELDS:
            _drop_default(case, name, None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
