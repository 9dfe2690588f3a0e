"""Database URLs the store tests run on: SQLite always, PostgreSQL when a server is given.

``ORPLAN_TEST_POSTGRES_URL`` names a PostgreSQL database; ``make test`` starts a local one
and sets it (for a bare pytest run: ``make postgres`` and ``make -s print-pg-url``). Each test
gets its own schema in it, dropped afterwards. A missing URL fails the PostgreSQL tests, on
every machine: a skip would hide that one backend was never tested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from orplan.web.store import engine_url

__all__ = ["BACKENDS", "database_url"]

BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str:
    url = os.environ.get("ORPLAN_TEST_POSTGRES_URL", "")
    if url:
        return url
    pytest.fail(
        "ORPLAN_TEST_POSTGRES_URL is not set: run the tests with `make test` (it starts a "
        "local PostgreSQL), or `make postgres` and export "
        'ORPLAN_TEST_POSTGRES_URL="$(make -s print-pg-url)"'
    )


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on ``backend``; yields its URL (for a fixture)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'orplan.db'}"
        return
    base = _postgres_url()
    schema = f"orplan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(engine_url(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in base else "?"
    try:
        # libpq's options: every connection of the test sees only its own schema.
        yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
