"""The reporting use cases over the fakes, as the consumers and endpoints run them, for the unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from reporting.service_layer.components import Components
from reporting.service_layer.context import Context
from reporting.service_layer.projecting import project
from reporting_fakes import FakeReportingRepository

from hrss.auth import Principal, Role
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 1, 20, 2, 0, tzinfo=UTC)


class Reports:
    """The use cases over a fake repository, one committed fake unit of work per call, for a province process."""

    def __init__(self, nodes: tuple[str, ...] = ("330000",)) -> None:
        self.repo = FakeReportingRepository()
        self.nodes = nodes
        self.components = Components(
            clock=lambda: NOW, repository=lambda uow: self.repo, node_names={"330000": "浙江省人力资源和社会保障厅"}
        )
        self.audited: list[Any] = []

    def run(self, principal: Principal, work: Any) -> Any:
        uow = FakeUnitOfWork(service="reporting", nodes=self.nodes)
        answer = work(Context(uow, self.components, principal, "req-1"))
        uow.commit()
        self.audited += [record for _, record in uow.audited]
        return answer

    def receive(self, *events: BaseModel) -> None:
        service = Principal.for_service("reporting", list(self.nodes))
        for event in events:
            self.run(service, lambda ctx, e=event: project(ctx.repo, e))


def staff(roles: set[Role], node: str) -> Principal:
    return Principal(str(uuid.uuid4()), "测试", node, frozenset(roles))
