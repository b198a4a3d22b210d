"""The identity schema: accounts and their versions, login attempts, sessions, refresh tokens, audit chain."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "identity"
APPEND_ONLY = ("audit_entry", "account_version", "login_attempt")

metadata = MetaData(schema=SCHEMA)

account = Table(
    "account",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("node", String(6), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
)

# Every change is a new row; the current state of an account is its highest version.
account_version = Table(
    "account_version",
    metadata,
    Column("account_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.account.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("roles", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("totp_secret", Text, nullable=False),  # encrypted: kid:nonce:ciphertext
    Column("change", String(20), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
    PrimaryKeyConstraint("account_id", "version", name="account_version_pk"),
)

login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account_id", UUID(as_uuid=False)),
    Column("login", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("totp_step", BigInteger),
    Column("client", Text),
    Index("login_attempt_account", "account_id", "at"),
    Index("login_attempt_client", "client", "at"),  # revision 0004: the login throttle per client address
)

session = Table(
    "session",
    metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.account.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", String(20)),
)

refresh_token = Table(
    "refresh_token",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 only; the token itself is never stored
    Column("session_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.session.id"), nullable=False, index=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("spent_at", DateTime(timezone=True)),
)

# Enrolment codes (revision 0002): only the SHA-256 of a code is stored; a newer code for the same account
# supersedes the older ones; a code is spent by a row in enrolment_spent. Both tables are append-only.
enrolment_code = Table(
    "enrolment_code",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.account.id"), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", Text, nullable=False),
    Index("enrolment_code_account", "account_id", "id"),
)

enrolment_spent = Table(
    "enrolment_spent",
    metadata,
    Column("code_id", BigInteger, ForeignKey(f"{SCHEMA}.enrolment_code.id"), primary_key=True),
    Column("spent_at", DateTime(timezone=True), nullable=False),
)

audit_entry = audit_table(metadata)
# revision 0006 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)


# Revision 0003: the registry inspector an account acts as (执法证) is part of each account version; the identity
# service keeps its own read model of the inspector registry (from registry.inspector_changed) to check a link.
def inspector_link_columns() -> list[Column]:  # type: ignore[type-arg]
    """The columns of the link (new objects on each call: a column belongs to one table)."""
    return [Column("inspector_id", UUID(as_uuid=False)), Column("credential_no", Text)]


for _column in inspector_link_columns():
    account_version.append_column(_column)

inspector_view = Table(
    "inspector_view",
    metadata,
    Column("inspector_id", UUID(as_uuid=False), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("credential_no", Text, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("node", String(6), nullable=False),
    Column("status", String(20), nullable=False),
)

# Revision 0005: an enrolment reset of an administrator is a request by one administrator and the approval of
# another; both append-only (one approval per request: its primary key).
reset_request = Table(
    "reset_request",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.account.id"), nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    Index("reset_request_account", "account_id", "id"),
)

reset_approval = Table(
    "reset_approval",
    metadata,
    Column("request_id", BigInteger, ForeignKey(f"{SCHEMA}.reset_request.id"), primary_key=True),
    Column("approved_by", Text, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
)
RESET_TABLES = ["reset_request", "reset_approval"]

# Revision 0007: where an account's holder is reached (e-mail, mobile), given by the administrator who made it; the
# enrolment codes go there, never to the administrator. Append-only: a change is a new version.
account_contact = Table(
    "account_contact",
    metadata,
    Column("account_id", UUID(as_uuid=False), ForeignKey(f"{SCHEMA}.account.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("email", Text),
    Column("mobile", String(11)),
    Column("given_by", Text, nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("account_id", "version", name="account_contact_pk"),
)
CONTACT_TABLES = ["account_contact"]

# revision 0001 creates TABLES; revision 0002 creates ENROLMENT_TABLES (append-only as well)
ENROLMENT_TABLES = ["enrolment_code", "enrolment_spent"]
TABLES = ["account", "account_version", "login_attempt", "session", "refresh_token", "audit_entry", "outbox", "inbox"]
