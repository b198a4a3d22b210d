"""The writer of a bulk import: one chunk in one transaction by COPY (current rows, versions, rejections), its
events through the outbox and one audit entry; retried when it loses a race with a single write. And the advisory
lock that runs imports of one registry one after the other."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import DBAPIError

from hrss.audit import AuditRecord
from hrss.auth import Principal
from hrss.contracts.errors import FieldError
from hrss.contracts.ids import time_ordered_ids
from hrss.db.copy import copy_lines, copy_value
from hrss.workdays import CalendarNotCovered
from registry.adapters.orm import import_chunk, import_rejection, import_run
from registry.adapters.rows import CHANGE_COLUMNS
from registry.adapters.units import unit_of_work
from registry.domain.versions import Change, Source
from registry.service_layer.context import owning_node

if TYPE_CHECKING:
    from registry.entrypoints.imports import Kind
    from registry.service_layer.components import Components
    from registry.service_layer.import_chunks import Chunk
    from registry.service_layer.import_report import ImportReport

RETRIES = 3  # a chunk that loses a race with a single write (unique violation, deadlock) is tried again
_RETRYABLE = frozenset({"23505", "40P01", "40001"})


def release_lock(lock: Any, kind: str, locked: bool) -> None:
    """Give the registry's import lock back: a pooled connection would keep a session lock after `close()`."""
    try:
        if locked:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(kind)})
            lock.commit()
    except Exception:
        lock.invalidate()  # the connection is discarded, which ends its session and the lock with it
        raise
    finally:
        lock.close()


def finished(value: dict[str, int]) -> Future[dict[str, int]]:
    future: Future[dict[str, int]] = Future()
    future.set_result(value)
    return future


def apply_with_retry(kind: Kind, engine: Engine, chunk: Chunk, *args: Any) -> dict[str, int]:
    for attempt in range(1, RETRIES + 1):
        try:
            return _apply(kind, engine, chunk, *args)
        except DBAPIError as error:
            code = getattr(error.orig, "pgcode", None)
            if code not in _RETRYABLE or attempt == RETRIES:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _apply(
    kind: Kind,
    engine: Engine,
    chunk: Chunk,
    report: ImportReport,
    components: Components,
    principal: Principal,
    nodes: tuple[str, ...],
    home: str,
    role: str,
    run_row: dict[str, Any],
) -> dict[str, int]:
    """One chunk in one transaction; returns its counts."""
    uow = unit_of_work(engine, nodes)
    try:
        session = uow.session
        if run_row:
            session.execute(insert(import_run).values(**run_row))
        now = components.clock()
        existing = _existing(session, kind, chunk)
        current_new: list[str] = []
        current_changed: list[str] = []
        versions: list[str] = []
        events: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        created = changed = unchanged = late = 0
        changes: dict[datetime, tuple[str, bool | None]] = {}
        producers: dict[str, str] = {}
        next_id = time_ordered_ids(len(chunk.good)).__next__
        stamp = now.isoformat()
        region_field = kind.region_field
        for _row_no, state, digest, known in chunk.good:
            found = existing.get(getattr(state, kind.key_field))
            if found is None:
                row_id, version = next_id(), 1
                target = current_new
                created += 1
            elif found[2] == digest:
                unchanged += 1
                continue
            else:
                row_id, version = found[0], found[1] + 1
                target = current_changed
                changed += 1
            change = changes.get(known)
            if change is None:
                change = changes[known] = _change_text(components, principal, report.import_id, known, now)
            if change[1]:
                late += 1
            values = kind.values(row_id, state, components)
            current_line, version_line = encode_row(row_id, version, values, change[0], digest, stamp)
            target.append(current_line)
            versions.append(version_line)
            region = getattr(state, region_field)
            node = producers.get(region)
            if node is None:
                node = producers[region] = owning_node(nodes, region)
            events.setdefault(node, []).append((row_id, kind.payload(row_id, version, state, node, now)))
        current_columns = ("id", "version", *kind.columns, "content_hash", "updated_at")
        copy_lines(session, kind.current, current_columns, current_new)
        if current_changed:
            _update_changed(session, kind, current_columns, current_changed)
        copy_lines(session, kind.version, (f"{kind.name}_id", "version", *kind.columns, *CHANGE_COLUMNS), versions)
        copy_lines(
            session,
            import_rejection,
            ("import_id", "row_no", "field", "code", "message"),
            rejection_lines(report.import_id, chunk.rejections),
        )
        for node, payloads in sorted(events.items()):
            uow.publish_many(kind.event, payloads, node=node)
        counts = {"created": created, "changed": changed, "unchanged": unchanged, "late": late}
        session.execute(
            insert(import_chunk).values(
                import_id=report.import_id,
                chunk=chunk.number,
                first_row=chunk.first_row,
                last_row=chunk.last_row,
                rejected=chunk.rejected,
                committed_at=now,
                final=chunk.final,
                **counts,
            )
        )
        detail = {k: str(v) for k, v in counts.items()}
        detail.update(
            chunk=str(chunk.number),
            rows=f"{chunk.first_row}-{chunk.last_row}",
            rejected=str(chunk.rejected),
            final=str(chunk.final).lower(),
        )
        uow.audit(
            AuditRecord(
                actor=principal.account_id,
                actor_role=role,
                actor_kind=str(principal.kind),
                action=f"{kind.name}.import",
                object_type="import",
                object_id=report.import_id,
                detail=detail,
            ),
            node=home,
        )
        uow.commit()
        return counts
    finally:
        uow.rollback()
        uow.close()


def _keys(kind: Kind, chunk: Chunk) -> Iterator[tuple[int, str]]:
    key_field = kind.key_field
    for row_no, state, _, _ in chunk.good:
        yield row_no, getattr(state, key_field)


def _existing(session: Any, kind: Kind, chunk: Chunk) -> dict[str, tuple[str, int, str]]:
    """Current id, version and hash of the chunk's records that exist; those about to change are locked.

    Only rows whose hash differs are locked (`FOR UPDATE`, in id order) and read again under the lock: locking
    every row of a re-imported file would rewrite a million tuples to say nothing changed. An unchanged row
    that a single write changes meanwhile is simply left to that write, as if the import had come first.
    """
    keys = [state_key for _, state_key in _keys(kind, chunk)]
    if not keys:
        return {}
    table = f'"{kind.current.schema}"."{kind.current.name}"'
    key = kind.key_field
    rows = session.execute(
        text(f"SELECT id, {key}, version, content_hash FROM {table} WHERE {key} = ANY(:keys)"), {"keys": keys}
    )
    existing = {code: (str(row_id), version, digest) for row_id, code, version, digest in rows}
    if not existing:
        return existing
    changing = sorted(
        existing[code][0]
        for code, digest in _keyed_hashes(kind, chunk)
        if code in existing and existing[code][2] != digest
    )
    if changing:
        locked = session.execute(
            text(
                f"SELECT id, {key}, version, content_hash FROM {table} WHERE id = ANY(CAST(:ids AS uuid[])) "
                "ORDER BY id FOR UPDATE"
            ),
            {"ids": changing},
        )
        existing.update({code: (str(row_id), version, digest) for row_id, code, version, digest in locked})
    return existing


def _keyed_hashes(kind: Kind, chunk: Chunk) -> Iterator[tuple[str, str]]:
    key_field = kind.key_field
    for _, state, digest, _ in chunk.good:
        yield getattr(state, key_field), digest


def _update_changed(session: Any, kind: Kind, columns: tuple[str, ...], lines: list[str]) -> None:
    """Changed current rows: COPY into a temporary table, then one UPDATE ... FROM it."""
    table = f'"{kind.current.schema}"."{kind.current.name}"'
    session.execute(text(f"CREATE TEMP TABLE import_changed (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"))
    copy_lines(session, "import_changed", columns, lines)
    assignments = ", ".join(f'"{c}" = t."{c}"' for c in columns if c != "id")
    session.execute(text(f"UPDATE {table} AS c SET {assignments} FROM import_changed AS t WHERE c.id = t.id"))


def _change_text(
    components: Components, principal: Principal, import_id: str, known: datetime, now: datetime
) -> tuple[str, bool | None]:
    """The change columns of a version (COPY text) and its late flag, for one known_at."""
    try:
        late: bool | None = components.calendar.is_late(known, now, components.freshness_days)
    except CalendarNotCovered:
        late = None
    change = Change(
        source=Source.IMPORT,
        changed_by=principal.account_id,
        known_at=known,
        applied_at=now,
        late=late,
        import_id=import_id,
    )
    columns = change.columns()
    return "\t".join(copy_value(columns[c]) for c in CHANGE_COLUMNS[:-1]), late


def lock_key(kind: str) -> int:
    """The advisory lock serialising imports of one registry."""
    return zlib.crc32(f"registry.import.{kind}".encode())


def encode_row(
    row_id: str, version: int, values: tuple[Any, ...], change: str, digest: str, stamp: str
) -> tuple[str, str]:
    """COPY lines of the current row and of the version row; the record's columns are escaped once for both."""
    record = "\t".join(map(copy_value, values))
    head = f"{row_id}\t{version}\t{record}\t"
    return f"{head}{digest}\t{stamp}\n", f"{head}{change}\t{digest}\n"


def rejection_lines(import_id: str, rejections: list[tuple[int, FieldError]]) -> list[str]:
    return [
        f"{import_id}\t{row}\t{copy_value(e.field)}\t{copy_value(e.code)}\t{copy_value(e.message)}\n"
        for row, e in rejections
    ]
