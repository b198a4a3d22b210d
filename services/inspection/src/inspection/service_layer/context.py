"""What a use case is handed: the database, the components, the caller and the request's trace id; and the
access check and audit entry every inspection write shares."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from hrss.audit import AuditRecord
from hrss.auth import Action, Principal, Role, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Level, Node, PlatformError
from hrss.db import UnitOfWork
from inspection.bootstrap import Components

INSPECTORS = frozenset({Role.INSPECTOR})  # who fill in and submit the record (谁检查、谁录入)
REVIEWERS = ADMIN_ROLES | {Role.APPROVER}  # who return or approve results
HANDLERS = ADMIN_ROLES | {Role.APPROVER, Role.INSPECTOR}  # who open and close follow-ups
PLANNERS = ADMIN_ROLES | {Role.PLANNER, Role.INSPECTOR}  # who issue prior notices
SCHEDULERS = ADMIN_ROLES | {Role.SERVICE}  # who run the deadline job
_WIDTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}


def node_prefix(node: str) -> str:
    """The code prefix of a node's subtree, for `node LIKE prefix || '%'`."""
    found = Node(node)
    return found.code[: _WIDTH[found.level]]


@dataclass
class Context:
    uow: UnitOfWork
    components: Components
    principal: Principal
    request_id: str | None = None

    def authorize(
        self,
        node: Node | str,
        roles: Collection[Role] | None,
        action: Action = Action.WRITE,
        assignees: Collection[str] | None = None,
    ) -> str:
        """The role the caller acts in on `node`'s data, else `AccessDenied` (403)."""
        return str(check_access(self.principal, action, node, roles=roles, assignees=assignees))

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
        event_id: str | None = None,
    ) -> None:
        """The audit entry of a successful write (or applied event), on the chain of the node this process keeps
        `node` under."""
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
                event_id=event_id,
                detail=detail or {},
            ),
            node=self.serving(node),
        )

    def serving(self, node: str) -> str:
        """The node this process keeps `node`'s visits under: the deepest served one containing it."""
        target = Node(node)
        holders = [Node(code) for code in self.uow.nodes if Node(code).contains(target)]
        if not holders:
            served = "、".join(self.uow.nodes)
            raise NodeNotServed(
                "inspection.node_not_served", f"本服务实例只服务节点 {served}，不保存节点 {node} 的检查"
            )
        return max(holders, key=lambda n: len(n.code.rstrip("0"))).code


class NodeNotServed(PlatformError):
    status = 403
