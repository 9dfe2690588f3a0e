"""``orplan serve`` refusals before any server starts, and the storage's migrations."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from orplan.cli import main
from orplan.web.store import StoreError, default_db_url, open_store


def test_another_host_needs_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("orplan: error: refusing to serve on 0.0.0.0 without a token")
    assert "\n" not in err


def test_unopenable_database_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["serve", "--db", f"sqlite:///{blocker}/sub/orplan.db"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("orplan: error: cannot open database sqlite:///") and "\n" not in err
    assert main(["serve", "--db", "nonsense://"]) == 2
    assert main(["serve", "--db", "postgresql://localhost/orplan"]) == 2
    assert "cannot open database postgresql://" in capsys.readouterr().err


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(f"sqlite:///{junk}")


def test_migrations_create_the_schema_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 'orplan.db'}"
    open_store(url)
    store = open_store(url)  # a second start finds the schema at head
    tables = set(inspect(store.engine).get_table_names())
    assert {"workspaces", "scenarios", "drafts", "versions", "audit", "alembic_version"} <= tables


def test_default_database_under_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_url() == f"sqlite:///{tmp_path}/orplan/orplan.db"


def test_help_does_not_load_the_web_stack() -> None:
    code = (
        "import sys; from orplan.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_postgres_that_does_not_answer_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A server that accepts the connection but never answers: the 5 s timeout, then exit 2."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the handshake; nobody ever speaks PostgreSQL
        port = silent.getsockname()[1]
        assert main(["serve", "--db", f"postgresql://orplan@127.0.0.1:{port}/orplan"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        f"orplan: error: cannot open database postgresql://orplan@127.0.0.1:{port}"
    )
    assert "\n" not in err


def test_database_password_is_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with socket_closed() as port:
        assert main(["serve", "--db", f"postgresql://kari:s3cret@127.0.0.1:{port}/x"]) == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and f"postgresql://kari:***@127.0.0.1:{port}/x" in err


@contextlib.contextmanager
def socket_closed() -> Iterator[int]:
    """A loopback port nobody listens on (connections are refused at once)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port
