"""What a use case is handed: the database, the components, the caller and the request's trace id."""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import TYPE_CHECKING

from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Level, Node
from hrss.db.context import NodeContext
from publication.service_layer.components import Components

if TYPE_CHECKING:
    from publication.adapters.repository import PublicationRepository

AUDITORS = ADMIN_ROLES | {Role.AUDITOR}  # who read the withheld results
_WIDTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}


def node_prefix(node: str) -> str:
    """The code prefix of a node's subtree."""
    found = Node(node)
    return found.code[: _WIDTH[found.level]]


class Context(NodeContext[Components]):
    service = "publication"
    keeps = "公开节点 {node} 的记录"

    @cached_property
    def repo(self) -> PublicationRepository:
        """The repository in this context's unit of work."""
        return self.components.repository(self.uow)

    def with_repository(self, repo: PublicationRepository) -> Context:
        """This context over another view of the repository (a batch's, `service_layer/batches.py`)."""
        found = dataclasses.replace(self)
        found.__dict__["repo"] = repo  # what the cached property would have computed
        return found
