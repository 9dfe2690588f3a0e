"""orplan: operating-room scheduling optimiser.

The flow, one module each: scenario (input) -> solver (CP-SAT) -> plan (output) -> check
(independent second opinion and KPIs) -> report (Gantt, files).

>>> import orplan
>>> scenario = orplan.load_scenario("scenarios/demo.yaml")  # doctest: +SKIP
>>> result = orplan.solve(scenario, time_limit=10)  # doctest: +SKIP
>>> result.plan.to_frame()  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from orplan._lazy import lazy_package
from orplan.errors import OrplanError, PlanInvalidError, ScenarioError

if TYPE_CHECKING:
    import datetime as dt

    from orplan.check import CheckReport, check
    from orplan.generate import generate
    from orplan.live.book import Suggestions
    from orplan.mss.api import mss
    from orplan.plan.io import load_plan, save_plan
    from orplan.plan.model import CaseAssignment, Plan
    from orplan.scenario import Scenario, load_scenario, save_scenario
    from orplan.scenario.model import Case
    from orplan.solver.solve import Result, SolveSettings
    from orplan.sweep import sweep

# Imported on first use (orplan._lazy): ``orplan --help`` needs none of them. ``check`` and
# ``generate`` are both a subpackage and a function; ``orplan.check(...)`` is the function.
lazy_package(
    __name__,
    {
        "CheckReport": "orplan.check",
        "check": "orplan.check",
        "generate": "orplan.generate",
        "load_plan": "orplan.plan.io",
        "save_plan": "orplan.plan.io",
        "CaseAssignment": "orplan.plan.model",
        "Plan": "orplan.plan.model",
        "Scenario": "orplan.scenario",
        "load_scenario": "orplan.scenario",
        "save_scenario": "orplan.scenario",
        "mss": "orplan.mss.api",
        "sweep": "orplan.sweep",
    },
)


def solve(
    scenario: Scenario,
    settings: SolveSettings | None = None,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    deterministic_time: float | None = None,
    progress: Any = None,
    start: Plan | None = None,
) -> Result:
    """Plan ``scenario`` with CP-SAT; the plan is verified by the independent checker.

    Keyword arguments override fields of ``settings`` (defaults: 30 s, 2 workers, seed 0);
    ``start`` is a valid plan to warm-start from. See :func:`orplan.solver.solve.solve`.
    """
    from dataclasses import replace

    from orplan.solver.solve import SolveSettings
    from orplan.solver.solve import solve as _solve

    base = settings or SolveSettings()
    overrides: dict[str, Any] = {
        k: v
        for k, v in {
            "time_limit": time_limit,
            "workers": workers,
            "seed": seed,
            "deterministic_time": deterministic_time,
        }.items()
        if v is not None
    }
    return _solve(scenario, replace(base, **overrides), progress=progress, start=start)


def replan(*args: Any, **kwargs: Any) -> Any:
    """Re-plan a published plan after the day's events: see :func:`orplan.live.replan`."""
    from orplan.live.api import replan as _replan

    return _replan(*args, **kwargs)


def book(
    scenario: Scenario,
    plan: Plan,
    case_or_id: str | Case,
    *,
    now: dt.datetime | None = None,
    top: int = 5,
) -> Suggestions:
    """The ``top`` best slots for one patient in a published plan, each checked.

    See :func:`orplan.live.book.book` (imported on first use: it loads OR-Tools).
    """
    from orplan.live.book import book as _book

    return _book(scenario, plan, case_or_id, now=now, top=top)


__all__ = [
    "CaseAssignment",
    "CheckReport",
    "OrplanError",
    "Plan",
    "PlanInvalidError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "book",
    "check",
    "generate",
    "load_plan",
    "load_scenario",
    "mss",
    "replan",
    "save_plan",
    "save_scenario",
    "solve",
    "sweep",
]
