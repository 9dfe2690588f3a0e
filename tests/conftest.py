"""Shared fixtures."""

from __future__ import annotations

import pytest

from orplan.scenario import Scenario
from tests.builders import DATA


@pytest.fixture
def small() -> Scenario:
    """The hand-written tiny scenario in tests/data/tiny.yaml (2 theatres, 2 days, 6 cases)."""
    from orplan.scenario import load_scenario

    return load_scenario(DATA / "tiny.yaml")
