"""Plan, duration-model, history and IHTC files fail in one line too (exit 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orplan.cli import main
from orplan.ihtc.solution import SolutionFormatError, load_solution
from tests.builders import DATA

TINY = str(DATA / "tiny.yaml")
CP1252 = b"procedure,actual_minutes\nKn\xe6protese,30\n"


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "plan.json: file is empty"),
        (b"[1, 2]", "plan.json: top level must be a mapping of plan fields"),
        (b'{"cases": "\xff"}', "plan.json: not UTF-8 text (byte 0xff at position 11, line 1)"),
    ],
)
def test_check_bad_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(content)
    assert main(["check", TINY, str(plan)]) == 2
    assert message in one_line(capsys)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CP1252, "h.csv: not UTF-8 text (byte 0xe6 at position 27, line 2): save it as UTF-8"),
        (b"  \n", "h.csv: file is empty"),
        (None, "h.csv: is a folder, not a file"),
    ],
)
def test_durations_fit_unreadable_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    history = tmp_path / "h.csv"
    if content is None:
        history.mkdir()
    else:
        history.write_bytes(content)
    assert main(["durations", "fit", str(history), "--out", str(tmp_path / "m.json")]) == 2
    assert message in one_line(capsys)
    assert not (tmp_path / "m.json").exists()


def test_simulate_empty_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The model is read before any plan is simulated; an empty one is named."""
    model = tmp_path / "model.json"
    model.write_bytes(b"")
    plan = tmp_path / "plan.json"
    assert main(["solve", TINY, "--out", str(tmp_path), "--method", "rule", "--quiet"]) == 0
    assert main(["simulate", TINY, str(plan), "--model", str(model), "--samples", "10"]) == 2
    assert "model.json: file is empty" in one_line(capsys)


def test_ihtc_empty_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Empty instance and solution files are named as empty, not as bad JSON."""
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert main(["ihtc", "cost", str(empty), str(empty)]) == 2
    assert one_line(capsys) == f"orplan ihtc cost: error: {empty}: file is empty\n"
    with pytest.raises(SolutionFormatError, match=r"empty\.json: file is empty$"):
        load_solution(empty)
