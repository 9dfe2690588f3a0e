"""Benchmark: seconds to write a solved plan's output files (not a test).

Usage::

    .venv/bin/python benchmarks/outputs/bench_outputs.py SCENARIO PLAN.json [--each] [--serial]

Loads the scenario and a plan for it (e.g. ``plan.json`` of ``orplan solve``), checks the
plan, then times :func:`orplan.outputs.write_outputs` into a temporary folder (what
``orplan solve`` spends after the solver stops), with the CPU seconds of this process and
of the picture process it forks (less moved by the machine's load than the wall clock).
``--serial`` draws the pictures in-process instead; ``--each`` also times each file's writer
on its own, one after the other. Run ``uptime`` first and note the load next to the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from orplan.check import check
from orplan.plan.io import load_plan
from orplan.scenario import load_scenario
from orplan.solver.settings import Result


def main() -> None:
    """Time the outputs of one plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("plan")
    parser.add_argument("--each", action="store_true", help="also time each writer alone")
    parser.add_argument("--serial", action="store_true", help="draw the pictures in-process")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    report = check(scenario, plan)
    result = Result("FEASIBLE", plan, report.cost.total, None, None, 0.0, check=report)
    from orplan.outputs import write_outputs

    with tempfile.TemporaryDirectory() as tmp:
        began, cpu = time.perf_counter(), os.times()
        write_outputs(scenario, result, tmp, parallel=not args.serial)
        wall, done = time.perf_counter() - began, os.times()
        own = done.user + done.system - cpu.user - cpu.system
        child = done.children_user + done.children_system - cpu.children_user - cpu.children_system
        print(f"write_outputs: {wall:.1f} s (CPU {own:.1f} s here + {child:.1f} s pictures)")
    if not args.each:
        return
    from orplan.excel import export_plan_xlsx
    from orplan.report.gantt import save_gantt
    from orplan.report.html import write_report
    from orplan.report.occupancy import save_occupancy

    writers = {
        "gantt.png": lambda out: save_gantt(scenario, plan, out / "gantt.png"),
        "report.html": lambda out: write_report(scenario, plan, out / "report.html", report),
        "plan.xlsx": lambda out: export_plan_xlsx(scenario, plan, report, out / "plan.xlsx"),
        "occupancy.png": lambda out: save_occupancy(scenario, plan, out / "occupancy.png"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in writers.items():
            began = time.perf_counter()
            write(Path(tmp))
            print(f"{name}: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
