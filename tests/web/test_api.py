"""The workbench through its HTTP API (FastAPI's TestClient on a temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from orplan.web import create_app
from orplan.web.store import Audit, Version, Workspace
from tests.builders import REPO
from tests.web.conftest import Bench, web_settings


def _new_draft(bench: Bench, newest: bool = False) -> int:
    """A fresh draft from the solver's version 1 (or the newest version) of workspace 1."""
    versions = bench.client.get("/workspaces/1/versions").text
    assert "Versions of demo" in versions
    start = bench.draft(1)["head_version"] if newest else 1
    response = bench.post(f"/versions/{start}/draft", {"author": "Ola"})
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_solve_gives_a_checked_saved_version(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    state = bench.draft(draft)
    assert state["plan"] is not None and state["violations"] == []
    assert state["base_version"] == state["head_version"] is not None
    page = bench.client.get(f"/drafts/{draft}").text
    assert "every hard rule holds" in page and 'data-case="' in page


def test_move_breaks_a_rule_listed_and_publish_refused(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _new_draft(bench)
    base = bench.draft(draft)["base_version"]
    # C0001 needs laminar flow, which ULL-OP04 lacks.
    response = bench.post(
        f"/drafts/{draft}/move",
        {"case": "C0001", "session": "ULL-OP04@2027-03-01", "start": "08:00"},
    )
    assert response.status_code == 303
    state = bench.draft(draft)
    rules = {v["rule"] for v in state["violations"]}
    assert "theatre-capabilities" in rules
    page = bench.client.get(f"/drafts/{draft}").text
    assert "C0001 requires laminar-flow, which theatre ULL-OP04 lacks" in page
    saved = bench.post(f"/drafts/{draft}/save", {"reason": "try OP04", "base_version": str(base)})
    assert saved.status_code == 303
    broken = bench.draft(draft)["base_version"]
    refused = bench.post(f"/versions/{broken}/publish", headers={"accept": "application/json"})
    assert refused.status_code == 409
    assert "cannot be published" in refused.json()["detail"]
    assert "laminar-flow" in refused.json()["detail"]
    assert bench.post(f"/versions/{base}/publish").status_code == 303


def test_pin_and_resolve_keeps_the_pin(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _new_draft(bench)
    plan = bench.draft(draft)["plan"]
    first = next(e for e in plan["cases"] if e["scheduled"])
    assert bench.post(f"/drafts/{draft}/pin", {"case": first["case"]}).status_code == 303
    assert bench.draft(draft)["pins"] == [first["case"]]
    # Move another case onto the pinned one's slot, then let the solver repair the rest.
    other = next(
        e
        for e in plan["cases"]
        if e["scheduled"] and e["case"] != first["case"] and e["session"] == first["session"]
    )
    bench.post(
        f"/drafts/{draft}/move",
        {"case": other["case"], "session": first["session"], "start": first["start"]},
    )
    assert bench.draft(draft)["violations"]
    state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/solve")))
    assert state["status"] == "done", state["message"]
    after = bench.draft(draft)
    assert after["violations"] == []
    kept = next(e for e in after["plan"]["cases"] if e["case"] == first["case"])
    for key in ("session", "start", "surgeon"):
        assert kept[key] == first[key]


def test_save_conflict_is_409(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    mine, theirs = _new_draft(bench, newest=True), _new_draft(bench, newest=True)
    base = str(bench.draft(mine)["base_version"])
    ok = bench.post(f"/drafts/{mine}/save", {"reason": "mine first", "base_version": base})
    assert ok.status_code == 303
    late = bench.post(
        f"/drafts/{theirs}/save",
        {"reason": "theirs", "base_version": base},
        headers={"accept": "text/html"},
    )
    assert late.status_code == 409
    assert "after the version you started from" in late.text


def test_diff_of_two_versions(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _new_draft(bench, newest=True)
    base = bench.draft(draft)["base_version"]
    bench.post(f"/drafts/{draft}/move", {"case": "C0001", "session": ""})
    saved = bench.post(f"/drafts/{draft}/save", {"reason": "C0001 off", "base_version": str(base)})
    assert saved.status_code == 303
    new = bench.draft(draft)["base_version"]
    rows = bench.client.get(
        f"/workspaces/1/diff?a={base}&b={new}", headers={"accept": "application/json"}
    ).json()["rows"]
    assert [(r["case"], r["kind"]) for r in rows] == [("C0001", "cancelled")]
    page = bench.client.get(f"/workspaces/1/diff?a={base}&b={new}").text
    assert "0 moved" in page and "1 cancelled" in page


def test_replan_with_events_lists_changes(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _new_draft(bench)
    events = (REPO / "scenarios/events/demo-morning.yaml").read_bytes()
    response = bench.post(
        f"/drafts/{draft}/replan",
        {"now": "2027-03-01T07:45"},
        files={"events": ("demo-morning.yaml", events)},
    )
    state = bench.wait(bench.job_of(response))
    assert state["status"] == "done", state
    after = bench.draft(draft)
    kinds = {c["case"]: c["kind"] for c in after["changes"]}
    assert kinds["C0015"] == "cancelled" and kinds["E1"] == "booked"
    assert after["violations"] == [] and after["plan"]["live"]["now"] == "2027-03-01T07:45:00"


def test_cancel_stores_nothing(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _new_draft(bench)
    before = bench.draft(draft)
    job = bench.job_of(bench.post(f"/drafts/{draft}/solve"))
    assert bench.post(f"/jobs/{job}/cancel").status_code == 303
    assert bench.wait(job)["status"] == "cancelled"
    assert bench.draft(draft)["plan"] == before["plan"]


def test_at_most_one_job_runs_at_once(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    first, second = _new_draft(bench), _new_draft(bench)
    jobs = [bench.job_of(bench.post(f"/drafts/{d}/solve")) for d in (first, second)]
    for _ in range(600):  # until one worker process is running
        states = {bench.client.get(f"/jobs/{j}").json()["status"] for j in jobs}
        if "running" in states:
            break
    assert states == {"running", "queued"}
    busy = bench.post(f"/drafts/{first}/move", {"case": "C0001", "session": ""})
    assert busy.status_code == 409  # no edits under a running solve
    for job in jobs:
        bench.post(f"/jobs/{job}/cancel")
        assert bench.wait(job)["status"] == "cancelled"


def test_every_change_is_audited(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    store = bench.client.app.state.store  # type: ignore[attr-defined]
    with store.session() as db:
        actions = set(db.scalars(select(Audit.action)))
        assert db.scalar(select(func.count()).select_from(Version)) >= 1
    assert {"load", "solve"} <= actions


def test_state_change_without_csrf_is_refused(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    response = bench.client.post(f"/drafts/{draft}/pin", data={"case": "C0001"})
    assert response.status_code == 403


def _count(client: TestClient) -> int:
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.session() as db:
        return int(db.scalar(select(func.count()).select_from(Workspace)) or 0)


def test_token_required(tmp_path: Path) -> None:
    app = create_app(web_settings(tmp_path / "t.db", token="s3cret"))
    with TestClient(app) as client:
        assert client.get("/api/drafts/1").status_code == 401
        assert client.post("/workspaces", data={"pick": "demo.yaml"}).status_code == 401
        page = client.get("/", headers={"accept": "text/html"})
        assert page.status_code == 401 and 'action="/login"' in page.text
        assert client.get("/static/workbench.js").status_code == 401
        assert client.get("/", headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert client.post("/login", data={"token": "wrong"}).status_code == 401
        assert client.post("/login", data={"token": "s3cret"}).status_code == 200  # → start page
        assert "Load a scenario" in client.get("/").text


def test_upload_too_big_is_413(tmp_path: Path) -> None:
    with TestClient(create_app(web_settings(tmp_path / "t.db", max_upload=1000))) as client:
        bench = Bench(client)
        data = (REPO / "scenarios/demo.yaml").read_bytes()
        response = bench.post("/workspaces", files={"upload": ("demo.yaml", data)})
        assert response.status_code == 413
        huge = bench.post("/workspaces", files={"upload": ("demo.yaml", data * 20)})
        assert huge.status_code == 413 and "limit is 1,000 bytes" in huge.text
        assert _count(client) == 0


def test_bad_upload_one_line_nothing_stored(tmp_path: Path) -> None:
    with TestClient(create_app(web_settings(tmp_path / "t.db"))) as client:
        bench = Bench(client)
        text = (
            (REPO / "scenarios/demo.yaml")
            .read_text()
            .replace("default_turnover: 30", "default_turnover: -5")
        )
        response = bench.post(
            "/workspaces",
            files={"upload": ("mine.yaml", text.encode())},
            headers={"accept": "application/json"},
        )
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert detail.startswith("mine.yaml: default_turnover") and "\n" not in detail
        outside = bench.post(
            "/workspaces", files={"upload": ("x.yaml", b"cases_file: /etc/passwd\n")}
        )
        assert outside.status_code == 400 and "cases inline" in outside.text
        assert bench.post("/workspaces", {"pick": "../pyproject.toml"}).status_code == 400
        assert _count(client) == 0


def test_user_text_is_escaped(tmp_path: Path) -> None:
    with TestClient(create_app(web_settings(tmp_path / "t.db"))) as client:
        bench = Bench(client)
        text = (
            (REPO / "scenarios/demo.yaml")
            .read_text()
            .replace("name: demo", "name: <script>alert(1)</script>")
        )
        assert (
            bench.post("/workspaces", files={"upload": ("x.yaml", text.encode())}).status_code
            == 303
        )
        page = client.get("/").text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
