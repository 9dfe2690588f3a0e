"""MSS benchmark: pilot-week baseline vs optimised MSS, and the 4-week x 20-theatre solve.

Usage (about 3 minutes on 2 cores; look at ``uptime`` first)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.mss.run [--weeks 10000] [--seed 0]

Prints Markdown rows for benchmarks/mss/README.md. Every MSS is checked by the independent
checker (:func:`orplan.mss.plan_mss` raises otherwise).
"""

from __future__ import annotations

import argparse
import os
import platform
from importlib.metadata import version
from pathlib import Path

import orplan
from orplan.mss import (
    MssInput,
    MssPlan,
    MssSettings,
    baseline_plan,
    compare,
    load_mss_input,
    plan_mss,
)
from orplan.mss.derive import sessions_for
from orplan.scenario import load_scenario, scenario_from_dict

REPO = Path(__file__).resolve().parents[2]
PILOT = REPO / "scenarios" / "mss" / "pilot-baseline.yaml"


def _pct(a: float, b: float) -> str:
    return "-" if a == 0 else f"{100 * (b - a) / a:+.1f} %"


def _num(v: float) -> str:
    return f"{v:,}" if float(v).is_integer() else f"{v:,.3f}"


def weekly_solve(inp: MssInput, plans: dict[str, MssPlan], limit: float) -> None:
    """Plan the pilot week's waiting list into each MSS's sessions; print cases done.

    Both session lists come from :func:`orplan.mss.derive.sessions_for` (30 min overtime
    allowed everywhere), so the comparison treats baseline and MSS alike.
    """
    scenario = load_scenario(REPO / "scenarios" / "pilot-week.yaml")
    data = scenario.model_dump(mode="json", exclude_none=True)
    for name, plan in plans.items():
        rows = sessions_for(inp, plan, scenario.horizon.start, scenario.horizon.days)
        data["sessions"] = [{**row, "overtime": 30} for row in rows]
        result = orplan.solve(scenario_from_dict(data), time_limit=limit, workers=2, seed=0)
        assert result.check is not None and result.plan is not None and result.plan.run
        k = result.check.kpis
        print(f"| {name} | {k.scheduled} | {k.unscheduled} | {100 * k.utilisation:.1f} % | "
              f"{k.overtime_minutes} | {result.plan.run.stopped_by} | "
              f"{os.getloadavg()[0]:.2f} |")  # fmt: skip


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--weekly-solve",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="also plan the pilot waiting list into both MSSs (0 = skip)",
    )
    parser.add_argument("--formulation", choices=["count", "theatre"], default="count")
    parser.add_argument(
        "--four-only",
        action="store_true",
        help="only the 4-week x 20-theatre solve (no 1-week MSS, no simulation)",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"orplan {orplan.__version__}, OR-Tools {version('ortools')}, Python "
          f"{platform.python_version()}, load at start {load:.2f}")  # fmt: skip

    settings = MssSettings(time_limit=args.time_limit, workers=2, seed=args.seed,
                           formulation=args.formulation)  # fmt: skip
    if not args.four_only:
        one_week(args, settings)
    four_weeks(args, settings)


def one_week(args: argparse.Namespace, settings: MssSettings) -> None:
    """The 1-week MSS of the pilot week against its baseline, simulated."""
    inp = load_mss_input(PILOT)
    plan = plan_mss(inp, settings)
    base = baseline_plan(inp)
    assert base is not None and plan.run is not None
    print(f"\n1-week cycle: {plan.status} in {plan.run.wall_time:.1f} s, objective "
          f"{plan.objective:.2f}, bound {plan.bound:.2f}")  # fmt: skip
    print(f"expected peak ward {base.expected_peak_ward:.2f} -> {plan.expected_peak_ward:.2f}, "
          f"ICU {base.expected_peak_icu:.2f} -> {plan.expected_peak_icu:.2f}")  # fmt: skip
    top = [max(d.ward_p90 for d in p.bed_curve) for p in (base, plan)]
    print(f"highest p90 of a day's ward beds (exact): {top[0]} -> {top[1]} "
          f"({_pct(top[0], top[1])})")  # fmt: skip
    cmp = compare(inp, base.blocks, plan.blocks, args.weeks, args.seed)
    print(f"\n| figure ({cmp['weeks']:,} simulated weeks, seed {args.seed}) | baseline | MSS "
          "| change |\n|---|---|---|---|")  # fmt: skip
    for label, a, b in cmp["rows"]:
        print(f"| {label} | {_num(a)} | {_num(b)} | {_pct(a, b)} |")
    print(f"\nload after the comparison {os.getloadavg()[0]:.2f}")

    if args.weekly_solve > 0:
        print("\n| sessions from | cases done | not planned | utilisation | overtime min "
              "| stopped by | load |\n|---|---|---|---|---|---|---|")  # fmt: skip
        weekly_solve(inp, {"baseline MSS": base, "optimised MSS": plan}, args.weekly_solve)


def four_weeks(args: argparse.Namespace, settings: MssSettings) -> None:
    """The 4-week cycle of the 20 pilot theatres: status, time, objective, bound, gap."""
    four = load_mss_input(PILOT, cycle_weeks=4)
    plan4 = plan_mss(four, settings)
    assert plan4.run is not None and plan4.objective is not None and plan4.bound is not None
    gap = (plan4.objective - plan4.bound) / max(plan4.objective, 1e-9)
    print(f"\n4-week cycle, 20 theatres: {plan4.status} in {plan4.run.wall_time:.1f} s "
          f"(limit {args.time_limit:g} s), objective {plan4.objective:.2f}, bound "
          f"{plan4.bound:.2f}, gap {100 * gap:.2f} %, expected peak ward "
          f"{plan4.expected_peak_ward:.2f}, ICU {plan4.expected_peak_icu:.2f}; "
          f"{settings.formulation} formulation; load {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
