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


def test_new_patient_example_books_into_the_demo() -> None:
    from orplan.live import load_new_case
    from orplan.live.book import book

    scenario = load_scenario(ROOT / "scenarios" / "demo.yaml")
    plan = rule_result(scenario).plan
    assert plan is not None
    case = load_new_case(ROOT / "scenarios" / "events" / "new-patient.yaml")
    suggestions = book(scenario, plan, case, top=3)
    assert suggestions, suggestions.reason
    # The demo has free time: the best slot moves nobody, and booking a priority-2 patient
    # lowers the plan's cost (its unscheduled cost, 800, outweighs the rest).
    best = suggestions[0]
    assert best.moves == [] and best.cost_change < 0
