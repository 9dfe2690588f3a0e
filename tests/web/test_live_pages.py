"""Booking a patient and typing an event in the workbench (routes_live.py), via the API."""

from __future__ import annotations

from sqlalchemy import select

from orplan.web.store import Audit
from tests.web.conftest import Bench


def _draft_with_waiting(bench: Bench, case: str) -> int:
    """A new draft from the newest version with ``case`` taken off the plan (waiting)."""
    head = bench.draft(1)["head_version"]
    response = bench.post(f"/versions/{head}/draft", {"author": "Ola"})
    draft = int(response.headers["location"].rsplit("/", 1)[1])
    assert bench.post(f"/drafts/{draft}/move", {"case": case, "session": ""}).status_code == 303
    entry = next(e for e in bench.draft(draft)["plan"]["cases"] if e["case"] == case)
    assert not entry["scheduled"] and bench.draft(draft)["violations"] == []
    return draft


def test_book_suggests_slots_and_take_saves_a_version(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _draft_with_waiting(bench, "C0003")
    state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/book", {"case": "C0003"})))
    assert state["status"] == "done", state["message"]
    assert "slot(s) for C0003" in state["message"]
    page = bench.client.get(f"/drafts/{draft}").text
    assert 'id="suggestions"' in page and 'data-rank="1"' in page
    before = bench.draft(draft)["head_version"]
    taken = bench.post(f"/drafts/{draft}/book/take", {"rank": "1"})
    assert taken.status_code == 303, taken.text
    after = bench.draft(draft)
    entry = next(e for e in after["plan"]["cases"] if e["case"] == "C0003")
    assert entry["scheduled"] and after["violations"] == []
    assert after["changes"][0]["case"] == "C0003" and after["changes"][0]["kind"] == "booked"
    assert after["head_version"] != before and after["base_version"] == after["head_version"]
    assert 'id="suggestions"' not in bench.client.get(f"/drafts/{draft}").text  # taken: gone
    again = bench.post(f"/drafts/{draft}/book/take", {"rank": "1"})
    assert again.status_code == 409


def test_suggestions_go_stale_when_the_plan_changes(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    draft = _draft_with_waiting(bench, "C0004")
    state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/book", {"case": "C0004"})))
    assert state["status"] == "done", state
    bench.post(f"/drafts/{draft}/move", {"case": "C0005", "session": ""})
    plan_before = bench.draft(draft)["plan"]
    stale = bench.post(f"/drafts/{draft}/book/take", {"rank": "1"})
    assert stale.status_code == 409 and "book the patient again" in stale.text
    assert bench.draft(draft)["plan"] == plan_before  # nothing taken


def test_booking_a_booked_case_fails_in_words(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    booked = next(e["case"] for e in bench.draft(draft)["plan"]["cases"] if e["scheduled"])
    state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/book", {"case": booked})))
    assert state["status"] == "failed" and "already booked" in state["message"], state
    unknown = bench.post(f"/drafts/{draft}/book", {"case": "NOPE"})
    assert unknown.status_code == 400 and "no case with id 'NOPE'" in unknown.text


def test_event_form_replans_and_lists_changes(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    head = bench.draft(1)["head_version"]
    response = bench.post(f"/versions/{head}/draft", {"author": "Ola"})
    draft = int(response.headers["location"].rsplit("/", 1)[1])
    form = {"kind": "case-cancelled", "what": "C0015", "now": "2027-03-01T07:45"}
    state = bench.wait(
        bench.job_of(bench.post(f"/drafts/{draft}/events", form | {"reason": "flu"}))
    )
    assert state["status"] == "done", state
    after = bench.draft(draft)
    kinds = {c["case"]: c["kind"] for c in after["changes"]}
    assert kinds["C0015"] == "cancelled" and after["violations"] == []
    with bench.client.app.state.store.session() as db:  # type: ignore[attr-defined]
        details = db.scalars(select(Audit.detail).where(Audit.action == "replan")).all()
    assert any(f"draft {draft}: 1 event(s)" in d for d in details)


def test_bad_event_form_is_one_line_and_starts_nothing(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    bad = bench.post(
        f"/drafts/{draft}/events",
        {"kind": "surgeon-absent", "what": "S1", "now": "2027-03-01T07:45", "until": "soon"},
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 400
    detail = bad.json()["detail"]
    assert detail.startswith("event form: surgeon-absent.until: ") and "\n" not in detail
    assert bench.client.app.state.jobs.active(draft) is None  # type: ignore[attr-defined]
    kind = bench.post(f"/drafts/{draft}/events", {"kind": "flood", "what": "X", "now": "x"})
    assert kind.status_code == 400 and "event form: kind: 'flood' is not one of" in kind.text


NEW_CASE = b"""id: N0001
patient: P99999
procedure: Inguinal hernia repair
specialty: gastro
surgeon: S-GAS-02
duration: 40
turnover: 35
release: 2026-12-01
"""


def test_a_new_patient_is_booked_from_a_case_file(solved: tuple[Bench, int]) -> None:
    bench, _ = solved
    head = bench.draft(1)["head_version"]
    response = bench.post(f"/versions/{head}/draft", {"author": "Ola"})
    draft = int(response.headers["location"].rsplit("/", 1)[1])
    upload = {"new_case": ("n0001.yaml", NEW_CASE)}
    state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/book", files=upload)))
    assert state["status"] == "done", state["message"]
    assert bench.post(f"/drafts/{draft}/book/take", {"rank": "1"}).status_code == 303
    after = bench.draft(draft)
    entry = next(e for e in after["plan"]["cases"] if e["case"] == "N0001")
    assert entry["scheduled"] and after["violations"] == []
    assert (after["changes"][0]["case"], after["changes"][0]["kind"]) == ("N0001", "booked")


def test_a_bad_case_file_is_one_line_naming_the_field(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    bad = NEW_CASE.replace(b"duration: 40", b"duration: -5")
    response = bench.post(
        f"/drafts/{draft}/book",
        files={"new_case": ("n.yaml", bad)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("n.yaml: duration") and "\n" not in detail
    taken = NEW_CASE.replace(b"id: N0001", b"id: C0001")
    again = bench.post(f"/drafts/{draft}/book", files={"new_case": ("c.yaml", taken)})
    assert again.status_code == 400 and "already in the scenario" in again.text
    nothing = bench.post(f"/drafts/{draft}/book", {"case": ""})
    assert nothing.status_code == 400 and "choose a case from the waiting list" in nothing.text
    assert bench.client.app.state.jobs.active(draft) is None  # type: ignore[attr-defined]
