"""The publication use cases over fakes, as the consumers and the HTTP endpoints run them (for the unit tests)."""

from __future__ import annotations

import uuid
from typing import Any

from publication.service_layer.batches import results_batch
from publication.service_layer.components import Components
from publication.service_layer.context import Context
from publication.service_layer.handlers import handle, handle_event
from publication_fakes import FakePublicationRepository, repository_for
from publication_testkit import BODY, COUNTY_A, COUNTY_B, NOW, PROVINCE

from hrss.audit import AuditRecord
from hrss.auth import Principal
from hrss.contracts import Envelope
from hrss.testing.fakes import FakeUnitOfWork


class Publication:
    """The use cases over fakes, one committed fake unit of work per event, as the consumers run them: a
    province process with 330106 delegated to its own deployment."""

    def __init__(self, nodes: tuple[str, ...] = (PROVINCE,), delegated: tuple[str, ...] = (COUNTY_B,)) -> None:
        self.repo = FakePublicationRepository()
        self.now = NOW  # the clock; a test may move it
        self.nodes = nodes
        self.components = Components(
            bodies={COUNTY_A: BODY}, delegated=delegated, repository=repository_for(self.repo), clock=lambda: self.now
        )
        self.published: list[Envelope] = []
        self.audited: list[AuditRecord] = []

    def _run(self, work: Any) -> Any:
        uow = FakeUnitOfWork(service="publication", nodes=self.nodes)
        answer = work(Context(uow, self.components, Principal.for_service("publication", list(self.nodes)), "req-1"))
        uow.commit()
        self.published += uow.committed
        self.audited += [record for _, record in uow.audited]
        return answer

    def receive(self, *payloads: Any) -> Any:
        answers = [self._run(lambda ctx, p=p: handle_event(p, str(uuid.uuid4()), ctx)) for p in payloads]
        return answers[-1]

    def receive_batch(self, *payloads: Any, event_ids: list[str] | None = None) -> list[Any]:
        """Result events as one consumed batch: one unit of work, through `batches.results_batch` as the result
        consumers run them; each event's answer."""
        ids = event_ids or [str(uuid.uuid4()) for _ in payloads]

        def work(ctx: Context) -> list[Any]:
            with results_batch(ctx, payloads) as batch:
                return [handle_event(p, i, batch) for p, i in zip(payloads, ids, strict=True)]

        return list(self._run(work))

    def types(self) -> list[str]:
        return [e.type for e in self.published]

    def command(self, command: object, principal: Principal | None = None) -> Any:
        """A command as a caller (default: the service itself) runs it."""
        who = principal or Principal.for_service("publication", list(self.nodes))
        uow = FakeUnitOfWork(service="publication", nodes=self.nodes)
        answer = handle(command, Context(uow, self.components, who, "req-1"))
        uow.commit()
        self.published += uow.committed
        self.audited += [record for _, record in uow.audited]
        return answer

    def as_caller(self, principal: Principal) -> Context:
        """A context for reads as `principal`."""
        return Context(FakeUnitOfWork(service="publication", nodes=self.nodes), self.components, principal, "req-1")
