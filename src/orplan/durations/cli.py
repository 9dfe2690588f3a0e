"""``orplan durations fit HISTORY.csv --out MODEL.json``: fit a duration model.

The main ``orplan`` command adds this sub-command with :func:`add_durations_parser`; the
parser sets ``func`` so the main program calls ``args.func(args)`` and exits with its return
value. An unreadable history raises :class:`orplan.errors.ScenarioError` (exit 2).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan.errors import ScenarioError

if TYPE_CHECKING:  # imported where used: the fitting needs pandas, slow to load
    from orplan.durations.model import DurationModel

__all__ = ["add_durations_parser", "format_fit", "main", "run_fit"]

EXAMPLES = """examples:
  orplan durations fit data/history/synthetic-history.csv --out out/durations.json
  orplan durations fit history.csv --out model.json --prior-count 10 --surgeons
  orplan durations fit /path/2022_Q1_OR_Utilization.csv --out u22.json \\
      --procedure-col "CPT Description" --surgeon-col "" --start-col "Start Time" \\
      --end-col "End Time\""""


def add_durations_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``durations`` command (sub-command ``fit``) to an argparse collection.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``durations`` parser; its ``fit`` sub-parser sets ``func`` to :func:`run_fit`.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "durations",
        help="fit lognormal case-duration models from a theatre history",
        description="Duration models for simulation and robust planning.",
    )
    sub = parser.add_subparsers(dest="durations_command", required=True)
    fit: argparse.ArgumentParser = sub.add_parser(
        "fit",
        help="fit a lognormal model per procedure and surgeon",
        description="Fit lognormal durations per procedure, and per procedure + surgeon with "
        "empirical-Bayes shrinkage toward the procedure for surgeons with few cases. The "
        "history is a CSV with one row per case: procedure, surgeon, actual_minutes.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("history", type=Path, help="history CSV, one row per operated case")
    fit.add_argument("--out", type=Path, required=True, help="model file to write (.json)")
    fit.add_argument(
        "--prior-count",
        type=float,
        default=None,
        metavar="K",
        help="fixed shrinkage weight k in pseudo-cases (default: estimated per procedure)",
    )
    fit.add_argument(
        "--variance-prior-count",
        type=float,
        default=10.0,
        metavar="NU",
        help="pseudo-degrees of freedom for shrinking surgeon spreads (default 10)",
    )
    fit.add_argument("--procedure-col", default="procedure", help="procedure column")
    fit.add_argument("--surgeon-col", default="surgeon", help="surgeon column ('' for none)")
    fit.add_argument("--minutes-col", default="actual_minutes", help="actual minutes column")
    fit.add_argument("--start-col", default=None, help="start timestamp column (with --end-col)")
    fit.add_argument("--end-col", default=None, help="end timestamp column (with --start-col)")
    fit.add_argument("--surgeons", action="store_true", help="also print surgeon rows")
    fit.add_argument("--json", action="store_true", help="print the fit report as JSON")
    fit.set_defaults(func=run_fit)
    return parser


def _num(value: float | None, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value)


def format_fit(model: DurationModel, *, surgeons: bool = False) -> str:
    """Return the fit report as a text table.

    Parameters
    ----------
    model
        A fitted model.
    surgeons
        Add one indented row per surgeon (n, raw and shrunk median, weight).

    Returns
    -------
    str
    """
    head = (
        f"{'procedure':<42} {'n':>5} {'median':>7} {'mean':>7} {'sd':>6} {'sigma':>6} "
        f"{'KS':>6} {'KS5%':>6} {'fit':>4} {'loglik':>9} {'surg':>4} {'k':>7}"
    )
    lines = [head]
    for row in model.fit:
        verdict = (
            "-"
            if row.ks is None or row.ks_crit is None
            else ("ok" if row.ks <= row.ks_crit else "poor")
        )
        lines.append(
            f"{row.procedure[:42]:<42} {row.n:>5} {row.median:>7.1f} {row.mean:>7.1f} "
            f"{row.sd:>6.1f} {row.sigma:>6.3f} {_num(row.ks, '{:.3f}'):>6} "
            f"{_num(row.ks_crit, '{:.3f}'):>6} {verdict:>4} {_num(row.loglik, '{:.1f}'):>9} "
            f"{row.surgeons:>4} {_num(row.prior_count if row.surgeons > 1 else None, '{:.1f}'):>7}"
        )
        if surgeons:
            for sid, p in model.procedures[row.procedure].surgeons.items():
                raw = math.exp(p.mu_raw)
                lines.append(
                    f"  {sid[:30]:<30} n={p.n:<4} own median {raw:7.1f} -> shrunk "
                    f"{p.median:7.1f}  weight {p.weight:.2f}  sigma {p.sigma:.3f}"
                )
    lines.append(
        f"{model.rows_used} cases used, {model.rows_dropped} rows dropped; KS5% = Lilliefors "
        "critical value 0.886/sqrt(n); k = shrinkage weight in pseudo-cases"
    )
    return "\n".join(lines)


def run_fit(args: argparse.Namespace) -> int:
    """Run ``orplan durations fit``; return the exit code.

    Raises
    ------
    orplan.errors.ScenarioError
        Unreadable history, missing columns or no usable row.
    """
    from orplan.durations.fit import fit, read_history
    from orplan.files import check_output_file

    if (args.start_col is None) != (args.end_col is None):
        raise ScenarioError(str(args.history), ["give both --start-col and --end-col, or none"])
    check_output_file(args.out)
    history = read_history(
        args.history,
        procedure=args.procedure_col,
        surgeon=args.surgeon_col or None,
        minutes=args.minutes_col,
        start=args.start_col,
        end=args.end_col,
    )
    try:
        model = fit(
            history,
            prior_count=args.prior_count,
            variance_prior_count=args.variance_prior_count,
        )
    except ValueError as exc:
        raise ScenarioError(str(args.history), [str(exc)]) from None
    model.save(args.out)
    if args.json:
        print(
            json.dumps(
                {
                    "model": str(args.out),
                    "rows_used": model.rows_used,
                    "rows_dropped": model.rows_dropped,
                    "fit": [r.model_dump(mode="json") for r in model.fit],
                }
            )
        )
    else:
        print(format_fit(model, surgeons=args.surgeons))
        print(f"wrote {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``orplan durations`` on its own (``python -m orplan.durations.cli``): the exit code."""
    from orplan.cli import main as orplan_main

    return orplan_main(["durations", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
