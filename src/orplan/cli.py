"""Command line: ``orplan validate | solve | check | report | schema | generate | simulate |
durations | ihtc``.

Exit codes: 0 success; 1 no valid plan (infeasible, none found in time) or, for ``check``,
rule violations; 2 bad input (unreadable or invalid file, wrong option); 3 internal error
(the checker rejected the solver's plan; nothing is written); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orplan
from orplan.errors import OrplanError, PlanInvalidError, ScenarioError

EXAMPLES = {
    "validate": "example:\n  orplan validate scenarios/demo.yaml",
    "solve": (
        "examples:\n  orplan solve scenarios/demo.yaml --out out/demo\n"
        "  orplan solve scenarios/pilot-week.yaml --out out/week --time-limit 60 --workers 2\n"
        "  orplan solve scenarios/demo.yaml --out out/demo --workers 1 --deterministic-time 20\n"
        "  orplan solve scenarios/pilot-week.yaml --out out/robust --overtime-probability 0.2"
    ),
    "check": "examples:\n  orplan check scenarios/demo.yaml out/demo/plan.json\n"
    "  orplan check out/replan/scenario.yaml out/replan/plan.json --parent out/demo/plan.json",
    "schema": "examples:\n  orplan schema > scenario.schema.json\n  orplan schema plan\n"
    "  orplan schema events > events.schema.json",
}


def _err(message: str) -> None:
    print(f"orplan: error: {message}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a scenario file."""
    from orplan.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if args.json:
        print(json.dumps({"valid": True, "scenario": scenario.name, "cases": len(scenario.cases)}))
    elif not args.quiet:
        print(
            f"{args.scenario}: valid scenario {scenario.name!r}: {len(scenario.theatres)} "
            f"theatres, {len(scenario.sessions)} sessions, {len(scenario.surgeons)} surgeons, "
            f"{len(scenario.cases)} cases over {scenario.horizon.days} days"
        )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the scenario (or plan) format."""
    from pydantic import BaseModel

    from orplan.live.events import PlanEvents
    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario
    from orplan.sweep.spec import SweepSpec

    what = "plan" if args.plan else args.what
    models: dict[str, type[BaseModel]] = {
        "scenario": Scenario,
        "plan": Plan,
        "events": PlanEvents,
        "sweep": SweepSpec,
    }
    model = models[what]
    print(json.dumps(model.model_json_schema(mode="validation"), indent=2))
    return 0


def _progress_printer(quiet: bool) -> Any:
    if quiet:
        return None

    def show(p: Any) -> None:
        gap = "   -  " if p.gap is None else f"{100 * p.gap:6.2f}%"
        bound = "-" if p.bound is None else f"{p.bound:,.0f}"
        print(
            f"  {p.elapsed:7.1f}s  plan cost {p.objective:>12,.0f}  bound {bound:>12}  gap {gap}",
            file=sys.stderr,
            flush=True,
        )

    return show


def cmd_solve(args: argparse.Namespace) -> int:
    """Solve a scenario and write the checked plan."""
    from orplan.files import check_output_folder
    from orplan.outputs import write_outputs
    from orplan.scenario import load_scenario
    from orplan.solver import SolveSettings, solve
    from orplan.solver.solve import rule_result

    # Before the solve: a bad --out found after minutes of search wastes them.
    check_output_folder(args.out)
    scenario = load_scenario(args.scenario)
    from orplan.pseudonym import apply_option

    # Before the solve, so no output (plan.json's scenario digest included) sees a raw id.
    scenario = apply_option(scenario, args)
    changed: dict[str, float | bool | None] = {}
    if args.overtime_probability is not None:
        changed["overtime_probability"] = args.overtime_probability
    if changed:
        # Same scenario (name and all) with the rules changed; plan.json records the change.
        scenario = scenario.with_rules(changed)
    settings = SolveSettings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic_time=args.deterministic_time,
        strategy=args.strategy,
    )
    if not args.quiet and args.method == "rule":
        print(
            f"Planning {scenario.name!r} with the planner's rule (earliest deadline first, "
            f"first fit): {len(scenario.cases)} cases, {len(scenario.sessions)} sessions",
            file=sys.stderr,
        )
    elif not args.quiet:
        print(
            f"Solving {scenario.name!r}: {len(scenario.cases)} cases, "
            f"{len(scenario.sessions)} sessions (limit {settings.time_limit:g} s, "
            f"{settings.workers} workers, seed {settings.seed}; Ctrl-C stops with the best "
            "plan so far)",
            file=sys.stderr,
        )
    if args.method == "rule":
        result = rule_result(scenario)
    else:
        result = solve(scenario, settings, progress=_progress_printer(args.quiet))
    if result.plan is None:
        if args.json:
            print(json.dumps({"status": result.status, "explanation": result.explanation}))
        else:
            _err(f"no plan: {result.status}")
            for line in result.explanation:
                print(f"  - {line}", file=sys.stderr)
        return 1
    if changed and result.plan.run is not None:
        result.plan.run.rules_changed = changed
    paths = write_outputs(scenario, result, args.out)
    assert result.check is not None and result.plan.run is not None
    k = result.check.kpis
    run = result.plan.run
    if args.json:
        print(
            json.dumps(
                {
                    "status": result.status,
                    "stopped_by": run.stopped_by,
                    "objective": result.objective,
                    "bound": result.bound,
                    "gap": result.gap,
                    "bound_source": result.bound_source,
                    "bound_note": result.bound_note,
                    "bounds": result.bounds,
                    "unavoidable": result.unavoidable,
                    "wall_time": run.wall_time,
                    "kpis": k.model_dump(mode="json"),
                    "files": [str(p) for p in paths],
                }
            )
        )
    elif not args.quiet:
        gap = "-" if result.gap is None else f"{100 * result.gap:.2f}%"
        bound = "-" if result.bound is None else f"{result.bound:,.0f}"
        if result.bound_source is not None:
            bound += f" ({result.bound_source})"
        if result.unavoidable is not None:
            bound += f", unavoidable {result.unavoidable:,.0f}"
        note = {
            "optimal": "proven optimal",
            "time_limit": "time limit reached: best plan found so far",
            "interrupted": "interrupted: best plan found so far",
        }.get(
            run.stopped_by,
            "planner's rule, no search" if run.strategy == "rule" else run.stopped_by,
        )
        print(
            f"{result.status} ({note}) in {run.wall_time:.1f} s: cost {result.objective:,.0f}, "
            f"bound {bound}, gap {gap}\n"
            + (f"bound note: {result.bound_note}\n" if result.bound_note else "")
            + f"scheduled {k.scheduled}/{k.scheduled + k.unscheduled} cases, utilisation "
            f"{100 * k.utilisation:.1f}%, overtime {k.overtime_minutes} min, idle "
            f"{k.idle_minutes} min, deadline breaches {k.deadline_breaches}\n"
            f"checked by the independent checker: all hard rules hold\n"
            f"wrote {', '.join(str(p) for p in paths)}"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check a plan against a scenario with the independent checker."""
    from orplan.check import check
    from orplan.plan.io import load_plan, scenario_as_planned
    from orplan.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    scenario = scenario_as_planned(scenario, plan)
    _say_rules_changed(plan, args.quiet or args.json)
    parent = load_plan(args.parent) if args.parent is not None else None
    if parent is not None and plan.live is not None:
        from orplan.plan.io import plan_digest

        if plan.live.parent_sha256 != plan_digest(parent):
            raise ScenarioError(str(args.parent), ["the plan was not made from this parent plan"])
    report = check(scenario, plan, parent=parent)
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        if report.ok:
            print(f"{args.plan}: valid - every hard rule holds")
        else:
            print(report.summary())
        if not args.quiet:
            print(f"cost: {report.cost.model_dump()}")
            print(f"kpis: {report.kpis.model_dump(mode='json')}")
    return 0 if report.ok else 1


def _say_rules_changed(plan: Any, quiet: bool) -> None:
    """Tell on stderr that the plan's recorded rule changes are applied."""
    changed = plan.run.rules_changed if plan.run is not None else None
    if changed and not quiet:
        rules = ", ".join(f"{k} = {v}" for k, v in changed.items())
        print(f"note: checked with the rules the plan was made under: {rules}", file=sys.stderr)


def _probability(text: str) -> float:
    """``--overtime-probability``: a number strictly between 0 and 0.5."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 0.5:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 0.5 (e.g. 0.2)")
    return value


def positive_int(text: str) -> int:
    """An option's whole number of at least 1 (``--workers``, ``--top``, ...)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


class _Parser(argparse.ArgumentParser):
    """Argument errors exit with code 2 and one line, like every other bad input."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        _err(message)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The ``orplan`` argument parser with all subcommands."""
    parser = _Parser(
        prog="orplan",
        description="Operating-room scheduling optimiser (CP-SAT) with an independent checker.",
        epilog="Exit codes: 0 ok, 1 no valid plan / violations, 2 bad input, 3 internal error, "
        "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"orplan {orplan.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fmt = argparse.RawDescriptionHelpFormatter

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--quiet", action="store_true", help="print nothing but errors")
        p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")

    p = sub.add_parser("validate", help="validate a scenario file", epilog=EXAMPLES["validate"],
                       formatter_class=fmt)  # fmt: skip
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .json)")
    common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("solve", help="plan a scenario and write the checked plan",
                       epilog=EXAMPLES["solve"], formatter_class=fmt)  # fmt: skip
    p.add_argument("scenario", type=Path, help="scenario file (.yaml or .json)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--time-limit", type=float, default=30.0,
                   help="seconds from start to plan, model building included "
                        "(default 30)")  # fmt: skip
    p.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--method", choices=["cpsat", "rule"], default="cpsat",
                   help="'cpsat' (default): the optimiser; 'rule': a planner's rule "
                        "(earliest deadline first, first fit) for comparison")  # fmt: skip
    p.add_argument("--strategy", choices=["auto", "whole", "days", "both", "decompose"],
                   default="auto",
                   help="'whole': one model, proven bound; 'days': day-window search for very "
                        "large scenarios; 'decompose': day by day, then the whole model "
                        "(docs/solver.md); 'auto' (default) picks by size")  # fmt: skip
    p.add_argument("--deterministic-time", type=float, default=None,
                   help="limit in CP-SAT deterministic time; with --workers 1 a run repeats "
                        "exactly")  # fmt: skip
    p.add_argument("--overtime-probability", type=_probability, default=None, metavar="ALPHA",
                   help="robust plan: keep slack so each session runs past closing with a "
                        "chance of at most ALPHA, e.g. 0.2 (sets rules.overtime_probability "
                        "for this run; recorded in plan.json)")  # fmt: skip
    from orplan.pseudonym import add_pseudonym_options

    add_pseudonym_options(p)
    common(p)
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("check", help="check a plan with the independent checker",
                       epilog=EXAMPLES["check"], formatter_class=fmt)  # fmt: skip
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument("plan", type=Path, help="plan.json")
    p.add_argument("--parent", type=Path, default=None,
                   help="the published plan a replanned plan replaces: also check that what "
                        "had started or was frozen did not move (rule case-frozen)")  # fmt: skip
    common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files",
                       epilog=EXAMPLES["schema"], formatter_class=fmt)  # fmt: skip
    p.add_argument("what", nargs="?", choices=["scenario", "plan", "events", "sweep"],
                   default="scenario", help="which file format (default: scenario)")  # fmt: skip
    p.add_argument("--plan", action="store_true", help="same as 'orplan schema plan'")
    p.set_defaults(func=cmd_schema)

    from orplan.generate.cli import add_generate_parser

    add_generate_parser(sub)
    for module, hook in (
        ("orplan.ihtc.cli", "add_ihtc_parser"),
        ("orplan.report.cli", "add_report_parser"),
        ("orplan.simulate.cli", "add_simulate_parser"),
        ("orplan.durations.cli", "add_durations_parser"),
        ("orplan.live.cli", "add_live_parser"),
        ("orplan.live.daysim.cli", "add_simulate_day_parser"),
        ("orplan.web.cli", "add_serve_parser"),
        ("orplan.live.book_cli", "add_book_parser"),
        ("orplan.mss.cli", "add_mss_parser"),
        ("orplan.fhir.cli", "add_fhir_parser"),
        ("orplan.sweep.cli", "add_sweep_parser"),
    ):
        getattr(importlib.import_module(module), hook)(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``orplan`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except PlanInvalidError as exc:
        _err(f"internal error, nothing written: {exc}")
        return 3
    except OrplanError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
