"""The public record and its sources, withheld results, the receipt chain, the entity kinds, audit (with its
checkpoints), outbox and inbox.

Everything but the `entity_kind` projection is append-only (trigger for everyone; the application roles named in
HRSS_APP_ROLES get only SELECT and INSERT on them).

Revision ID: 0001
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    from publication.adapters.orm import APPEND_ONLY, TABLES, metadata

    create_history_tables(op.get_bind(), metadata, TABLES, list(APPEND_ONLY))
