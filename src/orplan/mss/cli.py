"""``orplan mss INPUT --out DIR``: plan a master surgery schedule (cyclic block plan).

Exit codes: 0 an MSS was written; 1 none exists (the reasons are printed) or none was found
in time; 2 bad input or option (one line naming the file and field, nothing written); 3 the
independent checker rejected the solver's MSS (nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

EXAMPLES = """examples:
  orplan mss scenarios/mss/example.yaml --out out/mss
  orplan mss scenarios/mss/pilot-baseline.yaml --out out/mss-pilot --simulate-weeks 10000
  orplan mss scenarios/pilot-week.yaml --out out/mss-4w --weeks 4 --time-limit 60
  orplan mss scenarios/mss/example.yaml --out out/mss --sessions-for 28 --horizon-start 2027-03-01
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_mss_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``mss`` command to the ``orplan`` subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "mss",
        help="plan a master surgery schedule with levelled ward and ICU beds",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", type=Path,
                   help="MSS input (.yaml/.json), or a scenario whose sessions become the "
                        "baseline")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--weeks", type=int, choices=[1, 2, 3, 4], default=None,
                   help="cycle length in weeks (default: the input's cycle_weeks)")  # fmt: skip
    p.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    p.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--formulation", choices=["count", "theatre"], default="count",
                   help="count: blocks per theatre class, theatres recovered (default); "
                   "theatre: one variable per theatre block (to compare)")  # fmt: skip
    p.add_argument("--baseline-from", type=Path, default=None, metavar="SCENARIO",
                   help="compare with the block pattern of this scenario's sessions")  # fmt: skip
    p.add_argument("--simulate-weeks", type=int, default=1000,
                   help="weeks simulated to compare with the baseline (default 1000; 0 = "
                        "none)")  # fmt: skip
    p.add_argument(
        "--sessions-for",
        type=int,
        default=None,
        metavar="DAYS",
        help="also write sessions.yaml: the MSS's sessions for DAYS days",
    )
    p.add_argument("--horizon-start", type=_date, default=None, metavar="DATE",
                   help="first date of --sessions-for (YYYY-MM-DD)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=cmd_mss)
    return p


def cmd_mss(args: argparse.Namespace) -> int:
    """Run ``orplan mss``."""
    import yaml

    from orplan.errors import OutputPathError
    from orplan.files import atomic_write_text, check_output_folder
    from orplan.mss.api import baseline_plan, compare, load_mss_input, plan_mss, with_baseline_from
    from orplan.mss.derive import sessions_for
    from orplan.mss.outputs import write_outputs
    from orplan.mss.solve import MssSettings

    if args.sessions_for is not None and (args.horizon_start is None or args.sessions_for < 1):
        raise OutputPathError("--sessions-for", args.sessions_for,
                              "needs a positive number of days and --horizon-start")  # fmt: skip
    check_output_folder(args.out)
    inp = load_mss_input(args.input, args.weeks)
    if args.baseline_from is not None:
        inp = with_baseline_from(inp, args.baseline_from)
    settings = MssSettings(time_limit=args.time_limit, workers=args.workers, seed=args.seed,
                           formulation=args.formulation)  # fmt: skip
    plan = plan_mss(inp, settings)
    if plan.status not in ("optimal", "feasible"):
        if args.json:
            print(json.dumps({"status": plan.status, "explanation": plan.explanation}))
        else:
            print(f"orplan: error: no MSS: {plan.status}", file=sys.stderr)
            for line in plan.explanation:
                print(f"  - {line}", file=sys.stderr)
        return 1
    baseline = baseline_plan(inp)
    comparison = None
    if baseline is not None and args.simulate_weeks > 0:
        comparison = compare(inp, baseline.blocks, plan.blocks, args.simulate_weeks, args.seed)
    sessions = None
    if args.sessions_for is not None:
        plan.horizon_start = args.horizon_start
        sessions = sessions_for(inp, plan, args.horizon_start, args.sessions_for)
    paths = write_outputs(inp, plan, args.out, baseline=baseline, comparison=comparison,
                          sessions=sessions)  # fmt: skip
    # The input as used (derived, cycle changed): rerunning it repeats the run.
    used = inp.model_dump(mode="json", exclude_defaults=True)
    atomic_write_text(args.out / "mss-input.yaml", yaml.safe_dump(used, sort_keys=False))
    paths.append(args.out / "mss-input.yaml")
    _report(args, plan, baseline, comparison, paths)
    return 0


def _report(args: argparse.Namespace, plan: Any, baseline: Any, comparison: Any,
            paths: list[Path]) -> None:  # fmt: skip
    if args.json:
        print(json.dumps({
            "status": plan.status, "objective": plan.objective, "bound": plan.bound,
            "expected_peak_ward": plan.expected_peak_ward,
            "expected_peak_icu": plan.expected_peak_icu,
            "wall_time": plan.run.wall_time if plan.run else None,
            "comparison": None if comparison is None else {
                "baseline": comparison["baseline"], "mss": comparison["mss"]},
            "files": [str(p) for p in paths],
        }))  # fmt: skip
        return
    if args.quiet:
        return
    run = plan.run
    print(f"MSS {plan.status} in {run.wall_time:.1f} s: {len(plan.blocks)} blocks, expected "
          f"peak ward {plan.expected_peak_ward:.2f} beds, ICU {plan.expected_peak_icu:.2f} "
          f"(weighted objective {plan.objective}, bound {plan.bound})")  # fmt: skip
    if baseline is not None:
        print(f"baseline: expected peak ward {baseline.expected_peak_ward:.2f}, ICU "
              f"{baseline.expected_peak_icu:.2f}")  # fmt: skip
    if comparison is not None:
        print(f"simulated {comparison['weeks']} weeks (seed {comparison['seed']}):")
        for label, a, b in comparison["rows"]:
            print(f"  {label:<36} {a:>10g} -> {b:g}")
    print("checked by the independent MSS checker: all hard rules hold")
    print(f"wrote {', '.join(str(p) for p in paths)}")
