"""Bulk writes with PostgreSQL COPY, inside the session's transaction.

`INSERT ... VALUES` costs a round of SQL compilation and parameter binding per row; COPY streams rows in the
text format, about ten times faster for wide rows. Values are escaped here for the text format: NULL as
`\\N`, bytes as hex `bytea`, lists as text arrays, dicts as JSON.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ARRAY_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})


def _array(items: Iterable[Any]) -> str:
    return "{" + ",".join("NULL" if i is None else '"' + str(i).translate(_ARRAY_ESCAPES) + '"' for i in items) + "}"


def copy_value(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return _array(value).translate(_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def copy_rows(session: Session, table: Table | str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in `columns` order) into `table` in the session's transaction; returns the count."""
    buffer = io.StringIO()
    write = buffer.write
    n = 0
    for row in rows:
        write("\t".join(map(copy_value, row)))
        write("\n")
        n += 1
    if not n:
        return 0
    name = table if isinstance(table, str) else _qualified(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    buffer.seek(0)
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.copy_expert(f"COPY {name} ({cols}) FROM STDIN", buffer)
    return n


def _qualified(table: Table) -> str:
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
