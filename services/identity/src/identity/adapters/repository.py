"""Where accounts (as versions), login attempts, sessions, refresh-token hashes, enrolment codes and the
registry's inspectors are kept: the port the use cases speak to (`AccountRepository`) and its PostgreSQL
adapter (`SqlAlchemyAccountRepository`). The in-memory fake is in tests/fakes.py; one contract suite runs both."""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session as DbSession

from identity.adapters.attempts import SqlLoginAttempts
from identity.adapters.contacts import SqlAccountContacts
from identity.adapters.orm import (
    account,
    account_version,
    enrolment_code,
    enrolment_spent,
    inspector_view,
    refresh_token,
    session,
)
from identity.adapters.resets import SqlResetRequests
from identity.domain.contact import AccountContact
from identity.domain.ids import is_uuid
from identity.domain.model import (
    Account,
    Attempt,
    Change,
    EnrolmentCode,
    RefreshToken,
    RegisteredInspector,
    ResetRequest,
    Session,
    Status,
)


class AccountRepository(ABC):
    """What the identity use cases read and write, in the unit of work's transaction."""

    # -- accounts: the current version is the latest ---------------------------------------------

    @abstractmethod
    def get(self, account_id: str) -> Account | None:
        """The current version of the account."""

    @abstractmethod
    def get_by_login(self, login: str) -> Account | None:
        """The current version of the account with this login."""

    @abstractmethod
    def in_scope(self, prefixes: Sequence[str], node: str | None = None) -> list[Account]:
        """Accounts whose node starts with one of `prefixes` (the caller's subtree), optionally of one node,
        by node then login."""

    @abstractmethod
    def login_exists(self, login: str) -> bool:
        """Whether any account (disabled ones too) has this login."""

    @abstractmethod
    def count_at(self, node: str) -> int:
        """How many accounts belong to exactly this node."""

    @abstractmethod
    def add(self, new: Account) -> None:
        """A new account with its first version."""

    @abstractmethod
    def add_version(self, version: Account) -> None:
        """The next version of an account; earlier ones stay as they were."""

    @abstractmethod
    def account_acting_as(self, inspector_id: str) -> Account | None:
        """The account (not disabled) whose current version is linked to the registry inspector, if any."""

    @abstractmethod
    def lock(self, account_id: str) -> None:
        """Serialise logins and changes of one account until the transaction ends (TOTP replay, lockout)."""

    # -- the inspector registry as the registry publishes it -------------------------------------

    @abstractmethod
    def registered_inspector(self, node: str, credential_no: str) -> RegisteredInspector | None:
        """The inspector of `node` holding `credential_no`, as last published."""

    @abstractmethod
    def apply_inspectors(self, states: Sequence[RegisteredInspector]) -> None:
        """Keep the latest published state of each inspector; an older version never replaces a newer one
        (replays, reordering)."""

    # -- login attempts --------------------------------------------------------------------------

    @abstractmethod
    def attempts_since_last_success(self, account_id: str, since: datetime) -> list[Attempt]:
        """Attempts at or after `since` and after the last successful login or administrator's unlock, oldest
        first."""

    @abstractmethod
    def failures_from(self, client: str, since: datetime) -> list[datetime]:
        """When the failed logins (wrong or locked) from this client address at or after `since` were made."""

    @abstractmethod
    def last_totp_step(self, account_id: str) -> int | None:
        """The last TOTP time step accepted for the account (login, enrolment confirmation, password change)."""

    @abstractmethod
    def add_attempt(
        self,
        login: str,
        account_id: str | None,
        at: datetime,
        outcome: str,
        totp_step: int | None = None,
        client: str | None = None,
    ) -> None:
        """Record one attempt (append-only)."""

    # -- sessions and refresh tokens -------------------------------------------------------------

    @abstractmethod
    def add_session(self, new: Session) -> None: ...

    @abstractmethod
    def get_session(self, session_id: str) -> Session | None:
        """The session, locked until the transaction ends."""

    @abstractmethod
    def touch_session(self, session_id: str, at: datetime) -> None: ...

    @abstractmethod
    def end_session(self, session_id: str, at: datetime, reason: str) -> bool:
        """End the session unless it has already ended (the first end and its reason stay); whether it ended now."""

    @abstractmethod
    def end_sessions_of(self, account_id: str, at: datetime, reason: str, keep: str | None = None) -> list[str]:
        """End every live session of the account but `keep`; the ids of those ended."""

    @abstractmethod
    def add_refresh(self, token_hash: str, session_id: str, at: datetime) -> None: ...

    @abstractmethod
    def find_refresh(self, token_hash: str) -> RefreshToken | None:
        """The refresh token with this hash, locked until the transaction ends."""

    @abstractmethod
    def spend_refresh(self, token_hash: str, at: datetime) -> bool:
        """Mark a refresh token used; False if it had already been spent (a concurrent or replayed refresh)."""

    # -- enrolment codes -------------------------------------------------------------------------

    @abstractmethod
    def add_enrolment_code(self, account_id: str, code_hash: str, at: datetime, expires_at: datetime, by: str) -> None:
        """A new code for the account; it supersedes the earlier ones."""

    @abstractmethod
    def current_enrolment_code(self, account_id: str) -> EnrolmentCode | None:
        """The latest code issued for the account (older ones are superseded), with when it was spent."""

    @abstractmethod
    def spend_enrolment_code(self, code_id: int, at: datetime) -> None: ...

    # -- an administrator's reset: request and approval --------------------------------------------

    @abstractmethod
    def add_reset_request(self, account_id: str, by: str, at: datetime, reason: str | None) -> int:
        """Record a request to reset the account's enrolment; its id."""

    @abstractmethod
    def latest_reset_request(self, account_id: str) -> ResetRequest | None:
        """The account's latest reset request, with its approval if it has one."""

    @abstractmethod
    def approve_reset_request(self, request_id: int, by: str, at: datetime) -> None:
        """Record the approval of a request (once: a second approval of the same request fails)."""

    # -- where the holder is reached -----------------------------------------------------------

    @abstractmethod
    def add_contact(self, contact: AccountContact, by: str, at: datetime) -> int:
        """Record a new version of the holder's contact; its version number."""

    @abstractmethod
    def contact(self, account_id: str) -> AccountContact | None:
        """The latest version of the holder's contact, if one was ever given."""


class SqlAlchemyAccountRepository(SqlLoginAttempts, SqlResetRequests, SqlAccountContacts, AccountRepository):
    """The accounts in PostgreSQL (schema `identity`), in the unit of work's session (login attempts and reset
    requests: the mixins)."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    # -- accounts ----------------------------------------------------------------------

    def _current(self):  # type: ignore[no-untyped-def]
        latest = (
            select(account_version.c.account_id, func.max(account_version.c.version).label("version"))
            .group_by(account_version.c.account_id)
            .subquery()
        )
        return select(account, account_version).select_from(
            account.join(latest, latest.c.account_id == account.c.id).join(
                account_version,
                and_(
                    account_version.c.account_id == latest.c.account_id, account_version.c.version == latest.c.version
                ),
            )
        )

    def get(self, account_id: str) -> Account | None:
        if not is_uuid(account_id):  # a service's token names `service:<name>`: no account has that id
            return None
        row = self.db.execute(self._current().where(account.c.id == account_id)).first()
        return _account(row) if row else None

    def get_by_login(self, login: str) -> Account | None:
        row = self.db.execute(self._current().where(account.c.login == login)).first()
        return _account(row) if row else None

    def in_scope(self, prefixes: Sequence[str], node: str | None = None) -> list[Account]:
        query = self._current().where(or_(*(account.c.node.startswith(p, autoescape=True) for p in prefixes)))
        if node is not None:
            query = query.where(account.c.node == node)
        return [_account(r) for r in self.db.execute(query.order_by(account.c.node, account.c.login))]

    def login_exists(self, login: str) -> bool:
        return self.db.execute(select(account.c.id).where(account.c.login == login)).first() is not None

    def count_at(self, node: str) -> int:
        return int(
            self.db.execute(select(func.count()).select_from(account).where(account.c.node == node)).scalar_one()
        )

    def add(self, new: Account) -> None:
        self.db.execute(
            insert(account).values(
                id=new.id, login=new.login, node=new.node, created_at=new.changed_at, created_by=new.changed_by
            )
        )
        self.add_version(new)

    def add_version(self, version: Account) -> None:
        self.db.execute(
            insert(account_version).values(
                account_id=version.id,
                version=version.version,
                name=version.name,
                roles=list(version.roles),
                status=str(version.status),
                password_hash=version.password_hash,
                totp_secret=version.totp_secret,
                change=str(version.change),
                changed_at=version.changed_at,
                changed_by=version.changed_by,
                inspector_id=version.inspector_id,
                credential_no=version.credential_no,
            )
        )

    def account_acting_as(self, inspector_id: str) -> Account | None:
        query = self._current().where(
            account_version.c.inspector_id == inspector_id, account_version.c.status != str(Status.DISABLED)
        )
        row = self.db.execute(query).first()
        return _account(row) if row else None

    # -- the inspector registry as the registry publishes it ------------------------------------

    def registered_inspector(self, node: str, credential_no: str) -> RegisteredInspector | None:
        row = self.db.execute(
            select(inspector_view).where(inspector_view.c.node == node, inspector_view.c.credential_no == credential_no)
        ).first()
        if row is None:
            return None
        return RegisteredInspector(
            str(row.inspector_id), row.credential_no, row.name, row.node, row.status, row.version
        )

    def apply_inspectors(self, states: Sequence[RegisteredInspector]) -> None:
        latest: dict[str, RegisteredInspector] = {}
        for state in states:  # one row per inspector: an upsert cannot touch the same row twice
            if state.inspector_id not in latest or latest[state.inspector_id].version < state.version:
                latest[state.inspector_id] = state
        if not latest:
            return
        fields = ("inspector_id", "version", "credential_no", "name", "node", "status")
        statement = pg_insert(inspector_view).values([{f: getattr(s, f) for f in fields} for s in latest.values()])
        columns = {c: statement.excluded[c] for c in fields[1:]}
        self.db.execute(
            statement.on_conflict_do_update(
                index_elements=["inspector_id"],
                set_=columns,
                where=inspector_view.c.version < statement.excluded.version,
            )
        )

    def lock(self, account_id: str) -> None:
        key = zlib.crc32(f"identity.account.{account_id}".encode())
        self.db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    # -- sessions and refresh tokens -----------------------------------------------------

    def add_session(self, new: Session) -> None:
        self.db.execute(
            insert(session).values(
                id=new.id, account_id=new.account_id, started_at=new.started_at, last_seen=new.last_seen
            )
        )

    def get_session(self, session_id: str) -> Session | None:
        if not is_uuid(session_id):
            return None
        row = self.db.execute(select(session).where(session.c.id == session_id).with_for_update()).first()
        if row is None:
            return None
        return Session(row.id, row.account_id, row.started_at, row.last_seen, row.ended_at, row.end_reason)

    def touch_session(self, session_id: str, at: datetime) -> None:
        self.db.execute(update(session).where(session.c.id == session_id).values(last_seen=at))

    def end_session(self, session_id: str, at: datetime, reason: str) -> bool:
        ended = self.db.execute(
            update(session)
            .where(session.c.id == session_id, session.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
            .returning(session.c.id)
        )
        return ended.first() is not None

    def end_sessions_of(self, account_id: str, at: datetime, reason: str, keep: str | None = None) -> list[str]:
        query = update(session).where(session.c.account_id == account_id, session.c.ended_at.is_(None))
        if keep is not None:
            query = query.where(session.c.id != keep)
        ended = self.db.execute(query.values(ended_at=at, end_reason=reason).returning(session.c.id))
        return sorted(str(row.id) for row in ended)

    def add_refresh(self, token_hash: str, session_id: str, at: datetime) -> None:
        self.db.execute(insert(refresh_token).values(token_hash=token_hash, session_id=session_id, issued_at=at))

    def find_refresh(self, token_hash: str) -> RefreshToken | None:
        row = self.db.execute(
            select(refresh_token).where(refresh_token.c.token_hash == token_hash).with_for_update()
        ).first()
        if row is None:
            return None
        return RefreshToken(row.token_hash, str(row.session_id), row.issued_at, row.spent_at)

    def spend_refresh(self, token_hash: str, at: datetime) -> bool:
        result = self.db.execute(
            update(refresh_token)
            .where(refresh_token.c.token_hash == token_hash, refresh_token.c.spent_at.is_(None))
            .values(spent_at=at)
        )
        return bool(cast(CursorResult[Any], result).rowcount)

    # -- enrolment codes -----------------------------------------------------------------

    def add_enrolment_code(self, account_id: str, code_hash: str, at: datetime, expires_at: datetime, by: str) -> None:
        self.db.execute(
            insert(enrolment_code).values(
                account_id=account_id, code_hash=code_hash, issued_at=at, expires_at=expires_at, issued_by=by
            )
        )

    def current_enrolment_code(self, account_id: str) -> EnrolmentCode | None:
        row = self.db.execute(
            select(enrolment_code, enrolment_spent.c.spent_at)
            .select_from(enrolment_code.outerjoin(enrolment_spent, enrolment_spent.c.code_id == enrolment_code.c.id))
            .where(enrolment_code.c.account_id == account_id)
            .order_by(enrolment_code.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return EnrolmentCode(row.id, str(row.account_id), row.code_hash, row.issued_at, row.expires_at, row.spent_at)

    def spend_enrolment_code(self, code_id: int, at: datetime) -> None:
        self.db.execute(insert(enrolment_spent).values(code_id=code_id, spent_at=at))


def _account(row) -> Account:  # type: ignore[no-untyped-def]
    return Account(
        id=str(row.id),
        login=row.login,
        node=row.node,
        version=row.version,
        name=row.name,
        roles=tuple(row.roles),
        status=Status(row.status),
        password_hash=row.password_hash,
        totp_secret=row.totp_secret,
        change=Change(row.change),
        changed_at=row.changed_at,
        changed_by=row.changed_by,
        inspector_id=str(row.inspector_id) if row.inspector_id else None,
        credential_no=row.credential_no,
    )
