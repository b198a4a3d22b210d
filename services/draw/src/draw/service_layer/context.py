"""What a use case is handed (hrss.db.context.NodeContext): the database, the components, the caller and the
request's trace id, with the draw's repository in the same transaction; and who may draw and audit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from draw.service_layer.components import Components
from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.db.context import NodeContext

if TYPE_CHECKING:
    from draw.adapters.repository import DrawRepository

DRAWERS = ADMIN_ROLES | {Role.PLANNER}  # who freezes, runs the ceremony and draws for a node's tasks
AUDITORS = ADMIN_ROLES | {Role.AUDITOR}  # who reads the auditor package (snapshot, strata)


class Context(NodeContext[Components]):
    service = "draw"
    keeps = "为节点 {node} 抽取"
    default_roles = DRAWERS

    @cached_property
    def repo(self) -> DrawRepository:
        """The draws and read models, in this context's unit of work."""
        return self.components.repository(self.uow)

    def now_iso(self) -> str:
        """The instant of a log entry, as hashed (ISO 8601 with its offset)."""
        return self.components.clock().isoformat()
