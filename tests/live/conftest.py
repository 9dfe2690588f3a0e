"""Fixtures for the day of surgery: the tiny scenario and its hand-made published plan.

The published plan (the checker tests' valid plan; 2027-03-01..02, default turnover 15):

====  ==============  =====  =====  =======  =========================
case  session         start  end    surgeon  notes
====  ==============  =====  =====  =======  =========================
C1    OR1@2027-03-01  08:00  10:00  S1       orthopaedics, due 03-01
C3    OR2@2027-03-01  08:00  09:30  S2       gastro, mandatory
C4    OR2@2027-03-01  09:45  10:45  S2       gastro
C5    OR1@2027-03-02  08:00  10:10  S1       orthopaedics
C2    OR1@2027-03-02  10:25  11:10  S1       orthopaedics, any surgeon
C6    unscheduled                            orthopaedics, S1, 110 min
====  ==============  =====  =====  =======  =========================

S2 (gastro) is absent on 03-02; OR1 takes orthopaedics only, OR2 any specialty.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orplan.live import PlanEvents, ReplanResult, ReplanSettings, replan
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from tests.check.conftest import make_at, make_off

SETTINGS = ReplanSettings(time_limit=60, workers=1, deterministic_time=5)
"""One worker and a deterministic budget: the same replan every run (the wall-clock limit is
only a cap against a hung search)."""


def published_plan() -> Plan:
    """The published plan of the tiny scenario (see the module docstring)."""
    return Plan(
        cases=[
            make_at("C1", "OR1@2027-03-01", "08:00", "S1"),
            make_at("C3", "OR2@2027-03-01", "08:00", "S2"),
            make_at("C4", "OR2@2027-03-01", "09:45", "S2"),
            make_at("C5", "OR1@2027-03-02", "08:00", "S1"),
            make_at("C2", "OR1@2027-03-02", "10:25", "S1"),
            make_off("C6"),
        ]
    )


def at(text: str) -> dt.datetime:
    """A local date-time from ``'03-01 10:20'`` (in March 2027)."""
    return dt.datetime.strptime(f"2027-{text}", "%Y-%m-%d %H:%M")


def events(*items: dict[str, Any]) -> PlanEvents:
    """An events model from plain dicts (times as ISO strings)."""
    return PlanEvents.model_validate({"events": list(items)})


def run(
    scenario: Scenario,
    now: str,
    *items: dict[str, Any],
    settings: ReplanSettings = SETTINGS,
    plan: Plan | None = None,
) -> ReplanResult:
    """Replan the published plan after ``items`` at ``now`` ('03-01 10:20')."""
    return replan(scenario, plan or published_plan(), events(*items), at(now), settings)


@pytest.fixture
def tiny(small: Scenario) -> Scenario:
    """The tiny scenario (tests/data/tiny.yaml)."""
    return small
