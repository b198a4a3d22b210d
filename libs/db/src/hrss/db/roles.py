"""Least privilege at the database: each service logs in as its own role, which owns nothing.

Migrations run as the owner (`HRSS_PG_MIGRATE_DSN`); the service and its relay connect as the service's login
role (`HRSS_PG_DSN`), which after every migration gets exactly:

- USAGE on the service's schema (no CREATE: no DDL);
- SELECT and INSERT on its history tables (those the append-only trigger guards: `<schema>.refuse_change()`),
  plus UPDATE of the first primary-key column only so that a use case can lock a row (`SELECT … FOR UPDATE` needs
  UPDATE on one column); the trigger refuses every UPDATE and DELETE, whoever asks;
- SELECT, INSERT, UPDATE and DELETE on the rest (current-state projections, outbox, inbox, read models);
- USAGE and SELECT on its sequences;
- never TRUNCATE, never ownership, so never ALTER TABLE … DISABLE TRIGGER, DROP or GRANT.

    python -m hrss.db.roles grant --service draw      # HRSS_PG_MIGRATE_DSN (owner), HRSS_PG_DSN (the service role)
    python -m hrss.db.roles create --role hrss_draw   # a LOGIN role; password from HRSS_PG_ROLE_PASSWORD
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quoted(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def role_of(url: str) -> str:
    """The user a DSN logs in as."""
    return str(make_url(url).username or "")


def with_role(url: str, role: str, password: str) -> str:
    """The same server and database, logged in as `role`."""
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def create_login_role(owner_url: str, role: str, password: str) -> None:
    """`role` as a LOGIN role with no attributes beyond login (created, or its password set)."""
    engine = create_engine(owner_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        verb = "ALTER" if exists else "CREATE"
        literal = connection.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
        connection.exec_driver_sql(f"{verb} ROLE {_quoted(role)} {attributes} PASSWORD {literal}")
    engine.dispose()


def ensure_login_role(owner_url: str, service_url: str) -> None:
    """The login role `service_url` names, created with the password it carries when it does not exist (a DBA
    who creates the roles beforehand leaves the owner without CREATEROLE; then the role must exist)."""
    role, password = role_of(service_url), str(make_url(service_url).password or "")
    engine = create_engine(owner_url, poolclass=NullPool)
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    engine.dispose()
    if not exists:
        if not password:
            raise RuntimeError(f"database role {role} does not exist and HRSS_PG_DSN carries no password for it")
        create_login_role(owner_url, role, password)


def drop_role(owner_url: str, role: str, databases: Iterable[str] = ()) -> None:
    """Revoke what `role` was granted in each of `databases` (URLs) and drop it."""
    for database in databases:
        engine = create_engine(database, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {_quoted(role)}")
        engine.dispose()
    engine = create_engine(owner_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"), {"r": role}
        )
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {_quoted(role)}")
    engine.dispose()


HISTORY_TABLES = text(
    """SELECT DISTINCT c.relname FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid
       WHERE n.nspname = :schema AND p.proname = 'refuse_change' AND NOT t.tgisinternal"""
)
TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = :schema")
SEQUENCES = text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema")
KEY_COLUMNS = text(
    """SELECT DISTINCT ON (tc.table_name) tc.table_name, k.column_name
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage k
         ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
       WHERE tc.table_schema = :schema AND tc.constraint_type = 'PRIMARY KEY'
       ORDER BY tc.table_name, k.ordinal_position"""
)


def grant_statements(
    schema: str, role: str, tables: set[str], history: set[str], sequences: set[str], keys: dict[str, str]
) -> list[str]:
    """What `role` is granted on `schema`: see the module's docstring."""
    s, r = _quoted(schema), _quoted(role)
    statements = [f"REVOKE ALL ON SCHEMA {s} FROM {r}", f"GRANT USAGE ON SCHEMA {s} TO {r}"]
    for table in sorted(tables):
        name = f"{s}.{_quoted(table)}"
        rights = "SELECT, INSERT" if table in history else "SELECT, INSERT, UPDATE, DELETE"
        statements += [f"REVOKE ALL ON {name} FROM {r}", f"GRANT {rights} ON {name} TO {r}"]
        if table in history and table in keys:  # to lock a row, never to change one: the trigger refuses that
            statements.append(f"GRANT UPDATE ({_quoted(keys[table])}) ON {name} TO {r}")
    for sequence in sorted(sequences):
        name = f"{s}.{_quoted(sequence)}"
        statements += [f"REVOKE ALL ON SEQUENCE {name} FROM {r}", f"GRANT USAGE, SELECT ON SEQUENCE {name} TO {r}"]
    return statements


def grant_service(owner_url: str, schema: str, role: str) -> list[str]:
    """Give `role` exactly its rights on `schema` in the owner's database; returns the history tables."""
    engine = create_engine(owner_url, poolclass=NullPool)
    with engine.begin() as connection:
        tables = {row[0] for row in connection.execute(TABLES, {"schema": schema})}
        history = {row[0] for row in connection.execute(HISTORY_TABLES, {"schema": schema})}
        sequences = {row[0] for row in connection.execute(SEQUENCES, {"schema": schema})}
        keys = {row[0]: row[1] for row in connection.execute(KEY_COLUMNS, {"schema": schema})}
        for statement in grant_statements(schema, role, tables, history, sequences, keys):
            connection.exec_driver_sql(statement)
    engine.dispose()
    return sorted(history)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A service's database login role and its grants.")
    sub = parser.add_subparsers(dest="command", required=True)
    grant = sub.add_parser("grant", help="grant HRSS_PG_DSN's role its rights on the service's schema")
    grant.add_argument("--service", required=True, help="the service, which is also its schema")
    create = sub.add_parser("create", help="create a LOGIN role (password: HRSS_PG_ROLE_PASSWORD)")
    create.add_argument("--role", required=True)
    args = parser.parse_args(argv)
    owner = os.environ.get("HRSS_PG_MIGRATE_DSN") or ""
    if not owner:
        parser.error("HRSS_PG_MIGRATE_DSN (the owner's DSN) is not set")
    if args.command == "create":
        password = os.environ.get("HRSS_PG_ROLE_PASSWORD") or ""
        if not password:
            parser.error("HRSS_PG_ROLE_PASSWORD is not set")
        create_login_role(owner, args.role, password)
        print(f"{args.role}: login role ready")
    else:
        role = role_of(os.environ.get("HRSS_PG_DSN") or "")
        if not role or role == role_of(owner):
            parser.error("HRSS_PG_DSN must log in as the service's own role, not as the owner")
        history = grant_service(owner, args.service, role)
        print(f"{args.service}: {role} granted (history tables, SELECT and INSERT only: {', '.join(history)})")


if __name__ == "__main__":
    main()
