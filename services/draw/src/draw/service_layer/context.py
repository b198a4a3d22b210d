"""What a use case is handed (hrss.db.context.NodeContext): the database, the components, the caller and the
request's trace id; and the access check and audit entry every draw step shares."""

from __future__ import annotations

from draw.service_layer.components import Components
from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.db.context import NodeContext

DRAWERS = ADMIN_ROLES | {Role.PLANNER}  # who freezes, runs the ceremony and draws for a node's tasks
AUDITORS = ADMIN_ROLES | {Role.AUDITOR}  # who reads the auditor package (snapshot, strata)


class Context(NodeContext[Components]):
    service = "draw"
    keeps = "为节点 {node} 抽取"
    default_roles = DRAWERS
