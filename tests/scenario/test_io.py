"""Reading scenarios: YAML dates and clock times, waiting-list rows, one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml

from orplan.errors import ScenarioError
from orplan.scenario import io as scenario_io
from orplan.scenario.io import load_scenario, load_yaml, read_cases_table, scenario_digest
from tests.builders import REPO

HEADER = "id,patient,procedure,specialty,surgeon,duration\n"
SCENARIO = """name: io-test
horizon: {start: 2027-03-01, days: 2}
theatres: [{id: OR1}]
sessions:
  - {theatre: OR1, date: 2027-03-01, open: OPEN, close: 15:30}
surgeons: [{id: S1, specialty: ortho, absent: [2027-03-02]}]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_dates_and_times_stay_text() -> None:
    """Dates and base-60 times reach pydantic as written; other scalars are as YAML reads them."""
    data = load_yaml(
        "a: 2027-02-30\nb: 08:00\nc: 8:00\nd: 25:00\ne: 15\nf: 1.5\ng: {2027-03-01: 2}"
    )
    assert data == {
        "a": "2027-02-30",
        "b": "08:00",
        "c": "8:00",
        "d": "25:00",
        "e": 15,
        "f": 1.5,
        "g": {"2027-03-01": 2},
    }


@pytest.mark.parametrize(("written", "minutes"), [("08:00", 480), ("8:00", 480), ('"7:45"', 465)])
def test_unquoted_times_still_work(tmp_path: Path, written: str, minutes: int) -> None:
    """An unquoted 08:00 or 8:00 is still a clock time; dates still parse as dates."""
    scenario = load_scenario(write(tmp_path, "s.yaml", SCENARIO.replace("OPEN", written)))
    session = scenario.sessions[0]
    assert (session.open, session.close) == (minutes, 15 * 60 + 30)
    assert session.date == dt.date(2027, 3, 1)
    assert scenario.surgeons[0].absent == [dt.date(2027, 3, 2)]


def test_committed_scenarios_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scenario in scenarios/ gives the same scenario as with PyYAML's own dates."""
    files = sorted((REPO / "scenarios").glob("*.yaml")) + sorted(
        (REPO / "tests/data").glob("*.yaml")
    )
    assert len(files) >= 5
    digests = [scenario_digest(load_scenario(f)) for f in files]
    monkeypatch.setattr(scenario_io, "load_yaml", yaml.safe_load)
    assert digests == [scenario_digest(load_scenario(f)) for f in files]


def test_impossible_date_in_a_list_names_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", SCENARIO.replace("OPEN", "08:00").replace("03-02]", "02-29]"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems == [
        "surgeons[0] (id=S1).absent[0]: 2027-02-29 is not a calendar date "
        "(write YYYY-MM-DD, e.g. 2027-03-01)"
    ]


def test_minutes_from_json_keep_their_message(tmp_path: Path) -> None:
    """A number of minutes (JSON) past 1440 is still reported as minutes, not as a time."""
    text = (
        '{"name": "j", "horizon": {"start": "2027-03-01", "days": 2}, "theatres": [{"id": "T"}],'
        ' "sessions": [{"theatre": "T", "date": "2027-03-01", "open": 480, "close": 1500}]}'
    )
    with pytest.raises(ScenarioError, match=r"sessions\[0\]\.close: minutes after midnight"):
        load_scenario(write(tmp_path, "s.json", text))


def test_csv_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    """A blank line is a row in a spreadsheet too; errors count it (header is row 1)."""
    text = HEADER + "C1,P1,Hip,ortho,S1,90\n\nC2,P2,Knee,ortho,S1,-5\n"
    with pytest.raises(ScenarioError) as info:
        read_cases_table(write(tmp_path, "w.csv", text))
    assert info.value.problems == ["row 4 (id=C2), column duration: Input should be greater than 0"]


def test_xlsx_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    """In a workbook a blank row still counts: the duplicate is on row 4, as Excel shows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["C1", "P1", "Hip", "ortho", "S1", 90])
    sheet.append([None] * 6)
    sheet.append(["C1", "P2", "Knee", "ortho", "S1", 60])
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(ScenarioError) as info:
        read_cases_table(tmp_path / "w.xlsx")
    assert info.value.problems == ["row 4: id: duplicate id 'C1' (first at row 2)"]


def test_tab_separated_reads(tmp_path: Path) -> None:
    """Tab-separated text (Excel's 'Text' export) reads like CSV (it was refused before the
    separator was taken from the header line)."""
    text = HEADER.replace(",", "\t") + "C1\tP1\tHip\tortho\tS1\t90\n"
    [case] = read_cases_table(write(tmp_path, "w.csv", text))
    assert (case.id, case.procedure, case.duration) == ("C1", "Hip", 90)


def test_scenario_errors_on_csv_cases_name_the_row(tmp_path: Path) -> None:
    """A case from the waiting list is named by its CSV row, not by cases[k] of the YAML."""
    text = SCENARIO.replace("OPEN", "08:00") + (
        "cases:\n  - {id: C1, patient: P1, procedure: Hip, specialty: ortho, surgeon: S1, "
        "duration: 60}\ncases_file: w.csv\n"
    )
    path = write(tmp_path, "s.yaml", text)
    write(tmp_path, "w.csv", HEADER + "C2,P2,Knee,ortho,S7,90\nC1,P3,Hip,ortho,S1,90\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.path == str(path)
    assert info.value.problems == [
        "w.csv row 3.id: duplicate id 'C1' (first used at cases[0])",
        "w.csv row 2 (id=C2).surgeon: unknown surgeon 'S7'",
    ]


def test_horizon_past_the_calendar_is_bad_input(tmp_path: Path) -> None:
    """A horizon running past year 9999 was valid, then crashed the solve (OverflowError)."""
    text = "name: x\nhorizon: {start: 9999-12-30, days: 5}\ntheatres: [{id: OR1}]\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "s.yaml", text))
    assert info.value.problems == ["horizon.start: the horizon must end before the year 9999"]
