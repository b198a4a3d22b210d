"""What the daily job watches besides results: overdue subjects still open (for escalation to the next supervising
level) and lent archives with their due dates (projections of inspection's and evidence's events, kept current).

Revision ID: 0004
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    from notification.adapters.orm import WATCHES, metadata

    create_history_tables(op.get_bind(), metadata, list(WATCHES), [])
