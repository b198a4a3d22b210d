"""The county inbox's table of received dispatches, with its outbox and inbox.

Revision ID: 0001
"""

from alembic import op

from hrss.db.migrations import create_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    from county_inbox.model import metadata

    create_tables(op.get_bind(), metadata, ["received", "outbox", "inbox"])
