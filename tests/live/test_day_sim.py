"""Sampled days with emergencies (orplan.live.daysim) on the tiny scenario and its plan.

The published plan (tests/live/conftest.py): OR1 (orthopaedics only) C1 08:00-10:00 on
03-01; OR2 (any specialty) C3 08:00-09:30 then C4 09:45-10:45; 03-02 OR1 only. Turnover 15;
OR2 closes 15:30 with 30 minutes of allowed overtime.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from orplan.check import check
from orplan.errors import ScenarioError
from orplan.live.daysim import ArrivalsFile, Emergency, play, simulate_day
from orplan.live.daysim.arrivals import sample_arrivals
from orplan.live.daysim.sim import sampled_durations
from orplan.scenario.model import Scenario
from tests.live.conftest import SETTINGS, published_plan

DAY1 = [dt.date(2027, 3, 1)]
SETTINGS_DAY = SETTINGS.__class__(**{**SETTINGS.__dict__, "days": 1})


def _arrivals(**over: Any) -> ArrivalsFile:
    spec = {
        "specialty": "gastro",
        "per_hour": {"08-16": 0.3, "16-08": 0.05},
        "duration": {"mean": 60, "sd": 20},
        "urgency": [{"max_wait": 60, "share": 0.5}, {"max_wait": 360, "share": 0.5}],
    } | over
    return ArrivalsFile.model_validate({"arrivals": [spec]})


def _fixed(tiny: Scenario) -> dict[str, float]:
    return sampled_durations(tiny, published_plan(), seed=0, samples=1, spread=0.0)[0]


def test_no_spread_no_emergencies_both_policies_reproduce_the_plan(tiny: Scenario) -> None:
    table = simulate_day(
        tiny, published_plan(), ArrivalsFile(), samples=2, seed=3, spread=0.0,
        settings=SETTINGS_DAY,
    )  # fmt: skip
    assert list(table.index) == ["first-fit", "replan"]
    assert (table["cancelled"] == 0).all()
    assert (table["moved"] == 0).all()
    # The plan ends every session before closing: no overtime.
    assert (table["overtime"] == 0).all()
    assert table.loc["replan", "replans"] == 0


def test_first_fit_breaks_in_at_the_next_free_moment(tiny: Scenario) -> None:
    # A gastro emergency at 08:30 on 03-01: OR1 takes orthopaedics only; OR2 is busy with
    # C3 until 09:30, then turnover 15 -> starts 09:45: waits 75 minutes, and C4 (planned
    # 09:45) follows the emergency (60 min) and its turnover: 11:00, moved.
    e = Emergency("E1", "gastro", 8 * 60 + 30, 60.0, 60.0, 360, None)
    out = play(tiny, published_plan(), "first-fit", _fixed(tiny), [e], DAY1)
    assert out.waits == [75.0]
    assert out.within_window == 1
    assert out.cancelled == 0
    assert out.moved == 1  # C4


def test_first_fit_waits_for_a_session_to_open(tiny: Scenario) -> None:
    # At 06:00 nothing is open: the emergency goes first when OR2 opens at 08:00 and
    # every case of OR2 moves by 75 minutes.
    e = Emergency("E1", "gastro", 6 * 60, 60.0, 60.0, 1440, None)
    out = play(tiny, published_plan(), "first-fit", _fixed(tiny), [e], DAY1)
    assert out.waits == [120.0]
    assert out.moved == 2  # C3, C4


def test_first_fit_cancels_what_no_longer_fits(tiny: Scenario) -> None:
    # A 400-minute emergency at 07:00 goes first in OR2 at 08:00 and pushes C3 (90 min) to
    # 14:55: its expected end 16:25 is past 15:30 + 30: cancelled; C4 then fits
    # (14:55 + 60 = 15:55 <= 16:00) and ends 25 minutes past closing.
    e = Emergency("E1", "gastro", 7 * 60, 400.0, 400.0, 60, None)
    out = play(tiny, published_plan(), "first-fit", _fixed(tiny), [e], DAY1)
    assert out.waits == [60.0]
    assert out.cancelled == 1
    assert out.overtime == pytest.approx(25.0)


def test_replan_places_the_emergency_and_every_plan_passes_the_checker(tiny: Scenario) -> None:
    rng = np.random.default_rng(7)
    emergencies = sample_arrivals(_arrivals(), 0, 1440, rng)
    assert emergencies, "the seed gives at least one emergency"
    durations = sampled_durations(tiny, published_plan(), seed=7, samples=1)[0]
    out = play(
        tiny, published_plan(), "replan", durations, emergencies, DAY1,
        settings=SETTINGS_DAY, keep_steps=True,
    )  # fmt: skip
    assert out.replans >= len(emergencies)
    assert out.failures == 0
    assert out.steps
    for step in out.steps:
        assert step.plan is not None
        report = check(step.scenario, step.plan, parent=step.parent)
        assert report.ok, report.summary()


def test_replan_of_one_emergency_starts_it_inside_its_window(tiny: Scenario) -> None:
    e = Emergency("E1", "gastro", 8 * 60 + 30, 60.0, 60.0, 360, None)
    out = play(tiny, published_plan(), "replan", _fixed(tiny), [e], DAY1, settings=SETTINGS_DAY)
    assert out.replans == 1
    assert len(out.waits) == 1 and out.waits[0] <= 360
    assert out.cancelled == 0


def test_same_seed_same_table(tiny: Scenario) -> None:
    kwargs = {"samples": 2, "seed": 11, "settings": SETTINGS_DAY}
    a = simulate_day(tiny, published_plan(), _arrivals(), **kwargs)  # type: ignore[arg-type]
    b = simulate_day(tiny, published_plan(), _arrivals(), **kwargs)  # type: ignore[arg-type]
    timing = ["replan_s_mean", "replan_s_max"]
    pd.testing.assert_frame_equal(a.drop(columns=timing), b.drop(columns=timing))
    c = simulate_day(tiny, published_plan(), _arrivals(), samples=2, seed=12,
                     policies=("first-fit",))  # fmt: skip
    assert not a.loc[["first-fit"]].drop(columns=timing).equals(c.drop(columns=timing))


def test_arrivals_follow_the_hourly_rates() -> None:
    spec = _arrivals(per_hour={"08-10": 2.0})
    rng = np.random.default_rng(1)
    days = [sample_arrivals(spec, d * 1440, (d + 1) * 1440, rng) for d in range(200)]
    times = [e.arrival % 1440 for day in days for e in day]
    assert all(8 * 60 <= t < 10 * 60 for t in times)
    assert math.isclose(len(times) / 200, 4.0, rel_tol=0.1)
    waits = {e.max_wait for day in days for e in day}
    assert waits == {60, 360}


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"per_hour": {"8-25": 1.0}}, "hours must be"),
        ({"per_hour": {"08-12": 1.0, "10-14": 1.0}}, "overlap"),
        ({"urgency": [{"max_wait": 60, "share": 0.5}]}, "add up to 0.5"),
    ],
)
def test_bad_arrivals_are_refused(over: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _arrivals(**over)


def test_bad_arrivals_file_names_the_field(tmp_path: Any) -> None:
    from orplan.live.daysim import load_arrivals

    path = tmp_path / "arrivals.yaml"
    path.write_text("arrivals:\n  - {specialty: gastro, per_hour: {'08-16': -1}, "
                    "duration: {mean: 60}, urgency: [{max_wait: 60, share: 1}]}\n")  # fmt: skip
    with pytest.raises(ScenarioError, match=r"arrivals\.yaml.*per_hour"):
        load_arrivals(path)


def test_cli_prints_the_side_by_side_table(tmp_path: Any, capsys: Any) -> None:
    from orplan.cli import main
    from orplan.plan.io import save_plan

    plan = tmp_path / "plan.json"
    save_plan(published_plan(), plan)
    arrivals = tmp_path / "arrivals.yaml"
    arrivals.write_text("arrivals: []\n")
    code = main(["simulate-day", "tests/data/tiny.yaml", str(plan), "--arrivals",
                 str(arrivals), "--samples", "1", "--spread", "0", "--policies", "first-fit",
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "first-fit" in out and "cancelled" in out
    assert (tmp_path / "out" / "policies.csv").exists()
    code = main(["simulate-day", "tests/data/tiny.yaml", str(plan), "--arrivals",
                 str(tmp_path / "missing.yaml")])  # fmt: skip
    assert code == 2


def test_dedicated_theatre_takes_every_emergency(tiny: Scenario) -> None:
    from orplan.live.daysim.setups import emergency_setups

    setups = emergency_setups(tiny, "OR2")
    dedicated, only = setups["dedicated"]
    assert only == {"OR2"}
    assert not any(e.scheduled and e.theatre == "OR2" for e in dedicated.cases)
    spread, anywhere = setups["spread"]
    assert anywhere is None and any(e.scheduled for e in spread.cases)
    # An orthopaedic emergency at 08:30. Dedicated plan: OR2 is empty and takes it at once.
    e = Emergency("E1", "orthopaedics", 8 * 60 + 30, 60.0, 60.0, 360, None)
    durations = sampled_durations(tiny, dedicated, seed=0, samples=1, spread=0.0)[0]
    out = play(tiny, dedicated, "first-fit", durations, [e], DAY1, theatres={"OR2"})
    assert out.waits == [0.0]
    # Published plan: OR2 alone waits for C3 + turnover (09:45), OR1 alone for C1 +
    # turnover (10:15); both together take the earlier.
    plan = published_plan()
    for only, wait in (({"OR2"}, 75.0), ({"OR1"}, 105.0), (None, 75.0)):
        out = play(tiny, plan, "first-fit", _fixed(tiny), [e], DAY1, theatres=only)
        assert out.waits == [wait], only


def test_call_offs_are_not_cancellations(tiny: Scenario) -> None:
    # Every patient calls off (probability 1): nothing is operated, nothing is counted as
    # cancelled or moved, in both policies; an emergency then finds OR2 free at 08:00.
    e = _arrivals(per_hour={"07-08": 3.0}, urgency=[{"max_wait": 60, "share": 1.0}])
    table = simulate_day(
        tiny, published_plan(), e, samples=1, seed=2, spread=0.0, no_shows=1.0, dates=DAY1,
        settings=SETTINGS_DAY,
    )  # fmt: skip
    assert (table["no_shows"] == 3).all()  # C1, C3, C4 on 03-01
    assert (table["cancelled"] == 0).all() and (table["moved"] == 0).all()
    assert table.loc["first-fit", "emergencies"] > 0
