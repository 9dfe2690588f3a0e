"""The events file shipped for newcomers replans the demo's plan as the README says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orplan.live import ReplanSettings, load_events, replan
from orplan.scenario import load_scenario
from orplan.solver.solve import rule_result

ROOT = Path(__file__).resolve().parents[2]


def test_demo_morning_events_replan_the_demo() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "demo.yaml")
    events = load_events(ROOT / "scenarios" / "events" / "demo-morning.yaml")
    plan = rule_result(scenario).plan
    assert plan is not None
    settings = ReplanSettings(time_limit=120, workers=1, deterministic_time=10)
    result = replan(scenario, plan, events, dt.datetime(2027, 3, 1, 7, 45), settings)
    assert result.plan is not None and result.check is not None and result.check.ok
    e1 = next(e for e in result.plan.cases if e.case == "E1")
    # The hip fracture (arrived 07:40, within 6 h) is operated by 13:40.
    assert e1.scheduled and e1.start is not None and 7 * 60 + 40 <= e1.start <= 13 * 60 + 40
    assert any(c.case == "C0015" and c.kind == "cancelled" for c in result.changes) or not any(
        e.case == "C0015" and e.scheduled for e in plan.cases
    )
