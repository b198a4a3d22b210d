"""What a use case is handed: the database, the components, the caller and the request's trace id; and the
access check, actor and audit entry every planning write shares. `Components` is what bootstrap builds and
injects; nothing here imports bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

from hrss.auth import Role, in_scope
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node, PlatformError, utcnow
from hrss.db.context import NodeContext
from planning.domain.actors import Actor
from planning.domain.settings import MonthDay, NodeSettings

if TYPE_CHECKING:
    from planning.adapters.repository import PlanningRepository

PLANNERS = ADMIN_ROLES | {Role.PLANNER}  # who drafts, files, reviews and publishes plans and tasks of a node
OVERRIDERS = ADMIN_ROLES  # who may record a step after the draw by hand, with a reason (an override)

# Used by a node none of whose ancestors has set its own (节点设置); the province sets them on a real platform.
DEFAULT_SETTINGS = {
    "plan_deadline": "01-31",
    "general_minimum": "3/100",
    "task_number_template": "人社抽〔{year}〕{seq}号",
    "minimum_team_size": 2,
}


@dataclass
class Components:
    """Everything the use cases need besides the database: `repository(uow)` is the planning repository in a unit
    of work's transaction (bootstrap injects the SQLAlchemy one, the handler tests an in-memory fake)."""

    repository: Callable[[Any], PlanningRepository]
    defaults: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    clock: Callable[[], datetime] = field(default=utcnow)

    def default_settings(self, node: Node) -> NodeSettings:
        """The platform's default settings, for `node`."""
        month, day = (int(part) for part in str(self.defaults["plan_deadline"]).split("-"))
        return NodeSettings(
            node=node,
            plan_deadline=MonthDay(month, day),
            general_minimum=Fraction(str(self.defaults["general_minimum"])),
            task_number_template=str(self.defaults["task_number_template"]),
            minimum_team_size=int(self.defaults["minimum_team_size"]),
        )


class Context(NodeContext[Components]):
    service = "planning"
    keeps = "保存节点 {node} 的计划和任务"
    default_roles = PLANNERS

    @cached_property
    def repo(self) -> PlanningRepository:
        """The planning repository in this context's unit of work."""
        return self.components.repository(self.uow)

    @property
    def actor(self) -> Actor:
        """The caller as the domain sees it: a person acting for the node of the account."""
        return Actor(self.principal.account_id, self.principal.node)

    def authorize_found(self, node: Node | str, missing: PlatformError, roles: Collection[Role] | None = None) -> str:
        """`authorize` for a stored record of `node`, except that a caller whose scope does not hold `node` gets
        `missing` — the very error an unknown id gets, so "not yours" never tells "exists, at node N" from "no
        such". (A parent node's scope holds its children: it still reviews the plans filed with it.)"""
        if not in_scope(self.principal, node):
            raise missing
        return self.authorize(node, roles)
