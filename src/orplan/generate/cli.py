"""``orplan generate PROFILE --seed K --out FILE``: write a generated scenario.

The main ``orplan`` command adds this sub-command with :func:`add_generate_parser`; the
parser sets ``func`` so the main program calls ``args.func(args)`` and exits with its
return value (0 ok, 2 for a user error such as an unknown profile).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from orplan.errors import OutputPathError
from orplan.files import check_output_file
from orplan.generate.profiles import PROFILES, Profile


def add_generate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``generate`` command to an argparse sub-parser collection.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser (its ``func`` default is :func:`run_generate`).
    """
    names = ", ".join(sorted(PROFILES))
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "generate",
        help="write a generated OUS-like scenario",
        description="Generate a reproducible scenario from a profile and a seed. The same "
        "profile, options and seed always give a byte-identical file.",
    )
    parser.add_argument("profile", metavar="PROFILE", help=f"profile name ({names})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, type=Path, help="output file, .yaml/.yml or .json")
    parser.add_argument(
        "--cases-csv",
        metavar="FILE",
        help="write the waiting list to this CSV (relative to the output's folder) and "
        "refer to it with cases_file",
    )
    parser.add_argument(
        "--demand-ratio", type=float, help="waiting-list demand / open minutes (profile default)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override another profile parameter, e.g. --set working_days=10 (repeatable)",
    )
    parser.set_defaults(func=run_generate)
    return parser


def parse_overrides(profile: Profile, items: list[str]) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` strings into typed profile overrides.

    The type follows the profile's current value: int, float, ISO date, or int for a
    parameter that is ``None`` (``cases``). Structured parameters (sites) cannot be set.

    Raises
    ------
    ValueError
        Unknown name, bad syntax or a value of the wrong type.
    """
    fields = {f.name for f in dataclasses.fields(profile)}
    overrides: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in fields:
            raise ValueError(f"--set {item!r}: expected NAME=VALUE with NAME a profile field")
        current = getattr(profile, name)
        try:
            if isinstance(current, dt.date):
                overrides[name] = dt.date.fromisoformat(text)
            elif isinstance(current, float):
                overrides[name] = float(text)
            elif isinstance(current, int) or current is None:
                overrides[name] = None if text.lower() in ("", "none") else int(text)
            elif isinstance(current, str):
                overrides[name] = text
            else:
                raise ValueError("cannot be set from the command line")
        except ValueError as exc:
            raise ValueError(f"--set {item!r}: {exc}") from None
    return overrides


def run_generate(args: argparse.Namespace) -> int:
    """Run the ``generate`` command; return the exit code."""
    # Imported here: building a scenario needs numpy, which ``orplan --help`` should not load.
    from orplan.generate.build import generate, resolve_profile
    from orplan.generate.writer import write_scenario

    if args.profile not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        print(
            f"orplan generate: unknown profile {args.profile!r} (known: {known})", file=sys.stderr
        )
        return 2
    check_outputs(args.out, args.cases_csv)
    try:
        overrides = parse_overrides(PROFILES[args.profile], args.overrides)
        if args.demand_ratio is not None:
            overrides["demand_ratio"] = args.demand_ratio
        resolve_profile(args.profile, **overrides)  # validate before the work
        scenario = generate(args.profile, args.seed, **overrides)
        header = generation_header(args.profile, args.seed, overrides, args.cases_csv)
        write_scenario(scenario, args.out, cases_csv=args.cases_csv, header=header)
    except (ValueError, OSError) as exc:
        print(f"orplan generate: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.out}: {len(scenario.cases)} cases, {len(scenario.sessions)} sessions, "
        f"{len(scenario.theatres)} theatres, {len(scenario.surgeons)} surgeons"
    )
    return 0


def check_outputs(out: Path, cases_csv: str | None) -> None:
    """Check the files ``generate`` will write before generating (nothing is created).

    Raises
    ------
    orplan.errors.OrplanError
        Unknown suffix, or a path that cannot be written.
    """
    if out.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise OutputPathError("--out", out, "unknown file type; use .yaml, .yml or .json")
    check_output_file(out)
    if cases_csv is not None:
        # Relative to the scenario's folder, as write_scenario resolves it.
        check_output_file(out.parent / cases_csv, "--cases-csv")


def generation_header(
    profile: str, seed: int, overrides: dict[str, Any], cases_csv: str | None = None
) -> str:
    """Comment text naming the command that regenerates a file."""
    options = "".join(f" --set {k}={v}" for k, v in sorted(overrides.items()))
    if cases_csv is not None:
        options += f" --cases-csv {cases_csv}"
    return (
        f"Generated by: orplan generate {profile} --seed {seed}{options}\n"
        "Synthetic data (no real patients). Regenerate rather than edit; see "
        "scenarios/README.md."
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``orplan generate`` on its own (``python -m orplan.generate.cli``): the exit code."""
    from orplan.cli import main as orplan_main

    return orplan_main(["generate", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
