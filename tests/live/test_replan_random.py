"""Hypothesis: a random published plan plus random events leads to a replan that passes the
checker (against the live scenario and the parent plan) and moves no started case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orplan.check import check
from orplan.errors import ScenarioError
from orplan.live import PlanEvents, ReplanSettings, replan
from orplan.scenario.model import Scenario
from orplan.solver.solve import rule_result
from tests.builders import DATA

RUN = ReplanSettings(time_limit=60, workers=1, deterministic_time=2)
DAY0 = dt.datetime(2027, 3, 1)


def _scenario() -> Scenario:
    from orplan.scenario import load_scenario

    return load_scenario(DATA / "tiny.yaml")


@st.composite
def situations(draw: Any) -> tuple[dt.datetime, list[dict[str, Any]]]:
    """A replanning moment on 03-01 and up to three events reported before it."""
    now = DAY0 + dt.timedelta(minutes=draw(st.integers(7 * 60, 16 * 60)) // 5 * 5)

    def before() -> str:
        minutes = draw(st.integers(6 * 60, now.hour * 60 + now.minute))
        return (DAY0 + dt.timedelta(minutes=minutes)).isoformat(timespec="minutes")

    def later() -> str:
        minutes = draw(st.integers(now.hour * 60 + now.minute, 2 * 24 * 60 - 60))
        return (DAY0 + dt.timedelta(minutes=minutes // 5 * 5)).isoformat(timespec="minutes")

    kinds = draw(st.lists(st.sampled_from(["cancel", "absent", "closed", "late", "emergency"]),
                          max_size=3))  # fmt: skip
    out: list[dict[str, Any]] = []
    for i, kind in enumerate(kinds):
        if kind == "cancel":
            case = draw(st.sampled_from(["C2", "C4", "C5", "C6"]))
            out.append({"kind": "case-cancelled", "at": before(), "case": case})
        elif kind == "absent":
            who = draw(st.sampled_from(["S1", "S2"]))
            out.append({"kind": "surgeon-absent", "at": before(), "surgeon": who, "from": later()})
        elif kind == "closed":
            theatre = draw(st.sampled_from(["OR1", "OR2"]))
            out.append({"kind": "theatre-closed", "at": before(), "theatre": theatre,
                        "from": later()})  # fmt: skip
        elif kind == "late":
            out.append({"kind": "case-late", "at": before(), "case": "C1",
                        "expected_end": later()})  # fmt: skip
        else:
            out.append({"kind": "emergency", "at": before(), "id": f"E{i}",
                        "specialty": draw(st.sampled_from(["gastro", "orthopaedics"])),
                        "duration": draw(st.integers(20, 120)),
                        "max_wait": draw(st.sampled_from([60, 360, 1440]))})  # fmt: skip
    return now, out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_random_events_replan_is_checked_and_keeps_started_cases(
    situation: tuple[dt.datetime, list[dict[str, Any]]],
) -> None:
    now, items = situation
    scenario = _scenario()
    parent = rule_result(scenario).plan
    assert parent is not None
    events = PlanEvents.model_validate({"events": items})
    try:
        result = replan(scenario, parent, events, now, RUN)
    except ScenarioError as exc:
        # Only combinations a planner could not report: cancelling a case that has started,
        # or an expected end before the start or after midnight.
        allowed = ("started", "is not after the start", "must end on the day it started")
        assert any(text in str(exc) for text in allowed), exc
        return
    if result.plan is None:
        assert result.explanation  # an infeasible day is explained, never a crash
        return
    assert check(result.scenario, result.plan, parent=parent).ok
    started = {
        e.case
        for e in parent.scheduled()
        if e.date is not None
        and e.start is not None
        and dt.datetime.combine(e.date, dt.time()) + dt.timedelta(minutes=e.start) < now
    }
    new = {e.case: e for e in result.plan.cases}
    cancelled = {ev["case"] for ev in items if ev["kind"] == "case-cancelled"}
    for entry in parent.scheduled():
        if entry.case not in started or entry.case in cancelled:
            continue  # cancelled before its start: it never started
        moved = new[entry.case]
        if moved.start != entry.start:
            # Only a case whose theatre was still busy with an overrunning case may wait.
            assert any(ev["kind"] == "case-late" for ev in items)
            continue
        assert (moved.session, moved.surgeon) == (entry.session, entry.surgeon)
