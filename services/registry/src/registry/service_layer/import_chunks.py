"""The chunk engine of a bulk import: rows parsed and sorted into good ones and rejections (bad field, out of
scope, duplicate in the file), a chunk at a time, read one chunk ahead in a thread while the previous is written."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time
from typing import TYPE_CHECKING, Any

from hrss.auth import AccessDenied, Action, Principal, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node
from hrss.contracts.errors import FieldError
from hrss.workdays.workday_calendar import CHINA_TZ
from registry.domain import fields
from registry.domain.errors import KnownAtNaive
from registry.service_layer.components import Components
from registry.service_layer.context import NodeNotServed, owning_node

if TYPE_CHECKING:
    from registry.adapters.readers import Row
    from registry.entrypoints.imports import Kind


@dataclass
class Chunk:
    number: int
    first_row: int
    last_row: int = 0
    rows: int = 0
    good: list[tuple[int, Any, str, datetime]] = field(default_factory=list)  # row, state, hash, known_at
    rejections: list[tuple[int, FieldError]] = field(default_factory=list)
    rejected: int = 0
    final: bool = False


class Prefetched:
    """Chunks read and validated one ahead, in a thread, while the previous one is written.

    The writing thread spends most of a chunk waiting for PostgreSQL (psycopg2 releases the GIL in COPY and
    commit), so reading the next chunk meanwhile overlaps the two halves of the work on two cores.
    """

    _DONE = object()

    def __init__(self, source: Iterator[Chunk]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="import-reader", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator[Chunk]) -> None:
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

    def __iter__(self) -> Iterator[Chunk]:
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


class Sorter:
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

    def chunks(self, rows: Iterator[Row], size: int) -> Iterator[Chunk]:
        pending = next(rows, None)
        number = 0
        while pending is not None:
            number += 1
            chunk = Chunk(number, pending[0])
            self.fill(chunk, pending, rows, size)
            pending = next(rows, None)
            chunk.final = pending is None
            yield chunk

    def fill(self, chunk: Chunk, first: Row, rows: Iterator[Row], size: int) -> None:
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


class KnownAt:
    """When each row's change became known: its 变更日期 column, else the `known_at` given, else now."""

    def __init__(self, components: Components, default: datetime | None) -> None:
        now = components.clock()
        if default is not None and default.tzinfo is None:
            raise KnownAtNaive()
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
