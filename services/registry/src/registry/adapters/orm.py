"""The registry schema: checklist items, entities and inspectors, each an identity row plus append-only versions.

History lives in the `*_version` tables (and `interest`, `import_run`, `import_rejection`, `audit_entry`):
rows are only ever added. `entity_current` and `inspector_current` are projections of the latest version,
kept in the same transaction as the version they show, so that filtered queries over a million entities stay
fast; they can be rebuilt from the version tables at any time (`registry.cli rebuild-current`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
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

SCHEMA = "registry"
metadata = MetaData(schema=SCHEMA)

_ID = UUID(as_uuid=False)
_HASH = String(64)


def _change_columns() -> list[Column]:  # type: ignore[type-arg]
    """Who, when, why and from where: the same columns on every version table."""
    return [
        Column("source", String(12), nullable=False),  # manual | import | upstream
        Column("reason", Text),
        Column("changed_by", Text, nullable=False),
        Column("known_at", DateTime(timezone=True), nullable=False),  # when the change became known
        Column("applied_at", DateTime(timezone=True), nullable=False),  # when the registry applied it
        Column("late", Boolean),  # more than 5 working days after it became known; null: no calendar data that year
        Column("import_id", _ID),
        Column("content_hash", _HASH, nullable=False),
    ]


# -- checklist (抽查事项清单) --------------------------------------------------------------

check_item = Table(
    "check_item",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("node", String(6), nullable=False),  # the node whose list it belongs to
    Column("number", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
    UniqueConstraint("node", "number", name="check_item_node_number"),
)

check_item_version = Table(
    "check_item_version",
    metadata,
    Column("item_id", _ID, ForeignKey(f"{SCHEMA}.check_item.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("spec", JSONB, nullable=False),  # CheckItemSpec.to_json()
    Column("line", String(40)),  # line of business (业务条线) owning the item
    # what an inspector must hold to check it, besides being of its line (revision 0002)
    Column("qualifications", ARRAY(Text), nullable=False, server_default="{}"),
    Column("status", String(12), nullable=False),  # active | withdrawn
    Column("content_hash", _HASH, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", Text, nullable=False),
    Column("reason", Text),
    PrimaryKeyConstraint("item_id", "version", name="check_item_version_pk"),
)

# -- entity registry (检查对象名录库) ---------------------------------------------------------


def _entity_columns() -> list[Column]:  # type: ignore[type-arg]
    return [
        Column("uscc", String(18), nullable=False),
        Column("name", Text, nullable=False),
        Column("object_type", String(30), nullable=False),
        Column("region_code", String(6), nullable=False),
        Column("industry", Text),
        Column("address", Text),
        Column("status", String(16), nullable=False),
        Column("tags", ARRAY(Text), nullable=False),
        Column("credit_grade", String(4)),
        Column("complaint_count", Integer, nullable=False),
        Column("serious_violation", Boolean, nullable=False),
        Column("last_inspected", Date),
    ]


entity_current = Table(
    "entity_current",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("version", Integer, nullable=False),
    *_entity_columns(),
    Column("content_hash", _HASH, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("uscc", name="entity_current_uscc"),
    Index("entity_current_region", text("region_code varchar_pattern_ops"), "id"),
    Index("entity_current_tags", "tags", postgresql_using="gin"),
)

entity_version = Table(
    "entity_version",
    metadata,
    Column("entity_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    *_entity_columns(),
    *_change_columns(),
    PrimaryKeyConstraint("entity_id", "version", name="entity_version_pk"),
    Index("entity_version_late", "applied_at", postgresql_where=text("late")),
)

# -- inspector registry (执法检查人员名录库) ---------------------------------------------------


def _inspector_columns() -> list[Column]:  # type: ignore[type-arg]
    return [
        Column("credential_no", String(40), nullable=False),
        Column("credential_expires", Date, nullable=False),
        Column("name", Text, nullable=False),
        Column("unit", Text, nullable=False),
        Column("node", String(6), nullable=False),
        Column("line", String(40), nullable=False),
        Column("position", Text),
        Column("qualifications", ARRAY(Text), nullable=False),
        Column("expertise", ARRAY(Text), nullable=False),
        Column("pool", String(12), nullable=False),  # enforcement | expert (辅助检查人员)
        Column("status", String(20), nullable=False),
        Column("station_region", String(6)),  # the inspector's own station, for recusal rules
        Column("former_employers", ARRAY(Text), nullable=False),  # USCCs
        # personal data, encrypted at rest (kid:nonce:ciphertext); shown masked to roles that do not need it
        Column("national_id_enc", Text),
        Column("phone_enc", Text),
    ]


inspector_current = Table(
    "inspector_current",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("version", Integer, nullable=False),
    *_inspector_columns(),
    Column("content_hash", _HASH, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("credential_no", name="inspector_current_credential"),
    Index("inspector_current_node", text("node varchar_pattern_ops"), "id"),
)

inspector_version = Table(
    "inspector_version",
    metadata,
    Column("inspector_id", _ID, nullable=False),
    Column("version", Integer, nullable=False),
    *_inspector_columns(),
    *_change_columns(),
    PrimaryKeyConstraint("inspector_id", "version", name="inspector_version_pk"),
)

# Declared interests (回避): a declaration or a withdrawal is a new row; the current set is, per
# (inspector, uscc), the latest row when it is a declaration.
interest = Table(
    "interest",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("inspector_id", _ID, nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("action", String(10), nullable=False),  # declare | withdraw
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", Text, nullable=False),
    Index("interest_inspector", "inspector_id", "uscc", "id"),
)

# -- imports ---------------------------------------------------------------------------

import_run = Table(
    "import_run",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("kind", String(12), nullable=False),  # entity | inspector
    Column("node", String(6), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", _HASH, nullable=False),
    Column("file_format", String(6), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("started_by", Text, nullable=False),
)

# One row per committed chunk: the counts it applied; a run's outcome is the sum of its chunks.
import_chunk = Table(
    "import_chunk",
    metadata,
    Column("import_id", _ID, ForeignKey(f"{SCHEMA}.import_run.id"), nullable=False),
    Column("chunk", Integer, nullable=False),
    Column("first_row", Integer, nullable=False),
    Column("last_row", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("late", Integer, nullable=False),
    Column("committed_at", DateTime(timezone=True), nullable=False),
    Column("final", Boolean, nullable=False),
    PrimaryKeyConstraint("import_id", "chunk", name="import_chunk_pk"),
)

import_rejection = Table(
    "import_rejection",
    metadata,
    Column("import_id", _ID, nullable=False),
    Column("row_no", Integer, nullable=False),
    Column("field", Text, nullable=False),
    Column("code", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Index("import_rejection_run", "import_id", "row_no"),
)

audit_entry = audit_table(metadata)
# revision 0003 creates CHECKPOINT_TABLES, append-only: the signed heads of this node's chains and those it keeps
# for the nodes below (hrss.bus.checkpoints)
audit_checkpoint = checkpoint_table(metadata)
CHECKPOINT_TABLES = ["audit_checkpoint"]
outbox, inbox = bus_tables(metadata)

APPEND_ONLY = (
    "check_item",
    "check_item_version",
    "entity_version",
    "inspector_version",
    "interest",
    "import_run",
    "import_chunk",
    "import_rejection",
    "audit_entry",
)
TABLES = [t.name for t in metadata.sorted_tables if t.name not in CHECKPOINT_TABLES]
