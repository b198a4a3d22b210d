"""The publication schema.

Everything is append-only (UPDATE and DELETE refused by trigger): the private sources a public record is built from
(`approved_result`, `task_source`, `publication_decision`), the public record's versions (`public_record`), the
withheld results auditors read (`withheld_result`) and the receipt chain (`receipt`). The one projection kept
current is `entity_kind` (an entity's object type from the registry, for masking individual businesses).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "publication"
metadata = MetaData(schema=SCHEMA)

_ID = String(36)
_TS = DateTime(timezone=True)

# inspection.result_approved as received: the content a result is published from (never public itself)
approved_result = Table(
    "approved_result",
    metadata,
    Column("result_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    Column("received_at", _TS, nullable=False),
    PrimaryKeyConstraint("result_id", "version", name="approved_result_pk"),
)

# inspection.result_published as received: the inspecting node's decision (publish or withhold) on a result
publication_decision = Table(
    "publication_decision",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    Column("received_at", _TS, nullable=False),
)

# planning's task events as received (the task's number and title for the results that name it)
task_source = Table(
    "task_source",
    metadata,
    Column("task_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("task_id", "seq", name="task_source_pk"),
)

public_record = Table(
    "public_record",
    metadata,
    Column("kind", String(16), nullable=False),  # 8 until revision 0004 (checklist, drawn_list)
    Column("record_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18)),
    Column("year", Integer, nullable=False),
    Column("content", JSONB, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("published_at", _TS, nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("kind", "record_id", "version", name="public_record_pk"),
    Index("public_record_uscc", "uscc", "published_at"),
    Index("public_record_node_year", "kind", "node", "year"),
)

withheld_result = Table(
    "withheld_result",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("task_ids", JSONB, nullable=False),
    Column("reason", Text, nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("withheld_at", _TS, nullable=False),
    Column("event_id", _ID, nullable=False),
    Index("withheld_result_node", "node"),
)

receipt = Table(
    "receipt",
    metadata,
    Column("node", String(6), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # 8 until revision 0004
    Column("record_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("issued_at", _TS, nullable=False),
    Column("previous_sha256", String(64), nullable=False),
    Column("receipt_sha256", String(64), nullable=False),
    PrimaryKeyConstraint("node", "seq", name="receipt_pk"),
)

entity_kind = Table(
    "entity_kind",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("object_type", Text, nullable=False),
    Column("entity_version", Integer, nullable=False),
)

# planning.task_completed as received: the start of the 20 working days its results have to become public
task_deadline = Table(
    "task_deadline",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("event_id", _ID, nullable=False),
    Column("received_at", _TS, nullable=False),
)

# the confirmation of each result's publication record (publication.result_confirmed): published or withheld
result_confirmation = Table(
    "result_confirmation",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("task_ids", JSONB, nullable=False),
    Column("public", Boolean, nullable=False),
    Column("receipt_seq", Integer),
    Column("content_sha256", String(64), nullable=False),
    Column("due", Date),
    Column("on_time", Boolean, nullable=False),
    Column("confirmed_at", _TS, nullable=False),
    Column("event_id", _ID, nullable=False),
    Index("result_confirmation_node", "node"),
)

# a deadline found missed by the deadline run (publication.deadline_missed), once per task and result
deadline_missed = Table(
    "deadline_missed",
    metadata,
    Column("task_id", _ID, nullable=False),
    Column("result_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("due", Date, nullable=False),
    Column("detected_on", Date, nullable=False),
    Column("detected_at", _TS, nullable=False),
    PrimaryKeyConstraint("task_id", "result_id", name="deadline_missed_pk"),
)

# inspection.follow_up_opened / follow_up_closed as received: the follow-up measures shown on a result's page
follow_up_source = Table(
    "follow_up_source",
    metadata,
    Column("follow_up_id", _ID, nullable=False),
    Column("step", String(8), nullable=False),  # opened, closed
    Column("result_id", _ID, nullable=False, index=True),
    Column("node", String(6), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("follow_up_id", "step", name="follow_up_source_pk"),
)

# registry.check_item_changed as received: the checklist in force a node publishes (001 §二(四))
check_item_source = Table(
    "check_item_source",
    metadata,
    Column("item_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False, index=True),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("item_id", "version", name="check_item_source_pk"),
)

# draw.draw_completed as received: a draw's tasks and how many entities it dispatched to each node
draw_source = Table(
    "draw_source",
    metadata,
    Column("draw_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("task_ids", JSONB, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
)

# draw.assignment_dispatched as received (addressed to the inspecting node): the entries of its drawn list
dispatch_source = Table(
    "dispatch_source",
    metadata,
    Column("assignment_id", _ID, primary_key=True),
    Column("draw_id", _ID, nullable=False),
    Column("target_node", String(6), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("event_id", _ID, nullable=False),
    Index("dispatch_source_draw", "draw_id", "target_node"),
)

# corrections and withdrawals of public records by staff of the publishing node, in order (each makes a version)
record_change = Table(
    "record_change",
    metadata,
    Column("kind", String(16), nullable=False),
    Column("record_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(16), nullable=False),  # correction, withdrawal
    Column("fields", JSONB, nullable=False),  # a correction's new values (masked); {} for a withdrawal
    Column("reason", Text, nullable=False),
    Column("node", String(6), nullable=False),
    Column("account_id", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("at", _TS, nullable=False),
    PrimaryKeyConstraint("kind", "record_id", "seq", name="record_change_pk"),
)

audit_entry = audit_table(metadata)
audit_checkpoint = checkpoint_table(metadata)
outbox, inbox = bus_tables(metadata)

DEADLINE_TABLES = ["task_deadline", "result_confirmation", "deadline_missed"]  # revision 0002, all append-only
FOLLOW_UP_TABLES = ["follow_up_source"]  # revision 0003, append-only
DRAW_TABLES = ["check_item_source", "draw_source", "dispatch_source"]  # revision 0004, append-only
CHANGE_TABLES = ["record_change"]  # revision 0005, append-only
LATER = DEADLINE_TABLES + FOLLOW_UP_TABLES + DRAW_TABLES + CHANGE_TABLES
TABLES = [t.name for t in metadata.sorted_tables if t.name not in LATER]  # revision 0001
APPEND_ONLY = (
    "approved_result",
    "publication_decision",
    "task_source",
    "public_record",
    "withheld_result",
    "receipt",
    "audit_entry",
    "audit_checkpoint",
)
