"""The inspection schema.

`visit` and `assignment_team` are projections kept current as assignments merge and teams change; their
history is the append-only `visit_assignment` and `team_change`. Everything recorded by people — notices,
result versions, review decisions, follow-ups and their steps, field submissions, overdue flags — is
append-only (UPDATE and DELETE refused by trigger): a returned result is followed by a new version, never
edited.
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
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "inspection"
metadata = MetaData(schema=SCHEMA)

_ID = UUID(as_uuid=False)
_TS = DateTime(timezone=True)

visit = Table(
    "visit",
    metadata,
    Column("visit_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("period", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("entity_id", _ID, nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("registry_record", JSONB),  # as frozen for the first draw; each assignment keeps its own
    Column("tasks", JSONB, nullable=False),
    Column("team", JSONB, nullable=False),
    Column("inspector_ids", JSONB, nullable=False),  # registry inspector ids of the team, for scoping inspectors
    Column("due", Date, nullable=False),
    Column("announced", Boolean, nullable=False),
    Column("opened_at", _TS, nullable=False),
    UniqueConstraint("node", "uscc", "period", "seq", name="visit_key"),
    Index("visit_node", text("node varchar_pattern_ops")),
    Index("visit_inspectors", "inspector_ids", postgresql_using="gin"),
)

visit_assignment = Table(
    "visit_assignment",
    metadata,
    Column("assignment_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("draw_id", _ID, nullable=False),
    Column("event_id", _ID, nullable=False),
    Column("tasks", JSONB, nullable=False),
    Column("team", JSONB, nullable=False),
    Column("registry_record", JSONB),
    Column("dispatched_at", _TS, nullable=False),
    Column("received_at", _TS, nullable=False),
    Index("visit_assignment_visit", "visit_id"),
)

assignment_team = Table(
    "assignment_team",
    metadata,
    Column("assignment_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("team", JSONB, nullable=False),
)

team_change = Table(
    "team_change",
    metadata,
    Column("change_id", BigInteger, Identity(), primary_key=True),
    Column("assignment_id", _ID, nullable=False),
    Column("event_id", _ID, nullable=False, unique=True),
    Column("replaced", JSONB, nullable=False),
    Column("by", JSONB, nullable=False),
    Column("team", JSONB, nullable=False),  # the assignment's whole team after the change
    Column("reason", Text, nullable=False),
    Column("approver", Text, nullable=False),
    Column("changed_at", _TS, nullable=False),
)

notice = Table(
    "notice",
    metadata,
    Column("notice_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("window_start", Date, nullable=False),
    Column("window_end", Date, nullable=False),
    Column("materials", JSONB, nullable=False),
    Column("contact", Text, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("issued_by", Text, nullable=False),
    Column("issued_at", _TS, nullable=False),
    Index("notice_visit", "visit_id"),
)

result = Table(
    "result",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False, unique=True),
    Column("node", String(6), nullable=False),
    Column("created_at", _TS, nullable=False),
)

result_version = Table(
    "result_version",
    metadata,
    Column("result_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("form", JSONB, nullable=False),
    Column("inspectors", JSONB, nullable=False),  # the members present, with credential numbers
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", _TS, nullable=False),
    Column("client_id", Text),
    PrimaryKeyConstraint("result_id", "version", name="result_version_pk"),
)

review = Table(
    "review",
    metadata,
    Column("result_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("opinion", Text, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("decided_at", _TS, nullable=False),
    Column("record_pdf", LargeBinary),  # the printed record of an approved version, as filed
    Column("record_sha256", String(64)),
    PrimaryKeyConstraint("result_id", "version", name="review_pk"),
)

field_submission = Table(
    "field_submission",
    metadata,
    Column("client_id", Text, primary_key=True),
    Column("account_id", Text, nullable=False),
    Column("entry_sha256", String(64), nullable=False),
    Column("answer", JSONB, nullable=False),
    Column("received_at", _TS, nullable=False),
)

follow_up = Table(
    "follow_up",
    metadata,
    Column("follow_up_id", _ID, primary_key=True),
    Column("result_id", _ID, nullable=False),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ordered_on", Date, nullable=False),
    Column("due", Date),
    Column("target", Text),
    Column("note", Text, nullable=False),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", _TS, nullable=False),
    Index("follow_up_result", "result_id"),
)

follow_up_step = Table(
    "follow_up_step",
    metadata,
    Column("follow_up_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # recheck | closed
    Column("on", Date, nullable=False),
    Column("passed", Boolean),
    Column("note", Text, nullable=False),
    Column("by", Text, nullable=False),
    Column("at", _TS, nullable=False),
    PrimaryKeyConstraint("follow_up_id", "seq", name="follow_up_step_pk"),
)

published_task = Table(
    "published_task",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("published_at", _TS, nullable=False),
)

overdue_flag = Table(
    "overdue_flag",
    metadata,
    Column("subject_id", _ID, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("node", String(6), nullable=False),
    Column("supervisor", String(6)),
    Column("due", Date, nullable=False),
    Column("detected_on", Date, nullable=False),
    Column("flagged_at", _TS, nullable=False),
    PrimaryKeyConstraint("subject_id", "kind", name="overdue_flag_pk"),
)

# -- revision 0002: a visit's steps, closures and withdrawals; publication records; node settings; document numbers

visit_status = Table(
    "visit_status",
    metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("status", String(20), nullable=False),  # opened | started | submitted | returned | approved | closed
    Column("reason", Text),  # why a visit was closed
    Column("actor", Text, nullable=False),
    Column("at", _TS, nullable=False),
    Column("event_id", _ID),  # the event that caused it (a voided draw), if any
    Index("visit_status_visit", "visit_id", "status"),
)

assignment_withdrawal = Table(
    "assignment_withdrawal",
    metadata,
    Column("assignment_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("draw_id", _ID, nullable=False),
    Column("reason", Text, nullable=False),
    Column("event_id", _ID, nullable=False),
    Column("withdrawn_at", _TS, nullable=False),
)

publication = Table(
    "publication",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("version", Integer, nullable=False),
    Column("public", Boolean, nullable=False),
    Column("withheld_reason", Text),
    Column("content", JSONB, nullable=False),  # what was published (or the record of withholding)
    Column("content_sha256", String(64), nullable=False),
    Column("published_by", Text, nullable=False),
    Column("published_at", _TS, nullable=False),
)

node_settings = Table(
    "node_settings",
    metadata,
    Column("node", String(6), nullable=False),
    Column("version", Integer, nullable=False),
    Column("issuing_body", Text, nullable=False),
    Column("document_prefix", Text, nullable=False),
    Column("contact_phone", Text, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", _TS, nullable=False),
    PrimaryKeyConstraint("node", "version", name="node_settings_pk"),
)

document_number = Table(
    "document_number",
    metadata,
    Column("node", String(6), nullable=False),
    Column("kind", String(20), nullable=False),  # notice | record (one sequence per node and year for both)
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("object_id", Text, nullable=False),  # the notice id, or result id:version
    Column("number", Text, nullable=False),  # as printed
    Column("issuing_body", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("settings_version", Integer, nullable=False),
    PrimaryKeyConstraint("node", "year", "seq", name="document_number_pk"),
    UniqueConstraint("kind", "object_id", name="document_number_object"),
)

audit_entry = audit_table(metadata)
# revision 0003 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)

# revision 0001 creates TABLES; revision 0002 creates TABLES_0002 (all of them append-only)
TABLES_0002 = ["visit_status", "assignment_withdrawal", "publication", "node_settings", "document_number"]
TABLES = [t.name for t in metadata.sorted_tables if t.name not in TABLES_0002 + CHECKPOINT_TABLES]
APPEND_ONLY = (
    "visit_assignment",
    "team_change",
    "notice",
    "result",
    "result_version",
    "review",
    "field_submission",
    "follow_up",
    "follow_up_step",
    "published_task",
    "overdue_flag",
    "audit_entry",
)  # of revision 0001; every table of TABLES_0002 is append-only too
