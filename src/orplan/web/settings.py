"""Settings of the workbench server (``orplan serve`` options)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["LOOPBACK", "WebSettings"]

#: Hosts that only this machine can reach: serving on them needs no token.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class WebSettings:
    """What ``orplan serve`` runs with.

    Parameters
    ----------
    db_url
        SQLAlchemy URL of the database (default: ``sqlite:///`` under the user's data folder).
    host, port
        Where to listen; a host other than loopback needs ``token``.
    token
        When set, every request must carry it (login form cookie, or header
        ``Authorization: Bearer T``); unset, the server trusts whoever reaches it.
    scenarios_dir
        The folder whose ``*.yaml`` / ``*.json`` scenarios the load page offers by name.
    max_upload
        Largest accepted upload in bytes; larger is refused with 413.
    max_jobs
        At most this many solves or replans run at once (each in its own process).
    solve, replan, book
        Keyword arguments of :class:`~orplan.solver.SolveSettings`,
        :class:`~orplan.live.ReplanSettings` and :class:`~orplan.live.BookSettings` for the
        jobs.
    pseudonymise
        Exports (FHIR bundle, plan.xlsx, report.html) carry keyed pseudonyms instead of
        patient ids (:mod:`orplan.pseudonym`).
    pseudonym_key_file
        The file holding the key; None reads ``ORPLAN_PSEUDONYM_KEY`` at each export.
    """

    db_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    scenarios_dir: Path | None = Path("scenarios")
    max_upload: int = 2_000_000
    max_jobs: int = 1
    solve: dict[str, Any] = field(default_factory=lambda: {"time_limit": 20.0, "workers": 2})
    replan: dict[str, Any] = field(default_factory=lambda: {"time_limit": 10.0, "workers": 2})
    book: dict[str, Any] = field(default_factory=lambda: {"time_limit": 5.0, "workers": 1})
    pseudonymise: bool = False
    pseudonym_key_file: Path | None = None

    def host_problem(self) -> str | None:
        """Why the server must not start on ``host`` (None: it may)."""
        if self.host not in LOOPBACK and not self.token:
            return (
                f"refusing to serve on {self.host} without a token: anyone on the network could "
                "change plans; set ORPLAN_TOKEN or --token, or serve on 127.0.0.1"
            )
        return None

    def scenario_files(self) -> dict[str, Path]:
        """The scenarios offered by name (file name → path), from ``scenarios_dir`` only."""
        folder = self.scenarios_dir
        if folder is None or not folder.is_dir():
            return {}
        files = [p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")]
        return {p.name: p for p in sorted(files)}
