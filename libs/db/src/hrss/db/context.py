"""What a use case is handed in a service that keeps data by node: the unit of work, the service's components,
the caller and the request's trace id; with the access check, the audit entry and the served node every write
shares. Each service subclasses it with its own components, default roles and wording."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from hrss.audit import AuditRecord, Outcome
from hrss.auth import Action, Principal, Role, check_access
from hrss.contracts import Node, PlatformError
from hrss.db.unit_of_work import UnitOfWork

C = TypeVar("C")


class NodeNotServed(PlatformError):
    status = 403


@dataclass
class NodeContext(Generic[C]):
    uow: UnitOfWork
    components: C
    principal: Principal
    request_id: str | None = None

    service: ClassVar[str]  # the prefix of the service's error codes, e.g. "draw"
    keeps: ClassVar[str]  # what the refusal says this process does not do for another node, e.g. "为节点 {node} 抽取"
    default_roles: ClassVar[Collection[Role] | None] = None

    def authorize(
        self,
        node: Node | str,
        roles: Collection[Role] | None = None,
        action: Action = Action.WRITE,
        assignees: Collection[str] | None = None,
    ) -> str:
        """The role the caller acts in on `node`'s data (among `roles`, by default the service's), else
        `AccessDenied` (403)."""
        allowed = roles if roles is not None else self.default_roles
        return str(check_access(self.principal, action, node, roles=allowed, assignees=assignees))

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
        before_hash: str | None = None,
        after_hash: str | None = None,
        outcome: Outcome = Outcome.OK,
        event_id: str | None = None,
        detail: dict[str, str] | None = None,
    ) -> None:
        """An audit entry by the caller, on the chain of the served node holding `node` (sealed at commit)."""
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
                before_hash=before_hash,
                after_hash=after_hash,
                outcome=outcome,
                request_id=self.request_id,
                event_id=event_id,
                detail=detail or {},
            ),
            node=self.serving(node),
        )

    def serving(self, node: str) -> str:
        """The node this process keeps `node`'s data under: the deepest served node containing it, else
        `NodeNotServed` (403, `<service>.node_not_served`)."""
        return holding_node(self.uow.nodes, node, self.service, self.keeps)


def holding_node(served: Collection[str], node: str, service: str, keeps: str) -> str:
    """The deepest of the `served` nodes whose subtree contains `node`, else `NodeNotServed` (403,
    `<service>.node_not_served`, saying the process does not `keeps.format(node=node)`)."""
    target = Node(node)
    holders = [Node(code) for code in served if Node(code).contains(target)]
    if not holders:
        message = f"本服务实例只服务节点 {'、'.join(served)}，不{keeps.format(node=node)}"
        raise NodeNotServed(f"{service}.node_not_served", message)
    return max(holders, key=lambda n: len(n.code.rstrip("0"))).code
