"""What a use case is handed: the database, the components, the caller and the request's trace id; the access
check, the audit entry every evidence step writes, and a side channel for rows that must outlive a rollback."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert

from evidence.service_layer.components import Components
from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.db.context import NodeContext

if TYPE_CHECKING:
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
        return self.components.visits(self.uow.session)

    def side_write(self, statement: Insert) -> None:
        """Commit `statement` at once in its own transaction (upload intents and rejections survive a rollback
        or a crash of the request's own transaction)."""
        engine: Any = self.uow.session.get_bind()
        with engine.begin() as connection:
            connection.execute(statement)
