"""Fan benchmark runs out over Dask: ``--dask N`` (a LocalCluster) or ``--scheduler ADDR``.

Each Dask worker runs one benchmark run at a time (one thread per worker), so a run keeps
the CPU budget it asks for (``--workers`` solver threads): give the cluster no more worker
processes than cores / solver threads. On an external cluster, start the workers with
``dask worker ADDR --nthreads 1`` on nodes with at least that many cores.

The client is the sweep's (:func:`orplan.sweep.runner.dask_client`): an unreachable
``--scheduler`` raises :class:`~orplan.sweep.runner.SchedulerError` within seconds.

Task arguments are plain data (instance descriptions, names, numbers); Dask serialises them
(with pickle) on their way to the worker, which regenerates or reads the instance itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def fan_out(
    function: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    dask: int = 0,
    scheduler: str | None = None,
    on_result: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """``[function(*args) for args in calls]``, run on Dask workers; results in call order.

    Parameters
    ----------
    function
        An importable function (workers import it by name).
    calls
        Positional arguments of each call.
    dask
        Worker processes of a new LocalCluster (when no ``scheduler``).
    scheduler
        Address of a running Dask scheduler.
    on_result
        Called with (index, result) as each call finishes, in completion order.

    Returns
    -------
    list
        The results, in the order of ``calls``.
    """
    from distributed import as_completed

    from orplan.sweep.runner import dask_client

    # Dask's default: a run survives up to 3 deaths of the workers running it.
    with dask_client(scheduler, max(1, dask), retries=3) as client:
        futures = {client.submit(function, *args, pure=False): i for i, args in enumerate(calls)}
        results: list[Any] = [None] * len(calls)
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_result is not None:
                on_result(index, results[index])
        return results
