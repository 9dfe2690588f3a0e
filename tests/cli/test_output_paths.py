"""Output paths are checked before any work, and outputs follow the user's umask."""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from orplan.cli import main
from orplan.files import current_umask
from orplan.outputs import write_outputs
from orplan.scenario import load_scenario
from orplan.solver.solve import rule_result
from tests.builders import DATA

TINY = str(DATA / "tiny.yaml")


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask the test changes."""
    saved = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(saved)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    """Every output file gets the mode a new file gets (the temp files were private, 0600)."""
    scenario = load_scenario(TINY)
    result = rule_result(scenario)
    os.umask(mask)
    assert current_umask() == mask
    paths = write_outputs(scenario, result, tmp_path / "out")
    names = {p.name for p in paths}
    assert {"plan.json", "plan.csv", "kpis.json", "plan.xlsx", "report.html", "gantt.png"} <= names
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in paths}
    assert modes == dict.fromkeys(names, mode)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)  # no temp left
    assert current_umask() == mask  # reading it left it as it was


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a_file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return code, err


def test_solve_out_under_a_file_before_solving(
    a_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved before checking --out")

    monkeypatch.setattr("orplan.solver.solve", no_solve)
    code, err = run(["solve", TINY, "--out", str(a_file / "plans")], capsys)
    assert code == 2
    assert f"--out {a_file / 'plans'}: {a_file} is a file, not a folder" in err
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_report_outputs_checked_before_reading(
    a_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan does not exist: the --out/--xlsx message shows they are checked first."""
    missing_plan = str(tmp_path / "plan.json")
    code, err = run(["report", TINY, missing_plan, "--out", str(a_file / "r.html")], capsys)
    assert code == 2 and f"--out {a_file / 'r.html'}: {a_file} is a file" in err
    code, err = run(["report", TINY, missing_plan, "--xlsx", str(tmp_path)], capsys)
    assert code == 2 and f"--xlsx {tmp_path}: is a folder; name a file" in err


def test_simulate_plot_checked_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["simulate", TINY, str(tmp_path / "p.json"), "--plot", str(tmp_path)], capsys)
    assert code == 2 and f"--plot {tmp_path}: is a folder; name a file" in err


def test_durations_out_checked_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["durations", "fit", str(tmp_path / "h.csv"), "--out", str(tmp_path)], capsys)
    assert code == 2 and f"--out {tmp_path}: is a folder; name a file" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "{file}/s.yaml"], "--out {file}/s.yaml: {file} is a file, not a folder"),
        (["--out", "{tmp}"], "--out {tmp}: unknown file type"),
        (["--out", "{tmp}/s.yaml", "--cases-csv", "a_file/w.csv"], "--cases-csv {file}/w.csv"),
    ],
)
def test_generate_outputs_checked_before_generating(
    a_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    message: str,
) -> None:
    def no_generate(*args: object, **kwargs: object) -> None:
        raise AssertionError("generated before checking the outputs")

    # The command imports generate() from orplan.generate.build when it runs.
    monkeypatch.setattr(importlib.import_module("orplan.generate.build"), "generate", no_generate)
    argv = [x.format(file=a_file, tmp=tmp_path) for x in extra]
    code, err = run(["generate", "demo", *argv], capsys)
    assert code == 2 and message.format(file=a_file, tmp=tmp_path) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_ihtc_solve_out_checked_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ihtc", "solve", str(tmp_path / "i.json"), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"orplan ihtc solve: error: --out {tmp_path}: is a folder; name a file\n"
