"""What a use case is handed: the database, the components, the caller and the request's trace id; the access
check, the audit entry every evidence step writes, and a side channel for rows that must outlive a rollback."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert

from evidence.bootstrap import Components
from hrss.audit import AuditRecord, Outcome
from hrss.auth import Action, Principal, Role, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node, PlatformError
from hrss.db import UnitOfWork

UPLOADERS = ADMIN_ROLES | {Role.INSPECTOR, Role.ARCHIVE_KEEPER}  # who adds evidence to a visit
KEEPERS = ADMIN_ROLES | {Role.ARCHIVE_KEEPER}  # who proposes amendments and keeps the borrowing register
APPROVERS = frozenset({Role.APPROVER})  # who approves amendments and access (by position: see access.py)
READERS = ADMIN_ROLES | {Role.ARCHIVE_KEEPER, Role.APPROVER, Role.AUDITOR, Role.INSPECTOR}  # who sees metadata
REQUESTERS = READERS  # who may ask to read or borrow an archive


class NodeNotServed(PlatformError):
    status = 403


@dataclass
class Context:
    uow: UnitOfWork
    components: Components
    principal: Principal
    request_id: str | None = None

    def now(self) -> datetime:
        return self.components.clock()

    def authorize(self, node: Node | str, roles: Collection[Role], action: Action = Action.WRITE) -> str:
        """The role the caller acts in on `node`'s data, else `AccessDenied` (403)."""
        return str(check_access(self.principal, action, node, roles=roles))

    def audit(
        self,
        *,
        role: str,
        action: str,
        object_type: str,
        object_id: str,
        node: str,
        version: int | None = None,
        reason: str | None = None,
        approval_id: str | None = None,
        after_hash: str | None = None,
        outcome: Outcome = Outcome.OK,
        detail: dict[str, str] | None = None,
    ) -> None:
        """An audit entry on the chain of the served node holding `node`."""
        self.uow.audit(
            AuditRecord(
                actor=self.principal.account_id,
                actor_role=role,
                actor_kind=str(self.principal.kind),
                action=action,
                object_type=object_type,
                object_id=object_id,
                object_version=version,
                reason=reason,
                approval_id=approval_id,
                after_hash=after_hash,
                outcome=outcome,
                request_id=self.request_id,
                detail=detail or {},
            ),
            node=self.serving(node),
        )

    def serving(self, node: str) -> str:
        """The node this process keeps `node`'s evidence under: the deepest served one containing it."""
        target = Node(node)
        holders = [Node(code) for code in self.uow.nodes if Node(code).contains(target)]
        if not holders:
            served = "、".join(self.uow.nodes)
            raise NodeNotServed(
                "evidence.node_not_served", f"本服务实例只服务节点 {served}，不保存节点 {node} 的证据和档案"
            )
        return max(holders, key=lambda n: len(n.code.rstrip("0"))).code

    def side_write(self, statement: Insert) -> None:
        """Commit `statement` at once in its own transaction (upload intents and rejections survive a rollback
        or a crash of the request's own transaction)."""
        engine: Any = self.uow.session.get_bind()
        with engine.begin() as connection:
            connection.execute(statement)
