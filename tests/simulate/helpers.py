"""Small scenarios and hand-made plans for simulation tests."""

from __future__ import annotations

from typing import Any

from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario import Scenario
from tests.builders import case, make


def one_session(
    cases: list[dict[str, Any]],
    *,
    open_: str = "08:00",
    close: str = "12:00",
    overtime: int = 0,
    max_minutes: int = 480,
) -> Scenario:
    """One theatre, one session on 2027-03-01, surgeon S1, turnover 15, the given cases."""
    changes: dict[str, Any] = {
        "sessions": [
            {
                "theatre": "OR1",
                "date": "2027-03-01",
                "open": open_,
                "close": close,
                "overtime": overtime,
            }
        ],
        "surgeons": [{"id": "S1", "specialty": "ortho", "max_minutes_per_day": max_minutes}],
    }
    return make(changes, cases)


def packed_plan(scenario: Scenario, order: list[str] | None = None) -> Plan:
    """Plan every case into the first session in ``order`` (default: scenario order), packed
    from the session's opening with the scenario's durations and turnovers."""
    session = scenario.sessions[0]
    by_id = {c.id: c for c in scenario.cases}
    clock = session.open
    entries = []
    for cid in order or list(by_id):
        c = by_id[cid]
        entries.append(CaseAssignment.placed(c, session, clock, c.surgeon or "S1"))
        clock += c.duration + scenario.turnover_of(c)
    return Plan(cases=entries)


__all__ = ["case", "one_session", "packed_plan"]
