"""``orplan simulate`` through :mod:`orplan.simulate.cli` (the lead wires it into main)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from orplan.plan.io import save_plan
from orplan.scenario import save_scenario
from orplan.simulate.cli import add_simulate_parser, main, plan_labels
from tests.simulate.helpers import case, one_session, packed_plan


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A scenario and two plans for it (same cases, two orders)."""
    scenario = one_session(
        [
            case("A", 120, duration_sd=40, due="2027-03-01"),
            case("B", 60, duration_sd=10),
            case("C", 30, duration_sd=5),
        ],
        close="12:00",
        overtime=30,
    )
    path = tmp_path / "s.yaml"
    save_scenario(scenario, path)
    first, second = tmp_path / "a" / "plan.json", tmp_path / "b" / "plan.json"
    save_plan(packed_plan(scenario, ["A", "B", "C"]), first)
    save_plan(packed_plan(scenario, ["C", "B", "A"]), second)
    return path, first, second


def test_side_by_side_table(files, capsys) -> None:
    scenario, first, second = files
    code = main([str(scenario), str(first), str(second), "--samples", "2000", "--seed", "3"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert "2,000 samples, seed 3" in lines[0]
    assert lines[1].split() == ["a/plan", "b/plan"]
    rows = {line[:30].strip(): line[30:].split() for line in lines[2:]}
    assert rows["cases scheduled"] == ["3", "3"]
    for label in (
        "expected overtime (min)",
        "P(overtime), mean of sessions",
        "cancellations (mean)",
        "cases done (mean)",
        "deadline breaches (mean)",
    ):
        assert len(rows[label]) == 2, label
    # A (due today) goes last in plan b, so it is cancelled more often there
    assert float(rows["deadline breaches (mean)"][1]) > float(rows["deadline breaches (mean)"][0])


def test_json_both_sequencings_and_plot(files, tmp_path: Path, capsys) -> None:
    scenario, first, _ = files
    png = tmp_path / "sim.png"
    code = main(
        [
            str(scenario),
            str(first),
            "--samples",
            "500",
            "--sequencing",
            "both",
            "--json",
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["sequencing"] for r in data["results"]] == ["plan", "svf"]
    assert data["results"][0]["summary"]["cases_scheduled"] == 3
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_same_seed_same_output(files, capsys) -> None:
    scenario, first, _ = files
    main([str(scenario), str(first), "--samples", "300", "--json"])
    once = capsys.readouterr().out
    main([str(scenario), str(first), "--samples", "300", "--json"])
    assert capsys.readouterr().out == once


def test_bad_input_exits_2(files, tmp_path: Path, capsys) -> None:
    scenario, first, _ = files
    assert main([str(scenario), str(tmp_path / "missing.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    other = tmp_path / "other.yaml"
    save_scenario(one_session([case("Z", 60)]), other)
    assert main([str(other), str(first)]) == 2
    assert "is not in the scenario" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([str(scenario), str(first), "--samples", "0"])
    assert exc.value.code == 2


def test_parser_hook_and_labels() -> None:
    parser = argparse.ArgumentParser()
    add_simulate_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["simulate", "s.yaml", "p1.json", "p2.json", "--sequencing", "svf"])
    assert callable(args.func) and args.samples == 10_000 and len(args.plans) == 2
    assert plan_labels([Path("x/a.json"), Path("x/b.json")]) == ["a", "b"]
    assert plan_labels([Path("x/plan.json"), Path("y/plan.json")]) == ["x/plan", "y/plan"]
