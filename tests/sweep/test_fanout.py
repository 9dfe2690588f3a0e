"""``benchmarks.fanout``: runs on Dask workers come back in call order."""

from __future__ import annotations

import os

from benchmarks.fanout import fan_out


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_results_in_call_order_from_worker_processes() -> None:
    """Squares in the order of the calls, computed in other processes, each reported once."""
    seen: list[int] = []
    results = fan_out(
        _pid_and_square, [(i,) for i in range(6)], dask=2, on_result=lambda i, r: seen.append(i)
    )
    assert [square for _, square in results] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for pid, _ in results}
    assert sorted(seen) == list(range(6))
