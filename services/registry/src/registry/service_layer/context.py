"""What a use case is handed: the database, the components, the caller and the request's trace id."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hrss.audit import AuditRecord
from hrss.auth import Principal
from hrss.contracts import Node, PlatformError
from hrss.db import UnitOfWork
from registry.bootstrap import Components


@dataclass
class Context:
    uow: UnitOfWork
    components: Components
    principal: Principal
    request_id: str | None = None

    def audit(self, record: AuditRecord, node: str | None = None) -> None:
        """One audit entry, on the chain of the node the change belongs to (one this process serves)."""
        self.uow.audit(replace(record, request_id=record.request_id or self.request_id), node=node)

    def producing_node(self, region: str) -> str:
        """The served node that keeps data of `region`: the deepest one whose subtree contains it."""
        return owning_node(self.uow.nodes, region)


def owning_node(served: tuple[str, ...], region: str) -> str:
    """The deepest of the `served` nodes whose subtree contains `region`; `NodeNotServed` if none does."""
    target = Node(region)
    holders = [Node(code) for code in served if Node(code).contains(target)]
    if not holders:
        raise NodeNotServed(
            "registry.node_not_served", f"本服务实例只服务节点 {'、'.join(served)}，不保存区划 {region} 的数据"
        )
    return max(holders, key=lambda n: len(n.code.rstrip("0"))).code


class NodeNotServed(PlatformError):
    status = 403
