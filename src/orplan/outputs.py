"""Write a solved plan's files into an output folder (only after the checker passed).

The two pictures (``gantt.png``, ``occupancy.png``) are drawn in a forked child process while
this one writes the report and the workbook: a fork shares the loaded scenario, plan and
modules, so nothing is imported, read or pickled again (spawned workers, which did all
that, lost to writing in-process; see benchmarks/README.md, issue 17 item 4). Where fork is
not available, or the child fails, the pictures are drawn here, one after the other.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from orplan.excel import export_plan_xlsx
from orplan.plan.io import save_plan, save_plan_csv, write_json
from orplan.report.html import write_report
from orplan.scenario.model import Scenario
from orplan.solver.solve import Result

#: Exit codes of the picture process: both pictures written, or the Gantt only.
_BOTH, _GANTT_ONLY = 0, 3
#: Seconds to wait for the picture process before drawing here instead (a hospital month
#: takes a few; a child stuck on a lock inherited through the fork must not hang the CLI).
PICTURE_TIMEOUT = 300.0


def _draw_pictures(scenario: Scenario, result: Result, folder: Path) -> int:
    """Write ``gantt.png`` and, when relevant, ``occupancy.png``; return an exit code.

    Matplotlib is imported here, not with this module: ``orplan solve`` then imports it
    in the picture process, alongside the report, not before the solve (about 0.7 s).
    """
    from orplan.report.gantt import save_gantt
    from orplan.report.occupancy import save_occupancy

    assert result.plan is not None
    save_gantt(scenario, result.plan, folder / "gantt.png")
    written = save_occupancy(scenario, result.plan, folder / "occupancy.png")
    return _BOTH if written else _GANTT_ONLY


def _picture_child(scenario: Scenario, result: Result, folder: Path) -> None:
    sys.exit(_draw_pictures(scenario, result, folder))


def _start_pictures(
    scenario: Scenario, result: Result, folder: Path
) -> multiprocessing.process.BaseProcess | None:
    """Start drawing the pictures in a forked process; None where fork is not available."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    # Buffered text would otherwise be written twice: once by each process.
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    child = context.Process(
        target=_picture_child, args=(scenario, result, folder), name="orplan-pictures"
    )
    try:
        child.start()
    except OSError:
        return None
    return child


def write_outputs(
    scenario: Scenario, result: Result, out: str | Path, *, parallel: bool = True
) -> list[Path]:
    """Write the plan files into ``out``.

    ``plan.json`` (the record), ``plan.csv``, ``kpis.json``, ``gantt.png``, ``report.html``
    (self-contained planner report), ``plan.xlsx`` (one sheet per day) and, when the
    scenario has recovery units or beds, ``occupancy.png``.

    Parameters
    ----------
    scenario
        The scenario that was solved.
    result
        A result with a checked plan.
    out
        Output folder (created if missing).
    parallel
        Draw the pictures in a forked process while the other files are written (where
        the platform can fork). The files are the same either way.

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
    child = _start_pictures(scenario, result, folder) if parallel else None
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
    write_report(scenario, plan, paths[4], result.check)
    export_plan_xlsx(scenario, plan, result.check, paths[5])
    code = None
    if child is not None:
        child.join(PICTURE_TIMEOUT)
        if child.is_alive():
            child.kill()
            child.join()
        code = child.exitcode
    if code not in (_BOTH, _GANTT_ONLY):
        code = _draw_pictures(scenario, result, folder)  # no fork, or the child failed
    if code == _BOTH:
        paths.append(folder / "occupancy.png")
    return paths
