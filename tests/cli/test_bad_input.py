"""Every purpose-named broken file in tests/data/bad gives one readable line, exit 2.

``orplan solve`` runs through the installed ``orplan`` entry point, as a planner would, and
must write nothing; ``orplan validate`` runs in-process (same ``main``, no start-up cost).
:func:`test_every_bad_file_is_covered` fails when a file is added to the corpus without a
row here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orplan.cli import main
from tests.builders import DATA

BAD = DATA / "bad"

# (file given to orplan, text the message must contain: the field or row at fault,
#  the other corpus files it reads). Messages name the file at fault; a waiting list
#  shares its scenario's stem, so the stem is in the message either way.
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("wrong_field_type.yaml", "cases[0] (id=C1).duration", ()),  # text where a number belongs
    ("unknown_theatre.yaml", "sessions[0] (id=OR9@2027-03-01).theatre: unknown theatre 'OR9'", ()),
    ("unknown_surgeon.yaml", "cases[0] (id=C1).surgeon: unknown surgeon 'S7'", ()),
    ("duplicate_case_id.yaml", "cases[1].id: duplicate id 'C1'", ()),
    ("close_before_open.yaml", "sessions[0].close: must be after open", ()),
    ("date_outside_horizon.yaml", "is outside the horizon", ()),
    ("yaml_syntax_error.yaml", "YAML syntax error at line 7", ()),
    ("unknown_field.yaml", "sessions[0].overtme", ()),  # a typo must not be silently ignored
    ("bad_clock_time.yaml", "sessions[0].open: expected a clock time", ()),
    (
        "missing_column.yaml",
        "missing_column.csv: missing column(s): duration",
        ("missing_column.csv",),
    ),
    ("bad_csv_row.yaml", "bad_csv_row.csv: row 3 (id=C2), column duration", ("bad_csv_row.csv",)),
    ("not_a_mapping.json", "top level must be a mapping", ()),
    ("json_syntax_error.json", "JSON syntax error at line 1", ()),
    ("does_not_exist.yaml", "file not found", ()),
    # Unquoted in YAML: PyYAML used to build the date itself and crash (traceback, exit 1).
    ("impossible_date.yaml", "horizon.start: 2027-02-30 is not a calendar date", ()),
    # Unquoted 25:00 is the base-60 number 1500 in YAML 1.1; the message must say 25:00.
    ("time_25_00_unquoted.yaml", "sessions[0].close: 25:00 is not a time of day", ()),
    # Semicolons and Windows-1252 (Norwegian Excel) now read: see tests/data/norwegian. A byte
    # Windows-1252 leaves undefined is neither, and stays bad.
    (
        "undecodable.yaml",
        "undecodable.csv: not UTF-8 or Windows-1252 text (byte 0x81 at position 90, line 3)",
        ("undecodable.csv",),
    ),
    (
        "latin1_encoded.yaml",
        "latin1_encoded.yaml: not UTF-8 text (byte 0xd8 at position 11, line 1)",
        (),
    ),
    (
        "duplicate_id_in_csv.yaml",
        "duplicate_id_in_csv.csv: row 4: id: duplicate id 'C1' (first at row 2)",
        ("duplicate_id_in_csv.csv",),
    ),
    ("empty_file.yaml", "empty_file.yaml: file is empty", ()),
    (
        "empty_waiting_list.yaml",
        "empty_waiting_list.csv: file is empty",
        ("empty_waiting_list.csv",),
    ),
    (
        "not_a_workbook.yaml",
        "not_a_workbook.xlsx: not an Excel workbook",
        ("not_a_workbook.xlsx",),
    ),
    ("folder_as_scenario.yaml", "folder_as_scenario.yaml: is a folder, not a file", ()),
    # Safe loading: a Python tag is refused, never run.
    ("python_tag.yaml", "could not determine a constructor for the tag", ()),
    ("wrong_suffix.csv", "wrong_suffix.csv: unknown file type; use .yaml, .yml or .json", ()),
]

#: Corpus files used as an output path rather than read (see test_out_is_a_file).
OUTPUT_CASES = ("out_is_a_file",)


def orplan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The entry point installed beside this interpreter (the venv), else the one on PATH.
    beside = Path(sys.executable).parent / "orplan"
    exe = str(beside) if beside.exists() else shutil.which("orplan")
    assert exe, "the orplan entry point is not installed"
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def assert_one_line(stderr: str, name: str, expected: str) -> None:
    """One line on stderr, naming the file (by its stem) and the field or row at fault."""
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("orplan: error: ")
    assert name.split(".")[0] in stderr
    assert expected in stderr


def test_every_bad_file_is_covered() -> None:
    """Each file in tests/data/bad is run by a case here (directly or as a waiting list)."""
    covered = {name for name, _, _ in CASES} | set(OUTPUT_CASES)
    covered |= {other for _, _, others in CASES for other in others}
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk - covered == set(), "add a row to CASES for each new bad file"
    # And each companion file named in CASES exists, so a rename is caught too.
    assert covered - on_disk == {"does_not_exist.yaml"}


@pytest.mark.parametrize(("name", "expected", "others"), CASES, ids=[c[0] for c in CASES])
def test_validate_bad_file(
    name: str, expected: str, others: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """``orplan validate`` names the file and field in one line and exits 2."""
    assert main(["validate", str(BAD / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_line(captured.err, name, expected)


@pytest.mark.parametrize(("name", "expected", "others"), CASES, ids=[c[0] for c in CASES])
def test_solve_bad_file_writes_nothing(
    name: str, expected: str, others: tuple[str, ...], tmp_path: Path
) -> None:
    """``orplan solve`` on a broken file exits 2 with one line and creates no output folder."""
    out = tmp_path / "out"
    proc = orplan("solve", str(BAD / name), "--out", str(out), "--time-limit", "5")
    assert proc.returncode == 2
    assert_one_line(proc.stderr, name, expected)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_out_is_a_file(tmp_path: Path) -> None:
    """``--out`` naming an existing file is refused before solving; the file is untouched."""
    target = tmp_path / "out_is_a_file"
    shutil.copyfile(BAD / "out_is_a_file", target)
    before = target.read_bytes()
    # Not --quiet: the "Solving ..." line would break the one-line rule if the solve began.
    proc = orplan("solve", str(DATA / "tiny.yaml"), "--out", str(target))
    assert proc.returncode == 2
    assert_one_line(proc.stderr, "out_is_a_file", "out_is_a_file: is a file; name a folder")
    assert proc.stderr.startswith(f"orplan: error: --out {target}")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out_is_a_file"]


def test_bad_option_exit_2() -> None:
    """A wrong command-line option is also bad input: exit 2 and a usage line."""
    proc = orplan("solve", str(DATA / "tiny.yaml"), "--out", "x", "--time-limit", "soon")
    assert proc.returncode == 2
    assert "invalid float value" in proc.stderr
