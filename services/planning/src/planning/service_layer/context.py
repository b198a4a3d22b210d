"""What a use case is handed: the database, the components, the caller and the request's trace id; and the
access check, actor and audit entry every planning write shares."""

from __future__ import annotations

from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.db.context import NodeContext
from planning.bootstrap import Components
from planning.domain.actors import Actor

PLANNERS = ADMIN_ROLES | {Role.PLANNER}  # who drafts, files, reviews and publishes plans and tasks of a node
OVERRIDERS = ADMIN_ROLES  # who may record a step after the draw by hand, with a reason (an override)


class Context(NodeContext[Components]):
    service = "planning"
    keeps = "保存节点 {node} 的计划和任务"
    default_roles = PLANNERS

    @property
    def actor(self) -> Actor:
        """The caller as the domain sees it: a person acting for the node of the account."""
        return Actor(self.principal.account_id, self.principal.node)
