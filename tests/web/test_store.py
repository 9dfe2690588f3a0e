"""The workbench store on SQLite and PostgreSQL: migrations and optimistic locking.

Each test runs on both backends (PostgreSQL through ``ORPLAN_TEST_POSTGRES_URL``; see
``store_urls.py``: under CI a missing server fails, never skips).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from orplan.baselines.rule import rule_plan
from orplan.web.common import ConflictError
from orplan.web.store import Audit, Draft, Store, Version, Workspace, engine_url, open_store
from orplan.web.versioning import save_version
from orplan.web.workbench import plan_text, scenario_to_json
from tests.builders import tiny_scenario
from tests.web.store_urls import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    yield from database_url(request.param, tmp_path)


def _workspace(store: Store, drafts: int) -> tuple[int, list[int]]:
    """A workspace of the tiny scenario with ``drafts`` drafts holding the same plan."""
    scenario = tiny_scenario()
    body, plan = scenario_to_json(scenario), plan_text(rule_plan(scenario))
    with store.session() as db:
        row = store.scenario_row(db, "0" * 64, scenario.name, body)
        space = Workspace(name=scenario.name, source="tiny.yaml", scenario_id=row.id, author="t")
        db.add(space)
        db.flush()
        ids = []
        for n in range(drafts):
            draft = Draft(workspace_id=space.id, author=f"p{n}", scenario_json=body, plan_json=plan)
            db.add(draft)
            db.flush()
            ids.append(draft.id)
        db.commit()
        return space.id, ids


def _save(store: Store, draft_id: int, author: str, base: int | None) -> int:
    with store.session() as db:
        draft = db.get(Draft, draft_id)
        assert draft is not None
        version = save_version(store, db, draft, author, f"save by {author}", base)
        store.audit(db, author, "save", draft.workspace_id, f"version {version.id}")
        db.commit()
        return version.id


def _count(store: Store, kind: type[Version] | type[Audit]) -> int:
    with store.session() as db:
        return int(db.scalar(select(func.count()).select_from(kind)) or 0)


def test_migrations_reach_head_on_both_backends(url: str) -> None:
    open_store(url)
    store = open_store(url)  # a second start finds the schema at head and changes nothing
    tables = set(inspect(store.engine).get_table_names())
    assert {"workspaces", "scenarios", "drafts", "versions", "audit", "alembic_version"} <= tables
    columns = {c["name"] for c in inspect(store.engine).get_columns("workspaces")}
    assert "head_version_id" in columns
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "0002"
        )


def test_second_of_two_saves_from_one_base_is_refused(url: str) -> None:
    store = open_store(url)
    space, (first, second) = _workspace(store, 2)
    v1 = _save(store, first, "Kari", None)
    with pytest.raises(ConflictError, match=f"version {v1} was saved by Kari"):
        _save(store, second, "Ola", None)
    assert _count(store, Version) == 1  # the refused save wrote nothing
    with store.session() as db:
        assert db.get(Workspace, space).head_version_id == v1  # type: ignore[union-attr]
    # Reloaded from the newest version, the second planner's save goes through.
    v2 = _save(store, second, "Ola", v1)
    with store.session() as db:
        assert db.get(Workspace, space).head_version_id == v2  # type: ignore[union-attr]
        assert db.get(Version, v2).parent_id == v1  # type: ignore[union-attr]


def test_concurrent_saves_lose_no_update(url: str) -> None:
    """Eight planners save from the same base at once: one wins, seven are told, none lost."""
    store = open_store(url)
    planners = 8
    space, drafts = _workspace(store, planners)
    v1 = _save(store, drafts[0], "first", None)
    start = threading.Barrier(planners)
    saved: list[int] = []
    refused: list[str] = []
    failed: list[BaseException] = []

    def planner(n: int) -> None:
        start.wait()
        try:
            saved.append(_save(store, drafts[n], f"p{n}", v1))
        except ConflictError as exc:
            refused.append(str(exc))
        except BaseException as exc:  # e.g. "database is locked": a bug, reported below
            failed.append(exc)

    threads = [threading.Thread(target=planner, args=(n,)) for n in range(planners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(saved) == 1 and len(refused) == planners - 1
    assert all(f"version {saved[0]} was saved by" in message for message in refused)
    with store.session() as db:
        assert db.get(Workspace, space).head_version_id == saved[0]  # type: ignore[union-attr]
        parents = db.scalars(select(Version.parent_id).order_by(Version.id)).all()
    assert parents == [None, v1]  # a line of versions, no fork
    assert _count(store, Audit) == 2  # one audit row per save that happened


def test_a_base_of_another_workspace_is_refused(url: str) -> None:
    store = open_store(url)
    _space, (draft,) = _workspace(store, 1)
    with pytest.raises(ConflictError, match="not a version of this workspace"):
        _save(store, draft, "Kari", 999)


def test_postgres_urls_use_psycopg() -> None:
    assert engine_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_workbench_runs_on_both_backends(url: str) -> None:
    """Load, solve, save, a conflicting save, publish: the app over each database."""
    from fastapi.testclient import TestClient

    from orplan.web import create_app
    from tests.web.conftest import Bench, web_settings

    settings = web_settings(Path("unused.db"), db_url=url)
    with TestClient(create_app(settings)) as client:
        bench = Bench(client)
        draft = bench.solve_demo()
        first = bench.draft(draft)["head_version"]
        other = int(bench.post(f"/versions/{first}/draft").headers["location"].rsplit("/", 1)[1])
        assert bench.post(f"/drafts/{draft}/move", {"case": "C0001", "session": ""}).is_redirect
        mine = bench.post(f"/drafts/{draft}/save", {"reason": "a", "base_version": str(first)})
        theirs = bench.post(f"/drafts/{other}/save", {"reason": "b", "base_version": str(first)})
        assert mine.status_code == 303 and theirs.status_code == 409
        head = bench.draft(draft)["head_version"]
        assert bench.post(f"/versions/{head}/publish").status_code == 303
        assert client.get("/api/workspaces/1/published").json()["version"] == head
        page = client.get("/workspaces/1/versions").text
        assert "patients are told this plan" in page


def test_a_missing_postgres_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.store_urls import _postgres_url

    monkeypatch.delenv("ORPLAN_TEST_POSTGRES_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)  # not only under CI: never a skip
    with pytest.raises(pytest.fail.Exception, match="ORPLAN_TEST_POSTGRES_URL is not set"):
        _postgres_url()
    monkeypatch.setenv("ORPLAN_TEST_POSTGRES_URL", "postgresql://x@h/db")
    assert _postgres_url() == "postgresql://x@h/db"
