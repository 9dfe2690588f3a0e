"""Builders of small scenarios for rule tests, and paths to test data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from orplan.scenario import Scenario, scenario_from_dict

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]


def base_dict() -> dict[str, Any]:
    """A one-theatre, one-day scenario with one surgeon and no cases; tests add what binds."""
    return {
        "name": "rule-test",
        "horizon": {"start": "2027-03-01", "days": 2},
        "default_turnover": 15,
        "time_step": 5,
        "theatres": [{"id": "OR1", "site": "main"}],
        "sessions": [
            {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "12:00"},
        ],
        "surgeons": [{"id": "S1", "specialty": "ortho"}],
        "cases": [],
    }


def case(id: str, duration: int = 60, **extra: Any) -> dict[str, Any]:
    """A case of specialty 'ortho' by surgeon S1 unless ``extra`` says otherwise."""
    data = {
        "id": id,
        "patient": f"P-{id}",
        "procedure": "Test procedure",
        "specialty": "ortho",
        "surgeon": "S1",
        "duration": duration,
        "priority": 3,
    }
    data.update(extra)
    return data


def make(
    changes: dict[str, Any] | None = None, cases: list[dict[str, Any]] | None = None
) -> Scenario:
    """Base scenario with top-level ``changes`` applied and ``cases`` set."""
    data = copy.deepcopy(base_dict())
    data.update(copy.deepcopy(changes or {}))
    if cases is not None:
        data["cases"] = cases
    return scenario_from_dict(data)
