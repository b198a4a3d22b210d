"""What a use case is handed: the database, the components, the caller and the request's trace id; and the
access check and audit entry every inspection write shares."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Level, Node
from hrss.db.context import NodeContext
from inspection.service_layer.components import Components

if TYPE_CHECKING:
    from inspection.adapters.repository import InspectionRepository

INSPECTORS = frozenset({Role.INSPECTOR})  # who fill in and submit the record (谁检查、谁录入)
REVIEWERS = ADMIN_ROLES | {Role.APPROVER}  # who return or approve results
FOLLOW_UP_ROLES = ADMIN_ROLES | {Role.APPROVER, Role.INSPECTOR}  # who open and close follow-ups
PLANNERS = ADMIN_ROLES | {Role.PLANNER, Role.INSPECTOR}  # who issue prior notices
SCHEDULERS = ADMIN_ROLES | {Role.SERVICE}  # who run the deadline job
CLOSERS = ADMIN_ROLES | {Role.PLANNER}  # who close a visit that cannot be inspected, with a reason
PUBLISHERS = ADMIN_ROLES | {Role.PLANNER, Role.APPROVER}  # who record the publication of an approved result
_WIDTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}


def node_prefix(node: str) -> str:
    """The code prefix of a node's subtree, for `node LIKE prefix || '%'`."""
    found = Node(node)
    return found.code[: _WIDTH[found.level]]


class Context(NodeContext[Components]):
    service = "inspection"
    keeps = "保存节点 {node} 的检查"

    @cached_property
    def repo(self) -> InspectionRepository:
        """The repository in this context's unit of work."""
        return self.components.repository(self.uow)
