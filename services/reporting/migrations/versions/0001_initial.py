"""The facts kept from events (projections), the node's entries and submitted reports (append-only), audit (with
its checkpoints), outbox and inbox.

Revision ID: 0001
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    from reporting.adapters.orm import APPEND_ONLY, TABLES, metadata

    create_history_tables(op.get_bind(), metadata, TABLES, list(APPEND_ONLY))
