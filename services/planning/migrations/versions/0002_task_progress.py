"""The facts after the draw that drive a task's lifecycle and its progress per implementing node: completed and
voided draws, every step of every visit, the publication record of each approved result, overdue flags (all
append-only: trigger for everyone; the application roles named in HRSS_APP_ROLES get only SELECT and INSERT), and
`visit_progress`, the projection of each visit's steps.

Revision ID: 0002
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    from planning.adapters.orm import PROGRESS_APPEND_ONLY, PROGRESS_TABLES, metadata

    create_tables(op.get_bind(), metadata, PROGRESS_TABLES)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in PROGRESS_APPEND_ONLY:
        for statement in append_only_ddl(metadata.schema, roles, table_name=table):
            op.execute(statement)
