"""Sweep specs for the tests (the tiny scenario with a what-if variant), and the file
the test cell functions record their calls in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import TINY
from tests.sweep import helpers


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


@pytest.fixture
def calls_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the cell functions of ``helpers`` record each call in (inherited by Dask
    worker processes through the environment)."""
    path = tmp_path / "calls.txt"
    monkeypatch.setenv(helpers.COUNT_FILE, str(path))
    return path
