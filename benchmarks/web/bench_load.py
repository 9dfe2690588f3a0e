"""Benchmark: the workbench under 20 planners at once (not a test; loopback only).

Usage::

    .venv/bin/python benchmarks/web/bench_load.py [--backend sqlite|postgresql|both]
        [--clients 20] [--requests 500] [--seed 0] [--pg-url URL] [--json OUT.json]

For each backend it starts ``orplan serve`` in its own process on 127.0.0.1 (a fresh SQLite
file, or a fresh schema in the PostgreSQL database of ``--pg-url`` /
``ORPLAN_TEST_POSTGRES_URL``; ``make postgres`` starts one), loads
``scenarios/pilot-week.yaml`` and solves it once (version 1). Then ``--clients`` threads,
each a planner with its own cookies and draft, share ``--requests`` requests, drawn with
``--seed``: reads (the draft page, the draft as JSON, the version list) and edits (pin or
unpin a scheduled case, save the draft as a version from its base). A save refused with 409
(another planner saved first) is followed by a new draft from the newest version, as the
page tells a planner to do.

Printed: p50/p95 latency per request kind and overall, saves accepted and refused, and the
lost-update check read from the database afterwards: every accepted save is a version with
its planner's reason, the versions form one line (each one's parent is the one before) and
the workspace's head is the last; a lost update (two saves from one base both accepted, or
an accepted save missing) fails the run with exit 1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import create_engine, select, text

from orplan.web.store import Version, Workspace, engine_url, open_store

REPO = Path(__file__).resolve().parents[2]
SCENARIO = "pilot-week.yaml"
READS = ("page", "json", "versions")


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``orplan serve`` on a free loopback port, in its own process."""

    def __init__(self, db_url: str, folder: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "orplan", "serve", "--db", db_url, "--port", str(self.port),
            "--scenarios", str(REPO / "scenarios"), "--time-limit", "20", "--workers", "1",
        ]  # fmt: skip
        env = os.environ | {"PYTHONPATH": str(REPO / "src")}
        self.log = (folder / f"serve-{self.port}.log").open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        for _ in range(300):  # up to ~30 s for imports and migrations
            try:
                httpx.get(self.base + "/", timeout=1.0)
                return
            except httpx.TransportError:
                if self.process.poll() is not None:
                    raise SystemExit(f"orplan serve ended: see {self.log.name}") from None
                time.sleep(0.1)
        raise SystemExit("orplan serve did not answer within 30 s")

    def stop(self) -> None:
        """Stop the server (Ctrl-C, as a planner would)."""
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Planner:
    """One client: its own cookies (CSRF, name) and draft."""

    def __init__(self, base: str, name: str) -> None:
        self.name = name
        self.http = httpx.Client(base_url=base, timeout=120.0, follow_redirects=False)
        self.http.cookies.set("orplan_author", name)
        self.http.get("/", headers={"accept": "text/html"})  # sets the CSRF cookie
        self.draft = 0

    def post(self, url: str, data: dict[str, str] | None = None) -> httpx.Response:
        """POST a form with the CSRF token."""
        form = {"csrf": self.http.cookies.get("orplan_csrf") or ""} | (data or {})
        return self.http.post(url, data=form, headers={"accept": "application/json"})

    def open_newest(self) -> None:
        """A new draft from the newest version (after a conflict, as the page says)."""
        head = self.http.get(f"/api/drafts/{self.draft or 1}").json()["head_version"]
        response = self.post(f"/versions/{head}/draft", {"author": self.name})
        assert response.status_code == 303, response.text
        self.draft = int(response.headers["location"].rsplit("/", 1)[1])


def prepare(base: str) -> tuple[int, int]:
    """Load pilot-week and solve it once; (workspace, first draft)."""
    planner = Planner(base, "setup")
    response = planner.post("/workspaces", {"pick": SCENARIO, "author": "setup"})
    assert response.status_code == 303, response.text
    draft = int(response.headers["location"].rsplit("/", 1)[1])
    solved = planner.post(f"/drafts/{draft}/solve")
    match = re.search(r"job=(\d+)", solved.headers.get("location", ""))
    assert match, solved.text
    while True:
        state = planner.http.get(f"/jobs/{match.group(1)}").json()
        if state["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert state["status"] == "done", state
    space = planner.http.get(f"/api/drafts/{draft}").json()["workspace"]
    return space, draft


def run_clients(base: str, space: int, clients: int, requests: int, seed: int) -> dict[str, Any]:
    """The load: ``requests`` mixed requests shared by ``clients`` threads."""
    left = iter(range(requests))
    lock = threading.Lock()
    timings: list[tuple[str, float, int]] = []
    saved: list[tuple[int, str]] = []  # (version, reason) of each accepted save
    refused: list[str] = []
    planners = [Planner(base, f"planner-{n:02d}") for n in range(clients)]
    for planner in planners:
        planner.open_newest()
    cases = [
        e["case"]
        for e in planners[0].http.get(f"/api/drafts/{planners[0].draft}").json()["plan"]["cases"]
        if e["scheduled"]
    ]
    start = threading.Barrier(clients)

    def timed(kind: str, call: Any) -> httpx.Response:
        began = time.perf_counter()
        response: httpx.Response = call()
        with lock:
            timings.append((kind, time.perf_counter() - began, response.status_code))
        return response

    def work(planner: Planner, rng: random.Random) -> None:
        start.wait()
        pinned: set[str] = set()
        edits = 0
        while True:
            with lock:
                if next(left, None) is None:
                    return
            roll = rng.random()
            if roll < 0.6:
                kind = rng.choice(READS)
                url = {
                    "page": f"/drafts/{planner.draft}",
                    "json": f"/api/drafts/{planner.draft}",
                    "versions": f"/workspaces/{space}/versions",
                }[kind]
                headers = {"accept": "application/json" if kind == "json" else "text/html"}
                response = timed(kind, lambda u=url, h=headers: planner.http.get(u, headers=h))
                assert response.status_code == 200, (kind, response.status_code)
            elif roll < 0.85 or edits == 0:
                case = rng.choice(cases)
                action = "unpin" if case in pinned else "pin"
                form = {"case": case, "action": action}
                response = timed(
                    "pin", lambda f=form: planner.post(f"/drafts/{planner.draft}/pin", f)
                )
                assert response.status_code == 303, response.text
                pinned.symmetric_difference_update({case})
                edits += 1
            else:
                base_version = planner.http.get(f"/api/drafts/{planner.draft}").json()
                reason = f"{planner.name} save {uuid.uuid4().hex[:8]}"
                form = {"reason": reason, "base_version": str(base_version["base_version"])}
                response = timed(
                    "save", lambda f=form: planner.post(f"/drafts/{planner.draft}/save", f)
                )
                if response.status_code == 303:
                    after = planner.http.get(f"/api/drafts/{planner.draft}").json()
                    with lock:
                        saved.append((after["base_version"], reason))
                else:
                    assert response.status_code == 409, response.text
                    with lock:
                        refused.append(reason)
                    planner.open_newest()
                    pinned.clear()
                edits = 0

    threads = [
        threading.Thread(target=work, args=(p, random.Random(seed * 1000 + n)))
        for n, p in enumerate(planners)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"timings": timings, "saved": saved, "refused": refused, "wall": wall}


def lost_updates(db_url: str, space: int, saved: list[tuple[int, str]]) -> list[str]:
    """What the database says went wrong ([] when no update was lost)."""
    store = open_store(db_url)
    problems: list[str] = []
    with store.session() as db:
        rows = db.scalars(
            select(Version).where(Version.workspace_id == space).order_by(Version.id)
        ).all()
        head = db.get(Workspace, space)
    reasons = {v.id: v.reason for v in rows}
    for version, reason in saved:
        if reasons.get(version) != reason:
            problems.append(f"accepted save {reason!r} is not version {version}")
    for before, after in itertools.pairwise(rows):
        if after.parent_id != before.id:
            problems.append(f"version {after.id} forks from {after.parent_id}, not {before.id}")
    if len(rows) != 1 + len(saved):
        problems.append(f"{len(rows)} versions for {len(saved)} accepted saves + the solve")
    if head is None or head.head_version_id != rows[-1].id:
        problems.append("the workspace's head is not its newest version")
    store.engine.dispose()
    return problems


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def database(backend: str, folder: Path, pg_url: str) -> tuple[str, Any]:
    """(URL of an empty database, clean-up)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    if not pg_url:
        raise SystemExit("no PostgreSQL: pass --pg-url or set ORPLAN_TEST_POSTGRES_URL")
    schema = f"orplan_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(engine_url(pg_url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    joiner = "&" if "?" in pg_url else "?"
    return f"{pg_url}{joiner}options=-csearch_path%3D{schema}", drop


def bench(backend: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """One backend: serve, load, measure, check; the summary row."""
    url, cleanup = database(backend, folder, args.pg_url)
    server = Server(url, folder)
    try:
        space, _draft = prepare(server.base)
        result = run_clients(server.base, space, args.clients, args.requests, args.seed)
    finally:
        server.stop()
    problems = lost_updates(url, space, result["saved"])
    cleanup()
    summary: dict[str, Any] = {
        "backend": backend,
        "clients": args.clients,
        "requests": len(result["timings"]),
        "wall_s": round(result["wall"], 1),
        "saves_accepted": len(result["saved"]),
        "saves_refused": len(result["refused"]),
        "lost_updates": problems,
    }
    for kind in ("all", *READS, "pin", "save"):
        values = [t for k, t, _ in result["timings"] if kind in ("all", k)]
        if values:
            summary[kind] = {
                "n": len(values),
                "p50_s": round(statistics.median(values), 3),
                "p95_s": round(percentile(values, 0.95), 3),
            }
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 on a lost update."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pg-url", default=os.environ.get("ORPLAN_TEST_POSTGRES_URL", ""))
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"# {platform.node()} {platform.machine()}, load {os.getloadavg()[0]:.2f} at start")
    rows = []
    with tempfile.TemporaryDirectory(prefix="orplan-bench-web-") as tmp:
        for backend in backends:
            row = bench(backend, args, Path(tmp))
            row["load_after"] = round(os.getloadavg()[0], 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| backend | clients | requests | wall s | p50 s | p95 s | saves ok / 409 | lost |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        lost = "none" if not r["lost_updates"] else str(len(r["lost_updates"]))
        print(
            f"| {r['backend']} | {r['clients']} | {r['requests']} | {r['wall_s']} | "
            f"{r['all']['p50_s']} | {r['all']['p95_s']} | "
            f"{r['saves_accepted']} / {r['saves_refused']} | {lost} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 1 if any(r["lost_updates"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
