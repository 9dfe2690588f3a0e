"""Command-line interface for the IHTC-2024 tools.

:func:`add_ihtc_parser` adds the ``ihtc`` command to an existing argparse
subparsers object; each subcommand sets ``func`` so the main program can call
``args.func(args)`` and use the result as exit status::

    orplan ihtc cost INSTANCE SOLUTION [--json]
    orplan ihtc solve INSTANCE --out SOLUTION [--time-limit S] [--workers N] [--seed K]

Exit status of ``cost``: 0 if the solution is feasible, 1 if it has
hard-constraint violations, 2 if an input file is unreadable or malformed (a
one-line message naming the file goes to stderr).

Exit status of ``solve``: 0 when a feasible solution was written, 1 when none
was found in time (nothing is written), 2 for an unreadable instance or a bad
option. Progress lines go to stderr; the cost report goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: numpy and numba are slow to load
    from orplan.ihtc.evaluate import Evaluation

__all__ = ["add_ihtc_parser", "format_evaluation", "main", "run_cost", "run_solve"]

EXIT_FEASIBLE = 0
EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2


def add_ihtc_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ihtc`` command and its subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``ihtc`` parser (its own subparsers are ``ihtc_command``).
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ihtc",
        help="IHTC-2024 healthcare timetabling tools",
        description="Tools for the IHTC-2024 Integrated Healthcare Timetabling Problem.",
    )
    commands = parser.add_subparsers(dest="ihtc_command", metavar="COMMAND", required=True)
    cost = commands.add_parser(
        "cost",
        help="evaluate a solution like the official validator",
        description=(
            "Print the hard-constraint violations and soft-cost components of a "
            "solution. Exit status: 0 feasible, 1 violations, 2 unreadable input."
        ),
    )
    cost.add_argument("instance", metavar="INSTANCE", help="instance JSON file")
    cost.add_argument("solution", metavar="SOLUTION", help="solution JSON file")
    cost.add_argument("--json", action="store_true", help="print the result as JSON")
    cost.set_defaults(func=run_cost)
    solve = commands.add_parser(
        "solve",
        help="find a solution for an instance",
        description=(
            "Search for a low-cost feasible solution within a time limit and write it in the "
            "official JSON format. Exit status: 0 feasible solution written, 1 none found, "
            "2 unreadable input or bad option."
        ),
    )
    solve.add_argument("instance", metavar="INSTANCE", help="instance JSON file")
    solve.add_argument("--out", required=True, metavar="SOLUTION", help="solution file to write")
    solve.add_argument(
        "--time-limit", type=float, default=600.0, metavar="S", help="wall-clock seconds (600)"
    )
    solve.add_argument("--workers", type=int, default=2, metavar="N", help="parallel searches (2)")
    solve.add_argument("--seed", type=int, default=0, metavar="K", help="random seed (0)")
    solve.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    solve.set_defaults(func=run_solve)
    return parser


def run_solve(args: argparse.Namespace) -> int:
    """Run ``ihtc solve``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments with ``instance``, ``out``, ``time_limit``, ``workers``,
        ``seed`` and ``quiet``.

    Returns
    -------
    int
        Exit status (0 feasible solution written, 1 none found, 2 bad input).
    """
    from orplan.errors import OutputPathError
    from orplan.files import check_output_file
    from orplan.ihtc.instance import InstanceFormatError, load_instance
    from orplan.ihtc.solution import write_solution
    from orplan.ihtc.solve import solve

    if args.time_limit <= 0 or args.workers < 1:
        print(
            "orplan ihtc solve: error: --time-limit must be > 0 and --workers >= 1", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    try:
        check_output_file(Path(args.out))
    except OutputPathError as exc:
        print(f"orplan ihtc solve: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        instance = load_instance(args.instance)
    except InstanceFormatError as exc:
        print(f"orplan ihtc solve: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    result = solve(
        instance,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=progress,
    )
    if result.solution is None or result.evaluation is None:
        print(
            f"orplan ihtc solve: no feasible solution found in {result.wall_time:.1f} s",
            file=sys.stderr,
        )
        return EXIT_INFEASIBLE
    try:
        write_solution(result.solution, args.out)
    except OSError as exc:
        print(f"orplan ihtc solve: error: cannot write {args.out}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_evaluation(result.evaluation), end="")
    ttf = result.time_to_first_feasible
    print(
        f"Solution written to {args.out} (cost {result.evaluation.total_cost}, "
        f"first feasible after {ttf:.1f} s, {result.wall_time:.1f} s in total)"
    )
    return EXIT_FEASIBLE


def run_cost(args: argparse.Namespace) -> int:
    """Run ``ihtc cost``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments with ``instance``, ``solution`` and ``json``.

    Returns
    -------
    int
        Exit status (0 feasible, 1 violations, 2 bad input).
    """
    from orplan.ihtc.evaluate import evaluate
    from orplan.ihtc.instance import InstanceFormatError, load_instance
    from orplan.ihtc.solution import SolutionFormatError, load_solution

    try:
        instance = load_instance(args.instance)
        solution = load_solution(args.solution)
        result = evaluate(instance, solution)
    except (InstanceFormatError, SolutionFormatError) as exc:
        print(f"orplan ihtc cost: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        payload = {"instance": str(args.instance), "solution": str(args.solution)}
        payload.update(result.to_dict())
        print(json.dumps(payload, indent=2))
    else:
        print(format_evaluation(result), end="")
    return EXIT_FEASIBLE if result.feasible else EXIT_INFEASIBLE


def format_evaluation(result: Evaluation) -> str:
    """Format an evaluation as a readable text report.

    Parameters
    ----------
    result : Evaluation
        The evaluation.

    Returns
    -------
    str
        Violations (with one indented line per offending item), cost
        components (raw, weight, weighted) and totals, ending with a newline.
    """
    lines = ["Hard constraints:"]
    for v in result.violations:
        lines.append(f"  {v.code:<3} {v.name:<30} {v.count:>8}")
        lines += [f"        - {d}" for d in v.details]
    lines.append(f"  Total violations = {result.total_violations}")
    lines += ["", "Soft costs:", f"  {'':<3} {'':<30} {'raw':>8} {'weight':>7} {'cost':>9}"]
    for c in result.costs:
        lines.append(f"  {c.code:<3} {c.name:<30} {c.raw:>8} {c.weight:>7} {c.weighted:>9}")
    lines.append(f"  Total cost = {result.total_cost}")
    lines.append("")
    lines.append("FEASIBLE" if result.feasible else "INFEASIBLE")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ihtc`` commands as a stand-alone program.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name (default: ``sys.argv[1:]``), starting
        with ``ihtc``.

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(prog="orplan")
    add_ihtc_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
