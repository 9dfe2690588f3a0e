"""PNG outputs of a solve: Gantt with equipment strips, PACU and bed occupancy plot."""

from __future__ import annotations

from pathlib import Path

import pytest

from orplan import load_scenario, outputs, solve
from orplan.outputs import write_outputs
from orplan.solver.solve import rule_result
from tests.builders import DATA, DETERMINISTIC, tiny_scenario


def test_clinical_outputs_include_occupancy_plot(tmp_path: Path) -> None:
    """A scenario with PACU and ward beds gets occupancy.png beside gantt.png."""
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    paths = write_outputs(scenario, result, tmp_path)
    names = {p.name for p in paths}
    assert {"gantt.png", "occupancy.png", "report.html"} <= names
    assert (tmp_path / "occupancy.png").read_bytes()[:4] == b"\x89PNG"
    assert result.kpis is not None and result.kpis.peak_ward["A"] <= 4


def test_no_occupancy_plot_without_downstream_resources(tmp_path: Path) -> None:
    """The tiny scenario has no PACU or beds: no occupancy.png is written."""
    scenario = tiny_scenario()
    paths = write_outputs(scenario, solve(scenario, **DETERMINISTIC), tmp_path)
    assert not (tmp_path / "occupancy.png").exists()
    assert len(paths) == 6


def test_pictures_in_a_forked_process_or_here_give_the_same_files(tmp_path: Path) -> None:
    """parallel=True (pictures drawn in a forked child) and parallel=False write the same set
    of files, and both pictures are PNGs."""
    scenario = load_scenario(DATA / "clinical.yaml")
    result = rule_result(scenario)
    forked = write_outputs(scenario, result, tmp_path / "a")
    here = write_outputs(scenario, result, tmp_path / "b", parallel=False)
    assert [p.name for p in forked] == [p.name for p in here]
    for name in ("gantt.png", "occupancy.png"):
        assert (tmp_path / "a" / name).read_bytes()[:4] == b"\x89PNG"


def test_failed_picture_process_falls_back_to_drawing_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture child that dies (exit code 1) is not trusted: the pictures are drawn again
    in-process and the list of files is complete."""

    def crash(*args: object) -> None:
        raise SystemExit(1)

    monkeypatch.setattr(outputs, "_picture_child", crash)
    scenario = load_scenario(DATA / "clinical.yaml")
    paths = outputs.write_outputs(scenario, rule_result(scenario), tmp_path)
    assert {"gantt.png", "occupancy.png"} <= {p.name for p in paths}
    assert (tmp_path / "occupancy.png").read_bytes()[:4] == b"\x89PNG"


def test_stuck_picture_process_is_killed_and_pictures_drawn_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture child still running after PICTURE_TIMEOUT is killed; the files are complete."""
    import signal

    def hang(*args: object) -> None:
        signal.pause()  # blocks until the parent kills it: a picture process that hangs

    monkeypatch.setattr(outputs, "_picture_child", hang)
    monkeypatch.setattr(outputs, "PICTURE_TIMEOUT", 0.5)
    scenario = tiny_scenario()
    paths = outputs.write_outputs(scenario, rule_result(scenario), tmp_path)
    assert (tmp_path / "gantt.png").read_bytes()[:4] == b"\x89PNG"
    assert len(paths) == 6
