"""Storage of the workbench: SQLAlchemy 2 tables, opened and migrated by Alembic.

Tables (schema in ``migrations/versions``):

``workspaces``
    One loaded scenario and every plan made for it (a plan's line of versions).
``scenarios``
    Scenario JSON texts by SHA-256; a version names the scenario its plan belongs to (after
    pins or a replan it is not the loaded one).
``drafts``
    A planner's working copy: scenario + plan being edited, the version it started from.
``versions``
    Every save: author, time, parent, reason, plan JSON, digest, checker verdict, published.
``audit``
    One row per change anyone made, in plain words.

Everything is JSON text, never pickle: a database file can be read by any tool.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from orplan.errors import OrplanError

__all__ = [
    "Audit",
    "Draft",
    "ScenarioRow",
    "Store",
    "StoreError",
    "Version",
    "Workspace",
    "default_db_url",
    "engine_url",
    "open_store",
]

#: Seconds to wait for a database server before ``orplan serve`` gives up (exit 2).
CONNECT_TIMEOUT = 5


class StoreError(OrplanError):
    """The database cannot be opened or migrated (reported in one line, exit 2)."""


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo (SQLite keeps none; every stored time is UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of the workbench tables."""


class Workspace(Base):
    """A loaded scenario and its line of versions."""

    __tablename__ = "workspaces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The newest version (migration 0002): the optimistic lock of saves (see versioning.py).
    head_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ScenarioRow(Base):
    """A scenario's canonical JSON, stored once per SHA-256."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class Draft(Base):
    """A working copy being edited; saved as a version on request."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    author: Mapped[str] = mapped_column(String(100))
    scenario_json: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    changes_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The slots offered for the last booking (migration 0002), until one is taken.
    suggestions_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Version(Base):
    """One saved plan."""

    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(300))
    plan_json: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    check_ok: Mapped[bool] = mapped_column(Boolean)
    violations: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Audit(Base):
    """One change, who made it and when."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    workspace_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text)


def default_db_url() -> str:
    """``sqlite:///`` + ``$XDG_DATA_HOME/orplan/orplan.db`` (else ``~/.local/share/...``)."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'orplan' / 'orplan.db'}"


def _migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (``alembic upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """The opened database: a session factory and a few shared queries.

    Parameters
    ----------
    engine
        A migrated engine (see :func:`open_store`).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new ORM session (use as a context manager)."""
        return self.sessions()

    @staticmethod
    def head(db: Session, workspace_id: int) -> Version | None:
        """The newest version of a workspace."""
        query = select(Version).where(Version.workspace_id == workspace_id)
        return db.scalars(query.order_by(Version.id.desc()).limit(1)).first()

    @staticmethod
    def scenario_row(db: Session, sha256: str, name: str, body: str) -> ScenarioRow:
        """The stored scenario with this digest, added when new."""
        row = db.scalars(select(ScenarioRow).where(ScenarioRow.sha256 == sha256)).first()
        if row is None:
            row = ScenarioRow(sha256=sha256, name=name, body=body)
            db.add(row)
            db.flush()
        return row

    @staticmethod
    def audit(db: Session, author: str, action: str, workspace_id: int | None, detail: str) -> None:
        """Record one change (committed with the change itself)."""
        db.add(Audit(author=author, action=action, workspace_id=workspace_id, detail=detail))


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: PostgreSQL goes through psycopg 3.

    ``postgresql://`` and ``postgres://`` (as libpq and most hosting services write them)
    would make SQLAlchemy look for psycopg2, which orplan does not depend on.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_store(url: str) -> Store:
    """Open (creating when needed) and migrate the database at ``url``.

    Parameters
    ----------
    url
        SQLAlchemy URL, e.g. ``sqlite:///path/orplan.db`` or
        ``postgresql://user@host:5432/orplan`` (through psycopg; a server that does not
        answer within 5 s is an error).

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        The URL is malformed, or the database cannot be opened or migrated.
    """
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    shown = _without_password(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Jobs finish in their own threads; SQLite's one-thread check would refuse them.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:" and url.startswith("sqlite:///"):
            parent = Path(path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot open database {shown}: {exc.strerror}") from None
    elif url.startswith(("postgresql", "postgres:")):
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
        # Connections dropped by a server restart are replaced rather than failing a request.
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(engine_url(url), **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        _migrate(engine)
    except ArgumentError as exc:
        raise StoreError(f"cannot open database {shown}: bad URL ({exc})") from None
    except ImportError as exc:
        # e.g. mysql:// without its driver: only SQLite and PostgreSQL (psycopg) are supported.
        raise StoreError(
            f"cannot open database {shown}: no driver installed ({exc.name})"
        ) from None
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(f"cannot open database {shown}: {reason}") from None
    return Store(engine)


def _without_password(url: str) -> str:
    """``url`` with any password replaced by ``***`` (error lines reach logs and screens)."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the page read while a job writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
