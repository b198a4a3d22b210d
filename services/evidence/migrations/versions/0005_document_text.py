"""The extracted text of filed evidence (`document_text`, append-only like the rest of the schema), for the archive
search: a later extraction adds a row, nothing is changed.

Revision ID: 0005
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    from evidence.adapters.orm import TEXT_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, TEXT_TABLES)
