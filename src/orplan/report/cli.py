"""``orplan report SCENARIO PLAN --out report.html``: the planner's HTML report of a plan.

The plan is checked with the independent checker first; an invalid plan still gets a report
(with its violations at the top) but the command then exits 1, like ``orplan check``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["EXAMPLES", "add_report_parser", "run_report"]

EXAMPLES = (
    "examples:\n"
    "  orplan report scenarios/demo.yaml out/demo/plan.json --out out/demo/report.html\n"
    "  orplan report scenarios/pilot-week.yaml out/week/plan.json --out week.html "
    "--xlsx week.xlsx"
)


def run_report(args: argparse.Namespace) -> int:
    """Check the plan and write its HTML report (and optionally the Excel workbook).

    Parameters
    ----------
    args
        Parsed arguments: ``scenario``, ``plan``, ``out``, ``xlsx``, ``near_days``,
        ``quiet``, ``json``.

    Returns
    -------
    int
        0 when the plan keeps every hard rule, 1 when it breaks one (the report is written
        either way). Unreadable or invalid input raises
        :class:`~orplan.errors.ScenarioError` (exit code 2 in ``orplan.cli.main``).
    """
    from orplan.check import check
    from orplan.errors import ScenarioError
    from orplan.files import check_output_file
    from orplan.plan.io import load_plan, scenario_as_planned
    from orplan.report.html import write_report
    from orplan.scenario import load_scenario

    if args.near_days < 0:
        raise ScenarioError("--near-days", ["must be zero or more"])
    out = Path(args.out)
    if out.is_dir():
        out = out / "report.html"
    check_output_file(out)
    if args.xlsx is not None:
        check_output_file(Path(args.xlsx), "--xlsx")
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    scenario = scenario_as_planned(scenario, plan)
    plan, scenario = _pseudonymised(plan, scenario, args)
    report = check(scenario, plan)
    paths = [write_report(scenario, plan, out, report, near_days=args.near_days)]
    if args.xlsx is not None:
        from orplan.excel import export_plan_xlsx

        paths.append(export_plan_xlsx(scenario, plan, report, args.xlsx))
    k = report.kpis
    if args.json:
        print(
            json.dumps(
                {
                    "valid": report.ok,
                    "violations": len(report.violations),
                    "cost": report.cost.total,
                    "scheduled": k.scheduled,
                    "unscheduled": k.unscheduled,
                    "files": [str(p) for p in paths],
                }
            )
        )
    elif not args.quiet:
        verdict = (
            "valid - every hard rule holds"
            if report.ok
            else f"INVALID - {len(report.violations)} violation(s), listed in the report"
        )
        print(
            f"{args.plan}: {verdict}\n"
            f"scheduled {k.scheduled}/{k.scheduled + k.unscheduled} cases, cost "
            f"{report.cost.total:,}\n"
            f"wrote {', '.join(str(p) for p in paths)}",
            file=sys.stdout,
        )
    return 0 if report.ok else 1


def _pseudonymised(plan: Any, scenario: Any, args: argparse.Namespace) -> tuple[Any, Any]:
    """The scenario with patient pseudonyms; a plan recorded as made from the original is
    recorded as made from the copy (the report would otherwise say they differ)."""
    from orplan.pseudonym import key_from_args, pseudonymise_planned

    key = key_from_args(args)
    if key is None:
        return plan, scenario
    scenario, plan = pseudonymise_planned(scenario, plan, key)
    return plan, scenario


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to ``orplan``'s sub-parsers.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser (its ``func`` default is :func:`run_report`).
    """
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of a plan",
        description="Check a plan with the independent checker and write a self-contained\n"
        "HTML report for planners: KPIs, per-day theatre and surgeon charts, sessions,\n"
        "cost breakdown, unscheduled cases with reasons and the deadline status of the\n"
        "waiting list. The file needs no network. Exit 0 when the plan is valid, 1 when\n"
        "it breaks a hard rule (the report, listing the violations, is written anyway).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .json)")
    p.add_argument("plan", type=Path, help="plan.json")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("report.html"),
        help="HTML file, or a folder to write report.html into (default report.html)",
    )
    p.add_argument("--xlsx", type=Path, default=None, help="also write the plan as Excel")
    p.add_argument(
        "--near-days",
        type=int,
        default=14,
        help="list unscheduled cases due this many days after the horizon as at risk (default 14)",
    )
    from orplan.pseudonym import add_pseudonym_options

    add_pseudonym_options(p)
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.set_defaults(func=run_report)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run ``orplan report`` on its own (``python -m orplan.report.cli``): the exit code."""
    from orplan.cli import main as orplan_main

    return orplan_main(["report", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
