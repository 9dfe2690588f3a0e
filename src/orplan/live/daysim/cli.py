"""``orplan simulate-day``: sampled days with emergencies under two policies, side by side."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from orplan.errors import ScenarioError

EXAMPLES = """examples:
  orplan simulate-day scenarios/demo.yaml out/demo/plan.json --arrivals arrivals.yaml \\
      --samples 10 --seed 1
  orplan simulate-day scenarios/pilot-week.yaml out/week/plan.json --arrivals arrivals.yaml \\
      --dates 2027-03-02 --samples 5 --out out/day --setups ULL-OP19

The arrivals file (orplan-arrivals/1) gives a Poisson rate per specialty and hour of day,
emergency durations (mean, sd) and urgency classes (max_wait, share). 'first-fit' runs the
plan and lets emergencies break in at the next free moment; 'replan' calls orplan replan at
each emergency and each case ending more than --threshold minutes late."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-01") from None


def _policies(text: str) -> tuple[str, ...]:
    from orplan.live.daysim.sim import ALL_POLICIES

    names = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in names if p not in ALL_POLICIES]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"policies are {', '.join(ALL_POLICIES)} (got {text!r})")
    return names


def cmd_simulate_day(args: argparse.Namespace) -> int:
    """Simulate sampled days under each policy and print the side-by-side table."""
    import pandas as pd

    from orplan.live import ReplanSettings, parent_problems
    from orplan.live.daysim import load_arrivals, simulate_day
    from orplan.live.daysim.setups import compare_setups
    from orplan.plan.io import load_plan
    from orplan.scenario import load_scenario

    if args.samples < 1:
        raise ScenarioError("--samples", ["must be at least 1"])
    if args.seed < 0:
        raise ScenarioError("--seed", ["must be 0 or more"])
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    arrivals = load_arrivals(args.arrivals)
    problems = parent_problems(scenario, plan)
    if problems:
        raise ScenarioError(str(args.plan), problems)
    horizon = scenario.horizon
    for d in args.dates or []:
        if not 0 <= horizon.day_index(d) < horizon.days:
            raise ScenarioError("--dates", [f"{d} is outside the horizon of {args.scenario}"])
    if args.setups is not None and args.setups not in {t.id for t in scenario.theatres}:
        raise ScenarioError("--setups", [f"unknown theatre {args.setups!r}"])
    settings = ReplanSettings(
        time_limit=args.time_limit,
        workers=1,
        days=1,
        deterministic_time=args.deterministic_time,
    )
    table = simulate_day(
        scenario, plan, arrivals, args.policies, args.samples, args.seed,
        dates=args.dates, spread=args.spread, settings=settings, threshold=args.threshold,
    )  # fmt: skip
    with pd.option_context("display.width", 160, "display.precision", 1):
        print(table.T.to_string())
    setups = None
    if args.setups is not None:
        setups = compare_setups(
            scenario, arrivals, args.setups, args.samples, args.seed,
            dates=args.dates, spread=args.spread,
        )  # fmt: skip
        with pd.option_context("display.width", 160, "display.precision", 1):
            print("\nEmergency set-ups (first fit):")
            print(setups.T.to_string())
    if args.out is not None:
        _write(args.out, table, setups)
    return 0


def _write(out: Path, table: Any, setups: Any) -> None:
    import pandas as pd

    from orplan.live.daysim.sim import SampleOutcome

    if out.exists() and not out.is_dir():
        raise ScenarioError(str(out), ["--out: exists and is not a folder"])
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "policies.csv")
    outcomes: list[SampleOutcome] = table.attrs.get("outcomes", [])
    rows = [
        {
            "policy": o.policy,
            "sample": o.sample,
            "emergencies": o.emergencies,
            "unserved": o.unserved,
            "wait_mean": sum(o.waits) / len(o.waits) if o.waits else None,
            "cancelled": o.cancelled,
            "overtime": round(o.overtime, 1),
            "moved": o.moved,
            "replans": o.replans,
            "replan_failed": o.failures,
        }
        for o in outcomes
    ]
    pd.DataFrame(rows).to_csv(out / "samples.csv", index=False)
    if setups is not None:
        setups.to_csv(out / "setups.csv")
    print(f"wrote {out / 'policies.csv'}, {out / 'samples.csv'}", file=sys.stderr)


def add_simulate_day_parser(sub: Any) -> None:
    """Register ``orplan simulate-day`` on the main parser's subcommands."""
    p = sub.add_parser(
        "simulate-day",
        help="simulate days with emergencies: run as planned (first fit) vs replan",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", type=Path, help="scenario the plan was made for")
    p.add_argument("plan", type=Path, help="the published plan.json")
    p.add_argument("--arrivals", type=Path, required=True, help="arrivals file (.yaml/.json)")
    p.add_argument("--samples", type=int, default=10, help="sampled days (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--dates", type=_date, nargs="+", default=None,
                   help="dates to play (default: the whole horizon)")  # fmt: skip
    p.add_argument("--policies", type=_policies, default=("first-fit", "replan"),
                   help="comma-separated: first-fit,replan,replan-asap (default "
                        "first-fit,replan)")  # fmt: skip
    p.add_argument("--spread", type=float, default=1.0,
                   help="factor on each case's duration spread (0: as planned; "
                        "default 1)")  # fmt: skip
    p.add_argument("--threshold", type=float, default=15.0,
                   help="a case ending this many minutes late triggers a replan "
                        "(default 15)")  # fmt: skip
    p.add_argument("--deterministic-time", type=float, default=1.0,
                   help="CP-SAT deterministic time per replan (default 1; one worker)")  # fmt: skip
    p.add_argument("--time-limit", type=float, default=30.0,
                   help="wall-clock cap per replan, seconds (default 30)")  # fmt: skip
    p.add_argument("--setups", metavar="THEATRE", default=None,
                   help="also compare a dedicated emergency theatre THEATRE with the same "
                        "minutes spread over the other theatres (Wullink et al. 2007)")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, help="folder for policies.csv, samples.csv")
    p.set_defaults(func=cmd_simulate_day)
