"""The notification schema.

History (append-only, UPDATE and DELETE refused by trigger): every notification as rendered (`notification`: one
row per event, recipient and channel, with its template id and version), every step of its delivery
(`delivery`: sending, sent, retry, failed, with the error), every inbox read (`inbox_read`), every version of a
person's or entity's contact details (`contact`) and preferences (`preference`), the audit chain and its checkpoints.

Projections kept current (the service role may change them): `pending` (the outbox per channel: what the sender
still has to deliver, and when), `contact_current` (the latest contact version per holder) and `visit_team` (a
visit's team, from inspection's visit events, for the result notices) and `deadline_watch` (each visit's result
due date and whether a result is in, for the reminder job), `overdue_watch` (open overdue subjects, for escalation)
and `borrowing_watch` (lent archives and their due dates).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "notification"
metadata = MetaData(schema=SCHEMA)

_ID = String(36)
_TS = DateTime(timezone=True)

notification = Table(
    "notification",
    metadata,
    Column("id", _ID, primary_key=True),  # uuid5 of (event id, recipient, channel): the same on every replay
    Column("event_id", _ID, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("template_id", String(40), nullable=False),
    Column("template_version", Integer, nullable=False),
    Column("seed_section", Text, nullable=False),
    Column("node", String(6), nullable=False),
    Column("recipient", String(80), nullable=False),  # inspector:<id>, account:<id>, role:<node>:<role>, entity:<uscc>
    Column("channel", String(8), nullable=False),  # email, sms, inbox
    Column("address", Text),  # the e-mail address or mobile number it went to (none for the inbox)
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("created_at", _TS, nullable=False),
    UniqueConstraint("event_id", "recipient", "channel", name="notification_once"),
    Index("notification_recipient", "recipient", "created_at"),
    Index("notification_node", "node", "created_at"),
)

delivery = Table(
    "delivery",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("notification_id", _ID, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("state", String(8), nullable=False),  # sending, sent, retry, failed
    Column("error", Text),
    Column("at", _TS, nullable=False),
    Index("delivery_notification", "notification_id", "id"),
    Index("delivery_failed", "state", "at"),
)

pending = Table(
    "pending",
    metadata,
    Column("notification_id", _ID, primary_key=True),
    Column("channel", String(8), nullable=False),
    Column("node", String(6), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("due_at", _TS, nullable=False),
    Column("created_at", _TS, nullable=False),
    Index("pending_due", "channel", "due_at"),
)

inbox_read = Table(
    "inbox_read",
    metadata,
    Column("notification_id", _ID, nullable=False),
    Column("account_id", String(100), nullable=False),
    Column("read_at", _TS, nullable=False),
    PrimaryKeyConstraint("notification_id", "account_id", name="inbox_read_pk"),
)

contact = Table(
    "contact",
    metadata,
    Column("holder", String(80), nullable=False),  # account:<id> or entity:<uscc>
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("email", Text),
    Column("mobile", String(11)),
    Column("roles", JSONB, nullable=False),
    Column("inspector_id", _ID),
    Column("changed_by", Text, nullable=False),
    Column("changed_at", _TS, nullable=False),
    PrimaryKeyConstraint("holder", "version", name="contact_pk"),
)

contact_current = Table(
    "contact_current",
    metadata,
    Column("holder", String(80), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("email", Text),
    Column("mobile", String(11)),
    Column("roles", JSONB, nullable=False),
    Column("inspector_id", _ID),
    Index("contact_current_inspector", "inspector_id"),
    Index("contact_current_node", "node"),
)

visit_team = Table(
    "visit_team",
    metadata,
    Column("visit_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("inspectors", JSONB, nullable=False),  # [{inspector_id, name}]
    Column("due", Date, nullable=False),
)

# Revision 0002: a person's preferences (channels per kind, quiet hours), versioned, and the latest per holder
preference = Table(
    "preference",
    metadata,
    Column("holder", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("channels", JSONB, nullable=False),  # {kind: ["email", "sms"]}
    Column("quiet_start", Time),
    Column("quiet_end", Time),
    Column("changed_at", _TS, nullable=False),
    PrimaryKeyConstraint("holder", "version", name="preference_pk"),
)

preference_current = Table(
    "preference_current",
    metadata,
    Column("holder", String(80), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("channels", JSONB, nullable=False),
    Column("quiet_start", Time),
    Column("quiet_end", Time),
)

# Revision 0003: what has a deadline the reminder job watches: each visit (from inspection's visit events) with
# the date its result is due, and whether a result is in (submitted or approved; a returned one is due again)
deadline_watch = Table(
    "deadline_watch",
    metadata,
    Column("visit_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("due", Date),  # none yet when a result event was read before the visit's (topics are not ordered)
    Column("result_in", Boolean, nullable=False),
    Index("deadline_watch_due", "due"),
)

# Revision 0004: open overdue subjects for escalation (from inspection.overdue, closed by the events that end them)
# and lent archives for their due dates (from evidence.archive_lent / archive_returned); projections kept current
overdue_watch = Table(
    "overdue_watch",
    metadata,
    Column("subject_id", _ID, nullable=False),
    Column("kind", String(12), nullable=False),  # result, publication, correction
    Column("node", String(6)),  # none yet when its closing event was read first (topics are not ordered)
    Column("supervisor", String(6)),
    Column("due", Date),
    Column("detected_on", Date),
    Column("closed", Boolean, nullable=False),
    PrimaryKeyConstraint("subject_id", "kind", name="overdue_watch_pk"),
    Index("overdue_watch_open", "closed", "detected_on"),
)

borrowing_watch = Table(
    "borrowing_watch",
    metadata,
    Column("borrowing_id", _ID, primary_key=True),
    Column("archive_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("borrower", String(100), nullable=False),
    Column("due_back", Date, nullable=False),
    Column("returned", Boolean, nullable=False),
    Index("borrowing_watch_due", "returned", "due_back"),
)

audit_entry = audit_table(metadata)
audit_checkpoint = checkpoint_table(metadata)
outbox, inbox = bus_tables(metadata)

TABLES = [t.name for t in metadata.sorted_tables]
PREFERENCES = ("preference", "preference_current")  # revision 0002
DEADLINES = ("deadline_watch",)  # revision 0003
WATCHES = ("overdue_watch", "borrowing_watch")  # revision 0004
TABLES = [t for t in TABLES if t not in PREFERENCES + DEADLINES + WATCHES]
APPEND_ONLY = ("notification", "delivery", "inbox_read", "contact", "audit_entry", "audit_checkpoint")
