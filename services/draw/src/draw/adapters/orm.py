"""The draw schema: read models of the tasks ready for draw and of the registry, and the draws themselves.

A draw is a `draw_run` row (what was frozen), its hash-chained `draw_log` entries and its `draw_pick` rows, all
append-only: a draw is never changed, only continued (replacement, expansion) or voided by a new entry. The frame
snapshot is an object in S3-compatible storage under object lock; `draw_run` keeps its key and SHA-256.
The read models (`task_view`, `entity_view`, `inspector_view`, `interests_view`) follow their topics and are
projections, not history.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "draw"
metadata = MetaData(schema=SCHEMA)

_ID = UUID(as_uuid=False)

# -- read models ------------------------------------------------------------------------------

task_view = Table(
    "task_view",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("draw_group", Text),
    Column("group_members", ARRAY(_ID), nullable=False),
    Column("task", JSONB, nullable=False),  # TaskState as frozen
    Column("received_at", DateTime(timezone=True), nullable=False),
)

entity_view = Table(
    "entity_view",
    metadata,
    Column("entity_id", _ID, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("name", Text, nullable=False),
    Column("object_type", Text, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("status", String(20), nullable=False),
    Column("tags", ARRAY(Text), nullable=False),
    Column("credit_grade", String(1)),
    Column("last_inspected", Date),
    Index("entity_view_region", text("region_code varchar_pattern_ops")),
)

inspector_view = Table(
    "inspector_view",
    metadata,
    Column("inspector_id", _ID, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("credential_no", Text, nullable=False),
    Column("credential_expires", Date, nullable=False),
    Column("name", Text, nullable=False),
    Column("node", String(6), nullable=False),
    Column("line", String(40)),  # line of business (业务条线); revision 0003, null for rows applied before it
    Column("pool", String(12), nullable=False),
    Column("status", String(20), nullable=False),
    Column("qualifications", ARRAY(Text), nullable=False),
    Column("expertise", ARRAY(Text), nullable=False),
    Column("station_region", String(6)),
    Column("former_employers", ARRAY(Text), nullable=False),
    Index("inspector_view_node", "node"),
)

# Every version of a checklist item seen on registry.check_item_changed: a task names (item_id, item_version),
# and its teams need that version's line and qualifications. Revision 0003. Its inspection points (检查内容)
# and legal basis (检查依据), printed on the notice and record form of the entities it is dispatched for: revision
# 0004 (null: a version applied before it, until its event is seen again).
check_item_view = Table(
    "check_item_view",
    metadata,
    Column("item_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("name", Text, nullable=False),
    Column("line", String(40)),
    Column("qualifications", ARRAY(Text), nullable=False),
    Column("status", String(12), nullable=False),
    Column("content", Text),
    Column("legal_basis", Text),
    PrimaryKeyConstraint("item_id", "version", name="check_item_view_pk"),
)

interests_view = Table(
    "interests_view",
    metadata,
    Column("inspector_id", _ID, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("usccs", ARRAY(Text), nullable=False),
)

# -- draws ------------------------------------------------------------------------------------

draw_run = Table(
    "draw_run",
    metadata,
    Column("draw_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),  # the node that draws (the tasks' node)
    Column("task_ids", ARRAY(_ID), nullable=False),
    Column("profile", String(40), nullable=False),
    Column("plan", JSONB, nullable=False),
    Column("task", JSONB, nullable=False),  # what task_hash commits to
    Column("snapshot_key", Text, nullable=False),
    Column("snapshot_sha256", String(64), nullable=False),
    Column("frame_size", BigInteger, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("draw_run_tasks", "task_ids", postgresql_using="gin"),
)

draw_log = Table(
    "draw_log",
    metadata,
    Column("draw_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("at", Text, nullable=False),  # ISO 8601 as hashed
    Column("body", JSONB, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("actor", Text, nullable=False),
    PrimaryKeyConstraint("draw_id", "seq", name="draw_log_pk"),
)

draw_pick = Table(
    "draw_pick",
    metadata,
    Column("draw_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),  # position in the draw's pick list
    Column("uscc", String(18), nullable=False),
    Column("stratum", Text, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("ticket", String(64), nullable=False),
    Column("items", ARRAY(Text), nullable=False),
    Column("batch", Integer, nullable=False),
    Column("replaces", String(18)),
    Column("target_node", String(6), nullable=False),
    Column("assignment_id", _ID, nullable=False),
    Column("team", JSONB, nullable=False),
    PrimaryKeyConstraint("draw_id", "seq", name="draw_pick_pk"),
)

# The plan of each expansion, in log order: it holds per-stratum (credit-grade) fractions, so it is kept here
# and only its hash is in the public log.
draw_expansion = Table(
    "draw_expansion",
    metadata,
    Column("draw_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),  # the log entry's seq
    Column("plan", JSONB, nullable=False),
    PrimaryKeyConstraint("draw_id", "seq", name="draw_expansion_pk"),
)

audit_entry = audit_table(metadata)
# revision 0005 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)

# The reason of each team member's replacement (工作调动, 工作冲突, 身体原因) with the salt of its commitment: the
# public log holds only the commitment (a health reason next to a credential number is personal data); the
# auditor package opens it. Revision 0002.
draw_replacement_reason = Table(
    "draw_replacement_reason",
    metadata,
    Column("draw_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),  # the team_replaced log entry's seq
    Column("reason", String(20), nullable=False),
    Column("salt", String(32), nullable=False),
    PrimaryKeyConstraint("draw_id", "seq", name="draw_replacement_reason_pk"),
)

# revision 0001 creates TABLES (APPEND_ONLY among them); revision 0002 creates REASON_TABLES, append-only as well;
# revision 0003 creates CHECKLIST_TABLES
REASON_TABLES = ["draw_replacement_reason"]
CHECKLIST_TABLES = ["check_item_view"]
TABLES = [t.name for t in metadata.sorted_tables if t.name not in REASON_TABLES + CHECKLIST_TABLES + CHECKPOINT_TABLES]
APPEND_ONLY = ("draw_run", "draw_log", "draw_pick", "draw_expansion", "audit_entry")
