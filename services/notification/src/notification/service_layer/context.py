"""What a use case is handed: the database, the components, the caller and the request's trace id."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from hrss.db.context import NodeContext
from notification.service_layer.components import Components

if TYPE_CHECKING:
    from notification.adapters.repository import NotificationRepository


class Context(NodeContext[Components]):
    service = "notification"
    keeps = "为节点 {node} 发送通知"

    @cached_property
    def repo(self) -> NotificationRepository:
        """The repository in this context's unit of work."""
        return self.components.repository(self.uow)
