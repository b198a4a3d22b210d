"""The publication deadline: each task's completion and deadline (`task_deadline`), each result's confirmation
(`result_confirmation`) and the deadlines found missed (`deadline_missed`), all append-only.

Revision ID: 0002
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from publication.adapters.orm import DEADLINE_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, DEADLINE_TABLES)
