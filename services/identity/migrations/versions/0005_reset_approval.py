"""An administrator's enrolment reset needs a second administrator: the request and its approval.

Both tables are append-only (trigger for everyone; the application roles named in HRSS_APP_ROLES get only
SELECT and INSERT on them).

Revision ID: 0005
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    from identity.adapters.orm import RESET_TABLES, metadata

    create_tables(op.get_bind(), metadata, RESET_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in RESET_TABLES:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
