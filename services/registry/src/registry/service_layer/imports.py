"""Bulk import of the entity and inspector registries from CSV/TSV/XLSX: streamed, chunked, idempotent.

Each chunk of rows is one transaction: its new and changed records (current row + version), their events, its
rejections, its `import_chunk` row and one audit entry commit together or not at all. A row whose content hash
equals the current version's is unchanged: no version, no event. So re-running a file after a crash finishes
the job and creates nothing twice.

Concurrency: an import holds a session-level advisory lock per registry (entity / inspector) from its first
chunk to its last, on a connection of its own (released when it ends, or when the process dies). Row locks
alone (`FOR UPDATE`, even in a fixed order) cannot order *inserts*: import A waiting on a row import B locked
while B waits on A's uncommitted insert of the same new USCC is a deadlock, or at best a unique violation that
throws away a whole chunk. So imports of one registry run one after the other. Inside one import, chunks never
share a key (a key seen twice in a file is rejected), so after the first chunk (which records the run) two
chunks are written at once, on two connections: PostgreSQL works on one while Python prepares the other.
Single writes from the API keep their own row locks, `FOR UPDATE` and the unique constraints, and a chunk that
still loses such a race is retried.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, insert, text
from sqlalchemy.exc import DBAPIError

from hrss.audit import AuditRecord
from hrss.auth import AccessDenied, Action, Principal, acting_role, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node
from hrss.contracts.errors import FieldError
from hrss.contracts.events.registry import EntityChanged, InspectorChanged
from hrss.contracts.ids import time_ordered_ids
from hrss.db.copy import copy_lines, copy_value
from hrss.workdays import CalendarNotCovered
from hrss.workdays.workday_calendar import CHINA_TZ
from registry.adapters import readers
from registry.adapters.orm import (
    entity_current,
    entity_version,
    import_chunk,
    import_rejection,
    import_run,
    inspector_current,
    inspector_version,
)
from registry.adapters.rows import (
    CHANGE_COLUMNS,
    ENTITY_COLUMNS,
    INSPECTOR_COLUMNS,
    Change,
    Source,
    entity_payload,
    entity_values,
    inspector_payload,
    inspector_values,
)
from registry.bootstrap import Components, unit_of_work
from registry.domain import fields
from registry.domain.entities import ENTITY_FIELDS, try_parse_entity
from registry.domain.inspectors import INSPECTOR_FIELDS, try_parse_inspector
from registry.service_layer.context import NodeNotServed, owning_node

REPORTED_REJECTIONS = 1_000  # rejections kept in the report; all of them are in import_rejection
RETRIES = 3  # a chunk that loses a race with a single write (unique violation, deadlock) is tried again
_RETRYABLE = frozenset({"23505", "40P01", "40001"})


@dataclass(frozen=True)
class Kind:
    """What differs between the entity and the inspector import."""

    name: str
    layout: readers.Layout
    parse: Callable[[Mapping[str, Any], Any], tuple[Any, list[FieldError]]]
    key_field: str  # the natural key: uscc / credential_no
    region_field: str  # whose region decides scope and producing node: region_code / node
    current: Table
    version: Table
    columns: tuple[str, ...]
    event: type
    duplicate: str  # the key's Chinese name

    def values(self, row_id: str, state: Any, components: Components) -> tuple[Any, ...]:
        if self.name == "entity":
            return entity_values(state)
        return inspector_values(row_id, state, components.cipher)

    def payload(self, row_id: str, version: int, state: Any, node: str, at: datetime) -> dict[str, Any]:
        if self.name == "entity":
            return entity_payload(row_id, version, state, node, at)
        return inspector_payload(row_id, version, state, at)


KNOWN_AT = {"known_at": "变更日期"}
ENTITIES = Kind(
    "entity",
    readers.Layout(ENTITY_FIELDS, ("uscc", "name", "region_code"), KNOWN_AT),
    try_parse_entity,
    "uscc",
    "region_code",
    entity_current,
    entity_version,
    ENTITY_COLUMNS,
    EntityChanged,
    "统一社会信用代码",
)
INSPECTORS = Kind(
    "inspector",
    readers.Layout(INSPECTOR_FIELDS, ("credential_no", "credential_expires", "name", "unit", "node", "line"), KNOWN_AT),
    try_parse_inspector,
    "credential_no",
    "node",
    inspector_current,
    inspector_version,
    INSPECTOR_COLUMNS,
    InspectorChanged,
    "执法证号",
)


@dataclass
class ImportReport:
    """The outcome of an import so far: counts, duration and the first rejections (row, field, code, message)."""

    import_id: str
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    late: int = 0
    chunks: int = 0
    seconds: float = 0.0
    finished: bool = False
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "late": self.late,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "finished": self.finished,
            "rejections": list(self.rejections),
        }


@dataclass
class _Chunk:
    number: int
    first_row: int
    last_row: int = 0
    rows: int = 0
    good: list[tuple[int, Any, str, datetime]] = field(default_factory=list)  # row, state, hash, known_at
    rejections: list[tuple[int, FieldError]] = field(default_factory=list)
    rejected: int = 0
    final: bool = False


def run_import(
    kind: Kind,
    engine: Engine,
    source_path: str | Path,
    *,
    components: Components,
    principal: Principal,
    nodes: tuple[str, ...],
    file_name: str | None = None,
    chunk_size: int = 20_000,
    known_at: datetime | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    max_bytes: int = readers.MAX_FILE_BYTES,
) -> ImportReport:
    """Stream a file into the registry chunk by chunk; `progress(report)` after every committed chunk."""
    started = time.monotonic()
    path = Path(source_path)
    name = file_name or path.name
    check_access(principal, Action.WRITE, principal.node, roles=ADMIN_ROLES)  # may this account keep registries?
    role = str(acting_role(principal, ADMIN_ROLES))
    fmt = readers.file_format(name)
    digest, _ = readers.file_digest(path, max_bytes)
    columns, rows = readers.open_rows(path, kind.layout, fmt, max_bytes)
    now = components.clock()
    report = ImportReport(str(uuid.uuid4()), kind.name, name)
    home = _home_node(principal, nodes)
    run_row = {
        "id": report.import_id,
        "kind": kind.name,
        "node": home,
        "file_name": name,
        "file_sha256": digest,
        "file_format": fmt,
        "started_at": now,
        "started_by": principal.account_id,
    }
    known = KnownAt(components, known_at)
    sorter = _Sorter(kind, components, principal, nodes, known)
    sorter.has_known = "known_at" in columns
    chunks = Prefetched(sorter.chunks(rows, chunk_size))
    lock = engine.connect()
    locked = False
    writers = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="import-writer")
    try:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(kind.name)})
        lock.commit()
        locked = True
        in_flight: deque[tuple[_Chunk, Future[dict[str, int]]]] = deque()

        def done(oldest: tuple[_Chunk, Future[dict[str, int]]]) -> None:
            chunk, future = oldest
            _count(report, chunk, future.result(), started)
            if progress is not None:
                progress(report)

        for chunk in chunks:
            args = (kind, engine, chunk, report, components, principal, nodes, home, role, run_row)
            if run_row:  # the first chunk records the run: the others refer to it
                in_flight.append((chunk, _finished(_apply_with_retry(*args))))
                run_row = {}
            else:
                in_flight.append((chunk, writers.submit(_apply_with_retry, *args)))
            while len(in_flight) >= WRITERS or (in_flight and in_flight[0][1].done()):
                done(in_flight.popleft())
        while in_flight:
            done(in_flight.popleft())
    finally:
        writers.shutdown(wait=True, cancel_futures=True)
        _release(lock, kind.name, locked)
        chunks.stop()
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # the file, also when a chunk or the progress callback fails
        report.seconds = time.monotonic() - started
    return report


WRITERS = 2  # chunks written at once


def _release(lock: Any, kind: str, locked: bool) -> None:
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


def _finished(value: dict[str, int]) -> Future[dict[str, int]]:
    future: Future[dict[str, int]] = Future()
    future.set_result(value)
    return future


import_entities = partial(run_import, ENTITIES)  # entities (检查对象) from a CSV/TSV/XLSX file
import_inspectors = partial(
    run_import, INSPECTORS
)  # inspectors (执法检查人员); personal data encrypted as the API does


class Prefetched:
    """Chunks read and validated one ahead, in a thread, while the previous one is written.

    The writing thread spends most of a chunk waiting for PostgreSQL (psycopg2 releases the GIL in COPY and
    commit), so reading the next chunk meanwhile overlaps the two halves of the work on two cores.
    """

    _DONE = object()

    def __init__(self, source: Iterator[_Chunk]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="import-reader", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator[_Chunk]) -> None:
        try:
            for chunk in source:
                if not self._put(chunk):
                    return
            self._put(self._DONE)
        except BaseException as error:  # handed to the consuming thread, which raises it
            self._put(error)

    def _put(self, item: Any) -> bool:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[_Chunk]:
        while True:
            item = self._queue.get()
            if item is self._DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        """Stop reading (after the last chunk, or when writing failed) and wait for the reader to end."""
        self._stopped.set()
        self._thread.join(timeout=30)


def _count(report: ImportReport, chunk: _Chunk, counts: dict[str, int], started: float) -> None:
    """Add a committed chunk to the report."""
    report.rows += chunk.rows
    report.rejected += chunk.rejected
    report.created += counts["created"]
    report.changed += counts["changed"]
    report.unchanged += counts["unchanged"]
    report.late += counts["late"]
    report.chunks += 1
    room = max(REPORTED_REJECTIONS - len(report.rejections), 0)
    report.rejections.extend({"row": row, **error.to_dict()} for row, error in chunk.rejections[:room])
    report.finished = chunk.final
    report.seconds = time.monotonic() - started


def _home_node(principal: Principal, nodes: tuple[str, ...]) -> str:
    """The chain an import is audited on: the principal's node if served, else the served node above it."""
    if principal.node.code in nodes:
        return principal.node.code
    return owning_node(nodes, principal.node.code)


class _Sorter:
    """Parses rows and sorts them into good ones and rejections (bad field, out of scope, duplicate in file)."""

    def __init__(
        self, kind: Kind, components: Components, principal: Principal, nodes: tuple[str, ...], known: KnownAt
    ) -> None:
        self.kind = kind
        self.components = components
        self.principal = principal
        self.nodes = nodes
        self.known = known
        self.seen: dict[str, int] = {}  # key → the row that holds it
        self.regions: dict[str, FieldError | None] = {}
        self.has_known = True

    def region_error(self, region: str) -> FieldError | None:
        """Why rows of `region` may not be imported here (cached: a file has few distinct regions)."""
        try:
            return self.regions[region]
        except KeyError:
            pass
        error = None
        try:
            check_access(self.principal, Action.WRITE, Node(region), roles=ADMIN_ROLES)
            owning_node(self.nodes, region)
        except (AccessDenied, NodeNotServed) as denied:
            error = FieldError(self.kind.region_field, denied.code, denied.message)
        self.regions[region] = error
        return error

    def chunks(self, rows: Iterator[readers.Row], size: int) -> Iterator[_Chunk]:
        pending = next(rows, None)
        number = 0
        while pending is not None:
            number += 1
            chunk = _Chunk(number, pending[0])
            self.fill(chunk, pending, rows, size)
            pending = next(rows, None)
            chunk.final = pending is None
            yield chunk

    def fill(self, chunk: _Chunk, first: readers.Row, rows: Iterator[readers.Row], size: int) -> None:
        parse = self.kind.parse
        regions = self.components.regions
        key_field = self.kind.key_field
        region_field = self.kind.region_field
        seen = self.seen
        region_error = self.region_error
        known_at = self.known.parse
        known = self.known.default
        has_known = self.has_known
        good = chunk.good.append
        reject = chunk.rejections.append
        row_no, values = first
        n = 0
        while True:
            n += 1
            if isinstance(values, FieldError):
                reject((row_no, values))
                chunk.rejected += 1
            else:
                state, errors = parse(values, regions)
                if has_known:
                    known, known_error = known_at(values.get("known_at"))
                    if known_error is not None:
                        errors.append(known_error)
                if state is not None and not errors:
                    error = region_error(getattr(state, region_field))
                    if error is None:
                        key = getattr(state, key_field)
                        holder = seen.get(key)
                        if holder is None:
                            seen[key] = row_no
                            good((row_no, state, state.content_hash(), known))
                        else:
                            errors = [self.duplicate(key, holder)]
                    else:
                        errors = [error]
                if errors:
                    for error in errors:
                        reject((row_no, error))
                    chunk.rejected += 1
            if n >= size:
                break
            item = next(rows, None)
            if item is None:
                break
            row_no, values = item
        chunk.rows = n
        chunk.last_row = row_no

    def duplicate(self, key: str, holder: int) -> FieldError:
        label = self.kind.duplicate
        return FieldError(
            self.kind.key_field,
            "import.duplicate_in_file",
            f"{label} {key} 在文件中重复：已按第 {holder} 行导入，本行未导入",
        )


def _apply_with_retry(kind: Kind, engine: Engine, chunk: _Chunk, *args: Any) -> dict[str, int]:
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
    chunk: _Chunk,
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


def _keys(kind: Kind, chunk: _Chunk) -> Iterator[tuple[int, str]]:
    key_field = kind.key_field
    for row_no, state, _, _ in chunk.good:
        yield row_no, getattr(state, key_field)


def _existing(session: Any, kind: Kind, chunk: _Chunk) -> dict[str, tuple[str, int, str]]:
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


def _keyed_hashes(kind: Kind, chunk: _Chunk) -> Iterator[tuple[str, str]]:
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


class KnownAt:
    """When each row's change became known: its 变更日期 column, else the `known_at` given, else now."""

    def __init__(self, components: Components, default: datetime | None) -> None:
        now = components.clock()
        if default is not None and default.tzinfo is None:
            raise readers.ImportRefused("import.known_at_naive", "变更知悉时间必须带时区")
        self.default = default or now
        self.now = now
        self.cache: dict[Any, tuple[datetime, FieldError | None]] = {}

    def parse(self, value: Any) -> tuple[datetime, FieldError | None]:
        if value is None or value == "":
            return self.default, None
        found = self.cache.get(value)
        if found is None:
            found = self.cache[value] = self._parse(value)
        return found

    def _parse(self, value: Any) -> tuple[datetime, FieldError | None]:
        moment: datetime | None = None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime.combine(value, day_time())
        else:
            raw = str(value).strip()
            try:
                moment = datetime.fromisoformat(raw)
            except ValueError:
                try:
                    moment = datetime.combine(fields.day(raw, "变更日期"), day_time())  # type: ignore[arg-type]
                except fields.BadField as bad:
                    return self.default, FieldError("known_at", bad.code, bad.message)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA_TZ)  # a date or time in a file is Beijing time
        if moment > self.now:
            return self.default, FieldError("known_at", "change.known_at_future", "变更日期不能晚于导入时间")
        return moment, None


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
