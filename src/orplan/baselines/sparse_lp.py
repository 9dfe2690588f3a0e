"""A MIP or LP in HiGHS's row-wise sparse form, built one column and one row at a time.

Shared by the assignment MIP (:mod:`orplan.baselines.mip`) and the session-capacity LP
(:mod:`orplan.solver.capacity_lp`). It imports only numpy, so the solver can use it
without loading the baselines' board and rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["SparseLp"]


class SparseLp:
    """A MIP in HiGHS's row-wise sparse form, built one column and row at a time."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        self.offset = 0.0

    def var(self, lower: float, upper: float, cost: float = 0.0, integer: bool = False) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float, upper: float) -> None:
        merged: dict[int, float] = defaultdict(float)
        for col, coef in terms:
            merged[col] += coef
        items = [(c, v) for c, v in merged.items() if v != 0]
        if not items:
            return
        self.index.extend(c for c, _ in items)
        self.value.extend(v for _, v in items)
        self.starts.append(len(self.index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    @property
    def num_rows(self) -> int:
        return len(self.row_lower)

    def to_arrays(self) -> dict[str, Any]:
        """The model as plain arrays for :func:`~orplan.baselines.highs_worker.solve_arrays`."""
        return {
            "cost": np.asarray(self.cost, dtype=float),
            "lower": np.asarray(self.lower, dtype=float),
            "upper": np.asarray(self.upper, dtype=float),
            "integer": list(self.integer),
            "row_lower": np.asarray(self.row_lower, dtype=float),
            "row_upper": np.asarray(self.row_upper, dtype=float),
            "starts": np.asarray(self.starts, dtype=np.int32),
            "index": np.asarray(self.index, dtype=np.int32),
            "value": np.asarray(self.value, dtype=float),
            "offset": self.offset,
        }
