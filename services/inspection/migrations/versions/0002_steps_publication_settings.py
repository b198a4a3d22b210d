"""A visit's steps (opened … approved, closed with a reason), assignments withdrawn by a voided draw, the
publication record of each approved result, node settings (the issuing body on documents) by version, and the
numbers given to printed documents. All append-only (trigger for everyone; the application roles named in
HRSS_APP_ROLES get only SELECT and INSERT).

Revision ID: 0002
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from inspection.adapters.orm import TABLES_0002, metadata

    create_tables(op.get_bind(), metadata, TABLES_0002)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in TABLES_0002:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
