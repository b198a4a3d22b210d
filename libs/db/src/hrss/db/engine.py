"""Engines that cooperate with eventlet, and the per-service schema."""

from __future__ import annotations

import re
import threading

from sqlalchemy import Engine, create_engine, event

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_patched = threading.Lock()
_done = False


def cooperate_with_eventlet() -> None:
    """Make psycopg2 yield to other green threads while it waits on the server."""
    global _done
    with _patched:
        if _done:
            return
        try:
            import eventlet.patcher
        except ImportError:  # pragma: no cover - eventlet is a dependency of nameko
            return
        if eventlet.patcher.is_monkey_patched("socket"):
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
            _done = True


def make_engine(url: str, *, schema: str | None = None, pool_size: int = 10, application_name: str = "hrss") -> Engine:
    """An engine whose connections use `schema` first on their search path."""
    cooperate_with_eventlet()
    if schema is not None and not _IDENTIFIER.match(schema):
        raise ValueError(f"schema name must be a lower-case SQL identifier: {schema!r}")
    url = url.replace("postgresql://", "postgresql+psycopg2://", 1) if url.startswith("postgresql://") else url
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"application_name": application_name},
    )
    if schema is not None:

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{schema}", public')
            dbapi_connection.commit()

    return engine
