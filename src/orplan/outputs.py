"""Write a solved plan's files into an output folder (only after the checker passed)."""

from __future__ import annotations

from pathlib import Path

from orplan.excel import export_plan_xlsx
from orplan.plan.io import save_plan, save_plan_csv, write_json
from orplan.report.gantt import save_gantt
from orplan.report.html import write_report
from orplan.report.occupancy import save_occupancy
from orplan.scenario.model import Scenario
from orplan.solver.solve import Result


def write_outputs(scenario: Scenario, result: Result, out: str | Path) -> list[Path]:
    """Write the plan files into ``out``.

    ``plan.json`` (the record), ``plan.csv``, ``kpis.json``, ``gantt.png``, ``report.html``
    (self-contained planner report) and ``plan.xlsx`` (one sheet per day).

    Parameters
    ----------
    scenario
        The scenario that was solved.
    result
        A result with a checked plan.
    out
        Output folder (created if missing).

    Returns
    -------
    list of Path
        The files written.
    """
    if result.plan is None or result.check is None or not result.check.ok:
        raise ValueError("only a checked plan can be written")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    plan = result.plan
    paths = [
        folder / "plan.json",
        folder / "plan.csv",
        folder / "kpis.json",
        folder / "gantt.png",
        folder / "report.html",
        folder / "plan.xlsx",
    ]
    save_plan(plan, paths[0])
    save_plan_csv(plan, paths[1])
    run = plan.run.model_dump(mode="json") if plan.run else {}
    write_json(
        paths[2],
        {
            "scenario": scenario.name,
            "status": result.status,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "bound_source": result.bound_source,
            "unavoidable": result.unavoidable,
            "kpis": result.check.kpis.model_dump(mode="json"),
            "cost": result.check.cost.model_dump(mode="json"),
            "run": run,
        },
    )
    save_gantt(scenario, plan, paths[3])
    write_report(scenario, plan, paths[4], result.check)
    export_plan_xlsx(scenario, plan, result.check, paths[5])
    if save_occupancy(scenario, plan, folder / "occupancy.png"):
        paths.append(folder / "occupancy.png")
    return paths
