"""What a use case is handed: the database, the components, the caller and the request's trace id."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from hrss.auth import Role
from hrss.db.context import NodeContext
from reporting.service_layer.components import Components

if TYPE_CHECKING:
    from reporting.adapters.repository import ReportingRepository

ADMINS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)
READERS = (*ADMINS, Role.PLANNER, Role.AUDITOR)  # who reads a node's figures and reports
WRITERS = (*ADMINS, Role.PLANNER)  # who enters a node's meetings, documents and trainings and submits its report


class Context(NodeContext[Components]):
    service = "reporting"
    keeps = "为节点 {node} 统计和报送"
    default_roles = WRITERS

    @cached_property
    def repo(self) -> ReportingRepository:
        """The repository in this context's unit of work."""
        return self.components.repository(self.uow)
