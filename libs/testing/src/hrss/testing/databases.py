"""Create and drop throwaway PostgreSQL databases."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


def _admin(dsn: str):  # type: ignore[no-untyped-def]
    url = make_url(dsn).set(drivername="postgresql+psycopg2")
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_database(admin_dsn: str, name: str) -> str:
    """Create database `name` and return its DSN."""
    engine = _admin(admin_dsn)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_dsn).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop database `name`, closing its connections."""
    engine = _admin(admin_dsn)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextmanager
def migrated_database(
    admin_dsn: str, prefix: str, migrate: Callable[[str], None], search_path: str | None = None
) -> Iterator[Engine]:
    """An engine on a fresh database `<prefix>_<random>` that `migrate(dsn)` has brought to the head revision
    (connections on `search_path` when given), dropped afterwards: what a repository contract suite runs on."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    dsn = create_database(admin_dsn, name)
    try:
        migrate(dsn)
        options = {"options": f"-c search_path={search_path}"} if search_path else {}
        engine = create_engine(dsn, connect_args=options)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        drop_database(admin_dsn, name)
