"""The audit checkpoints of this node's chains and of the nodes below it (issue 17, item 3): append-only like the
audit chain (the trigger for everyone; hrss.db.roles grants the service's role SELECT and INSERT only).

Revision ID: 0003
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from planning.adapters.orm import CHECKPOINT_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, CHECKPOINT_TABLES)
