"""Deterministic, compact scenario files: YAML (one flow-style line per item), JSON, CSV.

The same scenario always gives the same bytes: fields in model order, lists in scenario
order, no timestamps. Optionally the waiting list goes to a CSV file that the scenario
references with ``cases_file`` (columns = Case fields, lists joined with ';'), the form a
hospital's waiting-list export takes.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import yaml

from orplan.scenario.model import Case, Scenario


def _flow(item: Any) -> str:
    """One YAML flow-style line for a mapping or scalar."""
    text = yaml.safe_dump(
        item, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return text.strip().removesuffix("...").strip()


def _compact(model: Any, drop_default_id: bool = False) -> dict[str, Any]:
    """Dump a model in Python mode (dates stay dates), without defaults."""
    data: dict[str, Any] = model.model_dump(mode="python", exclude_defaults=True)
    if drop_default_id and data.get("id") == f"{model.theatre}@{model.date.isoformat()}":
        del data["id"]
    return data


def yaml_text(scenario: Scenario, cases_file: str | None = None, header: str = "") -> str:
    """Render ``scenario`` as YAML text.

    Parameters
    ----------
    scenario
        The scenario.
    cases_file
        If given, write ``cases_file: <name>`` instead of the cases.
    header
        Comment lines (without ``#``) written at the top.
    """
    out = io.StringIO()
    for line in header.splitlines():
        out.write(f"# {line}".rstrip() + "\n")
    top = scenario.model_dump(mode="python", include={"name", "description"})
    out.write(yaml.safe_dump(top, sort_keys=False, allow_unicode=True, width=100))
    out.write(f"horizon: {_flow(scenario.horizon.model_dump(mode='python'))}\n")
    out.write(f"default_turnover: {scenario.default_turnover}\n")
    out.write(f"time_step: {scenario.time_step}\n")
    # Rules and weights only where they differ from orplan's defaults, so that a new
    # weight added to the model does not change every generated file.
    for label, model in (("rules", scenario.rules), ("weights", scenario.weights)):
        changed = model.model_dump(mode="python", exclude_defaults=True)
        if changed:
            out.write(f"{label}: {_flow(changed)}\n")
    for label, items in (
        ("theatres", scenario.theatres),
        ("sessions", scenario.sessions),
        ("surgeons", scenario.surgeons),
    ):
        out.write(f"{label}:\n")
        for item in items:
            out.write(f"  - {_flow(_compact(item, drop_default_id=label == 'sessions'))}\n")
    # Clinical resources only when present, and the sequencing table only when it is not
    # orplan's default, so that scenarios without them keep their files unchanged.
    resources: tuple[tuple[str, list[Any]], ...] = (
        ("equipment", scenario.equipment),
        ("recovery", scenario.recovery),
        ("beds", scenario.beds),
        ("staff", scenario.staff),
    )
    for label, items in resources:
        if items:
            out.write(f"{label}:\n")
            for item in items:
                out.write(f"  - {_flow(_compact(item))}\n")
    if scenario.sequencing != Scenario.model_fields["sequencing"].get_default(
        call_default_factory=True
    ):
        out.write("sequencing:\n")
        for rule in scenario.sequencing:
            out.write(f"  - {_flow(rule.model_dump(mode='python'))}\n")
    if cases_file is not None:
        out.write(f"cases_file: {_flow(cases_file)}\n")
    else:
        out.write("cases:\n" if scenario.cases else "cases: []\n")
        for case in scenario.cases:
            out.write(f"  - {_flow(_compact(case))}\n")
    return out.getvalue()


def json_text(scenario: Scenario, cases_file: str | None = None) -> str:
    """Render ``scenario`` as indented JSON (``cases_file`` replaces the cases)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data.pop("cases_file", None)
    if cases_file is not None:
        data.pop("cases")
        data["cases_file"] = cases_file
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cases_csv_text(cases: list[Case]) -> str:
    """Render cases as CSV, lists joined with ';'.

    Columns are the Case fields, in model order, that are required or differ from their
    default in at least one case (a field the data never uses is left out, so files do not
    change when the model gains an optional field).
    """
    rows = [case.model_dump(mode="json") for case in cases]
    defaults = [case.model_dump(mode="json", exclude_defaults=True) for case in cases]
    used = {name for row in defaults for name in row}
    columns = [
        name for name, info in Case.model_fields.items() if info.is_required() or name in used
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for name in columns:
            value = row[name]
            if isinstance(value, list):
                cells.append(";".join(str(v) for v in value))
            elif value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue()


def write_scenario(
    scenario: Scenario,
    path: str | Path,
    cases_csv: str | Path | None = None,
    header: str = "",
) -> list[Path]:
    """Write ``scenario`` to ``path`` (``.yaml``/``.yml`` or ``.json``, by suffix).

    Parameters
    ----------
    scenario
        The scenario to write.
    path
        Output file; parent directories are created.
    cases_csv
        If given, the waiting list is written to this CSV file (relative paths are taken
        relative to ``path``'s directory) and the scenario refers to it by ``cases_file``.
    header
        Comment lines for the top of a YAML file (ignored for JSON).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        If the suffix of ``path`` is not ``.yaml``, ``.yml`` or ``.json``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise ValueError(f"{path}: unknown file type; use .yaml, .yml or .json")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    reference: str | None = None
    if cases_csv is not None:
        csv_path = Path(cases_csv)
        if csv_path.is_absolute():
            reference = Path(os.path.relpath(csv_path, path.parent)).as_posix()
        else:
            reference = csv_path.as_posix()
            csv_path = path.parent / csv_path
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        csv_path.write_text(cases_csv_text(scenario.cases), encoding="utf-8")
        written.append(csv_path)
    if suffix == ".json":
        text = json_text(scenario, reference)
    else:
        text = yaml_text(scenario, reference, header)
    path.write_text(text, encoding="utf-8")
    written.append(path)
    return written
