"""Run a sweep: serially, on a Dask ``LocalCluster``, or on an existing Dask scheduler.

Every finished cell is written at once to ``cells/<id>.json`` (atomically), so an
interrupted sweep loses nothing: running it again into the same folder skips the cells
whose file holds a solved result for the *same* settings hash, and re-runs the rest
(failed cells, and cells whose spec or scenario changed).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orplan
from orplan.errors import OrplanError
from orplan.files import atomic_write_text, check_output_folder
from orplan.sweep.cells import Cell, expand, run_cell, variant_scenarios
from orplan.sweep.results import write_results
from orplan.sweep.spec import SweepSpec, load_spec, spec_from_dict

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SchedulerError", "dask_client", "run_sweep"]

#: Seconds to wait for an external scheduler before giving up (the issue asks for < 10 s).
CONNECT_TIMEOUT = 5.0

Progress = Callable[[int, int, int, dict[str, Any]], None]
"""Called after each cell with (cells done, cells failed, cells to run, the cell's row)."""


class SchedulerError(OrplanError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached."""


def _cell_path(out: Path, cell: Cell) -> Path:
    return out / "cells" / f"{cell.id}.json"


def _finished(out: Path, cell: Cell) -> dict[str, Any] | None:
    """The row saved for ``cell`` when it solved with the same settings, else None."""
    path = _cell_path(out, cell)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("settings_hash") != cell.settings_hash():
        return None
    row = saved.get("row")
    if not isinstance(row, dict) or row.get("status") == "FAILED":
        return None
    return row


def _save(out: Path, cell: Cell, row: dict[str, Any]) -> None:
    record = {
        "orplan_version": orplan.__version__,
        "settings_hash": cell.settings_hash(),
        "row": row,
    }
    atomic_write_text(_cell_path(out, cell), json.dumps(record, indent=2) + "\n")


def _failed_row(cell: Cell, error: BaseException) -> dict[str, Any]:
    row: dict[str, Any] = asdict(cell)
    row["status"] = "FAILED"
    # One line in the table, whatever the exception's message looks like.
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    row["error"] = f"{type(error).__name__}: {text}"[:500]
    return row


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2, retries: int = 1) -> Iterator[Any]:
    """A Dask client to ``scheduler``, or to a new LocalCluster of ``workers`` processes.

    The client, and the LocalCluster when one was started, are closed when the context ends.
    ``benchmarks/fanout.py`` fans benchmark runs out with it too.

    Parameters
    ----------
    scheduler
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    workers
        Worker processes (one thread each) of the LocalCluster started without ``scheduler``.
    retries
        Worker deaths a LocalCluster task survives before it fails (``allowed-failures``).

    Raises
    ------
    SchedulerError
        ``scheduler`` cannot be reached within :data:`CONNECT_TIMEOUT` seconds.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise SchedulerError(
                f"--scheduler {scheduler}: cannot connect within {CONNECT_TIMEOUT:g} s "
                f"({type(exc).__name__}); nothing written"
            ) from None
    else:
        # A cell whose worker dies is re-run on another worker at most `retries` times (the
        # scheduler counts the deaths of workers that were running it), then reported as
        # failed. Saturation 1.0: a worker holds only the cell it runs, so its death counts
        # against that cell alone, not against cells merely queued on it.
        config = {
            "distributed.scheduler.allowed-failures": retries,
            "distributed.scheduler.worker-saturation": 1.0,
        }
        with dask.config.set(config):
            # One thread per worker process: each cell gets its own CPU budget (the solver's
            # threads), so two cells never share a core they both count on.
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=50,
            )
        client = Client(cluster)
    try:
        yield client
    finally:
        started = client.cluster  # None on an external scheduler: not ours to close
        client.close()
        if started is not None:
            started.close()


def _run_dask(
    client: Any,
    todo: list[Cell],
    data: dict[tuple[str, str], dict[str, Any]],
    retries: int,
    done: Callable[[Cell, dict[str, Any]], None],
    function: Callable[..., dict[str, Any]],
) -> None:
    from distributed import as_completed

    # The scenario travels inside each task, not scattered once: scattered data dies with
    # the worker that holds it, and then every cell needing it would fail, not be retried.
    futures = {}
    for cell in todo:
        future = client.submit(
            function,
            asdict(cell),
            data[cell.scenario, cell.variant],
            key=f"cell-{cell.id}-{cell.settings_hash()[:12]}-{time.time_ns()}",
            retries=retries,
            pure=False,
        )
        futures[future] = cell
    for future in as_completed(futures):
        cell = futures[future]
        try:
            row = future.result()
        except Exception as exc:  # the cell failed (retried already): report, go on
            row = _failed_row(cell, exc)
        done(cell, row)


def _run_serial(
    todo: list[Cell],
    data: dict[tuple[str, str], dict[str, Any]],
    retries: int,
    done: Callable[[Cell, dict[str, Any]], None],
    function: Callable[..., dict[str, Any]],
) -> None:
    for cell in todo:
        for attempt in range(retries + 1):
            try:
                row = function(asdict(cell), data[cell.scenario, cell.variant])
                break
            except Exception as exc:  # retried, then reported; the other cells still run
                if attempt == retries:
                    row = _failed_row(cell, exc)
        done(cell, row)


def run_sweep(
    spec: SweepSpec | dict[str, Any] | str | Path,
    out: str | Path,
    *,
    root: str | Path | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    serial: bool = False,
    progress: Progress | None = None,
    cell_function: Callable[..., dict[str, Any]] = run_cell,
) -> pd.DataFrame:
    """Solve every cell of a sweep and write the results table into ``out``.

    Parameters
    ----------
    spec
        A spec file, a mapping, or a :class:`~orplan.sweep.spec.SweepSpec`.
    out
        Output folder: ``cells/``, ``results.parquet``, ``results.csv``, ``plots/``,
        ``sweep.json``. Cells already solved there with the same settings are skipped.
    root
        Folder the spec's scenario paths are relative to (default: the spec file's folder,
        or the working folder for a mapping).
    workers
        Worker processes of the LocalCluster started when no ``scheduler`` is given.
    scheduler
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    serial
        Solve in this process, one cell after another (no Dask).
    progress
        Called after each cell (see :data:`Progress`).
    cell_function
        The function a worker runs per cell (tests substitute one that fails).

    Returns
    -------
    pandas.DataFrame
        One row per cell, in grid order.

    Raises
    ------
    ScenarioError
        Invalid spec, scenario or what-if edit (nothing written).
    SchedulerError
        ``scheduler`` unreachable (nothing written).
    """
    began = time.perf_counter()
    out = Path(out)
    source = str(spec) if isinstance(spec, str | Path) else "<sweep spec>"
    if isinstance(spec, str | Path):
        spec, spec_root = load_spec(spec)
        root = spec_root if root is None else root
    elif isinstance(spec, dict):
        spec = spec_from_dict(spec)
    root = Path.cwd() if root is None else Path(root)
    check_output_folder(out)
    scenarios = variant_scenarios(spec, root, source)
    cells = expand(spec, scenarios)
    rows: dict[str, dict[str, Any]] = {}
    for cell in cells:
        row = _finished(out, cell)
        if row is not None:
            rows[cell.id] = row
    todo = [c for c in cells if c.id not in rows]
    data = {key: scenario.model_dump(mode="json") for key, scenario in scenarios.items()}
    failed = 0

    def done(cell: Cell, row: dict[str, Any]) -> None:
        nonlocal failed
        failed += row["status"] == "FAILED"
        _save(out, cell, row)
        rows[cell.id] = row
        if progress is not None:
            progress(len(rows) - (len(cells) - len(todo)), failed, len(todo), row)

    mode = "serial" if serial else ("scheduler" if scheduler else "local")
    if todo and not serial:
        with dask_client(scheduler, workers, spec.retries) as client:
            nworkers = len(client.scheduler_info().get("workers", {}))
            _run_dask(client, todo, data, spec.retries, done, cell_function)
    else:
        nworkers = 1 if serial else 0
        _run_serial(todo, data, spec.retries, done, cell_function)
    ordered = [rows[c.id] for c in cells]
    meta = {
        "orplan_version": orplan.__version__,
        "spec": spec.model_dump(mode="json", exclude_none=True),
        "mode": mode,
        "scheduler": scheduler,
        "dask_workers": nworkers,
        "cells": len(cells),
        "cells_run": len(todo),
        "cells_reused": len(cells) - len(todo),
        "cells_failed": sum(r["status"] == "FAILED" for r in ordered),
        "seeds": spec.seeds,
        "wall_time": round(time.perf_counter() - began, 3),
    }
    return write_results(ordered, out, meta)
