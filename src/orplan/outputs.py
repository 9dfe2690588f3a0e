"""Write a solved plan's files into an output folder (only after the checker passed)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from orplan.excel import export_plan_xlsx
from orplan.plan.io import save_plan, save_plan_csv, write_json
from orplan.report.gantt import save_gantt
from orplan.report.html import write_report
from orplan.report.occupancy import save_occupancy
from orplan.report.pictures import draw
from orplan.scenario.model import Scenario
from orplan.solver.solve import Result

PARALLEL_FROM = 300
"""Scheduled cases from which the pictures are drawn in worker processes while the report
and workbook are written: below it, starting a worker (about a second) costs more than the
drawing it takes over."""

MIN_CPUS = 4
"""CPUs this process may use from which the worker processes are used at all. On the 2-core
test machine the two workers (each importing matplotlib and reading the plan again) made a
hospital month's outputs slower, 37-38 s against 31 s in-process (benchmarks/README.md)."""


def _parallel(scheduled: int) -> bool:
    """Whether to draw the pictures in worker processes."""
    return scheduled >= PARALLEL_FROM and len(os.sched_getaffinity(0)) >= MIN_CPUS


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
    gantt, occupancy = paths[3], folder / "occupancy.png"
    if not _parallel(len(plan.scheduled())):
        save_gantt(scenario, plan, gantt)
        write_report(scenario, plan, paths[4], result.check)
        export_plan_xlsx(scenario, plan, result.check, paths[5])
        drew_occupancy = save_occupancy(scenario, plan, occupancy)
    else:
        # The pictures take most of the time on a large plan: draw them in two worker
        # processes while this one writes the report and the workbook. "spawn", not fork:
        # the solver's threads may still be alive in this process.
        scenario_json, plan_json = scenario.model_dump_json(), plan.model_dump_json()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            drawn: list[Future[bool]] = [
                pool.submit(draw, kind, scenario_json, plan_json, str(path))
                for kind, path in (("gantt", gantt), ("occupancy", occupancy))
            ]
            write_report(scenario, plan, paths[4], result.check)
            export_plan_xlsx(scenario, plan, result.check, paths[5])
            try:
                drawn[0].result()
                drew_occupancy = drawn[1].result()
            except BrokenProcessPool:
                # A worker could not start (e.g. a calling script without a __main__
                # guard, which "spawn" re-runs): draw here instead; errors of the
                # drawing itself are raised as they are.
                save_gantt(scenario, plan, gantt)
                drew_occupancy = save_occupancy(scenario, plan, occupancy)
    if drew_occupancy:
        paths.append(occupancy)
    return paths
