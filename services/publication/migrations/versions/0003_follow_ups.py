"""Follow-up measures (inspection.follow_up_opened / follow_up_closed) as received, for the result's public page;
append-only.

Revision ID: 0003
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from publication.adapters.orm import FOLLOW_UP_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, FOLLOW_UP_TABLES)
