"""Corrections and withdrawals of public records (`record_change`), append-only: each makes the record's next
version; nothing is edited.

Revision ID: 0005
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    from publication.adapters.orm import CHANGE_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, CHANGE_TABLES)
