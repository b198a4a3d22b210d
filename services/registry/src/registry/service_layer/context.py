"""What a use case is handed (hrss.db.context.NodeContext): the database, the components, the caller and the
request's trace id; and the audit entry and the producing node every registry write shares."""

from __future__ import annotations

from collections.abc import Collection

from hrss.db.context import NodeContext, NodeNotServed, holding_node
from registry.service_layer.components import Components

__all__ = ["Context", "NodeNotServed", "owning_node"]

KEEPS = "保存区划 {node} 的数据"


class Context(NodeContext[Components]):
    service = "registry"
    keeps = KEEPS

    def producing_node(self, region: str) -> str:
        """The served node that keeps data of `region`: the deepest one whose subtree contains it."""
        return self.serving(region)


def owning_node(served: Collection[str], region: str) -> str:
    """The deepest of the `served` nodes whose subtree contains `region`; `NodeNotServed` if none does."""
    return holding_node(served, region, "registry", KEEPS)
