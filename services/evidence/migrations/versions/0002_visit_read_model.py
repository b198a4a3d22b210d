"""The read model of visits (`visit_event`, append-only like the rest of the schema): uploads are checked against
the visits this process keeps, from the inspection service's visit events.

Revision ID: 0002
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from evidence.adapters.orm import VISIT_TABLES, metadata

    create_tables(op.get_bind(), metadata, VISIT_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in VISIT_TABLES:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
