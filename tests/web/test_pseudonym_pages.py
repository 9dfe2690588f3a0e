"""Patient ids on the workbench's pages: real, or keyed pseudonyms with the setting on.

One database, two clients: without the setting the pages show the real ids (so the test
with it can fail); with ``pseudonymise`` every page, the draft's JSON and the exports show
only pseudonyms.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from orplan.pseudonym import KEY_ENV, pseudonym
from orplan.scenario.io import load_scenario
from orplan.web import create_app
from tests.builders import REPO
from tests.web.conftest import Bench, web_settings

KEY = "a-workbench-key-of-32-bytes-4567"
# The waiting list's patients, and the emergency patient the morning's events bring in
# (orplan.live names it after the event's id).
PATIENTS = {c.patient for c in load_scenario(REPO / "scenarios/demo.yaml").cases}
PATIENTS |= {"EMERGENCY-E1"}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """The demo solved (version 1), then a draft replanned with the morning's events (its
    change list names patients); the database and that draft."""
    db = tmp_path_factory.mktemp("webpseudo") / "orplan.db"
    with TestClient(create_app(web_settings(db))) as client:
        bench = Bench(client)
        bench.solve_demo()
        made = bench.post("/versions/1/draft", {"author": "Ola"})
        draft = int(made.headers["location"].rsplit("/", 1)[1])
        events = (REPO / "scenarios/events/demo-morning.yaml").read_bytes()
        response = bench.post(
            f"/drafts/{draft}/replan",
            {"now": "2027-03-01T07:45"},
            files={"events": ("demo-morning.yaml", events)},
        )
        assert bench.wait(bench.job_of(response))["status"] == "done"
        # A replan is saved as a version of its own (so the diff below has two versions).
        assert bench.draft(draft)["head_version"] > 1
        yield db, draft


def _pages(client: TestClient, draft: int) -> dict[str, str]:
    """Every page and JSON answer that could name a patient."""
    state = client.get(f"/api/drafts/{draft}").json()
    days = sorted({e["date"] for e in state["plan"]["cases"] if e["scheduled"]})
    space, head = state["workspace"], state["head_version"]
    pages = {f"draft {day}": client.get(f"/drafts/{draft}?day={day}").text for day in days}
    pages |= {
        "index": client.get("/").text,
        "versions": client.get(f"/workspaces/{space}/versions").text,
        "diff": client.get(f"/workspaces/{space}/diff?a=1&b={head}").text,
        "draft json": client.get(f"/api/drafts/{draft}").text,
        "report": client.get(f"/versions/{head}/report.html").text,
    }
    return pages


def _real(text: str) -> set[str]:
    return {p for p in PATIENTS if p in text}


def test_pages_show_real_ids_without_the_setting(database: tuple[Path, int]) -> None:
    db, draft = database
    with TestClient(create_app(web_settings(db))) as client:
        pages = _pages(client, draft)
        drafts = " ".join(text for name, text in pages.items() if name.startswith("draft "))
        # The day view's tooltips and the change list name the patients.
        assert len(_real(drafts)) > 10
        changes = json.loads(pages["draft json"])["changes"]
        assert changes and {c["patient"] for c in changes if c["patient"]} <= PATIENTS


def test_no_page_shows_a_real_id_with_the_setting(
    database: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, draft = database
    monkeypatch.setenv(KEY_ENV, KEY)
    with TestClient(create_app(web_settings(db, pseudonymise=True))) as client:
        pages = _pages(client, draft)
        for name, text in pages.items():
            assert _real(text) == set(), name
            assert KEY not in text, name
        drafts = " ".join(text for name, text in pages.items() if name.startswith("draft "))
        shown = {pseudonym(KEY.encode(), p) for p in PATIENTS}
        assert len({p for p in shown if p in drafts}) > 10
        changes = json.loads(pages["draft json"])["changes"]
        assert changes and {c["patient"] for c in changes if c["patient"]} <= shown
        assert all(c["patient"] in pages[name] for c in changes if c["patient"]
                   for name in pages if name.startswith("draft "))  # fmt: skip


def test_a_page_without_a_key_is_refused_not_shown_with_real_ids(
    database: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, draft = database
    monkeypatch.delenv(KEY_ENV, raising=False)
    with TestClient(create_app(web_settings(db, pseudonymise=True))) as client:
        response = client.get(f"/drafts/{draft}")
        assert response.status_code == 503
        assert _real(response.text) == set()
