"""The checklist items' versions (line of business, qualifications) from registry.check_item_changed, and each
inspector's line of business: the teams of a task are formed from the inspectors of its items' lines holding the
qualifications its items require.

An inspector row applied before this revision has no line until its next version arrives; the draw treats it as
of no line (it serves only items that name none).

Revision ID: 0003
"""

from alembic import op

from hrss.db.migrations import create_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from draw.adapters.orm import CHECKLIST_TABLES, metadata

    create_tables(op.get_bind(), metadata, CHECKLIST_TABLES)
    op.execute("ALTER TABLE draw.inspector_view ADD COLUMN IF NOT EXISTS line varchar(40)")
