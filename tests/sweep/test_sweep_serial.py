"""Serial sweeps (no Dask): the table, the files, resuming, retries and failed cells."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

import orplan
from orplan.sweep import run_sweep
from tests.builders import tiny_data
from tests.sweep import helpers


def test_every_cell_is_a_checked_row(tiny_spec: dict[str, Any], tmp_path: Path) -> None:
    """8 cells -> 8 rows in grid order; every plan passed the independent checker."""
    frame = run_sweep(tiny_spec, tmp_path / "out", serial=True)
    assert len(frame) == 8
    assert list(frame["variant"]) == ["base"] * 4 + ["closed"] * 4
    assert list(frame["method"][:4]) == ["cpsat", "cpsat", "rule", "rule"]
    assert frame["checked"].all()
    assert (frame["status"] != "FAILED").all()
    # Closing OR1 on the second day leaves 2 of the 3 sessions; the base uses all 3 (C5 is
    # released on day 2 and only OR1 takes orthopaedics then).
    used = frame[frame["method"] == "cpsat"].groupby("variant")["sessions_used"].max()
    assert used["base"] == 3 and used["closed"] == 2
    # The variant is a different scenario: another digest.
    assert frame.groupby("variant")["scenario_sha256"].nunique().eq(1).all()
    assert frame["scenario_sha256"].nunique() == 2


def test_files_written(tiny_spec: dict[str, Any], tmp_path: Path) -> None:
    """Parquet and CSV agree; plots per axis with >1 value; sweep.json records settings."""
    out = tmp_path / "out"
    frame = run_sweep(tiny_spec, out, serial=True)
    parquet = pd.read_parquet(out / "results.parquet")
    csv = pd.read_csv(out / "results.csv")
    assert list(parquet["id"]) == list(csv["id"]) == list(frame["id"])
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "by-method.png",
        "by-seed.png",
        "by-variant.png",
    ]
    assert (out / "plots" / "by-variant.png").read_bytes()[:4] == b"\x89PNG"
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["orplan_version"] == orplan.__version__
    assert meta["seeds"] == [0, 1]
    assert meta["mode"] == "serial"
    assert meta["cells"] == meta["cells_run"] == 8
    assert meta["spec"]["deterministic_time"] == 2
    assert len(list((out / "cells").glob("*.json"))) == 8
    assert not list(out.rglob(".*.tmp"))  # no temporary file left behind


def test_resume_skips_finished_cells(
    tiny_spec: dict[str, Any], tmp_path: Path, calls_file: Path
) -> None:
    """A second run solves nothing; a lost cell file is solved again, alone."""
    out = tmp_path / "out"
    first = run_sweep(tiny_spec, out, serial=True, cell_function=helpers.counting)
    assert len(helpers.calls(calls_file)) == 8
    calls_file.unlink()
    again = run_sweep(tiny_spec, out, serial=True, cell_function=helpers.counting)
    assert helpers.calls(calls_file) == []
    assert json.loads((out / "sweep.json").read_text())["cells_reused"] == 8
    pd.testing.assert_frame_equal(first, again)
    (out / "cells" / "tiny__closed__rule__s1__t5.json").unlink()  # as if interrupted
    run_sweep(tiny_spec, out, serial=True, cell_function=helpers.counting)
    assert helpers.calls(calls_file) == ["tiny__closed__rule__s1__t5"]


def test_changed_spec_is_not_reused(
    tiny_spec: dict[str, Any], tmp_path: Path, calls_file: Path
) -> None:
    """Same cell ids, another deterministic limit: the settings hash differs, all re-run."""
    out = tmp_path / "out"
    run_sweep(tiny_spec, out, serial=True, cell_function=helpers.counting)
    calls_file.unlink()
    run_sweep(
        {**tiny_spec, "deterministic_time": 3}, out, serial=True, cell_function=helpers.counting
    )
    assert len(helpers.calls(calls_file)) == 8
    saved = json.loads((out / "cells" / "tiny__base__cpsat__s0__t5.json").read_text())
    assert saved["row"]["deterministic_time"] == 3


def test_failed_cell_retried_then_reported(
    tiny_spec: dict[str, Any], tmp_path: Path, calls_file: Path
) -> None:
    """Each failing cell runs 1 + retries times, is a FAILED row with its error; the rest
    finish. A re-run tries the failed cells again (and only them)."""
    out = tmp_path / "out"
    frame = run_sweep(tiny_spec, out, serial=True, cell_function=helpers.raise_on_closed)
    failed = frame[frame["status"] == "FAILED"]
    assert list(failed["variant"].unique()) == ["closed"] and len(failed) == 4
    assert (failed["error"] == "RuntimeError: solver exploded on purpose").all()
    assert frame.loc[frame["variant"] == "base", "checked"].all()
    calls = helpers.calls(calls_file)
    assert sum(c.startswith("tiny__closed") for c in calls) == 4 * 2  # once + one retry
    calls_file.unlink()
    frame = run_sweep(tiny_spec, out, serial=True, cell_function=helpers.counting)
    assert (frame["status"] != "FAILED").all()
    assert sorted(helpers.calls(calls_file)) == sorted(failed["id"])


def test_python_api(tiny_spec: dict[str, Any]) -> None:
    """``orplan.sweep(spec)`` returns the table (written to a temporary folder)."""
    frame = orplan.sweep({**tiny_spec, "methods": ["rule"], "seeds": [0]}, serial=True)
    assert list(frame["id"]) == ["tiny__base__rule__s0__t5", "tiny__closed__rule__s0__t5"]


def test_csv_is_formula_safe(tiny_spec: dict[str, Any], tmp_path: Path) -> None:
    """A scenario named like a formula is text in the CSV, never run by a spreadsheet."""
    data = tiny_data()
    data["name"] = "=HYPERLINK(1)"
    (tmp_path / "evil.json").write_text(json.dumps(data, default=str))
    spec = {**tiny_spec, "scenarios": {"evil": "evil.json"}, "methods": ["rule"], "seeds": [0]}
    run_sweep(spec, tmp_path / "out", root=tmp_path, serial=True)
    text = (tmp_path / "out" / "results.csv").read_text()
    assert ",'=HYPERLINK(1)," in text
    assert pd.read_parquet(tmp_path / "out" / "results.parquet")["scenario_name"][0] == (
        "=HYPERLINK(1)"
    )


def test_infeasible_variant_is_a_row(tiny_spec: dict[str, Any], tmp_path: Path) -> None:
    """Closing OR2 on day 1 leaves mandatory C3 nowhere to go: the optimiser's cell says
    INFEASIBLE, the rule's (whose plan the checker rejects) is FAILED with the reason, and
    the base cells still solve."""
    spec = {
        **tiny_spec,
        "variants": {
            "base": [],
            "no-gastro": [{"close_theatre": {"theatre": "OR2", "dates": ["2027-03-01"]}}],
        },
        "seeds": [0],
    }
    frame = run_sweep(spec, tmp_path / "out", serial=True).set_index("id")
    assert frame.loc["tiny__no-gastro__cpsat__s0__t5", "status"] == "INFEASIBLE"
    rule = frame.loc["tiny__no-gastro__rule__s0__t5"]
    assert rule["status"] == "FAILED"
    assert "C3" in rule["error"] and "\n" not in rule["error"]
    assert frame.loc[["tiny__base__cpsat__s0__t5", "tiny__base__rule__s0__t5"], "checked"].all()


def test_simulate_samples_adds_simulated_columns(tiny_spec: dict[str, Any], tmp_path: Path) -> None:
    """``simulate_samples``: each plan is also played with random durations, seeded."""
    spec = {**tiny_spec, "simulate_samples": 200, "variants": {"base": []}, "seeds": [0]}
    frame = run_sweep(spec, tmp_path / "out", serial=True)
    assert frame["sim_overtime_mean"].notna().all()
    assert ((frame["sim_p_any_overtime"] >= 0) & (frame["sim_p_any_overtime"] <= 1)).all()
    again = run_sweep(spec, tmp_path / "again", serial=True)
    assert list(again["sim_overtime_mean"]) == list(frame["sim_overtime_mean"])  # seeded
    assert "sim_overtime_mean" not in run_sweep(tiny_spec, tmp_path / "plain", serial=True)
