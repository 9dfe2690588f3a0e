"""Fixtures of the workbench tests: an app on a temporary SQLite file, a client with CSRF,
and for the browser tests the workbench on a loopback port and a real Chromium."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from orplan.web import WebSettings, create_app
from tests.builders import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Short, repeatable solves: one worker and a deterministic-time limit.
SOLVE = {"workers": 1, "deterministic_time": 0.5, "time_limit": 10.0}
REPLAN = {"workers": 1, "deterministic_time": 0.5, "time_limit": 10.0}


def web_settings(db: Path, **changes: Any) -> WebSettings:
    """Settings for a test app on the SQLite file ``db``."""
    base: dict[str, Any] = {
        "db_url": f"sqlite:///{db}",
        "scenarios_dir": REPO / "scenarios",
        "solve": SOLVE,
        "replan": REPLAN,
    }
    return WebSettings(**(base | changes))


class Bench:
    """A test client that fills in the CSRF token and waits for jobs."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        client.get("/")  # the first response sets the CSRF cookie

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """POST a form with the CSRF token; redirects are not followed."""
        form = {"csrf": self.client.cookies.get("orplan_csrf", "")} | (data or {})
        return self.client.post(url, data=form, follow_redirects=False, **kwargs)

    def job_of(self, response: Any) -> int:
        """The job number a solve or replan redirected to."""
        assert response.status_code == 303, response.text
        match = re.search(r"job=(\d+)", response.headers["location"])
        assert match, response.headers["location"]
        return int(match.group(1))

    def wait(self, job: int) -> dict[str, Any]:
        """Poll a job until it ends (as the page does); its last state."""
        for _ in range(1200):  # a bound on polls, not a time assertion
            state: dict[str, Any] = self.client.get(f"/jobs/{job}").json()
            if state["status"] not in ("queued", "running"):
                return state
            time.sleep(0.1)
        raise AssertionError(f"job {job} did not end: {state}")

    def draft(self, draft_id: int) -> dict[str, Any]:
        """The draft as JSON."""
        data: dict[str, Any] = self.client.get(f"/api/drafts/{draft_id}").json()
        return data

    def load_demo(self) -> int:
        """Load scenarios/demo.yaml from the listing; the new draft's id."""
        response = self.post("/workspaces", {"pick": "demo.yaml", "author": "Kari"})
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def solve_demo(self) -> int:
        """Load the demo and solve it once (a saved version); the draft's id."""
        draft = self.load_demo()
        state = self.wait(self.job_of(self.post(f"/drafts/{draft}/solve")))
        assert state["status"] == "done", state
        return draft

    def broken_version(self, head: int) -> int:
        """A version saved from ``head`` that breaks a rule (C0001 needs laminar flow;
        ULL-OP04 lacks it); its id."""
        response = self.post(f"/versions/{head}/draft", {"author": "Ola"})
        draft = int(response.headers["location"].rsplit("/", 1)[1])
        move = {"case": "C0001", "session": "ULL-OP04@2027-03-01", "start": "08:00"}
        assert self.post(f"/drafts/{draft}/move", move).status_code == 303
        saved = self.post(
            f"/drafts/{draft}/save", {"reason": "try OP04", "base_version": str(head)}
        )
        assert saved.status_code == 303
        return int(self.draft(draft)["base_version"])


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bench, int]]:
    """A client on a fresh database with the demo loaded and solved once (version 1)."""
    db = tmp_path_factory.mktemp("web") / "orplan.db"
    with TestClient(create_app(web_settings(db))) as client:
        bench = Bench(client)
        yield bench, bench.solve_demo()


# The browser tests (Playwright is imported only when one runs). Debian's chromium
# (``/usr/bin/chromium``; ``.ci/run`` installs it) is used, never a browser downloaded by
# Playwright; without it a browser test fails, it is not skipped.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WAIT = 90_000  # ms: a solve in a fresh worker process on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The workbench on a free loopback port, in a thread; its base URL."""
    import uvicorn

    port = _free_port()
    app = create_app(web_settings(tmp_path / "orplan.db", port=port))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(600):  # bounded wait for start-up, not a timing assertion
        if srv.started:
            break
        thread.join(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(30)


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; a missing one fails the test."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def expect_solved(page: Page) -> None:
    """Wait until the page shows a plan that keeps every hard rule."""
    from playwright.sync_api import expect

    expect(page.locator("#violations .ok")).to_contain_text("every hard rule holds", timeout=WAIT)
