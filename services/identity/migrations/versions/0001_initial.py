"""Accounts and their versions, login attempts, sessions, refresh tokens, the audit chain, outbox and inbox.

audit_entry, account_version and login_attempt are append-only (trigger for everyone; the application
roles named in HRSS_APP_ROLES get only SELECT and INSERT on them).

Revision ID: 0001
"""

import os

from alembic import op

from hrss.audit import append_only_ddl
from hrss.db.migrations import create_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    from identity.adapters.orm import APPEND_ONLY, TABLES, metadata

    bind = op.get_bind()
    create_tables(bind, metadata, TABLES)
    schema = metadata.schema
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in APPEND_ONLY:
        for statement in append_only_ddl(schema, roles, table_name=table):
            op.execute(statement)
