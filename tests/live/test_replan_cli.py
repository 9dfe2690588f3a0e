"""``orplan replan`` end to end: files written, the chain of replans, bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orplan.plan.io import load_plan, plan_digest, save_plan
from orplan.scenario import load_scenario, scenario_digest
from tests.builders import DATA
from tests.live.conftest import published_plan

FAST = ("--workers", "1", "--deterministic-time", "5")


def orplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orplan", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The tiny scenario, its published plan and an events file, in a folder."""
    plan = tmp_path / "plan.json"
    save_plan(published_plan(), plan)
    events = tmp_path / "events.yaml"
    events.write_text(
        "format: orplan-events/1\n"
        "events:\n"
        "  - {kind: case-late, at: 2027-03-01T09:40, case: C3, expected_end: 2027-03-01T10:00}\n"
        "  - {kind: emergency, at: 2027-03-01T09:45, id: E1, specialty: orthopaedics,\n"
        "     duration: 40, max_wait: 360, urgency: within 6 h}\n",
        encoding="utf-8",
    )
    return {"scenario": DATA / "tiny.yaml", "plan": plan, "events": events, "dir": tmp_path}


def test_replan_writes_plan_changes_and_live_scenario(files: dict[str, Path]) -> None:
    out = files["dir"] / "out"
    proc = orplan(
        "replan", str(files["scenario"]), str(files["plan"]), str(files["events"]),
        "--now", "2027-03-01T09:50", "--out", str(out), *FAST,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "checked by the independent checker" in proc.stdout
    for name in ("plan.json", "plan.csv", "report.html", "changes.csv", "changes.json",
                 "scenario.yaml"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    plan = load_plan(out / "plan.json")
    assert plan.live is not None
    assert plan.live.parent_sha256 == plan_digest(load_plan(files["plan"]))
    # The saved live scenario is the one the plan belongs to: the next replan starts there.
    live = load_scenario(out / "scenario.yaml")
    assert plan.run is not None and plan.run.scenario_sha256 == scenario_digest(live)
    changes = json.loads((out / "changes.json").read_text())["changes"]
    assert {(c["case"], c["kind"]) for c in changes} >= {("C4", "moved-time"), ("E1", "booked")}
    assert (out / "changes.csv").read_text().splitlines()[
        0
    ] == "case,patient,kind,old,new,tell,reason"
    check = orplan("check", str(out / "scenario.yaml"), str(out / "plan.json"))
    assert check.returncode == 0, check.stdout
    # Against its parent the plan keeps every started case where it was (case-frozen).
    args = ("check", str(out / "scenario.yaml"), str(out / "plan.json"), "--quiet")
    assert orplan(*args, "--parent", str(files["plan"])).returncode == 0
    wrong = orplan(*args, "--parent", str(out / "plan.json"))
    assert wrong.returncode == 2 and "not made from this parent plan" in wrong.stderr

    # A second replan later in the day starts from the first one's scenario and plan.
    later = files["dir"] / "later.yaml"
    later.write_text(
        "events:\n  - {kind: case-cancelled, at: 2027-03-01T12:00, case: C5, reason: no bed}\n",
        encoding="utf-8",
    )
    out2 = files["dir"] / "out2"
    proc = orplan(
        "replan", str(out / "scenario.yaml"), str(out / "plan.json"), str(later),
        "--now", "2027-03-01T12:05", "--out", str(out2), "--json", *FAST,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert [(c["case"], c["kind"]) for c in summary["changes"]] == [("C5", "cancelled")]
    second = load_plan(out2 / "plan.json")
    assert second.live is not None and second.live.parent_sha256 == plan_digest(plan)


def _bad(files: dict[str, Path], *extra: str, events: str | None = None) -> tuple[int, str, Path]:
    if events is not None:
        files["events"].write_text(events, encoding="utf-8")
    out = files["dir"] / "bad-out"
    proc = orplan(
        "replan", str(files["scenario"]), str(files["plan"]), str(files["events"]),
        "--out", str(out), *extra, *FAST,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stderr, out


@pytest.mark.parametrize(
    ("events", "now", "needle"),
    [
        ("events:\n  - {kind: case-cancelled, at: 2027-03-01T07:00, case: C99}\n",
         "2027-03-01T08:00", "events.yaml: events[0].case: unknown case 'C99'"),
        ("events:\n  - {kind: surgeon-absent, at: 2027-03-01T07:00, surgeon: S1}\n",
         "2027-03-01T08:00", "events.yaml: events[0].surgeon-absent.from: Field required"),
        ("events:\n  - {kind: case-cancelled, at: 2027-02-20T07:00, case: C4}\n",
         "2027-03-01T08:00", "events[0].at: 2027-02-20T07:00 is outside the horizon"),
        ("events:\n  - {kind: case-cancelled, at: 2027-03-01T07:00, case: C4}\n",
         "2027-03-01T25:00", "argument --now: '2027-03-01T25:00' is not a local date-time"),
        ("events:\n  - {kind: case-cancelled, at: 2027-03-01T07:00, case: C4}\n",
         "2027-04-01T08:00", "--now: 2027-04-01T08:00 is outside the horizon"),
        ("events:\n  - {kind: party, at: 2027-03-01T07:00}\n",
         "2027-03-01T08:00", "events.yaml: events[0]: Input tag 'party' found"),
        ("name: a scenario\nhorizon: {start: 2027-03-01, days: 2}\n",
         "2027-03-01T08:00", "events.yaml: events: missing: this is not an events file"),
    ],
)  # fmt: skip
def test_bad_input_exit_2_one_line_nothing_written(
    files: dict[str, Path], events: str, now: str, needle: str
) -> None:
    code, err, out = _bad(files, "--now", now, events=events)
    assert code == 2
    assert needle in err, err
    assert len([line for line in err.splitlines() if "error" in line]) == 1
    assert not out.exists()


def test_plan_of_another_scenario_exit_2(files: dict[str, Path]) -> None:
    data = yaml.safe_load(files["scenario"].read_text(encoding="utf-8"))
    data["default_turnover"] = 20
    other = files["dir"] / "other.yaml"
    other.write_text(yaml.safe_dump(data), encoding="utf-8")
    solved = files["dir"] / "solved"
    assert orplan("solve", str(other), "--out", str(solved), "--quiet", *FAST).returncode == 0
    files["plan"] = solved / "plan.json"
    code, err, out = _bad(files, "--now", "2027-03-01T08:00")
    assert code == 2 and "plan was made for another scenario" in err
    assert not out.exists()


def test_out_is_a_file_exit_2_before_any_work(files: dict[str, Path]) -> None:
    blocker = files["dir"] / "bad-out"
    blocker.write_text("not a folder", encoding="utf-8")
    code, err, _ = _bad(files, "--now", "2027-03-01T09:50")
    assert code == 2 and "is a file; name a folder for the outputs" in err
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_schema_events_lists_every_kind() -> None:
    proc = orplan("schema", "events")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    kinds = {d["properties"]["kind"]["const"] for d in schema["$defs"].values()
             if "kind" in d.get("properties", {})}  # fmt: skip
    assert kinds == {"case-cancelled", "surgeon-absent", "theatre-closed", "case-late",
                     "emergency", "case-added"}  # fmt: skip


def test_plans_made_before_new_scenario_fields_still_belong_to_their_scenario() -> None:
    """Fields added later (day of surgery, break-in rules) at their defaults leave a scenario's
    SHA-256 as it was, so a plan published by an earlier orplan can still be replanned or
    booked into. The figure is scenarios/demo.yaml's digest as orplan 271dcd4 wrote it."""
    demo = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "demo.yaml")
    before = "ac77c0dfa57c966c107e0b208c9ed8891a33fc19f71be161565aa4bd1754da1c"
    assert scenario_digest(demo) == before
    changed = demo.model_copy(update={"now": None, "rules": demo.rules.model_copy(
        update={"break_in_interval": 60})})  # fmt: skip
    assert scenario_digest(changed) != before


def test_report_of_a_replanned_plan_says_so(files: dict[str, Path]) -> None:
    """report.html names the replanning moment and the parent plan, so a printed report
    cannot pass for the published one."""
    out = files["dir"] / "out"
    proc = orplan(
        "replan", str(files["scenario"]), str(files["plan"]), str(files["events"]),
        "--now", "2027-03-01T09:50", "--out", str(out), "--quiet", *FAST,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    parent = plan_digest(load_plan(files["plan"]))
    assert "Replanned at</dt>" in html and "2027-03-01 09:50" in html
    assert parent[:12] in html
