"""What a use case is handed: the unit of work, the components, the caller and the request's trace id; the access
check and the audit entry every evidence step writes (`NodeContext`), the repository and the visit read model."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from evidence.service_layer.components import Components
from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.db.context import NodeContext

if TYPE_CHECKING:
    from evidence.adapters.repository import EvidenceRepository
    from evidence.adapters.visits import AbstractVisitReadModel

UPLOADERS = ADMIN_ROLES | {Role.INSPECTOR, Role.ARCHIVE_KEEPER}  # who adds evidence to a visit
KEEPERS = ADMIN_ROLES | {Role.ARCHIVE_KEEPER}  # who proposes amendments and keeps the borrowing register
APPROVERS = frozenset({Role.APPROVER})  # who approves amendments and access (by position: see access.py)
READERS = ADMIN_ROLES | {Role.ARCHIVE_KEEPER, Role.APPROVER, Role.AUDITOR, Role.INSPECTOR}  # who sees metadata
REQUESTERS = READERS  # who may ask to read or borrow an archive


class Context(NodeContext[Components]):
    service = "evidence"
    keeps = "保存节点 {node} 的证据和档案"

    def now(self) -> datetime:
        return self.components.clock()

    @property
    def visits(self) -> AbstractVisitReadModel:
        """The visits this process keeps (from the inspection service's events)."""
        return self.components.visits(self.uow)

    @cached_property
    def repo(self) -> EvidenceRepository:
        """What the service keeps, in this unit of work."""
        return self.components.repository(self.uow)
