"""``orplan sweep`` and ``orplan schema sweep``: bad specs give one line, exit 2, no files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from orplan.cli import main
from orplan.sweep.progress import SweepProgress
from tests.builders import REPO, TINY

GOOD: dict[str, Any] = {
    "name": "cli",
    "scenarios": {"tiny": str(TINY)},
    "variants": {"base": [], "closed": [{"close_theatre": {"theatre": "OR1"}}]},
    "methods": ["rule"],
}

# (change to the good spec, text the one error line must contain)
BAD: list[tuple[dict[str, Any], str]] = [
    # a what-if that does not exist (typo of close_theatre)
    (
        {"variants": {"v": [{"close_theater": {"theatre": "OR1"}}]}},
        "variants.v[0].close_theater: unknown what-if (edits: close_theatre,",
    ),
    # an unknown top-level field must not be silently ignored
    ({"seed": [1]}, "seed: Extra inputs are not permitted"),
    # an argument the what-if function does not take
    ({"variants": {"v": [{"scale_demand": {"factr": 1.1}}]}}, "variants.v[0].scale_demand.factr"),
    # an edit the scenario rejects: no theatre OR9
    ({"variants": {"v": [{"close_theatre": {"theatre": "OR9"}}]}}, "unknown theatre(s) 'OR9'"),
    ({"methods": ["mip"]}, "methods[0]"),  # not a sweep method
    ({"seeds": [-1]}, "seeds[0]"),  # seeds are >= 0
    ({"time_limits": [0]}, "time_limits[0]"),  # a solve needs time
    ({"scenarios": {"x": "missing.yaml"}}, "missing.yaml: file not found"),
    ({"variants": {"v": [{}]}}, "variants.v[0]: give exactly one what-if edit"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_spec(
    change: dict[str, Any], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line naming the file and field, exit 2, nothing written."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({**GOOD, **change}))
    out = tmp_path / "out"
    code = main(["sweep", str(spec), "--out", str(out), "--serial"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1, err
    assert message in err[0]
    assert err[0].startswith(f"orplan: error: {spec}: ") or "missing.yaml" in err[0]
    assert not out.exists()


def test_cli_runs_and_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A good spec: exit 0, a summary line, the table; the second run reuses every cell."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(GOOD))
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--serial"]) == 0
    captured = capsys.readouterr()
    assert "2 cells, 0 failed" in captured.out
    assert "[2/2, 0 failed] cli" not in captured.err  # ids are the cells', not the sweep's
    assert "[2/2, 0 failed] tiny__closed__rule__s0__t20" in captured.err
    assert main(["sweep", str(spec), "--out", str(out), "--serial", "--quiet"]) == 0
    assert json.loads((out / "sweep.json").read_text())["cells_reused"] == 2


def test_schema_sweep(capsys: pytest.CaptureFixture[str]) -> None:
    """``orplan schema sweep`` prints the spec's JSON Schema, with every what-if edit."""
    assert main(["schema", "sweep"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "SweepSpec"
    assert "close_theatre" in schema["$defs"]["Edit"]["properties"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", ["demo.yaml", "pilot-week.yaml"])
def test_shipped_specs_are_valid(name: str) -> None:
    """The specs in scenarios/sweeps/ load, and their variants apply to their scenarios."""
    from orplan.sweep.cells import expand, variant_scenarios
    from orplan.sweep.spec import load_spec

    spec, root = load_spec(REPO / "scenarios" / "sweeps" / name)
    cells = expand(spec, variant_scenarios(spec, root))
    assert len(cells) == {"demo.yaml": 12, "pilot-week.yaml": 24}[name]
    assert len({c.id for c in cells}) == len(cells)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--workers", "0"], "argument --workers: 0 must be at least 1"),
        (["--serial", "--scheduler", "tcp://x:1"], "not allowed with argument"),
    ],
)
def test_bad_options(
    options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad option is exit 2 with one error line; nothing is written."""
    with pytest.raises(SystemExit) as exit_:
        main(["sweep", str(REPO / "scenarios/sweeps/demo.yaml"), "--out", str(tmp_path / "o"),
              *options])  # fmt: skip
    assert exit_.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1 and message in errors[0]
    assert not (tmp_path / "o").exists()


def test_progress_bar_on_a_terminal() -> None:
    """On a terminal one bar is redrawn in place; a failure stays on screen above it."""
    stream = io.StringIO()
    ticks = iter([0.0, 10.0, 20.0, 40.0])
    bar = SweepProgress(stream, tty=True, clock=lambda: next(ticks))
    bar(1, 0, 3, {"id": "a", "status": "FEASIBLE", "cost": 5})
    bar(2, 1, 3, {"id": "b", "status": "FAILED", "error": "worker died"})
    bar(3, 1, 3, {"id": "c", "status": "OPTIMAL", "cost": 4})
    text = stream.getvalue()
    frames = text.split("\r\x1b[2K")[1:]
    assert len(frames) == 3
    assert frames[0] == "[" + "#" * 8 + "." * 16 + "] 1/3 cells, 0 failed, 0:10, about 0:20 left"
    assert frames[1].startswith("  b: FAILED worker died\n[")
    assert "2/3 cells, 1 failed" in frames[1]
    assert frames[1].count("x") == 8  # a third of the bar marks the failed cell
    assert frames[2].endswith("3/3 cells, 1 failed, 0:40\n")
    assert "\n" not in frames[0]


def test_progress_into_a_log_is_one_line_per_cell() -> None:
    """Into a pipe or file there are no carriage returns: one line per cell."""
    stream = io.StringIO()
    bar = SweepProgress(stream)  # StringIO is not a terminal
    bar(1, 1, 2, {"id": "a", "status": "FAILED", "error": "boom"})
    bar(2, 1, 2, {"id": "b", "status": "FEASIBLE", "cost": 7})
    assert stream.getvalue() == (
        "  [1/2, 1 failed] a: FAILED boom\n  [2/2, 1 failed] b: FEASIBLE cost 7\n"
    )
