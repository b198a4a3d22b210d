"""What a use case is handed: the unit of work, the components, the caller and the request's trace id; the
account repository in that unit of work, and where its audit entry goes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from hrss.audit import AuditRecord
from hrss.auth import Principal
from hrss.db import UnitOfWork
from identity.service_layer.components import Components

if TYPE_CHECKING:
    from identity.adapters.repository import AccountRepository


@dataclass
class Context:
    """`principal` is None where nobody is logged in yet (login, refresh, enrolment, the command line)."""

    uow: UnitOfWork  # or hrss.testing.fakes.FakeUnitOfWork in the handler tests
    components: Components
    principal: Principal | None = None
    request_id: str | None = None

    @cached_property
    def repo(self) -> AccountRepository:
        return self.components.repository(self.uow)

    @property
    def caller(self) -> Principal:
        """The logged-in caller, in the context of an authenticated request."""
        assert self.principal is not None, "a context without a caller"
        return self.principal

    @property
    def home_node(self) -> str:
        """The node whose audit chain this process writes (the first it serves)."""
        return str(self.uow.nodes[0])

    def audit(self, record: AuditRecord) -> None:
        """Add the entry to the chain of the home node, with the request's trace id; sealed at commit."""
        self.uow.audit(replace(record, request_id=self.request_id))
