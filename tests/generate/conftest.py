"""Fixtures for generator tests: generated scenarios, built once per session."""

from __future__ import annotations

import pytest

from orplan.generate import generate
from orplan.scenario import Scenario


@pytest.fixture(scope="session")
def pilot_week() -> Scenario:
    """The pilot-week profile, seed 1."""
    return generate("pilot-week", 1)


@pytest.fixture(scope="session")
def hospital_month() -> Scenario:
    """The hospital-month profile, seed 1 (a few seconds to generate)."""
    return generate("hospital-month", 1)
