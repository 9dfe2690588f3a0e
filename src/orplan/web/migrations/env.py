"""Alembic environment of the workbench database.

orplan runs the migrations itself at start (``orplan serve``), on the connection it opened
and passed in ``config.attributes["connection"]``; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
