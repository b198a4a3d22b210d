"""Each checklist item version's inspection points (检查内容) and legal basis (检查依据), from the item's spec on
registry.check_item_changed, dispatched with the item (ItemPart) for the notice and the record form. Nullable: a
version applied before this revision gets them when its event is seen again.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.execute("ALTER TABLE draw.check_item_view ADD COLUMN IF NOT EXISTS content text")
    op.execute("ALTER TABLE draw.check_item_view ADD COLUMN IF NOT EXISTS legal_basis text")
