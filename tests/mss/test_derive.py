"""Scenario <-> MSS: the pilot week's baseline, and sessions a scenario accepts."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from orplan.mss import MssInput, baseline_plan, check_mss, load_mss_input, plan_mss
from orplan.mss.derive import OPEN, input_from_scenario, sessions_for
from orplan.scenario import load_scenario, scenario_from_dict
from tests.builders import REPO
from tests.mss.conftest import SETTINGS

PILOT = REPO / "scenarios" / "pilot-week.yaml"


@pytest.fixture(scope="module")
def pilot() -> MssInput:
    """The MSS input derived from the pilot week."""
    return input_from_scenario(load_scenario(PILOT))


def test_baseline_is_the_pilot_sessions(pilot: MssInput) -> None:
    """One block per session (77), open sessions as 'open', and it passes the checker."""
    scenario = load_scenario(PILOT)
    assert len(pilot.baseline) == len(scenario.sessions) == 77
    assert sum(1 for b in pilot.baseline if b.specialty == OPEN) == sum(
        1 for s in scenario.sessions if s.specialty is None
    )
    report = baseline_plan(pilot)
    assert report is not None and report.explanation == []


def test_derived_hours_and_case_mix(pilot: MssInput) -> None:
    """Orthopaedics has 21 sessions of 7.5 h; every case mix sums to 1."""
    ortho = next(s for s in pilot.specialties if s.id == "orthopaedics")
    assert ortho.hours == 157.5
    assert all(abs(sum(c.share for c in s.case_mix) - 1) < 1e-6 for s in pilot.specialties)


def test_shipped_pilot_baseline_matches_the_derivation(pilot: MssInput) -> None:
    """scenarios/mss/pilot-baseline.yaml is what the derivation gives today."""
    shipped = load_mss_input(REPO / "scenarios" / "mss" / "pilot-baseline.yaml")
    assert shipped == pilot


def test_four_week_baseline_repeats_the_week() -> None:
    """A 4-week cycle of the pilot: 4 x 77 baseline blocks, hours per week unchanged."""
    inp = load_mss_input(PILOT, cycle_weeks=4)
    assert len(inp.baseline) == 4 * 77
    assert {b.week for b in inp.baseline} == {1, 2, 3, 4}


def test_sessions_load_into_a_scenario(tiny: MssInput) -> None:
    """14 days from a Wednesday: 10 weekdays x 1 block, each a valid scenario session."""
    plan = plan_mss(tiny, SETTINGS)
    rows = sessions_for(tiny, plan, dt.date(2027, 3, 3), 14)
    assert len(rows) == 10
    assert rows[0] == {"theatre": "OR1", "date": "2027-03-03", "open": "08:00",
                       "close": "16:00", "specialty": plan.blocks[2].specialty}  # fmt: skip
    scenario = scenario_from_dict({
        "name": "from-mss", "horizon": {"start": "2027-03-03", "days": 14},
        "theatres": [{"id": "OR1"}], "sessions": rows, "cases": [],
    })  # fmt: skip
    assert len(scenario.sessions) == 10


def test_open_blocks_become_sessions_without_specialty(pilot: MssInput) -> None:
    """The baseline's open sessions have no specialty when turned back into sessions."""
    base = baseline_plan(pilot)
    assert base is not None
    rows = sessions_for(pilot, base, dt.date(2027, 3, 1), 7)
    assert len(rows) == 77
    assert sum(1 for r in rows if "specialty" not in r) == 9
    assert yaml.safe_load(yaml.safe_dump(rows)) == rows


def test_optimised_pilot_keeps_hours_and_passes_check(pilot: MssInput) -> None:
    """The optimised pilot MSS keeps every specialty's hours and lowers the expected peak."""
    plan = plan_mss(pilot, SETTINGS)
    base = baseline_plan(pilot)
    assert plan.status == "optimal" and base is not None
    report = check_mss(pilot, plan)
    assert report.ok
    assert report.hours == check_mss(pilot, base).hours
    assert plan.expected_peak_ward is not None and base.expected_peak_ward is not None
    assert plan.expected_peak_ward < base.expected_peak_ward
