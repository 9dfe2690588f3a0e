"""The files in scenarios/: they load, are up to date, and keep their promises."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from tests.builders import REPO

from orplan.generate.mandatory import mandatory_witness
from orplan.generate.regenerate import main as regenerate_main
from orplan.generate.regenerate import render_all, stale_files
from orplan.scenario import Scenario, load_scenario

SCENARIOS = REPO / "scenarios"


@functools.cache
def _load(name: str) -> Scenario:
    """Load a file of scenarios/ once per test session (tests only read it)."""
    return load_scenario(SCENARIOS / name)


SCENARIO_FILES = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def test_scenarios_folder_has_the_pilot_files_and_variants() -> None:
    """The three generated profiles and at least two what-if variants are present."""
    for name in ("demo.yaml", "pilot-week.yaml", "hospital-month.yaml"):
        assert name in SCENARIO_FILES
    variants = [n for n in SCENARIO_FILES if n.startswith("pilot-week-")]
    assert len(variants) >= 2


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_scenario_file_loads_and_validates(name: str) -> None:
    """Every scenario file passes orplan's loader (schema and cross-references)."""
    scenario = _load(name)
    assert scenario.cases
    assert scenario.sessions


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_mandatory_cases_have_a_slot(name: str) -> None:
    """Each file's mandatory cases can all be placed at once (greedy witness finds slots)."""
    scenario = _load(name)
    slots, missing = mandatory_witness(scenario)
    assert missing == []
    assert len(slots) == sum(c.mandatory for c in scenario.cases) > 0


def test_committed_files_are_what_regenerate_writes() -> None:
    """scenarios/ matches `python -m orplan.generate.regenerate` byte for byte (not stale)."""
    assert regenerate_main(["--out", str(SCENARIOS), "--check"]) == 0


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """What the generator writes into scenarios/, by file name."""
    return render_all()


def test_stale_check_notices_a_changed_file(tmp_path: Path, rendered: dict[str, str]) -> None:
    """A file that differs by one line, or is missing, is reported as stale."""
    for name, text in rendered.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert stale_files(tmp_path, rendered) == []
    demo = tmp_path / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    (tmp_path / "pilot-week-cases.csv").unlink()
    assert stale_files(tmp_path, rendered) == ["demo.yaml", "pilot-week-cases.csv"]


def test_readme_describes_every_file(rendered: dict[str, str]) -> None:
    """scenarios/README.md names every scenario and waiting-list file."""
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    for name in rendered:
        assert f"`{name}`" in readme, name


def test_theatre_closed_variant_drops_two_laminar_flow_sessions() -> None:
    """theatre-closed removes two consecutive-day sessions of one laminar-flow theatre."""
    base, variant = _load("pilot-week.yaml"), _load("pilot-week-theatre-closed.yaml")
    removed = {s.id for s in base.sessions} - {s.id for s in variant.sessions}
    assert len(removed) == 2
    gone = [s for s in base.sessions if s.id in removed]
    assert len({s.theatre for s in gone}) == 1
    theatre = next(t for t in base.theatres if t.id == gone[0].theatre)
    assert "laminar-flow" in theatre.capabilities
    assert abs((gone[0].date - gone[1].date).days) == 1
    assert variant.cases == base.cases


def test_surgeon_leave_variant_removes_one_surgeon_for_the_horizon() -> None:
    """surgeon-leave makes exactly one surgeon absent on every date, with cases booked."""
    base, variant = _load("pilot-week.yaml"), _load("pilot-week-surgeon-leave.yaml")
    changed = [(a, b) for a, b in zip(base.surgeons, variant.surgeons, strict=True) if a != b]
    assert len(changed) == 1
    on_leave = changed[0][1]
    assert all(on_leave.window(d) is None for d in variant.dates())
    assert any(c.surgeon == on_leave.id for c in variant.cases)
    assert not any(c.mandatory and c.surgeon == on_leave.id for c in variant.cases)


def test_evening_variant_extends_orthopaedic_sessions_mon_to_thu() -> None:
    """evening moves closing to 20:00 for orthopaedic sessions Mon-Thu and nothing else."""
    base, variant = _load("pilot-week.yaml"), _load("pilot-week-evening.yaml")
    longer = 0
    for a, b in zip(base.sessions, variant.sessions, strict=True):
        extend = a.specialty == "orthopaedics" and a.date.weekday() < 4
        assert b.close == (20 * 60 if extend else a.close)
        longer += extend
    assert longer >= 10
    assert variant.horizon.start.weekday() == dt.date(2027, 3, 1).weekday() == 0
