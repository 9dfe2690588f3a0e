"""build_options and eligible_sessions (vectorised, issue 17) against the loops they replaced.

The oracles (:mod:`tests.solver.options_reference`, :mod:`tests.baselines.eligible_reference`)
check every (case, session, surgeon) in turn. The new builders must give the same options in
the same order, the same surgeon choices, and the same exclusion counts inserted in the same
order (``CaseOptions.reason`` breaks ties by it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings

from orplan.baselines.common import eligible_sessions
from orplan.generate import generate
from orplan.scenario import Scenario, scenario_from_dict
from orplan.solver.options import build_options
from tests.baselines.eligible_reference import reference_eligible_sessions
from tests.builders import nasty_scenario, tiny_scenario
from tests.solver.options_reference import reference_build_options
from tests.solver.test_random_scenarios import scenarios
from tests.strategies import clinical_scenarios


def assert_same(scenario: Scenario) -> None:
    """The new builder gives exactly the oracle's output on ``scenario``."""
    new, old = build_options(scenario), reference_build_options(scenario)
    assert len(new) == len(old)
    for a, b in zip(new, old, strict=True):
        assert (a.case.id, a.index) == (b.case.id, b.index)
        assert a.options == b.options, a.case.id
        assert list(a.excluded.items()) == list(b.excluded.items()), a.case.id
        assert a.reason() == b.reason()
    assert eligible_sessions(scenario) == reference_eligible_sessions(scenario)


def live_variant(scenario: Scenario) -> Scenario:
    """``scenario`` on its second day at 10:00, with pinned, emergency and cancelled cases.

    Pins go to the case's own first option (with and without a surgeon) and to the last
    theatre on the first day (often no session, or one of another specialty); emergencies
    arrive on day 1 or 2 with 2-30 hour windows.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True)
    start = scenario.horizon.start
    data["now"] = f"{start + dt.timedelta(days=1)}T10:00:00"
    data.setdefault("rules", {})["deadlines_hard"] = True
    first = {entry.case.id: entry.options[0] for entry in build_options(scenario) if entry.options}
    sessions = scenario.sessions
    for k, case in enumerate(data["cases"]):
        option = first.get(case["id"])
        kind = k % 7
        if kind == 0 and option is not None:
            session = sessions[option.session]
            case["pinned"] = {
                "theatre": session.theatre,
                "date": session.date.isoformat(),
                "start": f"{option.earliest // 60:02d}:{option.earliest % 60:02d}",
            }
            if k % 2:
                case["pinned"]["surgeon"] = option.surgeons[-1].surgeon
        elif kind == 1:
            last = scenario.theatres[-1].id  # may have no session that day, or no room
            case["pinned"] = {"theatre": last, "date": start.isoformat(), "start": "08:00"}
        elif kind == 2:
            day = start + dt.timedelta(days=1 + k % 2)
            case["emergency"] = {"arrival": f"{day}T0{k % 10}:15:00", "max_wait": 120 + k % 29 * 60}
            case.pop("due", None)
            case.pop("release", None)
        elif kind == 3:
            case["cancelled"] = "patient ill"
            case["mandatory"] = False
    return scenario_from_dict(data)


def test_fixture_scenarios() -> None:
    assert_same(tiny_scenario())
    assert_same(nasty_scenario())


def test_generated_scenarios() -> None:
    for profile, seed in (("demo", 1), ("demo", 7), ("pilot-week", 3)):
        assert_same(generate(profile, seed))


def test_day_of_surgery_rules() -> None:
    # Pins (right and wrong), emergencies, cancellations and a replanning moment exercise
    # stage 1's pin rule and stage 5's day-of-surgery window.
    for profile, seed in (("demo", 2), ("pilot-week", 5)):
        assert_same(live_variant(generate(profile, seed)))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenarios())
def test_random_scenarios(data: dict[str, Any]) -> None:
    assert_same(scenario_from_dict(data))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(clinical_scenarios())
def test_random_clinical_scenarios(data: dict[str, Any]) -> None:
    assert_same(scenario_from_dict(data))
