"""Sweep benchmark (issue 19): the pilot-week 24-cell sweep serially, on a 2-process Dask
LocalCluster, and on a separate scheduler with 2 ``dask worker`` processes on loopback.

Usage (from the repository root; the full run takes about 10 minutes on 2 idle cores)::

    python benchmarks/sweep/bench_sweep.py                      # 20 s cells, all three modes
    python benchmarks/sweep/bench_sweep.py --time-limit 5       # quick: about 3 minutes
    python benchmarks/sweep/bench_sweep.py --modes serial local

Figures, per mode: wall time of the whole ``run_sweep`` call (start-up, variants, cells,
writing); the pure solve time (sum over cells of the solve's own wall time); *overhead* =
wall x processes / solve sum - 1 (the share of the processes' time not spent solving); and
for Dask the ratio to the serial wall time. Targets: overhead <= 10 %, LocalCluster of 2
<= 0.55 x serial. Prints a Markdown table for ``benchmarks/sweep/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "scenarios" / "sweeps" / "pilot-week.yaml"


def run_mode(mode: str, spec: dict[str, Any], out: Path) -> dict[str, Any]:
    """One sweep in ``mode`` (serial, local or loopback) into a fresh folder."""
    from orplan.sweep import run_sweep
    from orplan.sweep.loopback import loopback_cluster

    load = os.getloadavg()[0]
    began = time.perf_counter()
    if mode == "serial":
        frame = run_sweep(spec, out, root=SPEC.parent, serial=True)
        processes = 1
    elif mode == "local":
        frame = run_sweep(spec, out, root=SPEC.parent, workers=2)
        processes = 2
    else:
        with loopback_cluster(2) as address:
            began = time.perf_counter()  # the cluster's start-up is not the sweep's
            frame = run_sweep(spec, out, root=SPEC.parent, scheduler=address)
        processes = 2
    wall = time.perf_counter() - began
    solve = float(frame["solve_time"].sum())
    return {
        "mode": mode,
        "cells": len(frame),
        "failed": int((frame["status"] == "FAILED").sum()),
        "wall": wall,
        "solve_sum": solve,
        "overhead": wall * processes / solve - 1,
        "load": load,
        "cost_sum": float(frame["cost"].sum()),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the modes and print the table; exit 1 when a cell failed."""
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per cell")
    parser.add_argument(
        "--modes", nargs="+", default=["serial", "local", "loopback"],
        choices=["serial", "local", "loopback"],
    )  # fmt: skip
    args = parser.parse_args(argv)
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    if args.time_limit is not None:
        spec["time_limits"] = [args.time_limit]
    rows = []
    with tempfile.TemporaryDirectory(prefix="orplan-bench-sweep-") as tmp:
        for mode in args.modes:
            row = run_mode(mode, spec, Path(tmp) / mode)
            rows.append(row)
            print(
                f"{mode}: {row['wall']:.1f} s wall, solve sum {row['solve_sum']:.1f} s, "
                f"overhead {100 * row['overhead']:.1f} %, load {row['load']:.2f}",
                file=sys.stderr,
                flush=True,
            )
    serial = next((r["wall"] for r in rows if r["mode"] == "serial"), None)
    limit = spec["time_limits"][0]
    print(f"\n{rows[0]['cells']} cells, {limit:g} s each, {platform.node()}\n")
    print("| mode | wall (s) | solve sum (s) | overhead | x serial | failed | load 1 min |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = "-" if serial is None or r["mode"] == "serial" else f"{r['wall'] / serial:.2f}"
        print(
            f"| {r['mode']} | {r['wall']:.1f} | {r['solve_sum']:.1f} | "
            f"{100 * r['overhead']:.1f} % | {ratio} | {r['failed']} | {r['load']:.2f} |"
        )
    return 1 if any(r["failed"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
