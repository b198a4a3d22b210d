"""The checklist in force and the drawn lists: the check items (`check_item_source`), draws (`draw_source`) and
dispatched entities (`dispatch_source`) they are published from, append-only; and record kinds up to 16 characters
(`checklist`, `drawn_list`) in `public_record` and `receipt` (widening a varchar rewrites no row).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    from publication.adapters.orm import DRAW_TABLES, SCHEMA, metadata

    for table in ("public_record", "receipt"):
        op.alter_column(table, "kind", type_=sa.String(16), existing_type=sa.String(8), schema=SCHEMA)
    create_history_tables(op.get_bind(), metadata, DRAW_TABLES)
