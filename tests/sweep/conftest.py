"""Sweep specs for the tests: the tiny scenario with a what-if variant."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import TINY


@pytest.fixture
def tiny_spec() -> dict[str, Any]:
    """2 variants x 2 methods x 2 seeds = 8 cells, each solved in well under a second."""
    return {
        "name": "tiny-sweep",
        "scenarios": {"tiny": str(TINY)},
        "variants": {
            "base": [],
            "closed": [{"close_theatre": {"theatre": "OR1", "dates": ["2027-03-02"]}}],
        },
        "methods": ["cpsat", "rule"],
        "seeds": [0, 1],
        "time_limits": [5],
        "deterministic_time": 2,
        "retries": 1,
    }
