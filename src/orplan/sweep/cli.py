"""``orplan sweep SPEC --out DIR [--workers N | --scheduler ADDR | --serial]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from orplan.cli import positive_int
from orplan.sweep.progress import SweepProgress

EXAMPLE = (
    "examples:\n  orplan sweep scenarios/sweeps/pilot-week.yaml --out out/sweep --workers 2\n"
    "  orplan sweep scenarios/sweeps/demo.yaml --out out/demo-sweep --serial\n"
    "  orplan sweep spec.yaml --out out/sweep --scheduler tcp://10.0.0.5:8786\n"
    "Re-running into the same --out skips the cells already solved."
)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep; exit 1 when a cell failed (its error is in the table)."""
    from orplan.sweep import run_sweep

    # A bar redrawn in place on a terminal; one line per cell into logs and pipes.
    show = SweepProgress(sys.stderr)

    frame = run_sweep(
        args.spec,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        serial=args.serial,
        progress=None if args.quiet else show,
    )
    failed = int((frame["status"] == "FAILED").sum())
    if not args.quiet:
        print(
            f"{len(frame)} cells, {failed} failed; every plan checked by the independent "
            f"checker\nwrote {args.out / 'results.parquet'}, results.csv, plots/, sweep.json"
        )
    return 1 if failed else 0


def add_sweep_parser(sub: Any) -> None:
    """Add ``orplan sweep`` to the subcommands."""
    p = sub.add_parser(
        "sweep",
        help="solve a grid of what-if cells, serially or on Dask",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", type=Path, help="sweep spec (.yaml or .json; orplan schema sweep)")
    p.add_argument("--out", type=Path, required=True, help="output folder (resumable)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=2,
                       help="processes of the local Dask cluster (default 2)")  # fmt: skip
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")  # fmt: skip
    where.add_argument("--serial", action="store_true", help="no Dask: one cell at a time")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_sweep)
