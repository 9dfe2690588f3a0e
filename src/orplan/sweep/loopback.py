"""A separate ``dask scheduler`` and ``dask worker`` processes on loopback, for trying a
multi-node sweep on one machine (tests and ``benchmarks/sweep`` use it).

The processes are started with the ``dask`` command of this Python environment and are
stopped (terminated, then killed) when the context ends, whatever happened inside.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["loopback_cluster"]


def _dask_command() -> list[str]:
    script = Path(sys.executable).with_name("dask")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dask"]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):  # workers first, the scheduler last
        if process.poll() is None:
            process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def loopback_cluster(workers: int = 2, threads: int = 1, timeout: float = 60.0) -> Iterator[str]:
    """Start a scheduler and ``workers`` worker processes on 127.0.0.1; yield its address.

    Parameters
    ----------
    workers
        Worker processes (each a separate ``dask worker`` command, as on separate nodes).
    threads
        Threads per worker (cells at once on it).
    timeout
        Seconds to wait for the scheduler and every worker to be up.

    Yields
    ------
    str
        The scheduler's address, ``tcp://127.0.0.1:PORT``.
    """
    from distributed import Client

    folder = Path(tempfile.mkdtemp(prefix="orplan-dask-"))
    file = folder / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}

    def start(*args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*_dask_command(), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    processes = [
        start(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(file),
        )
    ]
    try:
        deadline = time.monotonic() + timeout
        while not file.exists() or not file.read_text().strip():
            if time.monotonic() > deadline or processes[0].poll() is not None:
                raise RuntimeError("the dask scheduler did not start")
            time.sleep(0.1)
        address = str(json.loads(file.read_text())["address"])
        for i in range(workers):
            processes.append(
                start(
                    "worker",
                    address,
                    "--nthreads",
                    str(threads),
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                    "--name",
                    f"loopback-{i}",
                    "--host",
                    "127.0.0.1",
                    "--local-directory",
                    str(folder),
                )
            )
        with Client(address, timeout=timeout) as client:
            client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
        yield address
    finally:
        _stop(processes)
        shutil.rmtree(folder, ignore_errors=True)
