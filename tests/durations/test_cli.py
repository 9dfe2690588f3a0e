"""``orplan durations fit`` through :mod:`orplan.durations.cli` (the lead wires it into main)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from orplan.durations import DurationModel
from orplan.durations.cli import add_durations_parser, main
from orplan.durations.synth import TRUTH
from orplan.durations.synth import main as synth_main
from tests.builders import HISTORY

#: The synthetic history holds exactly the cases of its generating truth, none malformed.
CASES = sum(t.n for t in TRUTH)


def test_fit_prints_table_and_writes_model(tmp_path: Path, capsys) -> None:
    out = tmp_path / "model.json"
    assert main(["fit", str(HISTORY), "--out", str(out), "--surgeons"]) == 0
    text = capsys.readouterr().out
    assert "Total hip replacement" in text and "S-ORT-4" in text and "weight" in text
    assert f"{CASES} cases used, 0 rows dropped" in text and f"wrote {out}" in text
    model = DurationModel.load(out)
    assert len(model.procedures) == 6


def test_fit_json(tmp_path: Path, capsys) -> None:
    out = tmp_path / "model.json"
    assert main(["fit", str(HISTORY), "--out", str(out), "--json", "--prior-count", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows_used"] == CASES and len(data["fit"]) == 6
    assert {row["prior_count"] for row in data["fit"]} == {5.0}


def test_fit_bad_input_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["fit", str(tmp_path / "none.csv"), "--out", str(tmp_path / "m.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("procedure,minutes\nHip,90\n")
    assert main(["fit", str(bad), "--out", str(tmp_path / "m.json")]) == 2
    assert "missing column 'actual_minutes'" in capsys.readouterr().err
    assert main(["fit", str(bad), "--out", "m.json", "--start-col", "x"]) == 2
    assert not (tmp_path / "m.json").exists()


def test_parser_hook_sets_func() -> None:
    parser = argparse.ArgumentParser()
    add_durations_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["durations", "fit", "h.csv", "--out", "m.json"])
    assert callable(args.func) and args.prior_count is None


def test_synth_script(tmp_path: Path, capsys) -> None:
    out = tmp_path / "h.csv"
    assert synth_main(["--seed", "1", "--out", str(out)]) == 0
    assert out.read_text() == HISTORY.read_text()
    assert f"{CASES} cases" in capsys.readouterr().out
