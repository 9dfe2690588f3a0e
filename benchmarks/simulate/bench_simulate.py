"""Benchmark: seconds to simulate a pilot-week-sized plan (not a test).

Usage::

    .venv/bin/python benchmarks/simulate/bench_simulate.py [--samples 10000] [--repeat 3]
        [--solve-limit 20] [--plan PLAN.json]

Plans timed: ``--plan`` (a plan for ``scenarios/pilot-week.yaml``) if given, else that
scenario solved with a short time limit (one worker) when it exists; and always a synthetic
plan of 20 theatres x 5 days with about 400 cases packed into 08:00-15:30 sessions (the
pilot-week size). Prints one table row per setting
(sequencing, start rule) with the best of ``--repeat`` wall-clock times; the target is
at most 2 s for 10,000 samples.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario import Scenario, load_scenario, scenario_from_dict
from orplan.simulate import simulate

REPO = Path(__file__).resolve().parents[2]
PILOT = REPO / "scenarios" / "pilot-week.yaml"


def synthetic(seed: int = 0) -> tuple[Scenario, Plan]:
    """A 20-theatre, 5-day scenario with ~400 cases and a packed plan for it."""
    rng = np.random.default_rng(seed)
    start = dt.date(2027, 3, 1)
    theatres = [f"OR{t:02d}" for t in range(1, 21)]
    sessions: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    entries: list[CaseAssignment] = []
    for day in range(5):
        date = start + dt.timedelta(days=day)
        for t, theatre in enumerate(theatres):
            sid = f"{theatre}@{date.isoformat()}"
            sessions.append(
                {
                    "id": sid,
                    "theatre": theatre,
                    "date": date.isoformat(),
                    "open": "08:00",
                    "close": "15:30",
                    "overtime": 30,
                }
            )
            surgeon = f"S{day:01d}{t:02d}"
            clock = 480
            while True:
                duration = int(5 * round(float(rng.choice([35, 60, 90, 150])) / 5))
                if clock + duration > 930 or len(cases) >= 400:
                    break
                cid = f"C{len(cases) + 1:04d}"
                cases.append(
                    {
                        "id": cid,
                        "patient": f"P{cid}",
                        "procedure": "Procedure",
                        "specialty": "general",
                        "surgeon": surgeon,
                        "duration": duration,
                        "duration_sd": 0.3 * duration,
                    }
                )
                entries.append(
                    CaseAssignment(
                        case=cid,
                        scheduled=True,
                        session=sid,
                        theatre=theatre,
                        date=date,
                        start=clock,
                        end=clock + duration,
                        surgeon=surgeon,
                    )
                )
                clock += duration + 30
    surgeons = sorted({c["surgeon"] for c in cases})
    scenario = scenario_from_dict(
        {
            "name": "bench-synthetic",
            "horizon": {"start": start.isoformat(), "days": 5},
            "default_turnover": 30,
            "theatres": [{"id": t} for t in theatres],
            "sessions": sessions,
            "surgeons": [{"id": s, "specialty": "general"} for s in surgeons],
            "cases": cases,
        }
    )
    return scenario, Plan(cases=entries)


def pilot(limit: float) -> tuple[Scenario, Plan]:
    """``scenarios/pilot-week.yaml`` solved with a short limit (one worker)."""
    import orplan

    scenario = load_scenario(PILOT)
    result = orplan.solve(scenario, time_limit=limit, workers=1, seed=0)
    if result.plan is None:
        raise SystemExit(f"pilot-week: no plan in {limit} s ({result.status})")
    return scenario, result.plan


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--solve-limit", type=float, default=20.0)
    parser.add_argument("--plan", type=Path, help="use this plan for scenarios/pilot-week.yaml")
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic plan")
    args = parser.parse_args(argv)

    sources: list[tuple[str, Scenario, Plan]] = []
    if args.plan is not None:
        from orplan.plan.io import load_plan

        sources.append((str(args.plan), load_scenario(PILOT), load_plan(args.plan)))
    elif PILOT.exists() and not args.synthetic:
        scenario, plan = pilot(args.solve_limit)
        sources.append((f"pilot-week.yaml solved {args.solve_limit:g} s", scenario, plan))
    sources.append(("synthetic 20 theatres x 5 days", *synthetic()))
    print(
        f"machine: {platform.machine()}, Python {sys.version.split()[0]}, "
        f"numpy {np.__version__}; {args.samples:,} samples, best of {args.repeat} runs"
    )
    for source, scenario, plan in sources:
        used = {c.session for c in plan.scheduled()}
        print(
            f"\nplan: {source}: {len(plan.scheduled())} cases in {len(used)} used sessions "
            f"of {len(scenario.sessions)}"
        )
        print(
            f"{'sequencing':<11} {'start':<8} {'seconds':>8} {'E[overtime]':>12} "
            f"{'P(ot) mean':>10} {'cancel':>7}"
        )
        for sequencing in ("plan", "svf"):
            for start_rule in ("early", "planned"):
                best = float("inf")
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    res = simulate(
                        scenario,
                        plan,
                        samples=args.samples,
                        seed=0,
                        sequencing=sequencing,
                        start_rule=start_rule,
                    )
                    best = min(best, time.perf_counter() - t0)
                s = res.summary()
                print(
                    f"{sequencing:<11} {start_rule:<8} {best:>8.3f} "
                    f"{s['overtime_mean']:>12.1f} {s['p_overtime_mean']:>10.1%} "
                    f"{s['cancellations_mean']:>7.2f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
