"""Reading scenarios from YAML or JSON, with waiting lists from CSV or XLSX.

Every failure becomes a :class:`~orplan.errors.ScenarioError` whose message names the file
and the field (or row), so the command line can print it without a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from orplan.errors import ScenarioError
from orplan.scenario.model import Case, Scenario

#: Case fields that hold lists; in CSV cells they are separated by ';'.
_LIST_FIELDS = tuple(
    name
    for name, field in Case.model_fields.items()
    if getattr(field.annotation, "__origin__", None) is list
)
_REQUIRED_COLUMNS = tuple(name for name, field in Case.model_fields.items() if field.is_required())


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
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def validation_problems(error: ValidationError, data: Any = None) -> list[str]:
    """One readable line per pydantic error."""
    problems: list[str] = []
    for err in error.errors():
        message = err["msg"].removeprefix("Value error, ")
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


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot read file ({exc})"]) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            raise ScenarioError(str(path), ["unknown file type; use .yaml, .yml or .json"])
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            str(path), [f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(str(path), [f"YAML syntax error{where}: {problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), ["top level must be a mapping of scenario fields"])
    return data


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return None if value == "" else value
    return value


def _rows_from_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            rows = [
                {k.strip(): _clean_cell(v) for k, v in row.items() if k is not None}
                for row in reader
            ]
    except FileNotFoundError:
        raise ScenarioError(str(path), ["waiting-list file not found"]) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(str(path), [f"cannot read CSV ({exc})"]) from None
    return header, rows


def _rows_from_xlsx(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ScenarioError(str(path), ["waiting-list file not found"]) from None
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ScenarioError(str(path), [f"cannot read XLSX ({exc})"]) from None
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    if not values:
        return [], []
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    rows = []
    for raw in values[1:]:
        if all(v is None for v in raw):
            continue
        row = {h: _clean_cell(v) for h, v in zip(header, raw, strict=False) if h}
        for key, value in row.items():
            # Excel gives datetimes for date cells; the model wants dates.
            if hasattr(value, "date") and callable(value.date):
                row[key] = value.date()
        rows.append(row)
    return header, rows


def read_cases_table(path: Path) -> list[Case]:
    """Read a waiting list (CSV or XLSX) into cases, reporting errors by row and column.

    Parameters
    ----------
    path
        A ``.csv`` or ``.xlsx`` file whose columns are :class:`Case` fields.

    Returns
    -------
    list of Case
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _rows_from_csv(path)
    elif suffix == ".xlsx":
        header, rows = _rows_from_xlsx(path)
    else:
        raise ScenarioError(str(path), ["waiting list must be a .csv or .xlsx file"])
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ScenarioError(str(path), [f"missing column(s): {', '.join(missing)}"])
    unknown = [c for c in header if c and c not in Case.model_fields]
    if unknown:
        raise ScenarioError(str(path), [f"unknown column(s): {', '.join(unknown)}"])
    cases: list[Case] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        record = {k: v for k, v in row.items() if v is not None}
        for name in _LIST_FIELDS:
            if isinstance(record.get(name), str):
                record[name] = [p.strip() for p in record[name].split(";") if p.strip()]
        try:
            cases.append(Case.model_validate(record))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "row"
                label = f"row {number}" + (f" (id={record['id']})" if "id" in record else "")
                problems.append(
                    f"{label}, column {field}: {err['msg'].removeprefix('Value error, ')}"
                )
    if problems:
        raise ScenarioError(str(path), problems)
    return cases


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
    if cases_file is not None:
        if not isinstance(cases_file, str):
            raise ScenarioError(str(path), ["cases_file: must be a file name"])
        table = path.parent / cases_file
        extra = read_cases_table(table)
        listed = data.get("cases") or []
        if not isinstance(listed, list):
            raise ScenarioError(str(path), ["cases: must be a list"])
        data = {**data, "cases": [*listed, *(c.model_dump() for c in extra)]}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), validation_problems(exc, data)) from None


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


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (records which input a plan belongs to)."""
    data = scenario.model_dump(mode="json")
    # Fields added for the day of surgery are left out while unset, so a scenario that does
    # not use them keeps the digest that plans made before they existed recorded.
    if data.get("now") is None:
        data.pop("now", None)
    for case in data["cases"]:
        for name in _LIVE_CASE_FIELDS:
            if case.get(name) is None:
                case.pop(name, None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
