"""The planner workbench (``orplan serve``): a small web app over orplan's library.

One door::

    from orplan.web import WebSettings, create_app, open_store
    app = create_app(WebSettings(db_url="sqlite:///orplan.db"))   # a FastAPI app

The pages call the same functions as the command line: :func:`orplan.solve` (in a worker
process), :func:`orplan.check` on every edit and save, :func:`orplan.live.replan` for events.
Storage is SQLAlchemy (SQLite by default), its schema made by the Alembic migrations in
``migrations/``. Names are imported on first use: ``orplan --help`` does not load FastAPI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orplan.web.app import create_app
    from orplan.web.settings import WebSettings
    from orplan.web.store import Store, open_store
    from orplan.web.workbench import diff_plans, move_case, pin_case, unpin_case

_EXPORTS = {
    "create_app": "orplan.web.app",
    "WebSettings": "orplan.web.settings",
    "Store": "orplan.web.store",
    "open_store": "orplan.web.store",
    "diff_plans": "orplan.web.workbench",
    "move_case": "orplan.web.workbench",
    "pin_case": "orplan.web.workbench",
    "unpin_case": "orplan.web.workbench",
}

__all__ = [
    "Store",
    "WebSettings",
    "create_app",
    "diff_plans",
    "move_case",
    "open_store",
    "pin_case",
    "unpin_case",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'orplan.web' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
