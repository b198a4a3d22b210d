"""Bulk writes with PostgreSQL COPY, inside the session's transaction.

`INSERT ... VALUES` costs a round of SQL compilation and parameter binding per row; COPY streams rows in the
text format, about ten times faster for wide rows. Values are escaped here for the text format: NULL as
`\\N`, bytes as hex `bytea`, lists as text arrays, dicts as JSON. Encoding dispatches on the exact type and
skips escaping for text that needs none: it is the hot path of every bulk row.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import psycopg2.extensions
from sqlalchemy import Table
from sqlalchemy.orm import Session

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ARRAY_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})
_SPECIAL = re.compile(r'[\\\t\n\r"]').search  # what COPY text or an array literal must escape


def _text(value: str) -> str:
    # str.translate is slow on non-ASCII text, and most values need no escaping at all
    return value.translate(_ESCAPES) if _SPECIAL(value) else value


def _array(items: Iterable[Any]) -> str:
    literal = ",".join("NULL" if i is None else '"' + str(i).translate(_ARRAY_ESCAPES) + '"' for i in items)
    return ("{" + literal + "}").translate(_ESCAPES)


def _list(items: list[Any] | tuple[Any, ...]) -> str:
    if all(type(i) is str and not _SPECIAL(i) for i in items):
        return "{" + ",".join(f'"{i}"' for i in items) + "}"
    return _array(items)


def _bytes(value: bytes | bytearray | memoryview) -> str:
    return "\\\\x" + bytes(value).hex()


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


_ENCODERS: dict[type, Callable[[Any], str]] = {
    str: _text,
    type(None): lambda _: "\\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    float: repr,
    bytes: _bytes,
    bytearray: _bytes,
    memoryview: _bytes,
    date: date.isoformat,
    datetime: datetime.isoformat,
    uuid.UUID: str,
    list: _list,
    tuple: _list,
    dict: _json,
}


def copy_value(value: Any) -> str:
    """One value in COPY's text format."""
    encode = _ENCODERS.get(type(value))
    if encode is not None:
        return encode(value)
    for kind, fallback in _ENCODERS.items():  # subclasses (str enums, datetime subclasses …)
        if isinstance(value, kind) and kind is not type(None):
            return fallback(value)
    return _text(str(value))


def copy_line(values: Iterable[Any]) -> str:
    """One row as a COPY text line (with its newline)."""
    return "\t".join(map(copy_value, values)) + "\n"


def copy_rows(session: Session, table: Table | str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in `columns` order) into `table` in the session's transaction; returns the count."""
    return copy_lines(session, table, columns, [copy_line(row) for row in rows])


def copy_lines(session: Session, table: Table | str, columns: Sequence[str], lines: Sequence[str]) -> int:
    """COPY ready-made text-format lines (see `copy_line`) into `table`; returns the count.

    psycopg2 refuses COPY while a wait callback is set, as hrss.db.engine sets one under eventlet (every nameko
    worker). The callback is lifted for the COPY alone: the process then waits for it without yielding to other
    green threads, for the few hundred milliseconds a bulk write takes, and the callback is set again after.
    """
    if not lines:
        return 0
    name = table if isinstance(table, str) else _qualified(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    raw: Any = session.connection().connection.dbapi_connection
    data = "".join(lines)
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    cursor = raw.cursor()
    try:  # one read of the whole buffer instead of one per 8 KB
        cursor.copy_expert(f"COPY {name} ({cols}) FROM STDIN", io.StringIO(data), size=len(data) + 1)
    finally:
        cursor.close()
        psycopg2.extensions.set_wait_callback(callback)
    return len(lines)


def _qualified(table: Table) -> str:
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
