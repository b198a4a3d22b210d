"""The audit checkpoints of this node's chains and of the nodes below it (issue 17, item 3): append-only like the
audit chain (the trigger for everyone; hrss.db.roles grants the service's role SELECT and INSERT only).

Revision ID: 0004
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    from evidence.adapters.orm import CHECKPOINT_TABLES, metadata

    create_tables(op.get_bind(), metadata, CHECKPOINT_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in CHECKPOINT_TABLES:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
