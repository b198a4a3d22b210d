"""The nameko dependency giving each worker its own unit of work."""

from __future__ import annotations

import os
from typing import Any
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.contracts import current_trace_id, new_trace_id, parse_nodes
from hrss.db.engine import make_engine
from hrss.db.unit_of_work import UnitOfWork


def database_url(config: dict[str, Any]) -> str:
    """The service's database URL: config DATABASE_URL, else $HRSS_PG_DSN."""
    url = config.get("DATABASE_URL") or os.environ.get("HRSS_PG_DSN")
    if not url:
        raise RuntimeError("DATABASE_URL (or HRSS_PG_DSN) is not configured")
    return str(url)


def worker_trace_id(worker_ctx: Any) -> str:
    """The trace id of the event being handled, else the worker's own (created once)."""
    active = current_trace_id.get()
    if active:
        return active
    return str(worker_ctx.data.setdefault("trace_id", new_trace_id()))


class Database(DependencyProvider):
    """Per-worker session; commits when the worker succeeds, rolls back when it fails.

    Consumer entrypoints commit earlier themselves, after recording the inbox row, so that
    Kafka offsets move only once the transaction is durable.
    """

    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata
        self.engine: Engine | None = None
        self._units: WeakKeyDictionary[Any, UnitOfWork] = WeakKeyDictionary()

    def setup(self) -> None:
        config = self.container.config
        schema = self.metadata.schema
        self.nodes = tuple(n.code for n in parse_nodes(config.get("NODES") or os.environ.get("HRSS_NODES", "")))
        self.engine = make_engine(
            database_url(config),
            schema=schema,
            pool_size=int(config.get("DB_POOL_SIZE", 10)),
            application_name=self.container.service_name,
        )
        self.outbox = self.metadata.tables[f"{schema}.outbox" if schema else "outbox"]
        self.inbox = self.metadata.tables[f"{schema}.inbox" if schema else "inbox"]
        audit = self.metadata.tables.get(f"{schema}.audit_entry" if schema else "audit_entry")
        self.audit_log = None
        if audit is not None:
            self.audit_log = AuditLog(audit, (config.get("AUDIT") or {}).get("algorithm", "sha256"))

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        assert self.engine is not None, "Database used before setup"
        unit = UnitOfWork(
            Session(self.engine, expire_on_commit=False),
            self.outbox,
            service=self.container.service_name,
            nodes=self.nodes,
            trace_id=lambda: worker_trace_id(worker_ctx),
            audit_log=self.audit_log,
        )
        self._units[worker_ctx] = unit
        return unit

    def unit_of_work(self, worker_ctx: Any) -> UnitOfWork:
        """The unit of work handed to this worker (for entrypoints that commit themselves)."""
        return self._units[worker_ctx]

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        unit = self._units.get(worker_ctx)
        if unit is None:
            return
        if exc_info is None:
            unit.commit()
        else:
            unit.rollback()

    def worker_teardown(self, worker_ctx: Any) -> None:
        unit = self._units.pop(worker_ctx, None)
        if unit is not None:
            unit.rollback()
            unit.close()
