"""A person's preferences (channels per kind, quiet hours): every version append-only, the latest as a projection.

Revision ID: 0002
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from notification.adapters.orm import PREFERENCES, metadata

    create_history_tables(op.get_bind(), metadata, list(PREFERENCES), ["preference"])
