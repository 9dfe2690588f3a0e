"""Fixtures for the report tests: tiny.yaml with hand-written plans."""

from __future__ import annotations

import pytest

from orplan.check import CheckReport, check
from orplan.plan.model import Plan
from orplan.scenario import Scenario
from tests.builders import tiny_scenario
from tests.report import plans


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    """tests/data/tiny.yaml."""
    return tiny_scenario()


@pytest.fixture(scope="module")
def optimal(tiny: Scenario) -> Plan:
    """All six cases scheduled (valid, at the optimal cost)."""
    return plans.tiny_optimal(tiny)


@pytest.fixture(scope="module")
def gaps(tiny: Scenario) -> Plan:
    """C4 and C6 unscheduled with reasons, C1 late (valid)."""
    return plans.tiny_with_gaps(tiny)


@pytest.fixture(scope="module")
def invalid(tiny: Scenario) -> Plan:
    """Overlapping cases (invalid), no run record."""
    return plans.tiny_invalid(tiny)


@pytest.fixture(scope="module")
def gaps_report(tiny: Scenario, gaps: Plan) -> CheckReport:
    """The checker's report on the plan with gaps."""
    return check(tiny, gaps)
