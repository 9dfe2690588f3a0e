"""IHTC-2024 benchmark: solve public instances in sequence and compare with the best known.

Usage (from the repository root)::

    python -m benchmarks.ihtc.run --smoke                    # 3 small instances, 8 s each
    python -m benchmarks.ihtc.run                            # i01..i30, 600 s, 2 workers
    python -m benchmarks.ihtc.run --instances i01 i05 --time-limit 60 --tag quick
    python -m benchmarks.ihtc.run --instances i16 --time-limit 60 --param eject=0 --tag no-eject

Outputs in ``benchmarks/results/``: ``ihtc-<date>-<commit>[-smoke][-<tag>].csv`` (one row per
instance), ``.md`` (the table and the mean gaps), ``-traces.json`` (best cost over time
per instance) and, unless ``--smoke``, ``-gap.png`` (gap to the best-known cost over time
for a few instances). Solutions go to
``out/ihtc/<stamp>/``.

The gap is ``(cost - best) / best`` with ``best`` = ``upper_bound_cost`` (best known,
found without time rules) and, as a second column, ``competition_best_cost`` (best
under competition rules: 10 minutes, at most 4 threads). Only this reporting reads the
reference costs; the solver never sees reference solutions.

``--smoke`` exits with status 1 if any solution is infeasible, if the written file
evaluates differently from the solver's own evaluation, or if the time limit is
exceeded by more than 5 s.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orplan.ihtc import evaluate, load_instance, load_solution, write_solution
from orplan.ihtc.solve import ANY_LENGTH, SolverParams, solve, warm_up

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "ihtc2024"
PUBLIC = tuple(f"i{k:02d}" for k in range(1, 31))
SMOKE = ("test01", "test02", "small05")
PLOTTED = ("i05", "i13", "i20", "i27")

COLUMNS = (
    "instance",
    "patients",
    "time_limit",
    "workers",
    "seed",
    "feasible",
    "violations",
    "cost",
    "competition_best",
    "upper_bound",
    "gap_to_best_known_pct",
    "gap_to_competition_best_pct",
    "time_to_first_feasible",
    "wall_time",
    "iterations",
    "repairs",
    "S1",
    "S2",
    "S3",
    "S4",
    "S5",
    "S6",
    "S7",
    "S8",
)


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() or "nogit"
    except (OSError, subprocess.CalledProcessError):
        return "nogit"


def read_reference(data_dir: Path) -> dict[str, dict[str, int | None]]:
    """Read ``reference_costs.csv`` (costs only, never the solution files).

    Parameters
    ----------
    data_dir : pathlib.Path
        The IHTC-2024 data directory.

    Returns
    -------
    dict
        ``instance -> {"competition_best": int|None, "upper_bound": int|None}``.
    """
    path = data_dir / "reference_costs.csv"
    if not path.is_file():
        return {}
    refs: dict[str, dict[str, int | None]] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            comp = int(row["competition_best_cost"]) if row["competition_best_cost"] else None
            ub = int(row["upper_bound_cost"]) if row["upper_bound_cost"] else None
            refs[row["instance"]] = {"competition_best": comp, "upper_bound": ub}
    return refs


def _gap(cost: int | None, ref: int | None) -> float | None:
    if cost is None or not ref:
        return None
    return 100.0 * (cost - ref) / ref


def run_instance(
    name: str,
    data_dir: Path,
    out_dir: Path,
    time_limit: float,
    workers: int,
    seed: int,
    refs: dict[str, dict[str, int | None]],
    params: SolverParams | None = None,
) -> tuple[dict[str, Any], list[tuple[float, int]], list[str]]:
    """Solve one instance, write its solution and re-check it from the file.

    Parameters
    ----------
    name : str
        Instance name (file stem).
    data_dir : pathlib.Path
        Data directory with ``instances/``.
    out_dir : pathlib.Path
        Where the solution file goes.
    time_limit : float
        Seconds per instance.
    workers : int
        Parallel searches.
    seed : int
        Random seed.
    refs : dict
        Reference costs from :func:`read_reference`.
    params : SolverParams, optional
        Search settings (default: the solver's defaults).

    Returns
    -------
    row : dict
        One CSV row.
    history : list of (float, int)
        Best cost over time.
    problems : list of str
        Failures found by the checks (empty when all is well).
    """
    inst = load_instance(data_dir / "instances" / f"{name}.json")
    result = solve(inst, time_limit=time_limit, workers=workers, seed=seed, params=params)
    problems: list[str] = []
    ref = refs.get(name, {})
    row: dict[str, Any] = {
        "instance": name,
        "patients": len(inst.patients),
        "time_limit": time_limit,
        "workers": workers,
        "seed": seed,
        "feasible": result.feasible,
        "violations": None,
        "cost": result.cost,
        "competition_best": ref.get("competition_best"),
        "upper_bound": ref.get("upper_bound"),
        "gap_to_best_known_pct": None,
        "gap_to_competition_best_pct": None,
        "time_to_first_feasible": _round(result.time_to_first_feasible),
        "wall_time": _round(result.wall_time),
        "iterations": result.iterations,
        # CP-SAT window repairs: tried/improved/summed cost decrease
        "repairs": "/".join(str(v) for v in result.repairs),
    }
    if result.wall_time > time_limit + 5:
        problems.append(f"{name}: wall time {result.wall_time:.1f} s > limit {time_limit} + 5 s")
    if result.solution is None or result.evaluation is None:
        problems.append(f"{name}: no feasible solution")
        return row, result.history, problems
    path = out_dir / f"sol_{name}.json"
    write_solution(result.solution, path)
    again = evaluate(inst, load_solution(path))
    if again.to_dict() != result.evaluation.to_dict():
        problems.append(f"{name}: the written solution evaluates differently")
    if result.search_cost is not None and result.search_cost != again.total_cost:
        problems.append(
            f"{name}: solver's own cost {result.search_cost} != evaluator {again.total_cost}"
        )
    if not again.feasible:
        problems.append(f"{name}: solution has {again.total_violations} violations")
    best = ref.get("upper_bound") or ref.get("competition_best")
    row.update(
        violations=again.total_violations,
        cost=again.total_cost,
        gap_to_best_known_pct=_round(_gap(again.total_cost, best)),
        gap_to_competition_best_pct=_round(_gap(again.total_cost, ref.get("competition_best"))),
    )
    for c in again.costs:
        row[c.code] = c.weighted
    return row, result.history, problems


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def write_markdown(rows: list[dict[str, Any]], path: Path, title: str) -> None:
    """Write the results table and the mean gaps as Markdown.

    Parameters
    ----------
    rows : list of dict
        CSV rows from :func:`run_instance`.
    path : pathlib.Path
        Output file.
    title : str
        Heading.
    """
    lines = [
        f"# {title}",
        "",
        "| instance | cost | best known | gap % | competition best | gap % | "
        "first feasible s | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def fmt(v: Any) -> str:
        return "" if v is None else str(v)

    for r in rows:
        lines.append(
            f"| {r['instance']} | {fmt(r['cost'])} | {fmt(r['upper_bound'])} | "
            f"{fmt(r['gap_to_best_known_pct'])} | {fmt(r['competition_best'])} | "
            f"{fmt(r['gap_to_competition_best_pct'])} | {fmt(r['time_to_first_feasible'])} | "
            f"{fmt(r['wall_time'])} |"
        )
    lines.append("")
    for key, label in (
        ("gap_to_best_known_pct", "best known"),
        ("gap_to_competition_best_pct", "competition best"),
    ):
        gaps = [r[key] for r in rows if r[key] is not None]
        if gaps:
            lines.append(
                f"Mean gap to {label}: {sum(gaps) / len(gaps):.2f} % over {len(gaps)} instances."
            )
    n_feasible = sum(1 for r in rows if r["feasible"])
    lines.append(f"Feasible: {n_feasible} of {len(rows)}.")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def plot_gaps(
    histories: dict[str, list[tuple[float, int]]],
    refs: dict[str, dict[str, int | None]],
    path: Path,
) -> bool:
    """Plot the gap to the best-known cost over time.

    Parameters
    ----------
    histories : dict
        ``instance -> [(seconds, cost), ...]``.
    refs : dict
        Reference costs.
    path : pathlib.Path
        PNG file.

    Returns
    -------
    bool
        Whether a plot was written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    drawn = 0
    for name, hist in histories.items():
        ref = refs.get(name, {})
        best = ref.get("upper_bound") or ref.get("competition_best")
        if not hist or not best:
            continue
        xs = [t for t, _ in hist]
        ys = [100.0 * (c - best) / best for _, c in hist]
        ax.step(xs, ys, where="post", label=name)
        drawn += 1
    if not drawn:
        plt.close(fig)
        return False
    ax.set_xlabel("seconds")
    ax.set_ylabel("gap to best known (%)")
    top = min(max(ax.get_ylim()[1], 1.0), 50.0)  # the first, very bad costs would hide the rest
    ax.set_ylim(min(0.0, ax.get_ylim()[0]), top)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def parse_params(items: Sequence[str]) -> SolverParams:
    """Solver settings with ``NAME=VALUE`` overrides of :class:`SolverParams` fields.

    Parameters
    ----------
    items : sequence of str
        Overrides such as ``eject=0`` or ``move_prob=0.3,0.1,...`` (tuples comma-separated).

    Returns
    -------
    SolverParams
        The default settings with the overrides applied.

    Raises
    ------
    ValueError
        If a name is not a field or a value does not parse.
    """
    defaults = SolverParams()
    changes: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        names = [f.name for f in dataclasses.fields(SolverParams)]
        if not sep or name not in names:
            raise ValueError(
                f"--param {item!r}: expected NAME=VALUE with NAME one of {', '.join(names)}"
            )
        current = getattr(defaults, name)
        try:
            if isinstance(current, tuple):
                value: Any = tuple(type(current[0])(v) for v in text.split(","))
                if len(value) != len(current) and name not in ANY_LENGTH:
                    raise ValueError(f"{len(current)} values expected")
            else:
                value = type(current)(text)
        except ValueError as exc:
            raise ValueError(f"--param {item!r}: {exc}") from None
        changes[name] = value
    return dataclasses.replace(defaults, **changes)


def _changed(items: Sequence[str]) -> str:
    return f", params {' '.join(items)}" if items else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 1 if ``--smoke`` found a problem.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instances", nargs="+", default=None, help="instance names")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="quick CI check")
    parser.add_argument("--data", type=Path, default=None, help="IHTC-2024 data directory")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--tag", default="", help="suffix for the output file names")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a SolverParams field for an experiment (repeatable; tuples as 1,2,3)",
    )
    # On an external cluster the data and out/ folders must be on a shared file system.
    parser.add_argument("--dask", type=int, default=0, metavar="N",
                        help="solve instances on a Dask LocalCluster of N processes")  # fmt: skip
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="solve instances on a running Dask scheduler")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        params = parse_params(args.param)
    except ValueError as exc:
        parser.error(str(exc))

    data_dir = args.data or Path(os.environ.get("ORPLAN_IHTC_DATA", DEFAULT_DATA))
    names = args.instances or (list(SMOKE) if args.smoke else list(PUBLIC))
    time_limit = args.time_limit or (8.0 if args.smoke else 600.0)
    stamp = f"ihtc-{dt.date.today().isoformat()}-{_git_commit()}" + ("-smoke" if args.smoke else "")
    if args.tag:
        stamp += f"-{args.tag}"
    args.results.mkdir(parents=True, exist_ok=True)
    out_dir = ROOT / "out" / "ihtc" / stamp
    out_dir.mkdir(parents=True, exist_ok=True)
    refs = read_reference(data_dir)

    compile_s = warm_up()
    print(
        f"IHTC benchmark {stamp}: {len(names)} instances, {time_limit:g} s, "
        f"{args.workers} workers, seed {args.seed}{_changed(args.param)} ({platform.node()}, "
        f"kernel ready in {compile_s:.1f} s)",
        flush=True,
    )
    rows: list[dict[str, Any]] = []
    histories: dict[str, list[tuple[float, int]]] = {}
    problems: list[str] = []
    csv_path = args.results / f"{stamp}.csv"
    t_all = time.perf_counter()
    calls = [
        (name, data_dir, out_dir, time_limit, args.workers, args.seed, refs, params)
        for name in names
    ]
    if args.dask or args.scheduler:
        from benchmarks.fanout import fan_out

        outcomes = iter(fan_out(run_instance, calls, args.dask, args.scheduler))
    else:
        outcomes = (run_instance(*call) for call in calls)  # one at a time, as before
    for name, (row, history, found) in zip(names, outcomes, strict=True):
        rows.append(row)
        histories[name] = history
        problems += found
        print(
            f"{name}: cost {row['cost']} best {row['upper_bound']} gap "
            f"{row['gap_to_best_known_pct']} % first feasible {row['time_to_first_feasible']} s "
            f"wall {row['wall_time']} s" + (" PROBLEM" if found else ""),
            flush=True,
        )
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    title = (
        f"IHTC-2024 benchmark {stamp} ({time_limit:g} s per instance, {args.workers} workers, "
        f"seed {args.seed}{_changed(args.param)})"
    )
    write_markdown(rows, args.results / f"{stamp}.md", title)
    traces = {k: [[round(t, 3), c] for t, c in v] for k, v in histories.items()}
    (args.results / f"{stamp}-traces.json").write_text(json.dumps(traces), encoding="utf-8")
    if not args.smoke:
        plotted = {k: v for k, v in histories.items() if k in PLOTTED} or histories
        plot_gaps(plotted, refs, args.results / f"{stamp}-gap.png")
    print(f"Done in {time.perf_counter() - t_all:.0f} s: {csv_path}")
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems and args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
