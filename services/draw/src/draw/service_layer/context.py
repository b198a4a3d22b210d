"""What a use case is handed: the database, the components, the caller and the request's trace id; and the
access check and audit entry every draw step shares."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from draw.bootstrap import Components
from hrss.audit import AuditRecord
from hrss.auth import Action, Principal, Role, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node, PlatformError
from hrss.db import UnitOfWork

DRAWERS = ADMIN_ROLES | {Role.PLANNER}  # who freezes, runs the ceremony and draws for a node's tasks
AUDITORS = ADMIN_ROLES | {Role.AUDITOR}  # who reads the auditor package (snapshot, strata)


@dataclass
class Context:
    uow: UnitOfWork
    components: Components
    principal: Principal
    request_id: str | None = None

    def authorize(self, node: Node | str, roles: Collection[Role] = DRAWERS, action: Action = Action.WRITE) -> str:
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
        detail: dict[str, str] | None = None,
    ) -> None:
        """The audit entry of a successful write, on the chain of `node` if this process serves it."""
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
                request_id=self.request_id,
                detail=detail or {},
            ),
            node=self.serving(node),
        )

    def serving(self, node: str) -> str:
        """The node this process draws for `node` under: the deepest served one containing it."""
        target = Node(node)
        holders = [Node(code) for code in self.uow.nodes if Node(code).contains(target)]
        if not holders:
            served = "、".join(self.uow.nodes)
            raise NodeNotServed("draw.node_not_served", f"本服务实例只服务节点 {served}，不为节点 {node} 抽取")
        return max(holders, key=lambda n: len(n.code.rstrip("0"))).code


class NodeNotServed(PlatformError):
    status = 403
