"""The command line end to end: validate, solve, check, schema."""

from __future__ import annotations

import json
from pathlib import Path

from orplan.plan.io import load_plan, save_plan
from tests.builders import DATA
from tests.cli.test_bad_input import orplan

#: Solve options for results that must not depend on the machine: one worker and a limit in
#: CP-SAT's deterministic time (the proofs of optimality below take a fraction of it); the
#: wall-clock limit is only a backstop.
DETERMINISTIC = ("--workers", "1", "--deterministic-time", "10", "--time-limit", "600")


def test_validate_ok() -> None:
    """A valid scenario: exit 0 and a one-line summary with counts."""
    proc = orplan("validate", str(DATA / "tiny.yaml"))
    assert proc.returncode == 0
    assert "6 cases" in proc.stdout and "2 theatres" in proc.stdout


def test_solve_writes_checked_outputs(tmp_path: Path) -> None:
    """``solve`` writes plan.json, plan.csv, kpis.json, gantt.png; ``check`` accepts the plan."""
    out = tmp_path / "out"
    proc = orplan("solve", str(DATA / "tiny.yaml"), "--out", str(out), *DETERMINISTIC)
    assert proc.returncode == 0, proc.stderr
    assert "OPTIMAL" in proc.stdout
    for name in ("plan.json", "plan.csv", "kpis.json", "gantt.png"):
        assert (out / name).stat().st_size > 0
    plan = load_plan(out / "plan.json")
    assert plan.run is not None and plan.run.seed == 0 and plan.run.workers == 1
    assert plan.run.ortools_version.startswith("9.")
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["kpis"]["scheduled"] == 6
    assert (out / "gantt.png").read_bytes()[:4] == b"\x89PNG"
    csv_lines = (out / "plan.csv").read_text().splitlines()
    assert csv_lines[0].startswith("case,scheduled,session") and len(csv_lines) == 7
    proc = orplan("check", str(DATA / "tiny.yaml"), str(out / "plan.json"))
    assert proc.returncode == 0 and "valid" in proc.stdout


def test_solve_json_output(tmp_path: Path) -> None:
    """``--json`` prints one JSON object with status and KPIs (for scripts)."""
    tiny = str(DATA / "tiny.yaml")
    proc = orplan("solve", tiny, "--out", str(tmp_path), "--json", *DETERMINISTIC)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["status"] == "OPTIMAL" and data["kpis"]["scheduled"] == 6


def test_check_rejects_tampered_plan(tmp_path: Path) -> None:
    """A plan edited by hand so two cases overlap is rejected with exit 1 and the rule named."""
    out = tmp_path / "out"
    assert (
        orplan(
            "solve", str(DATA / "tiny.yaml"), "--out", str(out), "--workers", "1", "--quiet"
        ).returncode
        == 0
    )
    plan = load_plan(out / "plan.json")
    ortho = [c for c in plan.cases if c.theatre == "OR1" and str(c.date) == "2027-03-01"]
    first, second = sorted(ortho, key=lambda c: c.start or 0)[:2]
    assert first.start is not None and second.end is not None and second.start is not None
    shift = second.start - first.start
    second.start -= shift
    second.end -= shift
    save_plan(plan, tmp_path / "tampered.json")
    proc = orplan("check", str(DATA / "tiny.yaml"), str(tmp_path / "tampered.json"))
    assert proc.returncode == 1
    assert "theatre-no-overlap" in proc.stdout


def test_infeasible_explained(tmp_path: Path) -> None:
    """An infeasible scenario exits 1 with the mandatory cases named, and writes nothing."""
    text = (
        (DATA / "tiny.yaml")
        .read_text()
        .replace("duration: 90, priority: 1", "duration: 600, priority: 1")
    )
    path = tmp_path / "infeasible.yaml"
    path.write_text(text)
    proc = orplan("solve", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "INFEASIBLE" in proc.stderr and "C3" in proc.stderr
    assert "longer than any suitable session" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_schema_is_json_schema() -> None:
    """``orplan schema`` prints a JSON Schema that documents every scenario field."""
    proc = orplan("schema")
    schema = json.loads(proc.stdout)
    assert schema["title"] == "Scenario"
    case = schema["$defs"]["Case"]["properties"]
    assert all("description" in field for field in case.values())


def test_solve_rule_method_for_comparison(tmp_path: Path) -> None:
    """``--method rule`` writes the planner's-rule plan, checked like any other plan."""
    out = tmp_path / "rule"
    proc = orplan("solve", str(DATA / "tiny.yaml"), "--out", str(out), "--method", "rule")
    assert proc.returncode == 0, proc.stderr
    plan = load_plan(out / "plan.json")
    assert plan.run is not None and plan.run.strategy == "rule"
    assert orplan("check", str(DATA / "tiny.yaml"), str(out / "plan.json")).returncode == 0


def test_solve_overtime_probability_flag(tmp_path: Path) -> None:
    """``--overtime-probability`` makes a robust plan without editing the file, records the
    change in plan.json and the report; the same file solved without it fills the session."""
    from tests.builders import one_session_of

    scenario = tmp_path / "one-session.json"
    scenario.write_text(one_session_of(10, None).model_dump_json(), encoding="utf-8")
    runs = {}
    for name, extra in (("det", []), ("robust", ["--overtime-probability", "0.2"])):
        out = tmp_path / name
        proc = orplan(
            "solve", str(scenario), "--out", str(out), *DETERMINISTIC, "--json", *extra,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        runs[name] = (json.loads(proc.stdout), load_plan(out / "plan.json"), out)
    assert runs["det"][0]["kpis"]["scheduled"] == 8
    # 60 n + z_0.8 · 20 · sqrt(n) <= 480 holds up to n = 7.
    assert runs["robust"][0]["kpis"]["scheduled"] == 7
    det_run, robust_run = runs["det"][1].run, runs["robust"][1].run
    assert det_run is not None and det_run.rules_changed is None
    assert robust_run is not None and robust_run.rules_changed == {"overtime_probability": 0.2}
    html = (runs["robust"][2] / "report.html").read_text(encoding="utf-8")
    assert "Rules changed for this run" in html and "overtime_probability = 0.2" in html
    # check and report on the unchanged file use the rule the plan was made under: the
    # robust plan keeps it; the deterministic plan (8 cases) is checked without it, and
    # breaks it once its plan.json claims it; the report's scenario digest matches.
    robust_plan, det_plan = runs["robust"][2] / "plan.json", runs["det"][2] / "plan.json"
    ok = orplan("check", str(scenario), str(robust_plan))
    assert ok.returncode == 0 and "overtime_probability = 0.2" in ok.stderr
    assert orplan("check", str(scenario), str(det_plan), "--quiet").returncode == 0
    tampered = load_plan(det_plan)
    assert tampered.run is not None
    tampered.run.rules_changed = {"overtime_probability": 0.2}
    save_plan(tampered, tmp_path / "det-claims-robust.json")
    broken = orplan("check", str(scenario), str(tmp_path / "det-claims-robust.json"))
    assert broken.returncode == 1 and "session-overtime-risk" in broken.stdout
    html_out = tmp_path / "again.html"
    again = orplan("report", str(scenario), str(robust_plan), "--out", str(html_out), "--quiet")
    assert again.returncode == 0
    assert "(matches)" in html_out.read_text(encoding="utf-8")
    bad = orplan("solve", str(scenario), "--out", str(tmp_path / "bad"),
                 "--overtime-probability", "0.7")  # fmt: skip
    assert bad.returncode == 2 and "between 0 and 0.5" in bad.stderr
    assert not (tmp_path / "bad").exists()
