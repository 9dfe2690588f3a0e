"""Every purpose-named broken file in tests/data/bad gives one readable line, exit 2.

Run through the installed ``orplan`` entry point, as a planner would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import DATA

BAD = DATA / "bad"

# (file, text the message must contain: the field or row at fault)
CASES = [
    ("wrong_field_type.yaml", "cases[0] (id=C1).duration"),  # text where a number belongs
    ("unknown_theatre.yaml", "sessions[0] (id=OR9@2027-03-01).theatre: unknown theatre 'OR9'"),
    ("unknown_surgeon.yaml", "cases[0] (id=C1).surgeon: unknown surgeon 'S7'"),
    ("duplicate_case_id.yaml", "cases[1].id: duplicate id 'C1'"),
    ("close_before_open.yaml", "sessions[0].close: must be after open"),
    ("date_outside_horizon.yaml", "is outside the horizon"),
    ("yaml_syntax_error.yaml", "YAML syntax error at line 7"),
    ("unknown_field.yaml", "sessions[0].overtme"),  # a typo must not be silently ignored
    ("bad_clock_time.yaml", "sessions[0].open: expected a clock time"),
    ("missing_column.yaml", "missing_column.csv: missing column(s): duration"),
    ("bad_csv_row.yaml", "bad_csv_row.csv: row 3 (id=C2), column duration"),
    ("not_a_mapping.json", "top level must be a mapping"),
    ("json_syntax_error.json", "JSON syntax error at line 1"),
    ("does_not_exist.yaml", "file not found"),
]


def orplan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The entry point installed beside this interpreter (the venv), else the one on PATH.
    beside = Path(sys.executable).parent / "orplan"
    exe = str(beside) if beside.exists() else shutil.which("orplan")
    assert exe, "the orplan entry point is not installed"
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_validate_bad_file(name: str, expected: str) -> None:
    """``orplan validate`` names the file and field in one line, exits 2, no traceback."""
    proc = orplan("validate", str(BAD / name))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert name.split(".")[0] in proc.stderr
    assert expected in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("name", "expected"), CASES[:4])
def test_solve_bad_file_writes_nothing(name: str, expected: str, tmp_path: Path) -> None:
    """``orplan solve`` on a broken file exits 2 and creates no output folder."""
    out = tmp_path / "out"
    proc = orplan("solve", str(BAD / name), "--out", str(out))
    assert proc.returncode == 2 and expected in proc.stderr
    assert not out.exists()


def test_bad_option_exit_2() -> None:
    """A wrong command-line option is also bad input: exit 2 and a usage line."""
    proc = orplan("solve", str(DATA / "tiny.yaml"), "--out", "x", "--time-limit", "soon")
    assert proc.returncode == 2
    assert "invalid float value" in proc.stderr
