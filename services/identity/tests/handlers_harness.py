"""The identity service's use cases over fakes, as the handler tests drive them: one fake unit of work per
command, the in-memory repository, a clock the test moves, and the audit entries each command committed."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

from identity.domain.model import Account, Status
from identity.service_layer.commands import ConfirmEnrolment, CreateAccount, CreateFirstAdmin, Enrol, LogIn
from identity.service_layer.context import Context
from identity.service_layer.handlers import handle, handle_events
from identity_fakes import NOTIFICATION_KEYS, FakeAccountRepository, FakeClock, fake_components

from hrss.audit import AuditRecord
from hrss.auth import Principal, Role
from hrss.auth.sealing import code_context
from hrss.contracts import Envelope, PlatformError
from hrss.testing.fakes import FakeUnitOfWork

PROVINCE, CITY, COUNTY = "330000", "330100", "330102"
PASSWORD = "Zhejiang-2026-安全"
NEW_PASSWORD = "Hangzhou-2027-更安全"


def secret_of(uri: str) -> str:
    return parse_qs(urlparse(uri).query)["secret"][0]


HOLDER_EMAIL = "holder@example.gov.cn"


def new_account(
    actor: Principal, login: str, name: str, node: str, roles: tuple[str, ...], **more: Any
) -> CreateAccount:
    """`CreateAccount` with the holder's e-mail address (where the enrolment code goes) unless given."""
    return CreateAccount(actor, login, name, node, roles, **{"email": HOLDER_EMAIL, **more})


def acting(account: Account, session_id: str | None = None) -> Principal:
    """The principal a token of `account` carries."""
    roles = frozenset(Role(r) for r in account.roles)
    return Principal(account.id, account.name, account.node, roles, session_id=session_id)


class Identity:
    """The identity service's use cases over fakes: one fake unit of work per command, committed after it as the
    entrypoints commit (a raised refusal is not committed: the entrypoint rolls it back and audits it)."""

    def __init__(self) -> None:
        self.repo = FakeAccountRepository()
        self.clock = FakeClock()
        self.components = fake_components(self.repo, self.clock)
        self.audited: list[AuditRecord] = []
        self.published: list[Envelope] = []
        self.mailbox: dict[str, str] = {}  # login → the latest enrolment code its holder received

    def _deliver(self, envelopes: list[Envelope]) -> None:
        """What the notification sender does with each enrolment code: open it for the address, and send it there."""
        for envelope in envelopes:
            if envelope.type == "identity.enrolment_code_issued":
                p = envelope.payload
                for box in p["deliver_to"]:
                    context = code_context(str(p["account_id"]), box["address"])
                    self.mailbox[p["login"]] = NOTIFICATION_KEYS.open(box["tokens"], context)

    def context(self, principal: Principal | None = None) -> tuple[FakeUnitOfWork, Context]:
        uow = FakeUnitOfWork(service="identity", nodes=(PROVINCE,))
        return uow, Context(uow, self.components, principal, f"req-{uuid.uuid4().hex[:8]}")

    def run(self, command: object, principal: Principal | None = None) -> Any:
        uow, ctx = self.context(principal)
        result = handle(command, ctx)
        uow.commit()
        self.audited += [record for _, record in uow.audited]
        self.published += uow.committed
        self._deliver(uow.committed)
        return result

    def events(self, *events: object) -> None:
        uow, ctx = self.context()
        handle_events(list(events), ctx)
        uow.commit()

    def first_admin(self) -> tuple[Account, str]:
        account, uri = self.run(CreateFirstAdmin(PROVINCE, "admin", "管理员", PASSWORD))
        return account, secret_of(uri)

    def log_in(self, login: str, secret: str, password: str = PASSWORD) -> Any:
        self.clock.advance()
        return self.run(LogIn(login, password, self.clock.code(secret), client="10.0.0.1"))

    def enrolled(self, admin: Account, login: str = "li", node: str = CITY, roles: tuple[str, ...] = ("planner",)):  # type: ignore[no-untyped-def]
        """An account created by `admin` and enrolled by its holder: (account, TOTP secret)."""
        created, _ = self.run(new_account(acting(admin), login, "李四", node, roles), acting(admin))
        code = self.mailbox[login]
        uri = self.run(Enrol(login, code, PASSWORD))
        self.clock.advance()
        active = self.run(ConfirmEnrolment(login, code, self.clock.code(secret_of(uri))))
        assert active.status is Status.ACTIVE and active.id == created.id
        return active, secret_of(uri)

    def last(self) -> AuditRecord:
        return self.audited[-1]


def refused(result: object, code: str) -> PlatformError:
    assert isinstance(result, PlatformError), result
    assert result.code == code, result
    return result
