"""``orplan serve``: start the planner workbench (FastAPI app under uvicorn).

FastAPI and uvicorn are imported inside the command, so ``orplan --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

EXAMPLES = (
    "examples:\n"
    "  orplan serve                                  # http://127.0.0.1:8765, SQLite in "
    "~/.local/share/orplan\n"
    "  orplan serve --db sqlite:///work/plans.db --port 8800\n"
    "  ORPLAN_TOKEN=s3cret orplan serve --host 0.0.0.0   # another host needs a token"
)


def cmd_serve(args: argparse.Namespace) -> int:
    """Open (and migrate) the database, then serve until Ctrl-C."""
    from orplan.web.settings import WebSettings
    from orplan.web.store import default_db_url, open_store

    token = args.token or os.environ.get("ORPLAN_TOKEN") or None
    settings = WebSettings(
        db_url=args.db or default_db_url(),
        host=args.host,
        port=args.port,
        token=token,
        scenarios_dir=args.scenarios,
        max_upload=args.max_upload,
        max_jobs=args.max_jobs,
        solve={"time_limit": args.time_limit, "workers": args.workers},
        replan={"time_limit": min(args.time_limit, 30.0), "workers": args.workers},
        pseudonymise=args.pseudonymise,
        pseudonym_key_file=args.pseudonym_key_file,
    )
    from orplan.pseudonym import key_from_args

    key_from_args(args)  # no usable key: one line, exit 2, before serving
    problem = settings.host_problem()
    if problem:
        print(f"orplan: error: {problem}", file=sys.stderr)
        return 2
    assert settings.db_url is not None
    store = open_store(settings.db_url)  # StoreError → one line, exit 2 (cli.main)

    import uvicorn

    from orplan.web.app import create_app

    app = create_app(settings, store)
    print(
        f"orplan workbench on http://{settings.host}:{settings.port}/ "
        f"(database {settings.db_url}; Ctrl-C stops)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


def add_serve_parser(sub: Any) -> None:
    """Register ``orplan serve`` on the main parser's subcommands."""
    p = sub.add_parser(
        "serve",
        help="planner workbench in the browser (day view, edits, versions)",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="database URL (default: sqlite:///$XDG_DATA_HOME/orplan/orplan.db)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--token",
        default=None,
        help="require this token on every request (default: $ORPLAN_TOKEN); "
        "needed for any host but 127.0.0.1",
    )
    p.add_argument(
        "--scenarios",
        type=Path,
        default=Path("scenarios"),
        metavar="DIR",
        help="folder of scenarios offered on the load page (default ./scenarios)",
    )
    p.add_argument(
        "--max-upload",
        type=int,
        default=2_000_000,
        metavar="BYTES",
        help="largest upload accepted (default 2,000,000 bytes)",
    )
    p.add_argument(
        "--max-jobs",
        type=int,
        default=1,
        help="solves or replans running at once, each in its own process (default 1)",
    )
    p.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve (default 20)")
    p.add_argument("--workers", type=int, default=2, help="solver threads per job (default 2)")
    from orplan.pseudonym import add_pseudonym_options

    add_pseudonym_options(p)  # here: the exports of every version (FHIR, xlsx, report)
    p.set_defaults(func=cmd_serve)
