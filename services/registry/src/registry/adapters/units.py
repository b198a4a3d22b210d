"""The unit of work outside nameko (CLI, bulk imports): the same outbox and audit chain as the service's."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.contracts import new_trace_id, parse_nodes
from hrss.db import UnitOfWork
from registry.adapters.orm import audit_entry, outbox


def unit_of_work(
    engine: Engine, nodes: tuple[str, ...], algorithm: str = "sha256", trace_id: str | None = None
) -> UnitOfWork:
    """A unit of work on its own session of `engine`, for the served `nodes`."""
    trace = trace_id or new_trace_id()
    return UnitOfWork(
        Session(engine, expire_on_commit=False),
        outbox,
        service="registry",
        nodes=tuple(n.code for n in parse_nodes(list(nodes))),
        trace_id=lambda: trace,
        audit_log=AuditLog(audit_entry, algorithm),
    )
