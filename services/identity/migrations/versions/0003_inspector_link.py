"""The link from an account to the registry inspector it acts as, and the read model of the inspector registry.

Revision 0001 creates `account_version` from the current model, so on a new database the link columns exist
already; on an older one they are added here.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from hrss.db.migrations import create_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    from identity.adapters.orm import inspector_link_columns, metadata

    schema = metadata.schema
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("account_version", schema=schema)}
    for column in inspector_link_columns():
        if column.name not in present:
            op.add_column("account_version", column, schema=schema)
    op.execute(
        f"CREATE INDEX IF NOT EXISTS account_version_inspector ON {schema}.account_version (inspector_id) "
        "WHERE inspector_id IS NOT NULL"
    )
    create_tables(op.get_bind(), metadata, ["inspector_view"])
