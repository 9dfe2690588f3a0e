"""``orplan book SCENARIO PLAN --case C | --new-case FILE``: the best slots for one patient.

Exit codes as for every command: 0 suggestions found (and, with ``--apply``, the plan
written), 1 no slot, 2 bad input, 3 the checker rejected a plan (a bug; nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from orplan.cli import positive_int
from orplan.errors import ScenarioError
from orplan.live.cli import parse_now

__all__ = ["add_book_parser", "cmd_book"]

EXAMPLE = (
    "examples:\n"
    "  orplan book scenarios/pilot-week.yaml out/week/plan.json --case C0042\n"
    "  orplan book scenario.yaml plan.json --new-case patient.yaml --now 2027-03-01T10:20\n"
    "  orplan book scenario.yaml plan.json --case C0042 --apply 1 --out out/booked"
)


def add_book_parser(sub: Any) -> None:
    """Register ``orplan book`` on the subcommand parsers."""
    p = sub.add_parser(
        "book",
        help="the best slots for one patient in a published plan",
        description="Suggest the best slots for one waiting-list or new case: those where "
        "nothing else moves first, then those where a few cases shift; each checked by the "
        "independent checker.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", type=Path, help="scenario file the plan was made for")
    p.add_argument("plan", type=Path, help="the published plan.json")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", help="id of a waiting-list case (unscheduled in the plan)")
    which.add_argument("--new-case", type=Path, help="YAML/JSON file with one new case")
    p.add_argument("--now", type=parse_now, default=None,
                   help="book on the day: nothing before this moment, e.g. "
                        "2027-03-01T10:20")  # fmt: skip
    p.add_argument("--top", type=positive_int, default=5, help="suggestions at most (default 5)")
    p.add_argument("--apply", type=positive_int, default=None, metavar="N",
                   help="write the plan of suggestion N (needs --out)")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, help="output folder for --apply")
    p.add_argument("--time-limit", type=float, default=5.0,
                   help="seconds to look for slots where others shift (default 5)")  # fmt: skip
    p.add_argument("--no-moves", action="store_true",
                   help="only slots where nothing else moves (no CP-SAT search)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    from orplan.pseudonym import add_pseudonym_options

    add_pseudonym_options(p)  # for the files --apply writes
    p.set_defaults(func=cmd_book)


def _table(suggestions: list[Any]) -> str:
    lines = [
        f"{'rank':>4}  {'date':10}  {'theatre':10}  {'start-end':11}  {'surgeon':8}  "
        f"{'cost change':>11}  moves"
    ]
    for s in suggestions:
        row = s.as_dict()
        lines.append(
            f"{s.rank:>4}  {row['date']:10}  {s.theatre:10}  {row['start']}-{row['end']}  "
            f"{s.surgeon:8}  {s.cost_change:>+11,.0f}  {len(s.moves)}"
        )
        for m in s.moves:
            lines.append(f"{'':6}{m.case} {m.kind}: {m.old} -> {m.new}")
    return "\n".join(lines)


def _write(suggestion: Any, out: Path, key: bytes | None = None) -> list[Path]:
    """Write plan.json, plan.csv, changes.csv and scenario.yaml of a checked suggestion
    (patient ids pseudonymised with ``key`` when given)."""
    from orplan.live.book_record import apply_suggestion
    from orplan.live.changes import change_list, changes_frame
    from orplan.plan.io import save_plan, save_plan_csv, spreadsheet_safe, write_text
    from orplan.scenario.io import save_scenario

    booking = suggestion.booking
    plan = apply_suggestion(suggestion)
    scenario = booking.scenario
    if key is not None:
        from orplan.live.pseudo import pseudonymised_plan

        scenario, plan, _ = pseudonymised_plan(scenario, plan, booking.parent, key)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "plan.json", out / "plan.csv", out / "changes.csv", out / "scenario.yaml"]
    save_plan(plan, paths[0])
    save_plan_csv(plan, paths[1])
    changes = change_list(scenario, booking.parent, plan, tolerance=0)
    frame = changes_frame(changes)
    for column in frame.columns:
        # Patient and case ids are scenario text: one starting '=' must not become a formula.
        frame[column] = frame[column].map(spreadsheet_safe)
    write_text(paths[2], frame.to_csv(index=False))
    save_scenario(scenario, paths[3])
    return paths


def cmd_book(args: argparse.Namespace) -> int:
    """Suggest slots for one case; with ``--apply N``, write the plan of suggestion N."""
    from orplan.live.book import BookSettings, book, load_new_case
    from orplan.plan.io import load_plan, scenario_as_planned
    from orplan.pseudonym import key_from_args
    from orplan.scenario import load_scenario

    if args.apply is not None and args.out is None:
        raise ScenarioError("--apply", ["needs --out DIR for the new plan"])
    key = key_from_args(args)  # no usable key: one line, exit 2, before any work
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    scenario = scenario_as_planned(scenario, plan)
    case: Any = args.case
    source = "--case"
    if args.new_case is not None:
        case, source = load_new_case(args.new_case), str(args.new_case)
    suggestions = book(
        scenario,
        plan,
        case,
        now=args.now,
        top=args.top,
        settings=BookSettings(moves=not args.no_moves, time_limit=args.time_limit),
        sources=(str(args.scenario), str(args.plan), source),
    )
    if args.apply is not None and args.apply > len(suggestions):
        if suggestions:
            raise ScenarioError("--apply", [f"there are only {len(suggestions)} suggestion(s)"])
        args.apply = None  # no slot: nothing to write, exit 1 below
    paths = _write(suggestions[args.apply - 1], args.out, key) if args.apply else []
    case_id = suggestions.booking.case.id
    if args.json:
        print(
            json.dumps(
                {
                    "case": case_id,
                    "suggestions": [s.as_dict() for s in suggestions],
                    "reason": suggestions.reason,
                    "files": [str(p) for p in paths],
                },
                indent=2,
            )
        )
    elif not args.quiet:
        if suggestions:
            print(f"{case_id}: {len(suggestions)} slot(s), best first")
            print(_table(suggestions))
        if suggestions.reason:
            print(f"{case_id}: {suggestions.reason}", file=sys.stderr)
        if paths:
            print(f"checked by the independent checker; wrote {', '.join(map(str, paths))}")
    return 0 if suggestions else 1
