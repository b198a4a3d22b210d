"""Alembic support: each service migrates its own schema with its own version table.

    python -m hrss.db.migrations --service draw [--dir migrations]   # what a container runs first

It migrates as the owner, `HRSS_PG_MIGRATE_DSN`, then grants the service's own login role (the user of
`HRSS_PG_DSN`, which the service connects with) exactly its rights (`hrss.db.roles`), creating the role with the
password `HRSS_PG_DSN` carries if it does not exist yet and the owner may create roles. Without
`HRSS_PG_MIGRATE_DSN` it migrates with `HRSS_PG_DSN` and grants nothing (a development database).

Concurrent migrators of one schema (replicas starting together) queue on an advisory lock: the first migrates,
the others find the schema at head and do nothing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text

from hrss.db.roles import ensure_login_role, grant_service, role_of


def alembic_config(migrations_dir: Path, url: str, schema: str) -> Config:
    """An Alembic config for a service's `migrations/` folder and schema."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["schema"] = schema
    return config


def upgrade(migrations_dir: Path, url: str, schema: str, revision: str = "head") -> None:
    """Bring a service's schema to `revision`."""
    command.upgrade(alembic_config(migrations_dir, url, schema), revision)


def run_env(context, metadata: MetaData) -> None:  # type: ignore[no-untyped-def]
    """Body of a service's alembic env.py: online migrations inside its own schema."""
    from hrss.db.engine import make_engine

    schema = context.config.attributes.get("schema") or metadata.schema
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url, schema=schema, pool_size=1)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"hrss.migrate.{schema}"})
            context.run_migrations()
    engine.dispose()


def create_tables(bind, metadata: MetaData, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Create the named tables as the model defines them (for a service's first revision only)."""
    schema = metadata.schema
    tables = [metadata.tables[f"{schema}.{name}" if schema else name] for name in names]
    metadata.create_all(bind, tables=tables)


def create_history_tables(bind, metadata: MetaData, names: list[str], append_only: list[str] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Create the named tables, then make `append_only` of them (all, by default) append-only: the trigger for
    everyone, and SELECT and INSERT only for the application roles named in `HRSS_APP_ROLES`."""
    from hrss.audit import append_only_ddl

    schema = metadata.schema
    if not schema:
        raise ValueError("a service's tables live in its own schema: the metadata names none")
    create_tables(bind, metadata, names)
    roles = [r.strip() for r in os.environ.get("HRSS_APP_ROLES", "").split(",") if r.strip()]
    for table in names if append_only is None else append_only:
        for statement in append_only_ddl(schema, roles, table_name=table):
            bind.execute(text(statement))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bring a service's schema to head (HRSS_PG_DSN).")
    parser.add_argument("--service", required=True, help="the service, which is also its schema")
    parser.add_argument("--dir", default="migrations", type=Path, help="its migrations folder (default: ./migrations)")
    args = parser.parse_args(argv)
    dsn = os.environ.get("HRSS_PG_DSN")
    if not dsn:
        parser.error("HRSS_PG_DSN is not set")
    owner = os.environ.get("HRSS_PG_MIGRATE_DSN") or dsn
    upgrade(args.dir, owner, args.service)
    print(f"{args.service}: schema at head")
    if role_of(owner) != role_of(dsn):
        ensure_login_role(owner, dsn)
        history = grant_service(owner, args.service, role_of(dsn))
        print(f"{args.service}: {role_of(dsn)} may only read and append to {len(history)} history tables")


if __name__ == "__main__":
    main()
