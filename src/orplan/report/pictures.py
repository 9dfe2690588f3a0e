"""Draw one picture of a plan in a worker process (see :func:`orplan.outputs.write_outputs`).

Kept apart from ``orplan.outputs`` so that a spawned worker imports only the drawing code and
the data models, not the solver, the workbook writer or the HTML templates.
"""

from __future__ import annotations

from orplan.plan.model import Plan
from orplan.report.gantt import save_gantt
from orplan.report.occupancy import save_occupancy
from orplan.scenario.model import Scenario

__all__ = ["draw"]


def draw(kind: str, scenario_json: str, plan_json: str, path: str) -> bool:
    """Draw ``gantt`` or ``occupancy`` of the plan into ``path``.

    Parameters
    ----------
    kind
        ``"gantt"`` or ``"occupancy"``.
    scenario_json, plan_json
        The scenario and plan as JSON text (not pickled objects), validated again here.
    path
        The PNG file to write.

    Returns
    -------
    bool
        Whether a file was written (the occupancy plot is skipped without beds or PACU).
    """
    scenario = Scenario.model_validate_json(scenario_json)
    plan = Plan.model_validate_json(plan_json)
    if kind == "gantt":
        save_gantt(scenario, plan, path)
        return True
    return save_occupancy(scenario, plan, path)
