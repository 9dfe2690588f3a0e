"""Benchmark: replay pilot-week days with emergencies, first fit vs orplan replan (not a test).

Usage (the README's table: all five weekdays, ``--samples 2 --setups ULL-OP20``)::

    PYTHONPATH=src .venv/bin/python benchmarks/day_of_surgery/bench_replay.py
        [--days 2027-03-02 2027-03-04] [--samples 3] [--seed 1] [--no-shows 0.03]
        [--deterministic-time 1.0] [--setups ULL-OP20] [--markdown]

Policies: first-fit, replan and replan-asap (see README.md).

The published plan is the planner's rule plan of ``scenarios/pilot-week.yaml``
(:func:`orplan.solver.solve.rule_result`: earliest deadline first, first fit; repeatable and
free of a solver's time budget). Each sampled day is played on the one-day cut of the week
(:func:`orplan.live.daysim.setups.day_scenario`): a replan with ``days=1`` never touches
other dates, and the cut is 7 times smaller. Durations are lognormal around each case's
duration (CV 0.3), emergencies from ``arrivals-pilot.yaml``, patients call off with
probability ``--no-shows``. Prints the side-by-side table, the targets of issue 15, the wall
time of one replan after one emergency on a pilot-week day (whole week and one-day cut),
and, with ``--setups``, the dedicated-vs-spread emergency theatre comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import time
from pathlib import Path

import pandas as pd

from orplan.live import PlanEvents, ReplanSettings, replan
from orplan.live.daysim import load_arrivals, simulate_day, summarise
from orplan.live.daysim.setups import compare_setups, day_scenario
from orplan.live.daysim.sim import ALL_POLICIES
from orplan.plan.model import Plan
from orplan.scenario import Scenario, load_scenario
from orplan.solver.solve import rule_result

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def one_replan(scenario: Scenario, plan: Plan, date: dt.date, settings: ReplanSettings) -> float:
    """Seconds of one replan after one gastro emergency at 10:05 on ``date``."""
    events = PlanEvents.model_validate(
        {"events": [{"kind": "emergency", "at": f"{date}T10:05", "id": "E1",
                     "specialty": "gastro", "duration": 75, "max_wait": 60}]}
    )  # fmt: skip
    t0 = time.perf_counter()
    result = replan(scenario, plan, events, dt.datetime.combine(date, dt.time(10, 5)), settings)
    seconds = time.perf_counter() - t0
    assert result.plan is not None, result.explanation
    return seconds


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table (no tabulate dependency); floats with two decimals."""
    cols = [str(c) for c in frame.columns]
    lines = ["| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for index, row in frame.iterrows():
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row]
        lines.append(f"| {index} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=dt.date.fromisoformat, nargs="+",
                        default=[dt.date(2027, 3, 2), dt.date(2027, 3, 4)])  # fmt: skip
    parser.add_argument("--samples", type=int, default=3, help="sampled days per date")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-shows", type=float, default=0.03)
    parser.add_argument("--deterministic-time", type=float, default=1.0)
    parser.add_argument("--setups", default=None, help="dedicated emergency theatre")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = parser.parse_args()

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    load = os.getloadavg()[0]
    print(f"commit {commit}, {platform.python_version()}, {os.cpu_count()} cpus, "
          f"load {load:.2f} at start")  # fmt: skip
    week = load_scenario(REPO / "scenarios" / "pilot-week.yaml")
    plan = rule_result(week).plan
    assert plan is not None
    arrivals = load_arrivals(HERE / "arrivals-pilot.yaml")
    settings = ReplanSettings(
        time_limit=30.0, workers=1, deterministic_time=args.deterministic_time, days=1
    )
    began = time.perf_counter()
    outcomes = []
    for i, date in enumerate(args.days):
        sub, sub_plan = day_scenario(week, plan, date)
        table = simulate_day(
            sub, sub_plan, arrivals, ALL_POLICIES, samples=args.samples, seed=args.seed + i,
            no_shows=args.no_shows, settings=settings,
        )  # fmt: skip
        outcomes += table.attrs["outcomes"]
        print(f"{date}: {len(sub.cases)} planned cases, {len(sub.sessions)} sessions, "
              f"{time.perf_counter() - began:.0f} s so far")  # fmt: skip
    table = summarise(outcomes)
    show = markdown(table.T) if args.markdown else table.T.to_string()
    print(show)
    records = table.to_dict(orient="index")
    a = records["first-fit"]
    for name in ("replan", "replan-asap"):
        b = records[name]
        for key, what, target in (
            ("cancelled", "elective cancellations", "target <= -30 %"),
            ("wait_p90", "p90 emergency wait (min)", "target <= -30 %"),
            ("overtime", "overtime (min)", "target: no more"),
        ):
            x, y = float(a[key]), float(b[key])
            rel = f"{100 * (y - x) / x:+.0f} %" if x else "n/a (first fit 0)"
            print(f"{name} vs first fit, {what}: {x:.1f} -> {y:.1f} ({rel}; {target})")
    date = args.days[0]
    week_s = one_replan(week, plan, date, settings)
    sub, sub_plan = day_scenario(week, plan, date)
    day_s = one_replan(sub, sub_plan, date, settings)
    print(f"one replan after one emergency at 10:05 on {date}: whole week {week_s:.1f} s, "
          f"one-day cut {day_s:.1f} s (target <= 5 s)")  # fmt: skip
    if args.setups:
        rows = []
        for i, date in enumerate(args.days):
            sub, _ = day_scenario(week, plan, date)
            rows.append(compare_setups(sub, arrivals, args.setups, args.samples, args.seed + i))
        setups = pd.concat(rows).groupby(level=0).mean()
        cols = ["planned", "emergencies", "wait_mean", "wait_p90", "within_window",
                "unserved", "cancelled", "overtime", "moved"]  # fmt: skip
        out = setups[cols].T
        print(markdown(out) if args.markdown else out.to_string())
    print(f"total {time.perf_counter() - began:.0f} s, load {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
