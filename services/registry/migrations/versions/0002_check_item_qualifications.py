"""The qualifications (资格) a checklist item requires of its inspectors, per version, beside its line.

Versions written before carry none: such an item requires no qualification beyond its line. `IF NOT EXISTS`
because revision 0001 creates the tables from the current metadata, which already has the column.

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE registry.check_item_version "
        "ADD COLUMN IF NOT EXISTS qualifications text[] NOT NULL DEFAULT '{}'"
    )
