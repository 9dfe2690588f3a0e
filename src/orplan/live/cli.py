"""``orplan replan``: the published plan after the day's events, as a checked plan."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from orplan.errors import ScenarioError
from orplan.files import check_output_folder

EXAMPLES = """examples:
  orplan replan scenarios/demo.yaml out/demo/plan.json events.yaml --now 2027-03-01T10:20 \\
      --out out/replan-1020
  orplan replan out/replan-1020/scenario.yaml out/replan-1020/plan.json later.yaml \\
      --now 2027-03-01T13:05 --out out/replan-1305 --days 1

The out folder holds the new plan (plan.json, plan.csv, plan.xlsx, report.html, ...), the
change list (changes.csv, changes.json: who has to be told what) and scenario.yaml: the live
scenario the plan belongs to, which the next replan of the day starts from."""


def parse_now(text: str) -> dt.datetime:
    """``--now``: a local date-time such as 2027-03-01T10:20 (no zone; seconds dropped)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a local date-time like 2027-03-01T10:20"
        ) from None
    if value.tzinfo is not None:
        raise argparse.ArgumentTypeError("give the hospital's local time without a time zone")
    return value.replace(second=0, microsecond=0)


def cmd_replan(args: argparse.Namespace) -> int:
    """Re-plan a published plan after the events of the day."""
    from orplan.live import ReplanSettings, load_events, replan
    from orplan.plan.io import load_plan
    from orplan.pseudonym import key_from_args
    from orplan.scenario import load_scenario

    check_output_folder(args.out)
    key = key_from_args(args)  # no usable key: one line, exit 2, before any work
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    events = load_events(args.events)
    now = args.now or events.latest()
    if now is None:
        raise ScenarioError("--now", ["give --now: the events file has no events to take it from"])
    settings = ReplanSettings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        days=args.days,
        tolerance=args.tolerance,
        fill=args.fill,
        deterministic_time=args.deterministic_time,
    )
    if not args.quiet:
        print(
            f"Replanning {scenario.name!r} at {now:%Y-%m-%d %H:%M} after {len(events.events)} "
            f"event(s) (window {settings.days} day(s), limit {settings.time_limit:g} s)",
            file=sys.stderr,
        )
    result = replan(
        scenario,
        plan,
        events,
        now,
        settings,
        plan_source=str(args.plan),
        events_source=str(args.events),
    )
    if result.plan is None:
        if args.json:
            print(json.dumps({"status": result.status, "explanation": result.explanation}))
        else:
            print(f"orplan: error: no plan: {result.status}", file=sys.stderr)
            for line in [*result.notes, *result.explanation]:
                print(f"  - {line}", file=sys.stderr)
        return 1
    if key is not None:
        from orplan.live.pseudo import pseudonymised_changes, pseudonymised_plan

        result.scenario, result.plan, result.check = pseudonymised_plan(
            result.scenario, result.plan, plan, key
        )
        result.changes = pseudonymised_changes(result.changes, key)
    paths = write_replan(result, args.out)
    if args.json:
        print(json.dumps(_summary(result, paths)))
    elif not args.quiet:
        print(describe(result, paths))
    return 0


def write_replan(result: Any, out: Path) -> list[Path]:
    """Write the checked plan, the change list and the live scenario into ``out``."""
    from orplan.live import changes_frame
    from orplan.outputs import write_outputs
    from orplan.plan.io import spreadsheet_safe, write_json, write_text
    from orplan.scenario import save_scenario
    from orplan.solver.settings import Result

    plan = result.plan
    run = plan.run
    solved = Result(
        result.status, plan, run.objective, None, None, result.wall_time, check=result.check
    )
    paths = write_outputs(result.scenario, solved, out)
    scenario_path = out / "scenario.yaml"
    save_scenario(result.scenario, scenario_path)
    frame = changes_frame(result.changes)
    for column in frame.columns:
        frame[column] = frame[column].map(spreadsheet_safe)
    write_text(out / "changes.csv", frame.to_csv(index=False))
    write_json(
        out / "changes.json",
        {
            "now": plan.live.now.isoformat(timespec="minutes"),
            "parent_sha256": plan.live.parent_sha256,
            "notes": result.notes,
            "changes": [c.as_row() | {"tell": c.tell} for c in result.changes],
        },
    )
    return [*paths, scenario_path, out / "changes.csv", out / "changes.json"]


def _summary(result: Any, paths: list[Path]) -> dict[str, Any]:
    live = result.plan.live
    return {
        "status": result.status,
        "levels": live.levels,
        "proven": live.proven,
        "changes": [c.as_row() | {"tell": c.tell} for c in result.changes],
        "notes": result.notes,
        "wall_time": round(result.wall_time, 3),
        "files": [str(p) for p in paths],
    }


def describe(result: Any, paths: list[Path]) -> str:
    """The replan in a few lines: what happened, what changed, who to tell."""
    live = result.plan.live
    lv = live.levels
    lines = [f"  - {note}" for note in result.notes]
    lines.insert(0, "events:")
    proven = "all levels proven optimal" if result.status == "OPTIMAL" else "best found in time"
    lines.append(
        f"{result.status} ({proven}) in {result.wall_time:.1f} s: emergencies "
        f"{lv.get('emergency_minutes_late', 0):g} min late, {lv['cancelled']:g} cancelled, "
        f"{lv['moved_day']:g} moved to another day, {lv['moved_theatre']:g} to another "
        f"theatre, {lv['moved_time']:g} in time (> {live.tolerance} min), overtime "
        f"{lv['overtime_minutes']:g} min, plan cost {lv['cost']:,.0f}"
    )
    if result.changes:
        lines.append(f"{len(result.changes)} change(s) to tell:")
        for c in result.changes:
            move = f"{c.old or '-'}  ->  {c.new or '-'}"
            why = f" ({c.reason})" if c.reason else ""
            lines.append(
                f"  {c.kind:<13} {c.case} [{c.patient}] {move}{why}; tell {', '.join(c.tell)}"
            )
    else:
        lines.append("no booking changes")
    lines.append("checked by the independent checker: all hard rules hold")
    lines.append(f"wrote {', '.join(str(p) for p in paths)}")
    return "\n".join(lines)


def add_live_parser(sub: Any) -> None:
    """Register ``orplan replan`` on the main parser's subcommands."""
    p = sub.add_parser(
        "replan",
        help="re-plan a published plan after the day's events (smallest change)",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", type=Path, help="scenario the plan was made for")
    p.add_argument("plan", type=Path, help="the published plan.json")
    p.add_argument("events", type=Path, help="events file (.yaml or .json; orplan schema events)")
    p.add_argument("--now", type=parse_now, default=None,
                   help="replanning moment, local time YYYY-MM-DDTHH:MM (default: the last "
                        "event's time)")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--days", type=int, default=2,
                   help="cases on now's date and the next DAYS-1 dates may move "
                        "(default 2)")  # fmt: skip
    p.add_argument("--tolerance", type=int, default=15,
                   help="minutes a start may shift without counting as moved "
                        "(default 15)")  # fmt: skip
    p.add_argument("--fill", action="store_true",
                   help="also fit waiting-list cases into freed time")  # fmt: skip
    p.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    p.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--deterministic-time", type=float, default=None,
                   help="CP-SAT deterministic-time budget (with --workers 1: "
                        "repeatable)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    from orplan.pseudonym import add_pseudonym_options

    add_pseudonym_options(p)
    p.set_defaults(func=cmd_replan)
