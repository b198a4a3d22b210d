"""The login throttle counts the failures of one client address: an index on (client, at). Revision 0001 creates
`login_attempt` from the current model, so on a new database the index exists already.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS login_attempt_client ON identity.login_attempt (client, at)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS identity.login_attempt_client")
