"""``orplan report SCENARIO PLAN --out report.html``."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from orplan.plan.io import save_plan
from orplan.plan.model import Plan
from orplan.report.cli import add_report_parser, main, run_report
from orplan.scenario import Scenario
from tests.builders import DATA


@pytest.fixture
def files(tmp_path: Path, gaps: Plan, invalid: Plan) -> Path:
    shutil.copy(DATA / "tiny.yaml", tmp_path / "tiny.yaml")
    save_plan(gaps, tmp_path / "plan.json")
    save_plan(invalid, tmp_path / "invalid.json")
    return tmp_path


def test_writes_the_report(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = files / "out" / "report.html"
    code = main([str(files / "tiny.yaml"), str(files / "plan.json"), "--out", str(out)])
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert '<section id="unscheduled">' in html and "C6" in html
    printed = capsys.readouterr().out
    assert "valid" in printed and str(out) in printed


def test_out_folder_and_excel(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            str(files / "tiny.yaml"),
            str(files / "plan.json"),
            "--out",
            str(files),
            "--xlsx",
            str(files / "plan.xlsx"),
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["valid"] is True and summary["scheduled"] == 4
    assert summary["files"] == [str(files / "report.html"), str(files / "plan.xlsx")]
    assert (files / "report.html").is_file() and (files / "plan.xlsx").is_file()


def test_invalid_plan_still_gets_a_report_and_exit_1(files: Path) -> None:
    out = files / "invalid.html"
    code = main(
        [str(files / "tiny.yaml"), str(files / "invalid.json"), "--out", str(out), "--quiet"]
    )
    assert code == 1
    assert '<section id="violations">' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("scenario", "plan", "message"),
    [
        ("missing.yaml", "plan.json", "missing.yaml: file not found"),
        ("tiny.yaml", "missing.json", "missing.json: file not found"),
        ("tiny.yaml", "broken.json", "broken.json: JSON syntax error"),
    ],
)
def test_bad_input_exits_2(
    files: Path, capsys: pytest.CaptureFixture[str], scenario: str, plan: str, message: str
) -> None:
    (files / "broken.json").write_text("{not json", encoding="utf-8")
    out = files / "never.html"
    code = main([str(files / scenario), str(files / plan), "--out", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_parser_sets_func(tiny: Scenario) -> None:
    parser = argparse.ArgumentParser()
    add_report_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["report", "s.yaml", "p.json"])
    assert args.func is run_report
    assert args.out == Path("report.html") and args.xlsx is None and args.near_days == 14


def test_orplan_main_hook(files: Path) -> None:
    from orplan import cli

    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert "report" in commands.choices
    out = files / "via-main.html"
    assert (
        cli.main(
            [
                "report",
                str(files / "tiny.yaml"),
                str(files / "plan.json"),
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert out.is_file()
    assert cli.main(["report", str(files / "nope.yaml"), str(files / "plan.json")]) == 2
