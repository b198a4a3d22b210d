"""Enrolment codes: the hash of each code issued for an account, and the spending of a code.

Both tables are append-only (trigger for everyone; the application roles named in HRSS_APP_ROLES get only
SELECT and INSERT on them).

Revision ID: 0002
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from identity.adapters.orm import ENROLMENT_TABLES, metadata

    bind = op.get_bind()
    create_tables(bind, metadata, ENROLMENT_TABLES)
    schema = metadata.schema
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in ENROLMENT_TABLES:
        for statement in append_only_ddl(schema, roles, table_name=table):
            op.execute(statement)
