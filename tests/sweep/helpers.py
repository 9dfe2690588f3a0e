"""Cell functions that fail on purpose, importable by Dask workers (tests only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from orplan.sweep.cells import run_cell

#: When set, each call of :func:`counting` appends the cell id to this file.
COUNT_FILE = "ORPLAN_TEST_SWEEP_COUNT"


def _record(cell: dict[str, Any]) -> None:
    path = os.environ.get(COUNT_FILE)
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(cell["id"] + "\n")


def calls(path: Path) -> list[str]:
    """The cell ids recorded in ``path``, one per call (none when nothing ran)."""
    return path.read_text().split() if path.exists() else []


def counting(cell: dict[str, Any], scenario: dict[str, Any]) -> dict[str, Any]:
    """Solve the cell, recording that it ran (a resumed sweep must not call it again)."""
    _record(cell)
    return run_cell(cell, scenario)


def raise_on_closed(cell: dict[str, Any], scenario: dict[str, Any]) -> dict[str, Any]:
    """Fail every cell of the variant 'closed' with an exception (after recording it)."""
    if cell["variant"] == "closed":
        _record(cell)
        raise RuntimeError("solver exploded on purpose")
    return counting(cell, scenario)


def die_on_closed(cell: dict[str, Any], scenario: dict[str, Any]) -> dict[str, Any]:
    """Kill the worker process running a cell of the variant 'closed' (after recording it)."""
    if cell["variant"] == "closed":
        _record(cell)
        os._exit(17)
    return run_cell(cell, scenario)
