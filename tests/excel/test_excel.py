"""Excel: exporting a plan to .xlsx, and reading a waiting list from .xlsx."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from orplan.check import check
from orplan.errors import ScenarioError
from orplan.excel import (
    DAY_COLUMNS,
    KPI_SHEET,
    UNSCHEDULED_COLUMNS,
    UNSCHEDULED_SHEET,
    day_sheet_name,
    export_plan_xlsx,
)
from orplan.scenario import Scenario, load_scenario
from tests.builders import DATA, tiny_scenario
from tests.report import plans

DAY1, DAY2 = "Mon 2027-03-01", "Tue 2027-03-02"


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return tiny_scenario()


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    try:
        return list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


def test_sheets_and_rows(tmp_path: Path, tiny: Scenario) -> None:
    plan = plans.tiny_with_gaps(tiny)
    report = check(tiny, plan)
    path = export_plan_xlsx(tiny, plan, report, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [KPI_SHEET, DAY1, DAY2, UNSCHEDULED_SHEET]
    # header + one row per case: day 1 holds C2 and C3, day 2 C1 and C5, C4 and C6 are off
    assert [book[name].max_row for name in book.sheetnames[1:]] == [3, 3, 3]
    book.close()

    day1 = _rows(path, DAY1)
    assert day1[0] == DAY_COLUMNS
    assert day1[1][:7] == (
        "OR1",
        dt.time(8, 0),
        dt.time(8, 45),
        "C2",
        "Knee arthroscopy",
        "S1",
        "orthopaedics",
    )
    assert [r[3] for r in _rows(path, DAY2)[1:]] == ["C1", "C5"]  # in start order

    unscheduled = _rows(path, UNSCHEDULED_SHEET)
    assert unscheduled[0] == UNSCHEDULED_COLUMNS
    reasons = {r[0]: r[-1] for r in unscheduled[1:]}
    assert reasons == plans.GAP_REASONS

    kpis = {(g, m): v for g, m, v in _rows(path, KPI_SHEET)[1:]}
    assert kpis[("KPI", "scheduled")] == 4
    assert kpis[("KPI", "unscheduled")] == 2
    assert kpis[("Cost", "total")] == report.cost.total == plans.gaps_cost(tiny)
    assert kpis[("Check", "valid plan")] == "yes"
    assert kpis[("Run", "status")] == "FEASIBLE"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temporary file left


def test_all_scheduled_and_report_computed(tmp_path: Path, tiny: Scenario) -> None:
    path = export_plan_xlsx(tiny, plans.tiny_optimal(tiny), None, tmp_path / "a" / "p.xlsx")
    assert len(_rows(path, UNSCHEDULED_SHEET)) == 1  # header only
    assert len(_rows(path, DAY1)) == 1 + 5 and len(_rows(path, DAY2)) == 1 + 1


def test_pilot_week_size(tmp_path: Path) -> None:
    scenario, plan = plans.large_scenario_and_plan()
    report = check(scenario, plan)
    path = export_plan_xlsx(scenario, plan, report, tmp_path / "week.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    names = book.sheetnames
    assert len(names) == 2 + 5
    day_rows = sum(book[name].max_row - 1 for name in names[1:-1])
    assert day_rows == report.kpis.scheduled
    assert book[UNSCHEDULED_SHEET].max_row - 1 == report.kpis.unscheduled
    book.close()


def test_day_sheet_name() -> None:
    assert day_sheet_name(dt.date(2027, 3, 7)) == "Sun 2027-03-07"


# -- reading a waiting list from .xlsx ------------------------------------------------

COLUMNS = [
    "id",
    "patient",
    "procedure",
    "ncsp",
    "specialty",
    "surgeon",
    "eligible_surgeons",
    "duration",
    "priority",
    "release",
    "due",
    "mandatory",
    "requires",
]


def _waiting_list() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = yaml.safe_load((DATA / "tiny.yaml").read_text(encoding="utf-8"))
    cases = data.pop("cases")
    cases[0]["requires"] = ["laminar-flow", "imaging"]  # a list field: 'a;b' in a cell
    cases[1]["eligible_surgeons"] = ["S1"]
    return data, cases


def _cell(case: dict[str, Any], column: str) -> Any:
    value = case.get(column)
    if isinstance(value, list):
        return ";".join(value)
    return value


def _write_scenario(folder: Path, data: dict[str, Any], cases_file: str) -> Path:
    path = folder / f"scenario-{Path(cases_file).suffix[1:]}.yaml"
    path.write_text(yaml.safe_dump({**data, "cases_file": cases_file}), encoding="utf-8")
    return path


def test_xlsx_waiting_list_reads_like_csv(tmp_path: Path) -> None:
    data, cases = _waiting_list()
    with (tmp_path / "list.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for case in cases:
            writer.writerow(["" if _cell(case, c) is None else _cell(case, c) for c in COLUMNS])
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for case in cases:  # dates as Excel dates, numbers as numbers, booleans as booleans
        sheet.append([_cell(case, c) for c in COLUMNS])
    book.save(tmp_path / "list.xlsx")

    from_csv = load_scenario(_write_scenario(tmp_path, data, "list.csv"))
    from_xlsx = load_scenario(_write_scenario(tmp_path, data, "list.xlsx"))
    assert [c.model_dump() for c in from_xlsx.cases] == [c.model_dump() for c in from_csv.cases]
    inline = load_scenario(DATA / "tiny.yaml")
    assert len(from_xlsx.cases) == len(inline.cases) == 6
    c1, c2, c3 = from_xlsx.cases[:3]
    assert c1.requires == ["laminar-flow", "imaging"] and c1.due == dt.date(2027, 3, 1)
    assert c2.eligible_surgeons == ["S1"]
    assert c3.mandatory is True and c3.priority == 1
    for ours, theirs in zip(from_xlsx.cases[2:], inline.cases[2:], strict=True):
        assert ours == theirs


def test_xlsx_waiting_list_error_names_the_row(tmp_path: Path) -> None:
    data, cases = _waiting_list()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for case in cases:
        sheet.append([_cell(case, c) for c in COLUMNS])
    sheet.cell(row=3, column=COLUMNS.index("duration") + 1, value="long")
    book.save(tmp_path / "list.xlsx")
    with pytest.raises(ScenarioError, match=r"row 3 \(id=C2\), column duration"):
        load_scenario(_write_scenario(tmp_path, data, "list.xlsx"))


def test_scenario_text_never_becomes_a_formula(tmp_path: Path, tiny: Scenario) -> None:
    """A procedure name or case id that looks like a formula stays text in plan.xlsx and
    plan.csv (prefixed with an apostrophe), never a formula a spreadsheet would run."""
    from orplan.plan.io import save_plan_csv

    risky = '=HYPERLINK("http://x","y")'
    cases = [c.model_copy(update={"procedure": risky}) for c in tiny.cases]
    cases[0] = cases[0].model_copy(update={"id": "=C1"})
    scenario = tiny.model_copy(update={"cases": cases})
    plan = plans.tiny_with_gaps(tiny)
    plan = plan.model_copy(
        update={
            "cases": [
                e.model_copy(update={"case": "=C1"}) if e.case == cases[0].id[1:] else e
                for e in plan.cases
            ]
        }
    )
    path = export_plan_xlsx(scenario, plan, check(scenario, plan), tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    book.close()
    assert not any(c.data_type == "f" for c in cells)
    assert "'" + risky in {c.value for c in cells}
    save_plan_csv(plan, tmp_path / "plan.csv")
    rows = list(csv.DictReader((tmp_path / "plan.csv").open(encoding="utf-8")))
    assert "'=C1" in {r["case"] for r in rows}
