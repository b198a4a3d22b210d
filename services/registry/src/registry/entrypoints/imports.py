"""Bulk import of the entity and inspector registries from CSV/TSV/XLSX: streamed, chunked, idempotent.

An entrypoint, like the HTTP service and the command line (which runs it): a file is read by `adapters.readers`,
sorted into chunks by the chunk engine (`service_layer.import_chunks`), written by `adapters.import_writer` and
summed into an `ImportReport` (`service_layer.import_report`).

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

import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, text

from hrss.auth import Action, Principal, acting_role, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts.errors import FieldError
from hrss.contracts.events.registry import EntityChanged, InspectorChanged
from registry.adapters import readers
from registry.adapters.import_writer import apply_with_retry, finished, lock_key, release_lock
from registry.adapters.orm import entity_current, entity_version, inspector_current, inspector_version
from registry.adapters.rows import ENTITY_COLUMNS, INSPECTOR_COLUMNS, entity_values, inspector_values
from registry.domain.entities import ENTITY_FIELDS, try_parse_entity
from registry.domain.inspectors import INSPECTOR_FIELDS, try_parse_inspector
from registry.domain.versions import entity_payload, inspector_payload
from registry.service_layer.components import Components
from registry.service_layer.context import owning_node
from registry.service_layer.import_chunks import Chunk, KnownAt, Prefetched, Sorter
from registry.service_layer.import_report import ImportReport, count_chunk

__all__ = ["ENTITIES", "INSPECTORS", "ImportReport", "Kind", "import_entities", "import_inspectors", "run_import"]


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
    sorter = Sorter(kind, components, principal, nodes, known)
    sorter.has_known = "known_at" in columns
    chunks = Prefetched(sorter.chunks(rows, chunk_size))
    lock = engine.connect()
    locked = False
    writers = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="import-writer")
    try:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(kind.name)})
        lock.commit()
        locked = True
        in_flight: deque[tuple[Chunk, Future[dict[str, int]]]] = deque()

        def done(oldest: tuple[Chunk, Future[dict[str, int]]]) -> None:
            chunk, future = oldest
            count_chunk(report, chunk, future.result(), started)
            if progress is not None:
                progress(report)

        for chunk in chunks:
            args: tuple[Any, ...] = (kind, engine, chunk, report, components, principal, nodes, home, role, run_row)
            if run_row:  # the first chunk records the run: the others refer to it
                in_flight.append((chunk, finished(apply_with_retry(*args))))
                run_row = {}
            else:
                in_flight.append((chunk, writers.submit(apply_with_retry, *args)))
            while len(in_flight) >= WRITERS or (in_flight and in_flight[0][1].done()):
                done(in_flight.popleft())
        while in_flight:
            done(in_flight.popleft())
    finally:
        writers.shutdown(wait=True, cancel_futures=True)
        release_lock(lock, kind.name, locked)
        chunks.stop()
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # the file, also when a chunk or the progress callback fails
        report.seconds = time.monotonic() - started
    return report


WRITERS = 2  # chunks written at once


import_entities = partial(run_import, ENTITIES)  # entities (检查对象) from a CSV/TSV/XLSX file
import_inspectors = partial(
    run_import, INSPECTORS
)  # inspectors (执法检查人员); personal data encrypted as the API does


def _home_node(principal: Principal, nodes: tuple[str, ...]) -> str:
    """The chain an import is audited on: the principal's node if served, else the served node above it."""
    if principal.node.code in nodes:
        return principal.node.code
    return owning_node(nodes, principal.node.code)
