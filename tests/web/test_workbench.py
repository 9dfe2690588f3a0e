"""The library behind the pages: upload parsing, move, pin, diff, warm start."""

from __future__ import annotations

from pathlib import Path

import pytest

import orplan
from orplan.baselines.rule import rule_plan
from orplan.errors import ScenarioError
from orplan.scenario import Scenario
from orplan.solver.settings import SolveSettings
from orplan.web.workbench import (
    aligned,
    diff_plans,
    move_case,
    parse_events,
    parse_scenario,
    pin_case,
    unpin_case,
)
from tests.builders import REPO

FAST = SolveSettings(workers=1, deterministic_time=0.3, time_limit=10)


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return orplan.load_scenario(REPO / "scenarios/demo.yaml")


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.yaml", b"name: [unclosed\n", "a.yaml: YAML syntax error at line 2"),
        ("a.json", b"{", "a.json: JSON syntax error at line 1"),
        ("a.yaml", b"- 1\n", "a.yaml: top level must be a mapping"),
        ("a.txt", b"name: x\n", "a.txt: unknown file type"),
        ("a.yaml", b"\xff\xfe", "a.yaml: not a UTF-8 text file"),
        ("a.yaml", b"!!python/object/apply:os.system [ls]\n", "a.yaml: YAML syntax error"),
    ],
)
def test_bad_uploads_are_one_line(name: str, data: bytes, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(name, data)
    assert str(caught.value).startswith(words) and "\n" not in str(caught.value)


def test_events_upload_is_validated() -> None:
    events = parse_events("e.yaml", (REPO / "scenarios/events/demo-morning.yaml").read_bytes())
    assert len(events.events) == 4
    with pytest.raises(ScenarioError, match=r"e.yaml: events\[0\]"):
        parse_events("e.yaml", b"events: [{kind: case-late, at: 2027-03-01T07:00, case: C1}]\n")


def test_move_pin_unpin_and_diff(demo: Scenario) -> None:
    plan = rule_plan(demo)
    first = next(e for e in plan.cases if e.scheduled)
    later = move_case(demo, plan, first.case, first.session, (first.start or 0) + 30)
    off = move_case(demo, later, first.case, None, None)
    assert [(r.case, r.kind) for r in diff_plans(plan, later)] == [(first.case, "moved")]
    assert [(r.case, r.kind) for r in diff_plans(later, off)] == [(first.case, "cancelled")]
    assert [(r.case, r.kind) for r in diff_plans(off, plan)] == [(first.case, "added")]
    pinned = pin_case(demo, plan, first.case)
    assert orplan.check(pinned, plan).ok
    assert not orplan.check(pinned, later).ok  # the pin holds the case to its slot
    assert unpin_case(pinned, first.case) == demo
    with pytest.raises(ScenarioError, match="not scheduled"):
        pin_case(demo, off, first.case)
    with pytest.raises(ScenarioError, match="unknown session"):
        move_case(demo, plan, first.case, "nowhere", 480)
    with pytest.raises(ScenarioError, match="unknown case"):
        move_case(demo, plan, "C9999", None, None)


def test_solve_warm_starts_from_a_valid_plan(demo: Scenario) -> None:
    start = rule_plan(demo)  # the planner's rule: valid, and far from optimal
    pinned = pin_case(demo, start, next(e.case for e in start.cases if e.scheduled))
    result = orplan.solve(pinned, FAST, start=aligned(start, pinned))
    assert result.plan is not None and result.objective is not None
    assert result.objective <= orplan.check(pinned, start).cost.total


def test_solve_ignores_a_broken_start(demo: Scenario) -> None:
    plan = rule_plan(demo)
    broken = move_case(demo, plan, "C0001", "ULL-OP04@2027-03-01", 480)  # needs laminar flow
    assert not orplan.check(demo, broken).ok
    result = orplan.solve(demo, FAST, start=broken)
    assert result.plan is not None and orplan.check(demo, result.plan).ok


def test_listed_scenario_reads_its_cases_file_inside_the_folder(tmp_path: Path) -> None:
    from orplan.scenario.io import load_scenario
    from orplan.web.workbench import listed_scenario

    pilot = listed_scenario(REPO / "scenarios/pilot-week.yaml", REPO / "scenarios")
    assert pilot.cases_file is None
    assert len(pilot.cases) == len(load_scenario(REPO / "scenarios/pilot-week.yaml").cases) > 100
    outside = tmp_path / "listed"
    outside.mkdir()
    text = (REPO / "scenarios/pilot-week.yaml").read_text()
    (outside / "x.yaml").write_text(
        text.replace("pilot-week-cases.csv", str(REPO / "scenarios/pilot-week-cases.csv"))
    )
    with pytest.raises(ScenarioError, match="cases_file: must be inside the scenarios folder"):
        listed_scenario(outside / "x.yaml", outside)
