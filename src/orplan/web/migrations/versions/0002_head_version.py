"""Each workspace records its newest version, so a save is one guarded UPDATE; drafts keep
the slots suggested for a booking.

Optimistic locking: a save runs ``UPDATE workspaces SET head_version_id = ... WHERE id = :space
AND coalesce(head_version_id, 0) = :base``; the second of two conflicting saves updates no
row and is refused. One statement behaves the same on SQLite and on PostgreSQL (where the
row lock makes the second writer wait for the first, then re-read the row).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``workspaces.head_version_id`` (filled from the saved versions) and
    ``drafts.suggestions_json``."""
    op.add_column("workspaces", sa.Column("head_version_id", sa.Integer, nullable=True))
    op.add_column("drafts", sa.Column("suggestions_json", sa.Text, nullable=True))
    op.execute(
        "UPDATE workspaces SET head_version_id = "
        "(SELECT max(v.id) FROM versions v WHERE v.workspace_id = workspaces.id)"
    )


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("suggestions_json")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("head_version_id")
