"""Fixtures of the MSS tests: a tiny MSS where bed levelling decides the answer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from orplan.mss import MssInput, MssSettings

#: One worker and a fixed seed: a solve repeats exactly (wall-clock limit only a backstop).
SETTINGS = MssSettings(time_limit=30.0, workers=1, seed=0)

#: One theatre open Monday-Friday, 8-h blocks. 'long' needs 2 blocks of 2 patients who stay
#: 3 days; 'day' needs 3 blocks of day cases. Two 'long' blocks 3+ days apart give a peak of
#: 2 expected ward beds; next to each other, 4.
TINY: dict[str, Any] = {
    "name": "tiny",
    "theatres": [{"id": "OR1", "hours": 8}],
    "specialties": [
        {"id": "long", "hours": 16, "cases_per_block": 2,
         "case_mix": [{"share": 1.0, "ward_days": 3}]},
        {"id": "day", "hours": 24, "cases_per_block": 4,
         "case_mix": [{"share": 1.0, "ward_days": 0}]},
    ],
    "beds": {"ward": 3, "icu": 1},
    "baseline": [
        {"theatre": "OR1", "weekday": 0, "specialty": "long"},
        {"theatre": "OR1", "weekday": 1, "specialty": "long"},
        {"theatre": "OR1", "weekday": 2, "specialty": "day"},
        {"theatre": "OR1", "weekday": 3, "specialty": "day"},
        {"theatre": "OR1", "weekday": 4, "specialty": "day"},
    ],
}  # fmt: skip


def tiny_dict() -> dict[str, Any]:
    """A fresh copy of the tiny MSS input, to edit."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny() -> MssInput:
    """The tiny MSS input."""
    return MssInput.model_validate(tiny_dict())
