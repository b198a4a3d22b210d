"""The planning schema: settings, plans and tasks as append-only records with current projections.

History is only ever added: every settings change, every plan state and every task state is a new row of a
`*_record` table, which also says what happened (the event type), who did it, when and why. `plan_current` and
`task_current` are projections of the latest record of each plan and task, written in the same transaction; they
exist so that lists and filters stay fast; each holds the latest record's document, so it can be rebuilt from them.
`check_item_view` is the read model of the registry's checklist: every version ever published, never changed.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from hrss.audit import audit_table
from hrss.audit.checkpoints import checkpoint_table
from hrss.db import bus_tables

SCHEMA = "planning"
metadata = MetaData(schema=SCHEMA)

_ID = UUID(as_uuid=False)


def _record_columns() -> list[Column]:  # type: ignore[type-arg]
    """What happened, who did it, when, and why: the same columns on every record table."""
    return [
        Column("action", String(40), nullable=False),  # e.g. plan.file, task.freeze
        Column("actor", Text, nullable=False),
        Column("actor_node", String(6), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("reason", Text),
        Column("document", JSONB, nullable=False),
    ]


# -- node settings (节点设置) ------------------------------------------------------------------

settings_record = Table(
    "settings_record",
    metadata,
    Column("node", String(6), nullable=False),
    Column("version", Integer, nullable=False),
    *_record_columns(),
    PrimaryKeyConstraint("node", "version", name="settings_record_pk"),
)

# -- annual plans (年度抽查计划) ----------------------------------------------------------------

plan_record = Table(
    "plan_record",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("plan_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    *_record_columns(),
    Index("plan_record_plan", "plan_id", "id"),
)

plan_current = Table(
    "plan_current",
    metadata,
    Column("plan_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("parent", String(6)),  # the node it is filed with; null for a province
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("late", Boolean),
    Column("record_id", BigInteger, nullable=False),
    Column("document", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("node", "year", name="plan_current_node_year"),
    Index("plan_current_parent", "parent", "year", "status"),
)

# -- tasks (抽查任务) --------------------------------------------------------------------------

task_record = Table(
    "task_record",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("task_id", _ID, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("from_status", String(20)),
    *_record_columns(),
    UniqueConstraint("task_id", "revision", name="task_record_revision"),
)

task_current = Table(
    "task_current",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("number", String(100)),
    Column("year", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("implementing_nodes", ARRAY(String(6)), nullable=False),
    Column("unified", Boolean, nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("plan_id", _ID),
    Column("draw_group", Text),
    # KPI facts (003), fixed at the source
    Column("joint", Boolean, nullable=False),
    Column("credit_differentiated", Boolean, nullable=False),
    Column("major_items", Integer, nullable=False),
    Column("minor_items", Integer, nullable=False),
    Column("document", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("node", "number", name="task_current_number"),
    Index("task_current_node", "node", "year", "status"),
    Index("task_current_implementing", "implementing_nodes", postgresql_using="gin"),
)

# Numbers given per (node, year): a number is given once, at publication, and never reused.
task_number = Table(
    "task_number",
    metadata,
    Column("node", String(6), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", String(100), nullable=False),
    Column("task_id", _ID, nullable=False, unique=True),
    Column("given_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("node", "number", name="task_number_pk"),
)

# -- the registry's checklist, as planning reads it -------------------------------------------

check_item_view = Table(
    "check_item_view",
    metadata,
    Column("item_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("node", String(6), nullable=False),
    Column("number", String(40), nullable=False),
    Column("line", String(40)),
    Column("status", String(12), nullable=False),
    Column("spec", JSONB, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("item_id", "version", name="check_item_view_pk"),
    Index("check_item_view_node", "node", "item_id", text("version DESC")),
)

# -- the facts after the draw, from the draw and inspection services (revision 0002) ----------------
# Each fact is kept as received (insert only); `visit_progress` is the projection of a visit's facts, written in
# the same transaction, that the lifecycle rules and the progress view read.

_TASK_IDS = ARRAY(String(36))

draw_fact = Table(
    "draw_fact",
    metadata,
    Column("draw_id", _ID, nullable=False),
    Column("kind", String(10), nullable=False),  # completed | voided
    Column("node", String(6), nullable=False),
    Column("task_ids", _TASK_IDS, nullable=False),
    Column("picks", Integer),
    Column("dispatched", JSONB),  # node → entities dispatched to it (the whole draw: every task of a draw group)
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("draw_id", "kind", name="draw_fact_pk"),
    Index("draw_fact_tasks", "task_ids", postgresql_using="gin"),
)

visit_fact = Table(
    "visit_fact",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", _ID, nullable=False, unique=True),
    Column("visit_id", _ID, nullable=False),
    Column("node", String(6), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("task_ids", _TASK_IDS, nullable=False),
    Column("status", String(12), nullable=False),
    Column("inspected_on", Date),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("visit_fact_visit", "visit_id", "id"),
)

visit_progress = Table(
    "visit_progress",
    metadata,
    Column("visit_id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),
    Column("task_ids", _TASK_IDS, nullable=False),
    Column("status", String(12), nullable=False),  # the latest step
    Column("started", Boolean, nullable=False),
    Column("submitted", Boolean, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("closed", Boolean, nullable=False),
    Column("closed_reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("visit_progress_tasks", "task_ids", postgresql_using="gin"),
)

result_publication = Table(
    "result_publication",
    metadata,
    Column("result_id", _ID, primary_key=True),
    Column("visit_id", _ID, nullable=False, index=True),
    Column("node", String(6), nullable=False),
    Column("task_ids", _TASK_IDS, nullable=False),
    Column("public", Boolean, nullable=False),
    Column("withheld_reason", Text),
    Column("content_sha256", String(64), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("event_id", _ID, nullable=False),
)

overdue_fact = Table(
    "overdue_fact",
    metadata,
    Column("subject_id", _ID, nullable=False),  # kind result: the visit; publication: the result
    Column("kind", String(12), nullable=False),
    Column("node", String(6), nullable=False),
    Column("supervisor", String(6)),
    Column("due", Date, nullable=False),
    Column("detected_on", Date, nullable=False),
    Column("event_id", _ID, nullable=False),
    PrimaryKeyConstraint("subject_id", "kind", name="overdue_fact_pk"),
)

audit_entry = audit_table(metadata)
# revision 0003 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)

# revision 0001 creates TABLES (APPEND_ONLY among them); revision 0002 creates PROGRESS_TABLES
PROGRESS_TABLES = ["draw_fact", "visit_fact", "visit_progress", "result_publication", "overdue_fact"]
PROGRESS_APPEND_ONLY = ("draw_fact", "visit_fact", "result_publication", "overdue_fact")
TABLES = [t.name for t in metadata.sorted_tables if t.name not in PROGRESS_TABLES + CHECKPOINT_TABLES]
APPEND_ONLY = ("settings_record", "plan_record", "task_record", "task_number", "check_item_view", "audit_entry")
