"""What a use case is handed (hrss.db.context.NodeContext): the database, the components, the caller and the
request's trace id; the repository in that unit of work; and the producing node every registry write shares."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING

from hrss.auth import Role, in_scope
from hrss.contracts import Node, PlatformError
from hrss.db.context import NodeContext, NodeNotServed, holding_node
from registry.service_layer.components import Components

if TYPE_CHECKING:
    from registry.adapters.repository import RegistryRepository

__all__ = ["Context", "NodeNotServed", "owning_node"]

KEEPS = "保存区划 {node} 的数据"


class Context(NodeContext[Components]):
    service = "registry"
    keeps = KEEPS

    @cached_property
    def repo(self) -> RegistryRepository:
        """The registry's repository in this context's unit of work."""
        assert self.components.repository is not None, "components without a repository (bootstrap injects it)"
        return self.components.repository(self.uow)

    def authorize_found(
        self, node: str, roles: Collection[Role], missing: PlatformError, *, seen_from_below: bool = False
    ) -> str:
        """`authorize` for a stored record of `node`, except that a caller who may not even see the record gets
        `missing` — the very error an unknown id gets, so "not yours" never tells "exists, at node N" from "no
        such". `seen_from_below`: the nodes below `node` see its records too (a checklist item of a node above)."""
        below = seen_from_below and Node(node).contains(self.principal.node)
        if not (in_scope(self.principal, node) or below):
            raise missing
        return self.authorize(node, roles)

    def producing_node(self, region: str) -> str:
        """The served node that keeps data of `region`: the deepest one whose subtree contains it."""
        return self.serving(region)


def owning_node(served: Collection[str], region: str) -> str:
    """The deepest of the `served` nodes whose subtree contains `region`; `NodeNotServed` if none does."""
    return holding_node(served, region, "registry", KEEPS)
