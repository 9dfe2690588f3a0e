"""Sweeps on Dask: a LocalCluster gives the serial rows; a dead worker's cell is retried
once, then failed; an unreachable scheduler is one line, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from orplan.cli import main
from orplan.sweep import SchedulerError, run_sweep
from orplan.sweep.runner import CONNECT_TIMEOUT
from tests.builders import REPO
from tests.sweep import helpers

#: Columns that depend on the clock, not on the result.
TIMES = ["solve_time", "cell_time"]


def test_local_cluster_gives_the_serial_rows(tmp_path: Path) -> None:
    """Demo scenario, 1 solver thread, deterministic limit: same rows on 2 Dask workers as
    serially (grid order, not completion order)."""
    spec = {
        "name": "equality",
        "scenarios": {"demo": str(REPO / "scenarios" / "demo.yaml")},
        "variants": {
            "base": [],
            "closed": [{"close_theatre": {"theatre": "ULL-OP02", "dates": ["2027-03-01"]}}],
        },
        "methods": ["cpsat", "rule"],
        "seeds": [3],
        # A wall limit far above the deterministic one, so a busy machine cannot cut a stage.
        "time_limits": [120],
        "deterministic_time": 0.5,
    }
    serial = run_sweep(spec, tmp_path / "serial", serial=True)
    dask = run_sweep(spec, tmp_path / "dask", workers=2)
    assert (serial["status"] != "FAILED").all()
    assert serial["cost"].notna().all()
    pd.testing.assert_frame_equal(serial.drop(columns=TIMES), dask.drop(columns=TIMES))


def test_dead_worker_cell_retried_once_then_failed(
    tiny_spec: dict[str, Any], tmp_path: Path, calls_file: Path
) -> None:
    """Cells whose worker process dies run twice (once + one retry), then are FAILED rows
    (KilledWorker); the other cells solve."""
    spec = {**tiny_spec, "seeds": [0]}
    frame = run_sweep(spec, tmp_path / "out", workers=2, cell_function=helpers.die_on_closed)
    by_variant = frame.groupby("variant")["status"].apply(set)
    assert by_variant["closed"] == {"FAILED"}
    assert "FAILED" not in by_variant["base"]
    errors = frame.loc[frame["variant"] == "closed", "error"]
    assert errors.str.startswith("KilledWorker").all()
    deaths = helpers.calls(calls_file)
    assert sorted(deaths) == sorted(2 * list(frame.loc[frame["variant"] == "closed", "id"]))


def test_unreachable_scheduler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody listens on port 9 of loopback: exit 2, one line naming the option, nothing
    written; the client gives up after the runner's connect timeout, at most 10 s."""
    import distributed

    real_client = distributed.Client
    timeouts: list[object] = []

    def client(*args: Any, **kwargs: Any) -> Any:
        timeouts.append(kwargs.get("timeout"))
        return real_client(*args, **kwargs)

    monkeypatch.setattr(distributed, "Client", client)
    out = tmp_path / "out"
    spec = str(REPO / "scenarios/sweeps/demo.yaml")
    code = main(["sweep", spec, "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("orplan: error: --scheduler tcp://127.0.0.1:9")
    # The promise to the user: an unreachable scheduler is reported within 10 s.
    assert timeouts == [CONNECT_TIMEOUT]
    assert CONNECT_TIMEOUT <= 10
    assert not out.exists()


def test_scheduler_error_is_a_user_error() -> None:
    """SchedulerError is reported like bad input (exit 2), not as a crash."""
    from orplan.errors import OrplanError

    assert issubclass(SchedulerError, OrplanError)
