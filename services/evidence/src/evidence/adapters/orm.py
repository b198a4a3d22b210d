"""The evidence schema; every table but the outbox and inbox is append-only (history is added, never changed).

Upload order (so a crash can be told apart from a tampering): an `upload_intent` row is committed first, then the
object is written and locked, then `evidence` is inserted with its event and audit entry in one transaction. An
object whose key holds an evidence id with an intent but no `evidence` row is an interrupted upload; one without
an intent was not written by the platform. A refused upload leaves an `upload_rejection` row (and its object, if
any, is removed: it was never recorded and never locked).

An archive (`archive`) has versions (`archive_version`): version 1 when the result is filed, n+1 for each approved
amendment (`amendment`, `amendment_decision`). Each version's manifest is itself a locked object whose digest is
kept here; `archive_item` lists the evidence of each version. Access is requested (`access_request`), decided by
the department head and the leader in charge (`access_decision`), and granted (`access_grant`); borrowing is
registered (`borrowing`, `borrowing_return`). `fixity_check` holds one row per object per fixity run.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "evidence"
metadata = MetaData(schema=SCHEMA)

_ID = UUID(as_uuid=False)
_AT = DateTime(timezone=True)

upload_intent = Table(
    "upload_intent",
    metadata,
    Column("evidence_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("visit_id", _ID, nullable=False),
    Column("object_key", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("started_at", _AT, nullable=False),
)

upload_rejection = Table(
    "upload_rejection",
    metadata,
    Column("evidence_id", _ID, primary_key=True),
    Column("code", String(60), nullable=False),
    Column("object_removed", String(10), nullable=False),  # yes | no | none (no object was written)
    Column("at", _AT, nullable=False),
)

evidence = Table(
    "evidence",
    metadata,
    Column("evidence_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("visit_id", _ID, nullable=False),
    Column("task_id", _ID),
    Column("item_id", String(64)),
    Column("kind", String(20), nullable=False),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("algorithm", String(10), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("object_key", Text, nullable=False),
    Column("version_id", Text, nullable=False),
    Column("retention_mode", String(12), nullable=False),
    Column("retain_until", _AT, nullable=False),
    Column("description", Text, nullable=False),
    Column("uploaded_by", Text, nullable=False),
    Column("uploaded_at", _AT, nullable=False),
    UniqueConstraint("object_key", "version_id", name="evidence_object_version"),
    Index("evidence_visit", "visit_id"),
)

archive = Table(
    "archive",
    metadata,
    Column("archive_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("visit_id", _ID, nullable=False, unique=True),
    Column("result_id", _ID, nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("filed_at", _AT, nullable=False),
)

archive_version = Table(
    "archive_version",
    metadata,
    Column("archive_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("result_version", Integer, nullable=False),
    Column("change", String(12), nullable=False),  # filed | amended
    Column("manifest_key", Text, nullable=False),
    Column("manifest_version_id", Text, nullable=False),
    Column("algorithm", String(10), nullable=False),
    Column("manifest_digest", String(64), nullable=False),
    Column("manifest", JSONB, nullable=False),
    Column("reason", Text),  # 修改原因
    Column("content", Text),  # 修改内容
    Column("handler", Text, nullable=False),  # 经办人
    Column("approver", Text, nullable=False),  # 审定人
    Column("amendment_id", _ID),
    Column("at", _AT, nullable=False),
    PrimaryKeyConstraint("archive_id", "version", name="archive_version_pk"),
)

archive_item = Table(
    "archive_item",
    metadata,
    Column("archive_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("evidence_id", _ID, nullable=False),
    Column("status", String(10), nullable=False),  # included | withdrawn
    PrimaryKeyConstraint("archive_id", "version", "evidence_id", name="archive_item_pk"),
    Index("archive_item_evidence", "evidence_id"),
)

amendment = Table(
    "amendment",
    metadata,
    Column("amendment_id", _ID, primary_key=True),
    Column("archive_id", _ID, nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("add_evidence", ARRAY(_ID), nullable=False),
    Column("withdraw_evidence", ARRAY(_ID), nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", _AT, nullable=False),
)

amendment_decision = Table(
    "amendment_decision",
    metadata,
    Column("amendment_id", _ID, primary_key=True),
    Column("decision", String(10), nullable=False),  # approve | refuse
    Column("approver", Text, nullable=False),
    Column("comment", Text, nullable=False),
    Column("version", Integer),  # the version it created
    Column("at", _AT, nullable=False),
)

access_request = Table(
    "access_request",
    metadata,
    Column("request_id", _ID, primary_key=True),
    Column("archive_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("versions", ARRAY(Integer), nullable=False),
    Column("mode", String(10), nullable=False),  # read | borrow
    Column("purpose", Text, nullable=False),
    Column("valid_until", _AT, nullable=False),
    Column("requester", Text, nullable=False),
    Column("requested_at", _AT, nullable=False),
)

access_decision = Table(
    "access_decision",
    metadata,
    Column("request_id", _ID, nullable=False),
    Column("position", String(20), nullable=False),  # department_head | leader_in_charge
    Column("decision", String(10), nullable=False),
    Column("approver", Text, nullable=False),
    Column("approver_name", Text, nullable=False),
    Column("comment", Text, nullable=False),
    Column("at", _AT, nullable=False),
    PrimaryKeyConstraint("request_id", "position", name="access_decision_pk"),
)

access_grant = Table(
    "access_grant",
    metadata,
    Column("grant_id", _ID, primary_key=True),
    Column("request_id", _ID, nullable=False, unique=True),
    Column("archive_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("versions", ARRAY(Integer), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("grantee", Text, nullable=False),
    Column("valid_from", _AT, nullable=False),
    Column("valid_until", _AT, nullable=False),
)

borrowing = Table(
    "borrowing",
    metadata,
    Column("borrowing_id", _ID, primary_key=True),
    Column("grant_id", _ID, nullable=False),
    Column("archive_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("version", Integer, nullable=False),
    Column("borrower", Text, nullable=False),
    Column("keeper", Text, nullable=False),
    Column("due_back", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("borrowed_at", _AT, nullable=False),
)

borrowing_return = Table(
    "borrowing_return",
    metadata,
    Column("borrowing_id", _ID, primary_key=True),
    Column("keeper", Text, nullable=False),
    Column("condition", String(10), nullable=False),  # intact | damaged | missing
    Column("note", Text, nullable=False),
    Column("returned_at", _AT, nullable=False),
)

fixity_check = Table(
    "fixity_check",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("run_id", _ID, nullable=False),
    Column("object_type", String(10), nullable=False),  # evidence | manifest
    Column("object_id", Text, nullable=False),
    Column("object_key", Text, nullable=False),
    Column("version_id", Text, nullable=False),
    Column("algorithm", String(10), nullable=False),
    Column("expected", String(64), nullable=False),
    Column("actual", String(64)),
    Column("status", String(12), nullable=False),  # ok | mismatch | unreadable | missing
    Column("checked_at", _AT, nullable=False),
    Index("fixity_check_run", "run_id"),
)

# The read model of the visits this process keeps (inspection.visit_opened / visit_extended / visit_status_changed),
# one row per applied event, never updated: a visit's team is its latest `team` row, and it is closed once a
# `status` row says `closed`. Uploads are checked against it (the visit exists, is of the node, the uploader is on
# its team, it is not closed); reads by an inspector are limited to the visits whose team holds them.
visit_event = Table(
    "visit_event",
    metadata,
    Column("event_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("kind", String(10), nullable=False),  # team | status
    Column("inspector_ids", ARRAY(Text)),  # with `team`: the registry inspector ids of the team
    Column("status", String(12)),  # with `status`: opened | started | submitted | returned | approved | closed
    Column("reason", Text),  # with `closed`: why
    Column("at", _AT, nullable=False),  # when it happened at the inspecting node
    Column("received_at", _AT, nullable=False),
    Index("visit_event_visit", "visit_id", "at"),
)

# Uploads whose whole file failed its check (revision 0003): the bytes are copied to `quarantine/<node>/<visit>/<id>`
# and locked, the evidence key's version removed; one row each, never changed, listed for the node's approvers and
# archive keepers (GET /quarantine).
quarantined_upload = Table(
    "quarantined_upload",
    metadata,
    Column("evidence_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("visit_id", _ID, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("filename", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("algorithm", String(10), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("code", String(60), nullable=False),
    Column("reason", String(60), nullable=False),
    Column("message", Text, nullable=False),
    Column("uploaded_by", Text, nullable=False),
    Column("uploaded_at", _AT, nullable=False),
    Column("object_key", Text, nullable=False),
    Column("version_id", Text, nullable=False),
    Column("retain_until", _AT, nullable=False),
    Index("quarantined_upload_node", "node", "uploaded_at"),
)

# The text of each filed piece of evidence, for the archive search (revision 0005): one row per extraction, never
# changed (a later extraction of the same evidence adds a row; the latest counts), with how it was read and each
# page that failed, so an OCR timeout is recorded instead of losing the document.
document_text = Table(
    "document_text",
    metadata,
    Column("extraction_id", _ID, primary_key=True),
    Column("evidence_id", _ID, nullable=False),
    Column("version_id", Text, nullable=False),
    Column("method", String(20), nullable=False),  # pdf_text, pdf_ocr, docx, text, ocr, none
    Column("status", String(20), nullable=False),  # ok, partial, failed, unsupported
    Column("pages", Integer, nullable=False),
    Column("failures", JSONB, nullable=False),
    Column("text", Text, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("extracted_at", _AT, nullable=False),
    Index("document_text_evidence", "evidence_id", "extracted_at"),
)

audit_entry = audit_table(metadata)
# revision 0004 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)

# revision 0001 creates TABLES (APPEND_ONLY among them); revision 0002 creates VISIT_TABLES and 0003
# QUARANTINE_TABLES, append-only as well
VISIT_TABLES = ["visit_event"]
QUARANTINE_TABLES = ["quarantined_upload"]
TEXT_TABLES = ["document_text"]  # revision 0005, append-only
LATER = VISIT_TABLES + QUARANTINE_TABLES + CHECKPOINT_TABLES + TEXT_TABLES
TABLES = [t.name for t in metadata.sorted_tables if t.name not in LATER]
APPEND_ONLY = tuple(t for t in TABLES if t not in ("outbox", "inbox"))
