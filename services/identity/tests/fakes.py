"""In-memory stand-ins for the identity service's adapters, for the handler tests: `FakeAccountRepository` keeps
what `SqlAlchemyAccountRepository` keeps and answers the same (tests/integration/test_repository_contract.py
runs both through one suite); `fake_components` are the real keys and policies around it with a clock the test
moves, and `FakeClock` is that clock."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from identity.adapters.repository import AccountRepository
from identity.bootstrap import bootstrap
from identity.domain.contact import AccountContact
from identity.domain.model import (
    Account,
    Attempt,
    EnrolmentCode,
    RefreshToken,
    RegisteredInspector,
    ResetRequest,
    Session,
    Status,
)
from identity.service_layer.components import Components

from hrss.auth import SigningKey
from hrss.auth.sealing import OpeningKeys
from hrss.auth.totp import decode_secret, hotp, time_step

CHEAP_ARGON2 = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}


@dataclass(frozen=True)
class _Attempt:
    id: int
    login: str
    account_id: str | None
    at: datetime
    outcome: str
    totp_step: int | None
    client: str | None


class FakeAccountRepository(AccountRepository):
    """Accounts as lists of versions, sessions, refresh tokens, attempts, enrolment codes and inspectors in dicts."""

    def __init__(self) -> None:
        self.versions: dict[str, list[Account]] = {}
        self.inspectors: dict[str, RegisteredInspector] = {}
        self.attempts: list[_Attempt] = []
        self.sessions: dict[str, Session] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.codes: list[EnrolmentCode] = []
        self.spent_codes: dict[int, datetime] = {}
        self.locked: list[str] = []
        self.reset_requests: list[ResetRequest] = []
        self.contacts: dict[str, list[AccountContact]] = {}

    # -- accounts --------------------------------------------------------------------------

    def _current(self) -> list[Account]:
        return [versions[-1] for versions in self.versions.values()]

    def get(self, account_id: str) -> Account | None:
        versions = self.versions.get(account_id)
        return versions[-1] if versions else None

    def get_by_login(self, login: str) -> Account | None:
        return next((a for a in self._current() if a.login == login), None)

    def in_scope(self, prefixes: Sequence[str], node: str | None = None) -> list[Account]:
        found = [a for a in self._current() if any(a.node.startswith(p) for p in prefixes)]
        return sorted((a for a in found if node is None or a.node == node), key=lambda a: (a.node, a.login))

    def login_exists(self, login: str) -> bool:
        return self.get_by_login(login) is not None

    def count_at(self, node: str) -> int:
        return sum(1 for a in self._current() if a.node == node)

    def add(self, new: Account) -> None:
        if new.id in self.versions or self.login_exists(new.login):
            raise ValueError(f"account {new.id} or login {new.login} exists")  # the unique constraints
        self.versions[new.id] = [new]

    def add_version(self, version: Account) -> None:
        if any(v.version == version.version for v in self.versions[version.id]):
            raise ValueError(f"version {version.version} of {version.id} exists")  # the primary key
        self.versions[version.id].append(version)
        self.versions[version.id].sort(key=lambda v: v.version)

    def account_acting_as(self, inspector_id: str) -> Account | None:
        return next(
            (a for a in self._current() if a.inspector_id == inspector_id and a.status is not Status.DISABLED), None
        )

    def lock(self, account_id: str) -> None:
        self.locked.append(account_id)  # one transaction at a time: nothing to wait for

    # -- the inspector registry ------------------------------------------------------------

    def registered_inspector(self, node: str, credential_no: str) -> RegisteredInspector | None:
        return next((i for i in self.inspectors.values() if i.node == node and i.credential_no == credential_no), None)

    def apply_inspectors(self, states: Sequence[RegisteredInspector]) -> None:
        for state in states:
            kept = self.inspectors.get(state.inspector_id)
            if kept is None or kept.version < state.version:
                self.inspectors[state.inspector_id] = state

    # -- login attempts --------------------------------------------------------------------

    def attempts_since_last_success(self, account_id: str, since: datetime) -> list[Attempt]:
        mine = [a for a in self.attempts if a.account_id == account_id]
        restart = max((a.at for a in mine if a.outcome in ("ok", "unlocked")), default=None)
        kept = [a for a in mine if a.at >= since and (restart is None or a.at > restart)]
        return [Attempt(a.at, a.outcome, a.totp_step) for a in sorted(kept, key=lambda a: (a.at, a.id))]

    def failures_from(self, client: str, since: datetime) -> list[datetime]:
        failed = ("failed", "locked")
        return sorted(a.at for a in self.attempts if a.client == client and a.at >= since and a.outcome in failed)

    def last_totp_step(self, account_id: str) -> int | None:
        steps = [
            a.totp_step
            for a in self.attempts
            if a.account_id == account_id and a.outcome in ("ok", "enrolled") and a.totp_step is not None
        ]
        return max(steps, default=None)

    def add_attempt(
        self,
        login: str,
        account_id: str | None,
        at: datetime,
        outcome: str,
        totp_step: int | None = None,
        client: str | None = None,
    ) -> None:
        self.attempts.append(_Attempt(len(self.attempts) + 1, login[:64], account_id, at, outcome, totp_step, client))

    # -- sessions and refresh tokens -------------------------------------------------------

    def add_session(self, new: Session) -> None:
        self.sessions[new.id] = new

    def get_session(self, session_id: str) -> Session | None:
        return self.sessions.get(session_id)

    def touch_session(self, session_id: str, at: datetime) -> None:
        self.sessions[session_id] = replace(self.sessions[session_id], last_seen=at)

    def end_session(self, session_id: str, at: datetime, reason: str) -> bool:
        session = self.sessions.get(session_id)
        if session is None or session.ended_at is not None:
            return False
        self.sessions[session_id] = replace(session, ended_at=at, end_reason=reason)
        return True

    def end_sessions_of(self, account_id: str, at: datetime, reason: str, keep: str | None = None) -> list[str]:
        live = [s for s in self.sessions.values() if s.account_id == account_id and s.ended_at is None and s.id != keep]
        for session in live:
            self.sessions[session.id] = replace(session, ended_at=at, end_reason=reason)
        return sorted(s.id for s in live)

    def add_refresh(self, token_hash: str, session_id: str, at: datetime) -> None:
        self.refresh_tokens[token_hash] = RefreshToken(token_hash, session_id, at)

    def find_refresh(self, token_hash: str) -> RefreshToken | None:
        return self.refresh_tokens.get(token_hash)

    def spend_refresh(self, token_hash: str, at: datetime) -> bool:
        token = self.refresh_tokens.get(token_hash)
        if token is None or token.spent_at is not None:
            return False
        self.refresh_tokens[token_hash] = replace(token, spent_at=at)
        return True

    # -- enrolment codes -------------------------------------------------------------------

    def add_enrolment_code(self, account_id: str, code_hash: str, at: datetime, expires_at: datetime, by: str) -> None:
        self.codes.append(EnrolmentCode(len(self.codes) + 1, account_id, code_hash, at, expires_at))

    def current_enrolment_code(self, account_id: str) -> EnrolmentCode | None:
        mine = [c for c in self.codes if c.account_id == account_id]
        if not mine:
            return None
        return replace(mine[-1], spent_at=self.spent_codes.get(mine[-1].id))

    def spend_enrolment_code(self, code_id: int, at: datetime) -> None:
        if code_id in self.spent_codes:
            raise ValueError(f"enrolment code {code_id} already spent")  # the primary key of enrolment_spent
        self.spent_codes[code_id] = at

    # -- an administrator's reset --------------------------------------------------------------

    def add_reset_request(self, account_id: str, by: str, at: datetime, reason: str | None) -> int:
        self.reset_requests.append(ResetRequest(len(self.reset_requests) + 1, account_id, by, at, reason))
        return len(self.reset_requests)

    def latest_reset_request(self, account_id: str) -> ResetRequest | None:
        return next((r for r in reversed(self.reset_requests) if r.account_id == account_id), None)

    def approve_reset_request(self, request_id: int, by: str, at: datetime) -> None:
        request = self.reset_requests[request_id - 1]
        if request.approved_at is not None:
            raise ValueError(f"reset request {request_id} already approved")  # the primary key of reset_approval
        self.reset_requests[request_id - 1] = replace(request, approved_by=by, approved_at=at)

    # -- where the holder is reached -----------------------------------------------------------

    def add_contact(self, contact: AccountContact, by: str, at: datetime) -> int:
        if contact.account_id not in self.versions:
            raise ValueError(f"no account {contact.account_id}")  # the foreign key of account_contact
        kept = self.contacts.setdefault(contact.account_id, [])
        kept.append(replace(contact, version=len(kept) + 1, given_by=by, given_at=at))
        return len(kept)

    def contact(self, account_id: str) -> AccountContact | None:
        kept = self.contacts.get(account_id)
        return kept[-1] if kept else None


class FakeClock:
    """The service's clock, starting at `start` and moved only by the test."""

    def __init__(self, start: datetime = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta = timedelta(seconds=30)) -> None:
        self.now += by

    def code(self, secret: str) -> str:
        """The TOTP code of the clock's current time step."""
        return hotp(decode_secret(secret), time_step(self.now.timestamp()))


# the notification sender's private key in the tests: enrolment codes are sealed to its public half, and the tests
# open them as the sender would before it writes to the holder's mailbox
NOTIFICATION_KEYS = OpeningKeys.generate("test-notification")


def fake_components(repo: AccountRepository, clock: FakeClock, **overrides: Any) -> Components:
    """The components bootstrap builds (fresh keys, cheap password hashing) around `repo` and `clock`."""
    key = SigningKey.generate("test")
    auth = {
        "signing_key": f"{key.kid}={key.private_base64()}",
        "totp_key": "t1=" + base64.b64encode(os.urandom(32)).decode(),
        "code_recipients": NOTIFICATION_KEYS.public_text(),
    }
    components = bootstrap({"AUTH": auth, "PASSWORDS": CHEAP_ARGON2}, environ={})
    return replace(components, repository=lambda uow: repo, clock=clock, **overrides)
