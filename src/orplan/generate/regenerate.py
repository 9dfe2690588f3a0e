"""Rebuild the files in ``scenarios/``: ``python -m orplan.generate.regenerate``.

Writes the generated pilot scenarios (seed 1) and the what-if variants of ``pilot-week``;
``--check`` instead compares what would be written with the files on disk and exits 1 if
any differ (a stale or hand-edited file). Run from the repository root, or pass ``--out``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from orplan.generate.build import generate
from orplan.generate.cli import generation_header
from orplan.generate.variants import evening_sessions, surgeon_leave, theatre_closed
from orplan.generate.writer import cases_csv_text, yaml_text
from orplan.scenario.model import Scenario

#: Seed of every committed scenario.
SEED = 1

_VARIANTS: tuple[tuple[str, Callable[[Scenario], tuple[Scenario, str]]], ...] = (
    ("pilot-week-theatre-closed.yaml", theatre_closed),
    ("pilot-week-surgeon-leave.yaml", surgeon_leave),
    ("pilot-week-evening.yaml", evening_sessions),
)


def render_all() -> dict[str, str]:
    """Return ``{file name: text}`` for every file in ``scenarios/`` except the README."""
    files: dict[str, str] = {}
    demo = generate("demo", SEED)
    files["demo.yaml"] = yaml_text(demo, header=generation_header("demo", SEED, {}))
    pilot = generate("pilot-week", SEED)
    for profile, scenario in (("pilot-week", pilot), ("hospital-month", None)):
        scenario = scenario or generate(profile, SEED)
        csv_name = f"{profile}-cases.csv"
        header = generation_header(profile, SEED, {}, csv_name)
        files[f"{profile}.yaml"] = yaml_text(scenario, cases_file=csv_name, header=header)
        files[csv_name] = cases_csv_text(scenario.cases)
    for name, edit in _VARIANTS:
        variant, what = edit(pilot)
        header = (
            f"What-if variant of pilot-week (seed {SEED}): {what}\n"
            f"Built by orplan.generate.variants.{edit.__name__} via "
            "python -m orplan.generate.regenerate; the waiting list is pilot-week's CSV."
        )
        files[name] = yaml_text(variant, cases_file="pilot-week-cases.csv", header=header)
    return files


def stale_files(folder: Path, files: dict[str, str]) -> list[str]:
    """Names in ``files`` whose file in ``folder`` is missing or has other text."""
    return [
        name
        for name, text in files.items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the scenario files; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m orplan.generate.regenerate")
    parser.add_argument("--out", type=Path, default=Path("scenarios"), help="target folder")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files = render_all()
    if args.check:
        stale = stale_files(args.out, files)
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
