"""``orplan simulate SCENARIO PLAN [PLAN ...]``: Monte-Carlo comparison of plans.

The main ``orplan`` command adds this sub-command with :func:`add_simulate_parser`; the
parser sets ``func`` so the main program calls ``args.func(args)`` and exits with its return
value. Unreadable or mismatched files raise :class:`orplan.errors.ScenarioError` (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan.errors import ScenarioError

if TYPE_CHECKING:  # imported where used: numpy and pandas are slow to load
    from orplan.simulate.result import Sequencing, SimulationResult

__all__ = ["ROWS", "add_simulate_parser", "format_table", "main", "plan_labels", "run_simulate"]

EXAMPLES = """examples:
  orplan simulate scenarios/demo.yaml out/demo/plan.json
  orplan simulate scenarios/pilot-week.yaml out/a/plan.json out/b/plan.json --samples 20000
  orplan simulate S.yaml plan.json --sequencing both --plot out/sim.png
  orplan simulate S.yaml plan.json --model model.json --json"""

#: Rows of the side-by-side table: (label, summary key, format).
ROWS: tuple[tuple[str, str, str], ...] = (
    ("cases scheduled", "cases_scheduled", "{:.0f}"),
    ("cases done (mean)", "cases_done_mean", "{:.1f}"),
    ("cancellations (mean)", "cancellations_mean", "{:.2f}"),
    ("cancellations P90", "cancellations_p90", "{:.0f}"),
    ("overtime as planned (min)", "planned_overtime", "{:.0f}"),
    ("expected overtime (min)", "overtime_mean", "{:.1f}"),
    ("overtime P90 (min)", "overtime_p90", "{:.0f}"),
    ("overtime P95 (min)", "overtime_p95", "{:.0f}"),
    ("P(overtime), mean of sessions", "p_overtime_mean", "{:.1%}"),
    ("P(overtime), worst session", "p_overtime_max", "{:.1%}"),
    ("sessions with overtime (mean)", "sessions_with_overtime_mean", "{:.2f}"),
    ("P(past allowed overtime), mean", "p_beyond_allowed_mean", "{:.1%}"),
    ("idle minutes (mean)", "idle_mean", "{:.0f}"),
    ("utilisation (mean)", "utilisation_mean", "{:.1%}"),
    ("surgeon overrun (mean min)", "surgeon_overrun_mean", "{:.1f}"),
    ("P(any surgeon overrun)", "p_any_surgeon_overrun", "{:.1%}"),
    ("deadline breaches as planned", "planned_deadline_breaches", "{:.0f}"),
    ("deadline breaches (mean)", "deadline_breaches_mean", "{:.2f}"),
    ("deadline breaches P90", "deadline_breaches_p90", "{:.0f}"),
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def add_simulate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``simulate`` command to an argparse sub-parser collection.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser (its ``func`` default is :func:`run_simulate`).
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "simulate",
        help="Monte-Carlo simulation of plans under uncertain durations",
        description="Play each plan many times with lognormal case durations (mean = case "
        "duration, sd = duration_sd, else the model's or CV 0.3) and print expected overtime, "
        "cancellations and deadline breaches side by side. Cases start as early as possible "
        "after the first; a case whose expected end is past close + allowed overtime when it "
        "is due to start is cancelled.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenario", type=Path, help="scenario file (.yaml or .json)")
    parser.add_argument("plans", type=Path, nargs="+", metavar="PLAN", help="plan.json file(s)")
    parser.add_argument(
        "--samples", type=_positive_int, default=10_000, help="Monte-Carlo samples (default 10000)"
    )
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--sequencing",
        choices=("plan", "svf", "both"),
        default="plan",
        help="case order in a session: the plan's, smallest variance first, "
        "or both side by side (default plan)",
    )
    parser.add_argument(
        "--start",
        choices=("early", "planned"),
        default="early",
        help="early: cases after the first start as soon as possible "
        "(default); planned: never before the planned start",
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="MODEL.json",
        help="fitted duration model (orplan durations fit) for cases without duration_sd",
    )
    parser.add_argument(
        "--model-mean", action="store_true", help="take expected minutes from the model too"
    )
    parser.add_argument(
        "--no-cancel", action="store_true", help="never cancel a case (play every case to the end)"
    )
    parser.add_argument("--plot", type=Path, metavar="PNG", help="write a figure")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=run_simulate)
    return parser


def plan_labels(paths: Sequence[Path]) -> list[str]:
    """Short, distinct column labels for plan files.

    The file stem when stems are distinct, else ``parent/stem``, else the path as given.

    Parameters
    ----------
    paths
        Plan files.

    Returns
    -------
    list of str
    """
    for make in (lambda p: p.stem, lambda p: f"{p.parent.name}/{p.stem}", str):
        labels = [make(Path(p)) for p in paths]
        if len(set(labels)) == len(labels):
            return labels
    return [f"{i + 1}:{p}" for i, p in enumerate(paths)]


def format_table(labels: Sequence[str], results: Sequence[SimulationResult]) -> str:
    """Return the side-by-side text table (rows = figures, columns = plans).

    Parameters
    ----------
    labels
        Column headers.
    results
        One simulation result per column.

    Returns
    -------
    str
    """
    summaries = [r.summary() for r in results]
    cells = [[fmt.format(s[key]) for s in summaries] for _, key, fmt in ROWS]
    width0 = max(len(label) for label, _, _ in ROWS)
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(labels)]
    lines = [" " * width0 + "".join(f"  {h:>{w}}" for h, w in zip(labels, widths, strict=True))]
    for (label, _, _), row in zip(ROWS, cells, strict=True):
        lines.append(
            f"{label:<{width0}}" + "".join(f"  {c:>{w}}" for c, w in zip(row, widths, strict=True))
        )
    return "\n".join(lines)


def run_simulate(args: argparse.Namespace) -> int:
    """Run the ``simulate`` command; return the exit code.

    Raises
    ------
    orplan.errors.ScenarioError
        An unreadable scenario, plan or model file, or a plan that does not fit the scenario.
    """
    from orplan.durations.model import DurationModel
    from orplan.files import check_output_file
    from orplan.plan.io import load_plan
    from orplan.scenario import load_scenario
    from orplan.simulate.engine import simulate
    from orplan.simulate.plot import plot_simulation

    if args.plot is not None:
        check_output_file(args.plot, "--plot")
    scenario = load_scenario(args.scenario)
    plans = [(path, load_plan(path)) for path in args.plans]
    model = DurationModel.load(args.model) if args.model is not None else None
    orders: tuple[Sequencing, ...] = (
        ("plan", "svf") if args.sequencing == "both" else (args.sequencing,)
    )
    names = plan_labels(args.plans)
    labels: list[str] = []
    results: list[SimulationResult] = []
    entries: list[dict[str, Any]] = []
    for (path, plan), name in zip(plans, names, strict=True):
        for order in orders:
            try:
                result = simulate(
                    scenario,
                    plan,
                    samples=args.samples,
                    seed=args.seed,
                    model=model,
                    sequencing=order,
                    start_rule=args.start,
                    cancel=not args.no_cancel,
                    model_mean=args.model_mean,
                )
            except ValueError as exc:
                raise ScenarioError(str(path), [str(exc)]) from None
            label = f"{name} [{order}]" if len(orders) > 1 else name
            labels.append(label)
            results.append(result)
            entries.append(
                {
                    "plan": str(path),
                    "label": label,
                    "sequencing": order,
                    "summary": result.summary(),
                }
            )
    if args.plot is not None:
        plot_simulation(results, args.plot, labels)
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": str(args.scenario),
                    "samples": args.samples,
                    "seed": args.seed,
                    "start_rule": args.start,
                    "results": entries,
                    "plot": None if args.plot is None else str(args.plot),
                }
            )
        )
        return 0
    print(
        f"{scenario.name}: {args.samples:,} samples, seed {args.seed}, start rule "
        f"{args.start}, durations lognormal ("
        + ("fitted model" if model is not None else "case sd, else CV 0.3")
        + ")"
    )
    print(format_table(labels, results))
    if args.plot is not None:
        print(f"wrote {args.plot}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``orplan simulate`` on its own (``python -m orplan.simulate.cli``): the exit code."""
    from orplan.cli import main as orplan_main

    return orplan_main(["simulate", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
