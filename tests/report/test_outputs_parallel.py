"""Outputs of a large plan: pictures drawn in worker processes, same files as in-process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orplan import load_scenario, solve
from orplan import outputs as outputs_module
from orplan.outputs import write_outputs
from tests.builders import DATA, DETERMINISTIC


def test_worker_pictures_match_in_process_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # clinical.yaml has PACU and beds, so both pictures are drawn.
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    serial = write_outputs(scenario, result, tmp_path / "serial")
    monkeypatch.setattr(outputs_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(outputs_module, "MIN_CPUS", 1)
    parallel = write_outputs(scenario, result, tmp_path / "parallel")
    assert [p.name for p in parallel] == [p.name for p in serial]
    assert "occupancy.png" in {p.name for p in parallel}
    for name in ("gantt.png", "occupancy.png", "report.html"):
        # Same drawing code on the same data: byte for byte the same file.
        made = (tmp_path / "parallel" / name).read_bytes()
        assert made == (tmp_path / "serial" / name).read_bytes(), name
    assert (tmp_path / "parallel" / "gantt.png").read_bytes()[:4] == b"\x89PNG"


def test_worker_failure_is_raised_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    monkeypatch.setattr(outputs_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(outputs_module, "MIN_CPUS", 1)
    # A folder where gantt.png should go: the worker cannot write it.
    (tmp_path / "gantt.png").mkdir()
    with pytest.raises(OSError):
        write_outputs(scenario, result, tmp_path)


def _crash(kind: str, scenario_json: str, plan_json: str, path: str) -> bool:
    """A worker that dies without a word, as one does when it cannot start."""
    os._exit(3)


def test_dead_worker_falls_back_to_drawing_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    monkeypatch.setattr(outputs_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(outputs_module, "MIN_CPUS", 1)
    monkeypatch.setattr(outputs_module, "draw", _crash)
    paths = write_outputs(scenario, result, tmp_path)
    assert {"gantt.png", "occupancy.png"} <= {p.name for p in paths}
    assert (tmp_path / "gantt.png").read_bytes()[:4] == b"\x89PNG"


def test_small_plans_and_small_machines_draw_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs_module, "MIN_CPUS", 1)
    assert not outputs_module._parallel(outputs_module.PARALLEL_FROM - 1)
    assert outputs_module._parallel(outputs_module.PARALLEL_FROM)
    monkeypatch.setattr(outputs_module, "MIN_CPUS", 10_000)
    assert not outputs_module._parallel(10**6)
