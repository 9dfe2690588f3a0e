"""Fixtures of the baseline tests."""

from __future__ import annotations

import importlib.util

import pytest


def highs_available() -> bool:
    """Whether ``highspy`` is installed (the MIP baseline runs it in a worker process)."""
    return importlib.util.find_spec("highspy") is not None


needs_highs = pytest.mark.skipif(not highs_available(), reason="highspy is not installed")
