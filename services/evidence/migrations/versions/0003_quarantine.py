"""Quarantined uploads (`quarantined_upload`, append-only like the rest of the schema): a file that failed its
whole-file check is kept under lock at `quarantine/…` and recorded here, never as evidence.

Revision ID: 0003
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from evidence.adapters.orm import QUARANTINE_TABLES, metadata

    create_tables(op.get_bind(), metadata, QUARANTINE_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in QUARANTINE_TABLES:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
