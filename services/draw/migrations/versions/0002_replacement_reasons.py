"""The reasons of team member replacements with the salts of their commitments (the public log holds only the
commitment). Append-only (trigger for everyone; the application roles named in HRSS_APP_ROLES get only SELECT and
INSERT).

Revision ID: 0002
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from draw.adapters.orm import REASON_TABLES, metadata

    create_tables(op.get_bind(), metadata, REASON_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in REASON_TABLES:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
