"""What-if sweeps: a grid of scenarios x variants x methods x seeds x time limits, on Dask.

>>> import orplan
>>> table = orplan.sweep("scenarios/sweeps/demo.yaml", out="out/sweep")  # doctest: +SKIP

See ``docs/sweeps.md``. Each cell is solved and its plan checked by the independent checker;
results go to one table (Parquet and CSV), plots per grid axis and ``sweep.json``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    import pandas as pd

    from orplan.sweep.runner import SchedulerError, run_sweep
    from orplan.sweep.spec import SweepSpec, load_spec

# Imported on first use: ``orplan --help`` loads this package's cli module only.
lazy_package(
    __name__,
    {
        "SchedulerError": "orplan.sweep.runner",
        "run_sweep": "orplan.sweep.runner",
        "SweepSpec": "orplan.sweep.spec",
        "load_spec": "orplan.sweep.spec",
    },
)

__all__ = ["SchedulerError", "SweepSpec", "load_spec", "run_sweep", "sweep"]


def sweep(
    spec: SweepSpec | dict[str, Any] | str | Path,
    out: str | Path | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Run a sweep and return its table (see :func:`orplan.sweep.runner.run_sweep`).

    Parameters
    ----------
    spec
        A spec file, a mapping, or a :class:`SweepSpec`.
    out
        Output folder (re-using one resumes the sweep); default a new temporary folder.
    **options
        ``workers``, ``scheduler``, ``serial``, ``root``, ``progress``.

    Returns
    -------
    pandas.DataFrame
        One row per cell.
    """
    from orplan.sweep.runner import run_sweep

    if out is None:
        out = tempfile.mkdtemp(prefix="orplan-sweep-")
    return run_sweep(spec, out, **options)
