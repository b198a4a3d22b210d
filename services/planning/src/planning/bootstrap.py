"""The one place where the planning service's components are chosen, from config with environment overrides."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hrss.audit import AuditLog
from hrss.contracts import Node, new_trace_id, parse_nodes, utcnow
from hrss.db import UnitOfWork
from planning.adapters.orm import audit_entry, outbox
from planning.domain.settings import MonthDay, NodeSettings

# Used by a node none of whose ancestors has set its own (节点设置); the province sets them on a real platform.
DEFAULT_SETTINGS = {
    "plan_deadline": "01-31",
    "general_minimum": "3/100",
    "task_number_template": "人社抽〔{year}〕{seq}号",
    "minimum_team_size": 2,
}


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    defaults: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    clock: Callable[[], datetime] = field(default=utcnow)

    def default_settings(self, node: Node) -> NodeSettings:
        """The platform's default settings, for `node`."""
        month, day = (int(part) for part in str(self.defaults["plan_deadline"]).split("-"))
        return NodeSettings(
            node=node,
            plan_deadline=MonthDay(month, day),
            general_minimum=Fraction(str(self.defaults["general_minimum"])),
            task_number_template=str(self.defaults["task_number_template"]),
            minimum_team_size=int(self.defaults["minimum_team_size"]),
        )


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config; invalid defaults fail the start, not the first request."""
    planning = config.get("PLANNING") or {}
    components = Components(defaults={**DEFAULT_SETTINGS, **(planning.get("defaults") or {})})
    components.default_settings(Node("110000"))  # validates them now
    return components


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
