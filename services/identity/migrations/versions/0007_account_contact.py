"""Where an account's holder is reached (e-mail, mobile): enrolment codes are sent there by the notification
service, sealed on the way, never shown to an administrator (issue 19). Append-only (the trigger for everyone;
SELECT and INSERT only for the application roles).

Revision ID: 0007
"""

from alembic import op

from hrss.db.migrations import create_history_tables

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    from identity.adapters.orm import CONTACT_TABLES, metadata

    create_history_tables(op.get_bind(), metadata, CONTACT_TABLES)
