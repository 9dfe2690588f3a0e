"""Benchmark: how long ``orplan book`` takes on a pilot week (not a test).

Usage (from the repository root)::

    .venv/bin/python benchmarks/day_of_surgery/bench_book.py [--cases 10] [--repeat 3]
        [--plan PLAN.json | --solve-limit 60] [--cli-cases 3] [--update-readme]

The plan is ``--plan`` (made for ``scenarios/pilot-week.yaml``), else CP-SAT's with
``--solve-limit`` seconds, else the planner's rule plan (``rule_result``: quick, and its
waiting list is long). The first ``--cases`` waiting-list cases (unscheduled in the plan)
are booked with the Python API, each ``--repeat`` times, with and without the search for
slots that need other cases to move; then ``--cli-cases`` of them with ``orplan book``
(``--repeat`` times each), whose wall time is reported beyond the median of five
``orplan --help`` (Python and import start-up).
Prints a Markdown table (p50, p95, max seconds) and, with ``--update-readme``, writes it
into ``benchmarks/day_of_surgery/README.md`` between the ``book`` markers.
Targets: API at most 0.3 s, the command at most 1 s beyond start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ortools

from orplan.live import BookSettings, book
from orplan.plan.io import load_plan, save_plan
from orplan.plan.model import Plan
from orplan.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
PILOT = REPO / "scenarios" / "pilot-week.yaml"
README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- book:begin -->", "<!-- book:end -->"


def _plan(scenario: Scenario, args: argparse.Namespace) -> tuple[Plan, str]:
    if args.plan is not None:
        return load_plan(args.plan), f"plan {args.plan}"
    if args.solve_limit:
        import orplan

        result = orplan.solve(scenario, time_limit=args.solve_limit, workers=2)
        assert result.plan is not None
        return result.plan, f"CP-SAT plan ({args.solve_limit:g} s, 2 workers)"
    from orplan.solver.solve import rule_result

    plan = rule_result(scenario).plan
    assert plan is not None
    return plan, "planner's rule plan (rule_result)"


def _quantiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def _wall(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    began = time.perf_counter()
    subprocess.run(argv, env=env, check=False, capture_output=True)
    return time.perf_counter() - began


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plan", type=Path, default=None)
    parser.add_argument("--solve-limit", type=float, default=0.0)
    parser.add_argument("--cli-cases", type=int, default=3)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    scenario = load_scenario(PILOT)
    plan, origin = _plan(scenario, args)
    waiting = sorted(e.case for e in plan.cases if not e.scheduled)[: args.cases]
    rows: list[tuple[str, list[float], str]] = []
    for label, settings in (
        ("API `book()`, free slots only", BookSettings(moves=False)),
        ("API `book()`, with moves (default settings)", BookSettings()),
    ):
        times: list[float] = []
        free = moved = 0
        for case in waiting:
            for _ in range(args.repeat):
                began = time.perf_counter()
                found = book(scenario, plan, case, settings=settings)
                times.append(time.perf_counter() - began)
            free += sum(not s.moves for s in found)
            moved += sum(bool(s.moves) for s in found)
        rows.append((label, times, f"{free} free + {moved} with moves for {len(waiting)} cases"))
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "plan.json"
        save_plan(plan, plan_path)
        python = [sys.executable, "-m", "orplan"]
        startup = statistics.median(_wall([*python, "--help"]) for _ in range(5))
        for label, extra in (("CLI `orplan book --no-moves`", ["--no-moves"]),
                             ("CLI `orplan book`", [])):  # fmt: skip
            times = [
                _wall([*python, "book", str(PILOT), str(plan_path), "--case", case, *extra])
                - startup
                for case in waiting[: args.cli_cases]
                for _ in range(args.repeat)
            ]
            rows.append((f"{label}, beyond start-up", times, f"start-up {startup:.2f} s"))
    lines = [
        f"`orplan book` on `scenarios/pilot-week.yaml` ({len(scenario.cases)} cases, "
        f"{len(scenario.sessions)} sessions), {origin}: {len(waiting)} waiting-list cases, "
        f"API {args.repeat} times each. Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load {load:.2f} at start; Python {platform.python_version()}, "
        f"OR-Tools {ortools.__version__}.",
        "",
        "| measure | runs | p50 s | p95 s | max s | found |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, times, note in rows:
        p50, p95, top = _quantiles(times)
        lines.append(f"| {label} | {len(times)} | {p50:.3f} | {p95:.3f} | {top:.3f} | {note} |")
    table = "\n".join(lines)
    print(table)
    if args.update_readme:
        text = README.read_text() if README.exists() else f"{BEGIN}\n{END}\n"
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        README.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
