"""Engines that cooperate with eventlet, and the per-service schema."""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

import eventlet.patcher
import psycopg2.extensions
from eventlet.hubs import notify_opened, trampoline
from psycopg2 import OperationalError
from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE
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
        if eventlet.patcher.is_monkey_patched("socket"):
            psycopg2.extensions.set_wait_callback(_green_wait)
            _done = True


_opened: weakref.WeakSet[Any] = weakref.WeakSet()


def _green_wait(conn: Any, timeout: float = -1) -> None:
    """psycopg2's wait callback under eventlet: wait on the connection's socket in the hub, not in the OS.

    psycopg2 (libpq) opens and closes its sockets in C, unseen by eventlet. When a connection's descriptor number is
    one the OS recycled, a green thread killed while it waited on the old socket can have left a listener on that
    number, and the hub then refuses the new reader ("Second simultaneous read on fileno …", seen in CI). So on a
    connection's first wait the hub is told that its descriptor was just opened, which retires stale listeners.
    """
    if conn not in _opened:
        _opened.add(conn)
        notify_opened(conn.fileno())
    while True:
        state = conn.poll()
        if state == POLL_OK:
            return
        if state == POLL_READ:
            trampoline(conn.fileno(), read=True)
        elif state == POLL_WRITE:
            trampoline(conn.fileno(), write=True)
        else:
            raise OperationalError(f"psycopg2 poll returned an unknown state: {state!r}")


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
