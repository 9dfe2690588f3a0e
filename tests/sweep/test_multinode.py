"""A sweep on a separate ``dask scheduler`` with two ``dask worker`` processes on loopback,
started and stopped by the test (a simulated multi-node run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from orplan.sweep import run_sweep
from orplan.sweep.loopback import loopback_cluster


def test_two_worker_processes_give_the_serial_rows(
    tiny_spec: dict[str, Any], tmp_path: Path
) -> None:
    """Same rows as serially; sweep.json says it ran on the scheduler with 2 workers; the
    scheduler and workers are gone afterwards."""
    serial = run_sweep(tiny_spec, tmp_path / "serial", serial=True)
    with loopback_cluster(2) as address:
        remote = run_sweep(tiny_spec, tmp_path / "remote", scheduler=address)
    times = ["solve_time", "cell_time"]
    pd.testing.assert_frame_equal(serial.drop(columns=times), remote.drop(columns=times))
    meta = json.loads((tmp_path / "remote" / "sweep.json").read_text())
    assert meta["mode"] == "scheduler" and meta["scheduler"] == address
    assert meta["dask_workers"] == 2
    # Stopped: nothing listens on the address any more.
    import socket

    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    with socket.socket() as probe:
        assert probe.connect_ex((host, int(port))) != 0
