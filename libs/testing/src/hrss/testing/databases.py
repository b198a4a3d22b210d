"""Create and drop throwaway PostgreSQL databases."""

from __future__ import annotations

from sqlalchemy import create_engine, text
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
