"""The reporting schema.

Read models kept from events (projections: the service role may change them, each row merged by the rule of
domain/merging.py, so a replay changes nothing): `task_fact`, `draw_fact`, `inspection_fact`, `confirmation_fact`,
`follow_up_fact`, `missed_deadline`.

History (append-only, UPDATE and DELETE refused by trigger): `report_entries` (every version of what a node entered
for a month), `report_submission` (every report submitted upward, its cells frozen as JSON with their hash), the audit
chain and its checkpoints.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "reporting"
metadata = MetaData(schema=SCHEMA)

_ID = String(36)
_NODE = String(6)
_TS = DateTime(timezone=True)

task_fact = Table(
    "task_fact",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("node", _NODE, nullable=False, index=True),
    Column("number", Text),
    Column("title", Text, nullable=False),
    Column("joint", Boolean, nullable=False),
    Column("credit_differentiated", Boolean, nullable=False),
    Column("major_items", Integer, nullable=False),
    Column("minor_items", Integer, nullable=False),
    Column("regions", ARRAY(String(6)), nullable=False),
    Column("object_types", ARRAY(Text), nullable=False),
    Column("published_on", Date),
    Column("completed_on", Date),
    Column("cancelled", Boolean, nullable=False),
)

draw_fact = Table(
    "draw_fact",
    metadata,
    Column("draw_id", _ID, primary_key=True),
    Column("node", _NODE, nullable=False, index=True),
    Column("task_ids", ARRAY(String(36)), nullable=False),
    Column("eligible", Integer),
    Column("picks", Integer),
    Column("completed_on", Date),
)

inspection_fact = Table(
    "inspection_fact",
    metadata,
    Column("visit_id", _ID, primary_key=True),
    Column("result_id", _ID, nullable=False, index=True),
    Column("node", _NODE, nullable=False, index=True),
    Column("region_code", _NODE, nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("task_ids", ARRAY(String(36)), nullable=False),
    Column("overall", String(40), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)

confirmation_fact = Table(
    "confirmation_fact",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("node", _NODE, nullable=False, index=True),
    Column("public", Boolean, nullable=False),
    Column("on_time", Boolean, nullable=False),
    Column("due", Date),
    Column("confirmed_on", Date, nullable=False),
)

follow_up_fact = Table(
    "follow_up_fact",
    metadata,
    Column("follow_up_id", _ID, primary_key=True),
    Column("result_id", _ID, nullable=False, index=True),
    Column("node", _NODE, nullable=False, index=True),
    Column("kind", String(20)),
    Column("opened_on", Date),
    Column("due", Date),
    Column("closed_on", Date),
)

missed_deadline = Table(
    "missed_deadline",
    metadata,
    Column("task_id", _ID, nullable=False),
    Column("result_id", _ID, nullable=False),
    Column("node", _NODE, nullable=False, index=True),
    Column("due", Date, nullable=False),
    Column("detected_on", Date, nullable=False),
    PrimaryKeyConstraint("task_id", "result_id"),
)

report_entries = Table(
    "report_entries",
    metadata,
    Column("node", _NODE, nullable=False),
    Column("month", String(7), nullable=False),  # YYYY-MM
    Column("version", Integer, nullable=False),
    Column("entries", JSONB, nullable=False),
    Column("entered_by", String(80), nullable=False),
    Column("entered_at", _TS, nullable=False),
    PrimaryKeyConstraint("node", "month", "version"),
)

report_submission = Table(
    "report_submission",
    metadata,
    Column("node", _NODE, nullable=False),
    Column("month", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("entries_version", Integer),
    Column("report", JSONB, nullable=False),  # every cell as submitted
    Column("report_sha256", String(64), nullable=False),
    Column("reason", Text),
    Column("submitted_by", String(80), nullable=False),
    Column("submitted_at", _TS, nullable=False),
    PrimaryKeyConstraint("node", "month", "version"),
)

audit_entry = audit_table(metadata)
audit_checkpoint = checkpoint_table(metadata)
outbox, inbox = bus_tables(metadata)

TABLES = [t.name for t in metadata.sorted_tables]
APPEND_ONLY = ("report_entries", "report_submission", "audit_entry", "audit_checkpoint")
FACTS = ("task_fact", "draw_fact", "inspection_fact", "confirmation_fact", "follow_up_fact", "missed_deadline")
