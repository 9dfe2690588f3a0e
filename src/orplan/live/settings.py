"""What a replan is asked for and what its levels reached (no dependencies: shared by the
replanning modules and ``orplan book``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orplan.plan.model import CaseAssignment, PlanStatus
from orplan.scenario.model import Scenario

__all__ = ["LEVELS", "LevelOutcome", "ReplanSettings"]

LEVELS = (
    "emergency_minutes_late",
    "mandatory_cancelled",
    "cancelled",
    "moved_day",
    "moved_theatre",
    "moved_time",
    "emergency_wait_minutes",
    "overtime_minutes",
    "cost",
)
"""The replanning objective's levels, most important first (recorded in ``plan.live``)."""


@dataclass(frozen=True)
class ReplanSettings:
    """How to re-plan.

    Parameters
    ----------
    time_limit
        Wall-clock seconds for the search, all levels together.
    workers
        CP-SAT worker threads.
    seed
        Random seed.
    days
        The window: cases planned on ``now``'s date and the next ``days - 1`` dates may move
        within it; cases planned later keep their slots (unless a rule forces them out).
    tolerance
        Minutes a case may start earlier or later than published without counting as moved.
    fill
        Also fit waiting-list cases (unscheduled in the published plan) into the window.
        Off by default: on the day a patient cannot be called in at short notice.
    deterministic_time
        Optional CP-SAT deterministic-time budget (with ``workers=1`` a run repeats exactly).
    """

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    days: int = 2
    tolerance: int = 15
    fill: bool = False
    deterministic_time: float | None = None


@dataclass
class LevelOutcome:
    """What the staged search found."""

    status: PlanStatus
    entries: list[CaseAssignment]
    levels: dict[str, float] = field(default_factory=dict)
    proven: dict[str, bool] = field(default_factory=dict)
    model_cost: float | None = None
    explanation: list[str] = field(default_factory=list)
    scenario: Scenario | None = None
    notes: list[str] = field(default_factory=list)
