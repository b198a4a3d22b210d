"""What has a deadline the reminder job watches: each visit's result due date and whether a result is in (a
projection of inspection's events, kept current).

Revision ID: 0003
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from notification.adapters.orm import DEADLINES, metadata

    create_history_tables(op.get_bind(), metadata, list(DEADLINES), [])
