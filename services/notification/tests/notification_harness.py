"""The notification use cases over the fakes, as the consumers and endpoints run them, for the unit tests."""

from __future__ import annotations

import uuid
from typing import Any

from notification.domain.model import Channel
from notification.service_layer.components import Components
from notification.service_layer.context import Context
from notification.service_layer.handlers import handle, handle_event
from notification_fakes import FakeNotificationRepository, repository_for
from notification_testkit import COUNTY_A, COUNTY_B, NOW, PROVINCE, member

from hrss.auth import Principal, Role
from hrss.testing.fakes import FakeUnitOfWork


class Notifications:
    """The use cases over fakes, one committed fake unit of work per call: a province process with 330106
    delegated to its own deployment."""

    def __init__(
        self,
        nodes: tuple[str, ...] = (PROVINCE,),
        delegated: tuple[str, ...] = (COUNTY_B,),
        channels: frozenset[Channel] = frozenset(Channel),
    ) -> None:
        self.repo = FakeNotificationRepository()
        self.nodes = nodes
        self.components = Components(
            delegated=delegated, channels=channels, repository=repository_for(self.repo), clock=lambda: NOW
        )
        self.audited: list[Any] = []

    def _run(self, principal: Principal, work: Any) -> Any:
        uow = FakeUnitOfWork(service="notification", nodes=self.nodes)
        answer = work(Context(uow, self.components, principal, "req-1"))
        uow.commit()
        self.audited += [record for _, record in uow.audited]
        return answer

    def receive(self, *payloads: Any) -> list[int]:
        service = Principal.for_service("notification", list(self.nodes))
        return [self._run(service, lambda ctx, p=p: handle_event(p, str(uuid.uuid4()), ctx)) for p in payloads]

    def replay(self, payload: Any, event_id: str) -> int:
        service = Principal.for_service("notification", list(self.nodes))
        return int(self._run(service, lambda ctx: handle_event(payload, event_id, ctx)))

    def as_person(self, principal: Principal, command: object) -> Any:
        return self._run(principal, lambda ctx: handle(command, ctx))

    def sent(self, channel: Channel) -> list[Any]:
        return sorted((n for n in self.repo.notifications.values() if n.channel is channel), key=lambda n: n.recipient)


def staff(
    roles: set[Role], node: str = COUNTY_A, inspector: int | None = None, account: str | None = None
) -> Principal:
    link: dict[str, Any] = {}
    if inspector:
        link = {"inspector_id": str(member(inspector).inspector_id), "credential_no": member(inspector).credential_no}
    return Principal(account or str(uuid.uuid4()), "测试", node, frozenset(roles), **link)
