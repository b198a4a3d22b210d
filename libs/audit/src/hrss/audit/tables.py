"""The audit table of a service's schema, made append-only at the database."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

_HASH = String(64)


def audit_table(metadata: MetaData) -> Table:
    """One row per audit entry; (node, seq) is gapless per node."""
    return Table(
        "audit_entry",
        metadata,
        Column("node", String(6), nullable=False),
        Column("seq", BigInteger, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("actor", Text, nullable=False),
        Column("actor_role", String(40), nullable=False),
        Column("actor_kind", String(10), nullable=False),
        Column("action", String(100), nullable=False),
        Column("object_type", String(60), nullable=False),
        Column("object_id", Text, nullable=False),
        Column("object_version", Integer),
        Column("before_hash", _HASH),
        Column("after_hash", _HASH),
        Column("reason", Text),
        Column("approval_id", Text),
        Column("request_id", Text),
        Column("event_id", Text),
        Column("outcome", String(10), nullable=False),
        Column("detail", JSONB, nullable=False),
        Column("algorithm", String(10), nullable=False),
        Column("prev_hash", _HASH, nullable=False),
        Column("entry_hash", _HASH, nullable=False, unique=True),
        PrimaryKeyConstraint("node", "seq", name="audit_entry_pk"),
    )


def append_only_ddl(schema: str, app_roles: list[str], table_name: str = "audit_entry") -> list[str]:
    """Statements that make `<schema>.<table_name>` append-only: a trigger for everyone, privileges for apps.

    The trigger refuses UPDATE, DELETE and TRUNCATE whoever asks; only a superuser can disable it, and what a
    superuser does is caught by the verifier and by the checkpoints held at the level above.
    """
    table = f'"{schema}".{table_name}'
    statements = [
        f"""CREATE OR REPLACE FUNCTION "{schema}".refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = '历史记录只能追加，不能修改或删除（' || TG_TABLE_NAME || '：' || TG_OP || '）';
END $$""",
        f"DROP TRIGGER IF EXISTS {table_name}_no_update_delete ON {table}",
        f"""CREATE TRIGGER {table_name}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION "{schema}".refuse_change()""",
        f"DROP TRIGGER IF EXISTS {table_name}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table_name}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".refuse_change()""",
    ]
    for role in app_roles:
        statements += [
            f'REVOKE ALL ON {table} FROM "{role}"',
            f'GRANT SELECT, INSERT ON {table} TO "{role}"',
        ]
    return statements
