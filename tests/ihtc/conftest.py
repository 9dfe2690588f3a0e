"""Shared fixtures for the IHTC-2024 tests: data directory and cached loaders."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orplan.ihtc import Instance, load_instance

ENV_VAR = "ORPLAN_IHTC_DATA"


def ihtc_data_dir() -> Path:
    """Return the IHTC-2024 data directory (``$ORPLAN_IHTC_DATA`` or the shared default).

    Returns
    -------
    pathlib.Path
        The directory that should hold ``instances/``, ``solutions/`` and
        ``reference_costs.csv``.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ihtc2024"


@pytest.fixture(scope="session")
def ihtc_data() -> Path:
    """The IHTC-2024 data directory; fails (does not skip) when it is missing."""
    path = ihtc_data_dir()
    if not (path / "reference_costs.csv").is_file() or not (path / "instances").is_dir():
        pytest.fail(
            f"IHTC-2024 data not found at {path.resolve()} (expected reference_costs.csv and "
            f"instances/). Set {ENV_VAR} to the data directory.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def instance_of(ihtc_data: Path) -> Callable[[str], Instance]:
    """Return a loader ``name -> Instance`` that parses each instance file once."""
    cache: dict[str, Instance] = {}

    def load(name: str) -> Instance:
        if name not in cache:
            cache[name] = load_instance(ihtc_data / "instances" / f"{name}.json")
        return cache[name]

    return load


@pytest.fixture(scope="session")
def raw_json(ihtc_data: Path) -> Callable[[str], Any]:
    """Return a loader ``relative path -> decoded JSON`` (cached; callers must not mutate)."""
    cache: dict[str, Any] = {}

    def load(rel: str) -> Any:
        if rel not in cache:
            with open(ihtc_data / rel, encoding="utf-8") as fh:
                cache[rel] = json.load(fh)
        return cache[rel]

    return load


@pytest.fixture(scope="session")
def kernel_ready() -> float:
    """Compile the search kernel once (or load it from numba's cache) before timing solves."""
    from orplan.ihtc.solve import warm_up

    return warm_up()
