"""Fixtures for the checker tests: the tiny scenario and a hand-made valid plan for it.

The valid plan (``valid_entries``) on the tiny scenario (2027-03-01..02, default turnover 15):

====  ==============  =====  ===========  =======
case  session         start  end          surgeon
====  ==============  =====  ===========  =======
C1    OR1@2027-03-01  08:00  10:00        S1
C3    OR2@2027-03-01  08:00  09:30        S2
C4    OR2@2027-03-01  09:45  10:45        S2
C5    OR1@2027-03-02  08:00  10:10        S1
C2    OR1@2027-03-02  10:25  11:10        S1
C6    unscheduled
====  ==============  =====  ===========  =======
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from orplan.check import CheckReport, check
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Scenario
from tests.builders import tiny_data as load_tiny_data

#: Durations of the tiny scenario's cases (minutes), to write plan ends by hand.
DURATION = {"C1": 120, "C2": 45, "C3": 90, "C4": 60, "C5": 130, "C6": 110}

Entries = dict[str, CaseAssignment]
At = Callable[..., CaseAssignment]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def make_at(
    case: str,
    session: str,
    start: str,
    surgeon: str,
    *,
    end: str | None = None,
    theatre: str | None = None,
    date: dt.date | None = None,
) -> CaseAssignment:
    """A scheduled entry; theatre and date default to the session id's parts."""
    theatre_part, date_part = session.split("@")
    start_min = _minutes(start)
    return CaseAssignment(
        case=case,
        scheduled=True,
        session=session,
        theatre=theatre or theatre_part,
        date=date or dt.date.fromisoformat(date_part),
        start=start_min,
        end=_minutes(end) if end is not None else start_min + DURATION.get(case, 60),
        surgeon=surgeon,
    )


def make_off(case: str) -> CaseAssignment:
    """An unscheduled entry."""
    return CaseAssignment(case=case, scheduled=False, reason="not planned")


@pytest.fixture
def tiny_data() -> dict[str, Any]:
    """The tiny scenario as a fresh, mutable dict (edit it to make variants)."""
    return load_tiny_data()


@pytest.fixture
def tiny(tiny_data: dict[str, Any]) -> Scenario:
    """The tiny scenario, unmodified."""
    return Scenario.model_validate(tiny_data)


@pytest.fixture
def at() -> At:
    """Factory for scheduled entries: ``at(case, session, "HH:MM", surgeon, **overrides)``."""
    return make_at


@pytest.fixture
def valid_entries() -> Entries:
    """The valid plan's entries, keyed by a label (the case id; edit to make variants)."""
    entries = [
        make_at("C1", "OR1@2027-03-01", "08:00", "S1"),
        make_at("C3", "OR2@2027-03-01", "08:00", "S2"),
        make_at("C4", "OR2@2027-03-01", "09:45", "S2"),
        make_at("C5", "OR1@2027-03-02", "08:00", "S1"),
        make_at("C2", "OR1@2027-03-02", "10:25", "S1"),
        make_off("C6"),
    ]
    return {e.case: e for e in entries}


@pytest.fixture
def off() -> Callable[[str], CaseAssignment]:
    """Factory for unscheduled entries: ``off(case)``."""
    return make_off


@pytest.fixture
def run(tiny_data: dict[str, Any]) -> Callable[..., CheckReport]:
    """Check entries against the tiny scenario as edited in ``tiny_data`` (at call time)."""

    def _run(entries: Entries) -> CheckReport:
        scenario = Scenario.model_validate(tiny_data)
        return check(scenario, Plan(cases=list(entries.values())))

    return _run
