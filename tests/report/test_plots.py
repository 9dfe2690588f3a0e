"""PNG outputs of a solve: Gantt with equipment strips, PACU and bed occupancy plot."""

from __future__ import annotations

from pathlib import Path

from orplan import load_scenario, solve
from orplan.outputs import write_outputs
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
