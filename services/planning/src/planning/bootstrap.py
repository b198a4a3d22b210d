"""The one place where the planning service's components are chosen, from config with environment overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.contracts import Node, new_trace_id, parse_nodes
from hrss.db import UnitOfWork
from planning.adapters.orm import audit_entry, outbox
from planning.adapters.repository import SqlPlanningRepository
from planning.service_layer.context import DEFAULT_SETTINGS, Components


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config; invalid defaults fail the start, not the first request."""
    planning = config.get("PLANNING") or {}
    components = Components(
        repository=sql_repository, defaults={**DEFAULT_SETTINGS, **(planning.get("defaults") or {})}
    )
    components.default_settings(Node("110000"))  # validates them now
    return components


def sql_repository(uow: Any) -> SqlPlanningRepository:
    """The repository on PostgreSQL, in the unit of work's transaction."""
    return SqlPlanningRepository(uow.session)


def unit_of_work(engine: Engine, nodes: tuple[str, ...], algorithm: str = "sha256") -> UnitOfWork:
    """A unit of work outside nameko (CLI): the same outbox and audit chain as the service's."""
    trace = new_trace_id()
    return UnitOfWork(
        Session(engine, expire_on_commit=False),
        outbox,
        service="planning",
        nodes=tuple(n.code for n in parse_nodes(list(nodes))),
        trace_id=lambda: trace,
        audit_log=AuditLog(audit_entry, algorithm),
    )
