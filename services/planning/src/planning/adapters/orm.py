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

audit_entry = audit_table(metadata)
outbox, inbox = bus_tables(metadata)

TABLES = [t.name for t in metadata.sorted_tables]
APPEND_ONLY = ("settings_record", "plan_record", "task_record", "task_number", "check_item_view", "audit_entry")
