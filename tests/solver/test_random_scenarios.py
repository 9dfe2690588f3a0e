"""Hypothesis: random valid scenarios solve, and every plan passes the independent checker.

Each plan is checked again here and the model's own objective is held to the checker's cost
(:func:`tests.builders.checked_plan`): equal when CP-SAT proved optimality, never lower
otherwise. Two shapes of input: the general one below (specialties, capabilities, releases,
deadlines, surgeon limits) and the clinical one of ``tests/strategies.py`` (equipment, PACU,
beds, teams, sequencing, surgeon hours), without the robust-slack rule (``test_robust.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orplan import solve
from orplan.scenario import scenario_from_dict
from tests.builders import SHORT, checked_plan
from tests.strategies import clinical_scenarios

START = dt.date(2027, 3, 1)
SPECIALTIES = ["ortho", "gastro", "uro"]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario of 1-3 theatres, 1-3 days, 1-4 surgeons and 0-10 cases."""
    days = draw(st.integers(1, 3))
    n_theatres = draw(st.integers(1, 3))
    theatres = []
    for t in range(n_theatres):
        specs = draw(st.lists(st.sampled_from(SPECIALTIES), max_size=2, unique=True))
        caps = draw(st.lists(st.sampled_from(["laminar-flow", "robot"]), max_size=1))
        theatres.append({"id": f"OR{t}", "specialties": specs, "capabilities": caps})
    sessions = []
    for t in range(n_theatres):
        for d in range(days):
            if draw(st.booleans()) or (t == 0 and d == 0):
                open_ = draw(st.sampled_from([7 * 60 + 30, 8 * 60, 9 * 60]))
                length = draw(st.integers(120, 480))
                sessions.append(
                    {
                        "theatre": f"OR{t}",
                        "date": (START + dt.timedelta(days=d)).isoformat(),
                        "open": open_,
                        "close": open_ + length,
                        "specialty": draw(st.none() | st.sampled_from(SPECIALTIES)),
                        "overtime": draw(st.sampled_from([0, 0, 30, 60])),
                    }
                )
    surgeons = []
    for g in range(draw(st.integers(1, 4))):
        absent = draw(st.lists(st.integers(0, days - 1), max_size=1))
        surgeons.append(
            {
                "id": f"S{g}",
                "specialty": draw(st.sampled_from(SPECIALTIES)),
                "max_minutes_per_day": draw(st.integers(60, 480)),
                "absent": [(START + dt.timedelta(days=d)).isoformat() for d in absent],
            }
        )
    cases = []
    for c in range(draw(st.integers(0, 10))):
        spec = draw(st.sampled_from(SPECIALTIES))
        mode = draw(st.sampled_from(["fixed", "list", "any"]))
        entry: dict[str, Any] = {
            "id": f"C{c}",
            "patient": f"P{c}",
            "procedure": "proc",
            "specialty": spec,
            "duration": draw(st.integers(15, 300)),
            "turnover": draw(st.none() | st.integers(0, 45)),
            "priority": draw(st.integers(1, 4)),
            "requires": draw(st.lists(st.sampled_from(["laminar-flow"]), max_size=1)),
        }
        if mode == "fixed":
            entry["surgeon"] = draw(st.sampled_from([s["id"] for s in surgeons]))
        elif mode == "list":
            entry["eligible_surgeons"] = draw(
                st.lists(st.sampled_from([s["id"] for s in surgeons]), min_size=1, unique=True)
            )
        if draw(st.booleans()):
            entry["release"] = (START + dt.timedelta(days=draw(st.integers(-5, days)))).isoformat()
        if draw(st.booleans()):
            due = START + dt.timedelta(days=draw(st.integers(-3, days + 2)))
            if entry.get("release") is None or due >= dt.date.fromisoformat(entry["release"]):
                entry["due"] = due.isoformat()
        entry["mandatory"] = draw(st.integers(0, 5)) == 0
        cases.append(entry)
    return {
        "name": "random",
        "horizon": {"start": START.isoformat(), "days": days},
        "default_turnover": draw(st.sampled_from([0, 10, 15, 30])),
        "time_step": draw(st.sampled_from([1, 5, 15])),
        "rules": {"deadlines_hard": draw(st.booleans())},
        "theatres": theatres,
        "sessions": sessions,
        "surgeons": surgeons,
        "cases": cases,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_scenario_plans_pass_checker(data: dict[str, Any]) -> None:
    """Each solved plan is valid and the model's objective agrees with the checker's cost;
    infeasible only if some case is mandatory (the empty plan keeps every other rule)."""
    scenario = scenario_from_dict(data)
    result = solve(scenario, **SHORT)
    if result.plan is None:
        assert result.status == "INFEASIBLE"
        assert any(c.mandatory for c in scenario.cases)
        assert result.explanation, "an infeasible scenario must be explained"
        return
    report = checked_plan(scenario, result)
    assert report.kpis.scheduled + report.kpis.unscheduled == len(scenario.cases)
    assert report.kpis.unscheduled_mandatory == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(clinical_scenarios())
def test_random_clinical_plans_pass_checker(data: dict[str, Any]) -> None:
    """CP-SAT plans of random clinical scenarios (equipment, PACU, ICU and ward beds, teams,
    sequencing, split surgeon days, hard deadlines) keep every rule by the checker's count,
    and the model's objective agrees with the checker's cost."""
    scenario = scenario_from_dict(data)
    assert not any(c.mandatory for c in scenario.cases)
    # No case is mandatory, so the empty plan is valid and a plan must come back (the warm
    # start at the latest).
    report = checked_plan(scenario, solve(scenario, **SHORT))
    assert report.kpis.scheduled + report.kpis.unscheduled == len(scenario.cases)
