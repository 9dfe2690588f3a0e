"""IHTC-2024 results side by side: one row per instance, one column group per time limit.

Usage (from the repository root)::

    python -m benchmarks.ihtc.table benchmarks/results/ihtc-*-60s-*.csv \\
        benchmarks/results/ihtc-*-600s-*.csv                  # print the table
    python -m benchmarks.ihtc.table FILES... --update-readme  # also paste it in the README
    python -m benchmarks.ihtc.table FILES... --components 600 # where the gap is, per cost

Each CSV is one run of :mod:`benchmarks.ihtc.run`. When an instance appears more than once
at the same time limit, the file named last wins (pass them oldest first). The table gives,
per instance, the best-known cost and, per time limit, the cost and its gap to the best
known; under it, per time limit, the mean gap over the instances run at that limit, how many
are feasible, and the commits the rows come from (so a table mixed from several solver
versions says so).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "benchmarks" / "README.md"
MARK_START = "<!-- ihtc-results:start -->"
MARK_END = "<!-- ihtc-results:end -->"

Row = dict[str, str]


def _commit_of(path: Path) -> str:
    """The commit in a results file name ``ihtc-<date>-<commit>[-...].csv`` (or '?')."""
    match = re.match(r"ihtc-\d{4}-\d{2}-\d{2}-([0-9a-f]{7,40})", path.name)
    return match.group(1) if match else "?"


def collect(paths: Sequence[Path]) -> dict[float, dict[str, tuple[Row, str]]]:
    """Rows by time limit and instance; a later file replaces an earlier one's row.

    Parameters
    ----------
    paths
        Results CSVs of :mod:`benchmarks.ihtc.run`, oldest first.

    Returns
    -------
    dict
        ``{time_limit: {instance: (row, commit)}}``.
    """
    out: dict[float, dict[str, tuple[Row, str]]] = {}
    for path in paths:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                limit = float(row["time_limit"])
                out.setdefault(limit, {})[row["instance"]] = (row, _commit_of(path))
    return out


def _gap(row: Row) -> float | None:
    text = row.get("gap_to_best_known_pct", "")
    return float(text) if text not in ("", "None") else None


def markdown(by_limit: dict[float, dict[str, tuple[Row, str]]]) -> str:
    """The side-by-side table and the per-limit summary lines.

    Parameters
    ----------
    by_limit
        Output of :func:`collect`.

    Returns
    -------
    str
        Markdown text.
    """
    limits = sorted(by_limit)
    names = sorted({name for rows in by_limit.values() for name in rows})
    best: dict[str, str] = {}
    for rows in by_limit.values():
        for name, (row, _) in rows.items():
            best[name] = row["upper_bound"]
    head = "| instance | best known |" + "".join(f" {limit:g} s cost | gap % |" for limit in limits)
    rule = "|---|---:|" + "---:|---:|" * len(limits)
    lines = [head, rule]
    for name in names:
        cells = [name, best.get(name, "")]
        for limit in limits:
            entry = by_limit[limit].get(name)
            if entry is None:
                cells += ["not run", ""]
                continue
            row = entry[0]
            feasible = row["feasible"] == "True"
            cells += [row["cost"] if feasible else f"infeasible ({row['violations']})",
                      row["gap_to_best_known_pct"] if feasible else ""]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for limit in limits:
        rows = by_limit[limit]
        gaps = [g for row, _ in rows.values() if (g := _gap(row)) is not None]
        feasible = sum(1 for row, _ in rows.values() if row["feasible"] == "True")
        commits = sorted({commit for _, commit in rows.values()})
        mean = f"{sum(gaps) / len(gaps):.2f} %" if gaps else "-"
        lines.append(
            f"- {limit:g} s: {len(rows)} of {len(names)} instances run, {feasible} feasible, "
            f"mean gap to best known {mean} (over the {len(gaps)} run); "
            f"commits {', '.join(commits)}."
        )
    return "\n".join(lines) + "\n"


COMPONENTS = ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8")


def components(rows: dict[str, tuple[Row, str]], data_dir: Path) -> str:
    """Where the gap is: per instance and soft cost, our cost minus the best-known solution's.

    The best-known solutions of ``data_dir`` are re-scored by orplan's evaluator (reporting
    only: the solver never reads them). The last line gives each component's mean share of
    the gap, in percentage points of the best-known cost.

    Parameters
    ----------
    rows
        One time limit's rows of :func:`collect`.
    data_dir
        The IHTC-2024 data directory (``instances/``, ``reference_costs.csv``, ...).

    Returns
    -------
    str
        Markdown table.
    """
    from orplan.ihtc import evaluate, load_instance, load_solution

    with open(data_dir / "reference_costs.csv", newline="", encoding="utf-8") as fh:
        refs = {r["instance"]: r for r in csv.DictReader(fh)}
    lines = [
        "| instance | gap % | " + " | ".join(f"{c} ours − best" for c in COMPONENTS) + " |",
        "|---|---:|" + "---:|" * len(COMPONENTS),
    ]
    shares = [0.0] * len(COMPONENTS)
    used = 0
    for name in sorted(rows):
        row = rows[name][0]
        ref = refs.get(name)
        if row["feasible"] != "True" or ref is None or not ref["upper_bound_solution"]:
            continue
        instance = load_instance(data_dir / "instances" / f"{name}.json")
        best = evaluate(instance, load_solution(data_dir / ref["upper_bound_solution"]))
        diff = [int(row[c]) - cost.weighted for c, cost in zip(COMPONENTS, best.costs, strict=True)]
        shares = [s + 100 * d / best.total_cost for s, d in zip(shares, diff, strict=True)]
        used += 1
        lines.append(
            f"| {name} | {row['gap_to_best_known_pct']} | " + " | ".join(map(str, diff)) + " |"
        )
    if used:
        lines.append(
            f"| mean share of the gap (points, {used} instances) | | "
            + " | ".join(f"{s / used:.2f}" for s in shares)
            + " |"
        )
    return "\n".join(lines) + "\n"


def update_readme(text: str, readme: Path = README) -> None:
    """Replace the text between the IHTC result markers of ``readme`` with ``text``."""
    content = readme.read_text(encoding="utf-8")
    start, end = content.index(MARK_START), content.index(MARK_END)
    readme.write_text(
        content[: start + len(MARK_START)] + "\n" + text + content[end:], encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print (and optionally paste into the README) the table of the given results files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="results CSVs, oldest first")
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument(
        "--components",
        type=float,
        metavar="LIMIT",
        help="also print, for the runs at this time limit, each soft cost against the "
        "best-known solution (reads the reference solutions: reporting only)",
    )
    parser.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data" / "ihtc2024")
    args = parser.parse_args(argv)
    by_limit = collect(args.files)
    text = markdown(by_limit)
    print(text, end="")
    if args.components is not None:
        print()
        print(components(by_limit.get(args.components, {}), args.data), end="")
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
