"""``orplan export fhir --parent`` on a plan ``orplan replan`` wrote: what the change list
says moved or was cancelled is what the bundle cancels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orplan.cli import main
from orplan.plan.io import save_plan
from tests.builders import DATA
from tests.live.conftest import published_plan

EVENTS = (
    "format: orplan-events/1\n"
    "events:\n"
    "  - {kind: case-late, at: 2027-03-01T09:40, case: C3, expected_end: 2027-03-01T10:00}\n"
    "  - {kind: emergency, at: 2027-03-01T09:45, id: E1, specialty: orthopaedics,\n"
    "     duration: 40, max_wait: 360, urgency: within 6 h}\n"
)


@pytest.fixture
def replanned(tmp_path: Path) -> Path:
    """The tiny scenario's published plan replanned after a late case and an emergency."""
    save_plan(published_plan(), tmp_path / "plan.json")
    (tmp_path / "events.yaml").write_text(EVENTS, encoding="utf-8")
    out = tmp_path / "replan"
    argv = ["replan", str(DATA / "tiny.yaml"), str(tmp_path / "plan.json"),
            str(tmp_path / "events.yaml"), "--now", "2027-03-01T09:50", "--out", str(out),
            "--workers", "1", "--deterministic-time", "5", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    return tmp_path


def test_bundle_cancels_what_the_change_list_moves(replanned: Path) -> None:
    """Every case the change list marks moved (day/theatre/time/surgeon) or cancelled has a
    cancelled appointment; every moved one a booked appointment pointing back to it."""
    out = replanned / "replan"
    bundle = replanned / "bundle.json"
    # The replan folder alone: it holds scenario.yaml beside plan.json.
    argv = ["export", "fhir", str(out), "--out", str(bundle),
            "--parent", str(replanned / "plan.json"), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    changes = json.loads((out / "changes.json").read_text())["changes"]
    moved = {c["case"] for c in changes if c["kind"].startswith(("moved", "new-surgeon"))}
    dropped = {c["case"] for c in changes if c["kind"] == "cancelled"}
    appointments = [
        e["resource"] for e in json.loads(bundle.read_text())["entry"]
        if e["resource"]["resourceType"] == "Appointment"
    ]  # fmt: skip
    cancelled = {a["identifier"][0]["value"] for a in appointments if a["status"] == "cancelled"}
    assert cancelled == moved | dropped
    pointing = {
        a["identifier"][0]["value"]: a["extension"][0]["valueReference"]["reference"]
        for a in appointments
        if a["status"] == "booked" and a.get("extension")
    }
    assert set(pointing) == moved
    ids = {f"urn:uuid:{a['id']}" for a in appointments if a["status"] == "cancelled"}
    assert set(pointing.values()) <= ids
    assert any(a["identifier"][0]["value"].startswith("E") for a in appointments)


def test_parent_that_is_not_the_parent_exit_2(replanned: Path, capsys: Any) -> None:
    """A replanned plan exported against another plan as its parent: one line, exit 2."""
    out = replanned / "replan"
    argv = ["export", "fhir", str(out / "scenario.yaml"), str(out), "--out",
            str(replanned / "b.json"), "--parent", str(out / "plan.json")]  # fmt: skip
    assert main(argv) == 2
    assert "not made from this parent plan" in capsys.readouterr().err
    assert not (replanned / "b.json").exists()


def test_a_folder_without_scenario_needs_the_scenario(tmp_path: Path, capsys: Any) -> None:
    """orplan solve writes no scenario.yaml: the folder alone is one line, exit 2."""
    save_plan(published_plan(), tmp_path / "plan.json")
    assert main(["export", "fhir", str(tmp_path), "--out", str(tmp_path / "b.json")]) == 2
    assert "no scenario.yaml in it; give the scenario: SCENARIO PLAN" in capsys.readouterr().err
