"""``orplan replan`` and ``orplan book --apply`` with ``--pseudonymise``: no raw patient id
in any file written (emergencies and new cases included), the replan chain still holds, and
no key is one line, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orplan.baselines import rule_plan
from orplan.cli import main
from orplan.plan.io import load_plan, plan_digest, save_plan
from orplan.plan.model import CaseAssignment
from orplan.pseudonym import KEY_ENV, pseudonym
from orplan.scenario import load_scenario, scenario_digest
from tests.builders import DATA
from tests.live.conftest import published_plan
from tests.pseudonyms import raw_ids_in

KEY = "a-test-key-of-32-bytes-0123456789"
TINY = DATA / "tiny.yaml"
FAST = ["--workers", "1", "--deterministic-time", "5"]
EMERGENCY = "PX-EMERG-77"
NEW = "PX-NEW-88"
RAW = {c.patient for c in load_scenario(TINY).cases} | {EMERGENCY, NEW}


def _raw_ids_in(folder: Path) -> list[tuple[str, str]]:
    """(file, raw patient id) for every raw id in any file."""
    return raw_ids_in(folder, RAW)


@pytest.fixture
def replan_input(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny scenario's published plan and events with a named emergency patient."""
    plan = tmp_path / "plan.json"
    save_plan(published_plan(), plan)
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n"
        "  - {kind: case-cancelled, at: 2027-03-01T09:30, case: C4, reason: no bed}\n"
        f"  - {{kind: emergency, at: 2027-03-01T09:45, id: E1, patient: {EMERGENCY},\n"
        "     specialty: orthopaedics, duration: 40, max_wait: 360, urgency: within 6 h}\n",
        encoding="utf-8",
    )
    return plan, events


def _replan(plan: Path, events: Path, out: Path, *extra: str) -> int:
    argv = ["replan", str(TINY), str(plan), str(events), "--now", "2027-03-01T09:50"]
    return main([*argv, "--out", str(out), "--quiet", *FAST, *extra])


def test_replan_pseudonymised_writes_no_raw_id_and_chains(
    replan_input: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, events = replan_input
    raw_out = tmp_path / "raw"
    assert _replan(plan, events, raw_out) == 0
    # The check below can fail: without the flag the ids (the emergency's too) are there.
    assert {p for _, p in _raw_ids_in(raw_out)} >= {"P001", EMERGENCY}
    monkeypatch.setenv(KEY_ENV, KEY)
    out = tmp_path / "out"
    assert _replan(plan, events, out, "--pseudonymise") == 0
    assert {"plan.json", "plan.xlsx", "report.html", "changes.csv", "scenario.yaml"} <= {
        p.name for p in out.iterdir()
    }
    assert _raw_ids_in(out) == []
    assert not [p for p in out.iterdir() if KEY.encode() in p.read_bytes()]
    changes = (out / "changes.csv").read_text()
    assert f"E1,{pseudonym(KEY.encode(), EMERGENCY)},booked" in changes
    # The plan belongs to the pseudonymised scenario beside it and replaces the given plan.
    new, live = load_plan(out / "plan.json"), load_scenario(out / "scenario.yaml")
    assert new.run is not None and new.run.scenario_sha256 == scenario_digest(live)
    assert new.live is not None and new.live.parent_sha256 == plan_digest(load_plan(plan))
    check = ["check", str(out / "scenario.yaml"), str(out / "plan.json"), "--quiet"]
    assert main([*check, "--parent", str(plan)]) == 0
    # A replan of the pseudonymised replan keeps the pseudonyms (no hash of a hash).
    later = tmp_path / "later.yaml"
    later.write_text(
        "events:\n  - {kind: case-cancelled, at: 2027-03-01T12:00, case: C5, reason: no bed}\n",
        encoding="utf-8",
    )
    again = tmp_path / "again"
    argv = ["replan", str(out / "scenario.yaml"), str(out / "plan.json"), str(later)]
    argv += ["--now", "2027-03-01T12:05", "--out", str(again), "--quiet", "--pseudonymise"]
    assert main([*argv, *FAST]) == 0
    patients = {c.id: c.patient for c in load_scenario(again / "scenario.yaml").cases}
    assert patients == {c.id: c.patient for c in live.cases}


@pytest.fixture
def waiting(tmp_path: Path) -> Path:
    """The tiny scenario's rule plan with C6 taken off (to book), and a new-case file."""
    plan = rule_plan(load_scenario(TINY))
    entries = [
        CaseAssignment(case="C6", scheduled=False) if e.case == "C6" else e for e in plan.cases
    ]
    path = tmp_path / "waiting.json"
    save_plan(plan.model_copy(update={"cases": entries}), path)
    (tmp_path / "new.yaml").write_text(
        f"{{id: N1, patient: {NEW}, procedure: Knee arthroscopy, specialty: orthopaedics, "
        "surgeon: S1, duration: 30}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("which", [["--case", "C6"], ["--new-case", "new.yaml"]])
def test_book_apply_pseudonymised_writes_no_raw_id(
    waiting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: list[str]
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    if which[0] == "--new-case":
        which = [which[0], str(tmp_path / which[1])]
    out = tmp_path / "booked"
    argv = ["book", str(TINY), str(waiting), *which, "--apply", "1", "--out", str(out)]
    assert main([*argv, "--quiet", "--pseudonymise"]) == 0
    assert _raw_ids_in(out) == []
    booked = "C6" if which[0] == "--case" else "N1"
    patient = "P006" if booked == "C6" else NEW
    assert (
        f"{booked},{pseudonym(KEY.encode(), patient)},booked" in (out / "changes.csv").read_text()
    )
    check = ["check", str(out / "scenario.yaml"), str(out / "plan.json"), "--quiet"]
    assert main([*check, "--parent", str(waiting)]) == 0
    new = load_plan(out / "plan.json")
    assert new.live is not None and new.live.parent_sha256 == plan_digest(load_plan(waiting))


@pytest.mark.parametrize(
    ("command", "extra", "message"),
    [
        ("replan", [], f"--pseudonymise needs a key: set {KEY_ENV}"),
        ("book", [], f"--pseudonymise needs a key: set {KEY_ENV}"),
        ("replan", ["--pseudonym-key-file", "/nonexistent/key"], "pseudonym key file not found"),
        ("book", ["--pseudonym-key-file", "/nonexistent/key"], "pseudonym key file not found"),
    ],
)
def test_no_key_is_one_line_exit_2_nothing_written(
    replan_input: tuple[Path, Path], waiting: Path, tmp_path: Path, monkeypatch: Any,
    capsys: Any, command: str, extra: list[str], message: str,
) -> None:  # fmt: skip
    monkeypatch.delenv(KEY_ENV, raising=False)
    plan, events = replan_input
    out = tmp_path / "out"
    if command == "replan":
        code = _replan(plan, events, out, "--pseudonymise", *extra)
    else:
        argv = ["book", str(TINY), str(waiting), "--case", "C6", "--apply", "1"]
        code = main([*argv, "--out", str(out), "--pseudonymise", *extra])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not out.exists()


@pytest.mark.parametrize("command", ["replan", "book"])
def test_key_file_without_the_flag_is_refused(
    replan_input: tuple[Path, Path], waiting: Path, tmp_path: Path, capsys: Any, command: str
) -> None:
    plan, events = replan_input
    out = tmp_path / "out"
    key = ["--pseudonym-key-file", str(TINY)]
    if command == "replan":
        code = _replan(plan, events, out, *key)
    else:
        argv = ["book", str(TINY), str(waiting), "--case", "C6", "--apply", "1"]
        code = main([*argv, "--out", str(out), *key])
    assert code == 2 and "only with --pseudonymise" in capsys.readouterr().err
    assert not out.exists()
