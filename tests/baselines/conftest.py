"""Fixtures of the baseline tests."""

from __future__ import annotations

import importlib.util

import pytest

from orplan.scenario import Scenario


def highs_available() -> bool:
    """Whether ``highspy`` is installed (the MIP baseline runs it in a worker process)."""
    return importlib.util.find_spec("highspy") is not None


needs_highs = pytest.mark.skipif(not highs_available(), reason="highspy is not installed")


@pytest.fixture(scope="session")
def demo() -> Scenario:
    """A generated demo scenario (seed 1): 4 theatres, 2 days, about 30 cases."""
    from orplan.generate import generate

    return generate("demo", 1)
