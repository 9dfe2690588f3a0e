"""Scenario text that looks like a formula stays text in every spreadsheet orplan writes.

OWASP's advice against CSV injection: a cell starting ``=``, ``+``, ``-``, ``@``, tab or CR
is written with a leading apostrophe in CSV, and as a string (never a formula cell) in xlsx.
Each output that carries user text is tried here the way a new user would meet it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
import yaml

from orplan.baselines import rule_plan
from orplan.cli import main
from orplan.plan.io import save_plan
from orplan.plan.model import CaseAssignment
from orplan.scenario import load_scenario
from tests.builders import TINY

#: A procedure name as a new user might paste it; a patient id a formula (ids take no ',').
RISKY_PROCEDURE = '=HYPERLINK("http://x","y")'
RISKY_PATIENT = "@SUM(1+1)"


def _risky_scenario(tmp_path: Path) -> Path:
    """tiny.yaml with every procedure and every patient id a formula."""
    data = yaml.safe_load(TINY.read_text())
    for case in data["cases"]:
        case["procedure"] = RISKY_PROCEDURE
        case["patient"] = RISKY_PATIENT
    path = tmp_path / "risky.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _csv_cells(path: Path) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {cell for row in csv.reader(handle) for cell in row}


def test_solve_outputs_keep_formulas_as_text(tmp_path: Path) -> None:
    """plan.xlsx has no formula cell and holds the procedure as text; plan.csv's cells do not
    start with a formula character."""
    out = tmp_path / "out"
    assert main(["solve", str(_risky_scenario(tmp_path)), "--out", str(out), "--method",
                 "rule", "--quiet"]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out / "plan.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    book.close()
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + RISKY_PROCEDURE in {c.value for c in cells}
    assert not [c for c in _csv_cells(out / "plan.csv") if c and c[0] in "=+-@"]


@pytest.fixture
def booked(tmp_path: Path) -> Path:
    """``orplan book --apply 1`` on the risky scenario with C6 taken off the plan."""
    scenario_path = _risky_scenario(tmp_path)
    plan = rule_plan(load_scenario(scenario_path))
    entries = [
        CaseAssignment(case="C6", scheduled=False) if e.case == "C6" else e for e in plan.cases
    ]
    save_plan(plan.model_copy(update={"cases": entries}), tmp_path / "plan.json")
    out = tmp_path / "booked"
    argv = ["book", str(scenario_path), str(tmp_path / "plan.json"), "--case", "C6"]
    assert main([*argv, "--apply", "1", "--out", str(out), "--quiet"]) == 0
    return out


def test_book_apply_changes_csv_keeps_formulas_as_text(booked: Path) -> None:
    """changes.csv of ``orplan book --apply`` names the patient with a leading apostrophe (it
    was written raw before: the leak found last time)."""
    cells = _csv_cells(booked / "changes.csv")
    assert "'" + RISKY_PATIENT in cells
    assert RISKY_PATIENT not in cells
    assert not [c for c in cells if c and c[0] in "=+-@"]


def test_replan_changes_csv_keeps_formulas_as_text(tmp_path: Path) -> None:
    """changes.csv of ``orplan replan`` (a case moved for an emergency) and its plan.xlsx."""
    from tests.live.conftest import published_plan

    save_plan(published_plan(), tmp_path / "plan.json")
    events = tmp_path / "events.yaml"
    events.write_text(
        "format: orplan-events/1\nevents:\n"
        "  - {kind: case-late, at: 2027-03-01T09:40, case: C3, expected_end: 2027-03-01T10:00}\n"
        "  - {kind: emergency, at: 2027-03-01T09:45, id: E1, specialty: orthopaedics,\n"
        "     duration: 40, max_wait: 360, urgency: within 6 h}\n",
        encoding="utf-8",
    )
    out = tmp_path / "replan"
    argv = ["replan", str(_risky_scenario(tmp_path)), str(tmp_path / "plan.json"), str(events),
            "--now", "2027-03-01T09:50", "--out", str(out), "--workers", "1",
            "--deterministic-time", "5", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    cells = _csv_cells(out / "changes.csv")
    assert "'" + RISKY_PATIENT in cells  # the moved case's patient
    assert not [c for c in cells if c and c[0] in "=+-@"]
    book = openpyxl.load_workbook(out / "plan.xlsx")
    assert not [c for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    book.close()


def test_report_xlsx_keeps_formulas_as_text(tmp_path: Path) -> None:
    """``orplan report --xlsx``: the workbook written beside the report has no formula."""
    scenario_path = _risky_scenario(tmp_path)
    save_plan(rule_plan(load_scenario(scenario_path)), tmp_path / "plan.json")
    argv = ["report", str(scenario_path), str(tmp_path / "plan.json"), "--out",
            str(tmp_path / "r.html"), "--xlsx", str(tmp_path / "r.xlsx"), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    book.close()
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + RISKY_PROCEDURE in {c.value for c in cells}
