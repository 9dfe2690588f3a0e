"""Waiting lists saved by Norwegian Excel: ``;`` separators, decimal commas, ``dd.mm.yyyy``,
SANN/USANN, CRLF, æøå in a UTF-8 BOM file or in Windows-1252 bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from orplan.errors import ScenarioError
from orplan.scenario import load_scenario
from orplan.scenario.io import read_cases_table
from tests.builders import DATA

NORWEGIAN = DATA / "norwegian"


@pytest.mark.parametrize("name", ["venteliste_utf8.csv", "venteliste_cp1252.csv"])
def test_norwegian_excel_csv_reads_as_meant(name: str) -> None:
    """Both encodings give the same cases, each value as the planner typed it."""
    v1, v2, v3 = read_cases_table(NORWEGIAN / name)
    assert v1.id == "V1"  # the BOM is not part of the first column's name
    assert v1.procedure == "Hofteprotese, primær"  # a comma inside a ';' cell is text
    assert v2.procedure == "Kneartroskopi (menisk ø/å)"
    assert v3.procedure == "Skulderrekonstruksjon æøå ÆØÅ"
    assert (v1.duration_sd, v2.duration_sd, v3.duration_sd) == (22.5, 7.25, None)
    assert (v1.due, v2.due, v3.due) == (dt.date(2027, 3, 3), None, dt.date(2027, 3, 1))
    assert (v1.mandatory, v2.mandatory, v3.mandatory) == (True, False, True)
    assert [v.priority for v in (v1, v2, v3)] == [2, 3, 1]


def test_both_encodings_give_identical_cases() -> None:
    """UTF-8 with BOM and Windows-1252 of the same sheet are the same waiting list."""
    utf8 = read_cases_table(NORWEGIAN / "venteliste_utf8.csv")
    assert utf8 == read_cases_table(NORWEGIAN / "venteliste_cp1252.csv")


@pytest.mark.parametrize(
    ("scenario", "procedures"),
    [
        ("semicolon_separated.yaml", ["Hip replacement"]),  # was refused as ';'-separated
        ("cp1252_encoded.yaml", ["Hofteprotese", "Knæprotese"]),  # was refused as not UTF-8
    ],
)
def test_files_once_bad_now_load(scenario: str, procedures: list[str]) -> None:
    """The two files tests/data/bad held only for their separator or encoding now load."""
    assert [c.procedure for c in load_scenario(NORWEGIAN / scenario).cases] == procedures


def test_decimal_comma_only_in_semicolon_files(tmp_path: Path) -> None:
    """In a comma file '22,5' would be two cells; a quoted "22,5" is not rewritten, and the
    model says it is not a number (no silent guess)."""
    text = 'id,patient,procedure,specialty,surgeon,duration,duration_sd\nC1,P1,Hip,o,S1,90,"22,5"\n'
    (tmp_path / "w.csv").write_text(text)
    with pytest.raises(ScenarioError, match=r"row 2 \(id=C1\), column duration_sd"):
        read_cases_table(tmp_path / "w.csv")


def test_impossible_norwegian_date_is_named(tmp_path: Path) -> None:
    """31.02.2027 is refused as not a calendar date, by row, quoting what was typed."""
    text = (
        "id;patient;procedure;specialty;surgeon;duration;due\r\nC1;P1;Hofte;o;S1;90;31.02.2027\r\n"
    )
    (tmp_path / "w.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(ScenarioError, match=r"row 2 \(id=C1\), column due: 31.02.2027 is not"):
        read_cases_table(tmp_path / "w.csv")


def test_utf16_gets_a_clear_line(tmp_path: Path) -> None:
    """Excel's 'Unicode text' is UTF-16: one line says how to save it instead."""
    (tmp_path / "w.csv").write_bytes("id;patient\r\n".encode("utf-16"))
    with pytest.raises(ScenarioError, match=r"UTF-16 text .*save it as 'CSV UTF-8'"):
        read_cases_table(tmp_path / "w.csv")


def test_undefined_byte_is_named_where_it_is(tmp_path: Path) -> None:
    """A file with valid Windows-1252 (æ) before a byte Windows-1252 leaves undefined: the
    message points at the undefined byte, not at the first non-UTF-8 one."""
    data = "id;patient;procedure\r\nC1;P1;Kn\u00e6\r\nC2;P2;X".encode("cp1252") + b"\x81\r\n"
    (tmp_path / "w.csv").write_bytes(data)
    position = data.index(b"\x81")
    with pytest.raises(ScenarioError, match=rf"byte 0x81 at position {position}, line 3\)"):
        read_cases_table(tmp_path / "w.csv")
