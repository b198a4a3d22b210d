"""Login (password, then TOTP, under the lockout policy), refresh-token rotation, logout and password change."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from hrss.audit import AuditRecord, Outcome
from hrss.auth import (
    LoginState,
    Principal,
    check_password_policy,
    hash_refresh_token,
    new_refresh_token,
)
from hrss.auth import totp as totp_codes
from hrss.auth.lockout import SessionExpired
from hrss.contracts import PlatformError
from hrss.contracts.events.identity import AccountLocked
from identity.domain.errors import (
    AccountDisabled,
    LoginFailed,
    LoginThrottled,
    NotEnrolled,
    PasswordUnchanged,
    RefreshInvalid,
    RefreshReused,
    SessionEnded,
    SessionMissing,
    TooManyAttempts,
)
from identity.domain.model import Account, Change, Session, Status
from identity.service_layer.commands import ChangePassword, LogIn, LogOut, RefreshSession
from identity.service_layer.context import Context
from identity.service_layer.records import self_record
from identity.service_layer.sessions import end_session, end_sessions

HISTORY = timedelta(days=7)  # how far back failures are replayed into the lockout state


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str

    def to_dict(self) -> dict[str, object]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }


def lockout_state(ctx: Context, account_id: str) -> LoginState:
    """The lockout state, replayed from the append-only attempts since the last success."""
    now = ctx.components.clock()
    state = LoginState()
    for attempt in ctx.repo.attempts_since_last_success(account_id, now - HISTORY):
        if attempt.outcome == "failed":
            state, _ = ctx.components.lockout.record_failure(state, attempt.at)
    return state


def announce_lock(ctx: Context, account: Account, before: LoginState, after: LoginState, client: str | None) -> None:
    """When this failure locked the account: `identity.account_locked`, so that its holder and the administrators
    of its node hear of it (through the notification service), in the failure's own transaction."""
    if after.locked_until is None or after.locked_until == before.locked_until:
        return
    ctx.uow.publish(
        AccountLocked(
            account_id=uuid.UUID(account.id),
            node=account.node,
            login=account.login,
            locked_at=ctx.components.clock(),
            locked_until=after.locked_until,
            client=(client or None) and client[:64],
        ),
        subject=account.id,
    )


def log_in(cmd: LogIn, ctx: Context) -> Tokens | PlatformError:
    """Tokens, or the error to answer with; failures are recorded (and committed), never raised.

    An address with too many recent failures is refused before any account is looked at. Past that, an unknown
    login, a wrong password or code and a locked account get one answer (`LoginFailed`), so that nobody learns
    from a login whether an account exists or is locked; the audit entry keeps the real reason."""
    c = ctx.components
    now = c.clock()
    if cmd.client:
        wait = c.throttle.wait(ctx.repo.failures_from(cmd.client, now - c.throttle.window), now)
        if wait is not None:
            ctx.repo.add_attempt(cmd.login, None, now, "throttled", client=cmd.client)
            ctx.audit(_refused(cmd, None, ctx, LoginThrottled.code))
            return LoginThrottled(wait)
    account = ctx.repo.get_by_login(unicodedata.normalize("NFKC", cmd.login))  # as logins are kept
    if account is None:
        c.passwords.verify_unknown_account(cmd.password)
        ctx.repo.add_attempt(cmd.login, None, now, "failed", client=cmd.client)
        ctx.audit(_refused(cmd, None, ctx, LoginFailed.code))
        return LoginFailed()
    ctx.repo.lock(account.id)
    state = lockout_state(ctx, account.id)
    verdict = c.lockout.check(state, now)
    if not verdict.allowed:
        c.passwords.verify_unknown_account(cmd.password)  # as long as a check, so the time does not tell either
        ctx.repo.add_attempt(cmd.login, account.id, now, "locked", client=cmd.client)
        ctx.audit(_refused(cmd, account, ctx, verdict.code))
        return LoginFailed()
    password_ok, new_hash = c.passwords.verify_and_upgrade(account.password_hash, cmd.password)
    step = None
    if password_ok:
        secret = c.cipher.decrypt(account.totp_secret, account.id)
        step = totp_codes.verify(secret, cmd.totp, last_step=ctx.repo.last_totp_step(account.id), at=now.timestamp())
    if not password_ok or step is None:
        after, verdict = c.lockout.record_failure(state, now)
        announce_lock(ctx, account, state, after, cmd.client)
        ctx.repo.add_attempt(cmd.login, account.id, now, "failed", client=cmd.client)
        ctx.audit(_refused(cmd, account, ctx, verdict.code))
        return LoginFailed()
    if account.status is Status.PENDING:
        ctx.repo.add_attempt(cmd.login, account.id, now, "refused", client=cmd.client)
        ctx.audit(_refused(cmd, account, ctx, NotEnrolled.code))
        return NotEnrolled()
    if not account.active:
        ctx.repo.add_attempt(cmd.login, account.id, now, "refused", client=cmd.client)
        ctx.audit(_refused(cmd, account, ctx, AccountDisabled.code))
        return AccountDisabled()
    ctx.repo.add_attempt(cmd.login, account.id, now, "ok", totp_step=step, client=cmd.client)
    if new_hash:
        ctx.repo.add_version(account.next_version(account.change.REHASH, account.id, now, password_hash=new_hash))
    session = Session(str(uuid.uuid4()), account.id, now, now)
    ctx.repo.add_session(session)
    tokens = _issue(ctx, account, session.id)
    ctx.audit(self_record("auth.login", account, cmd.login, ctx.home_node, Outcome.OK, "login.ok"))
    return tokens


def _refused(cmd: LogIn, account: Account | None, ctx: Context, code: str) -> AuditRecord:
    return self_record("auth.login", account, cmd.login, ctx.home_node, Outcome.REFUSED, code)


def _issue(ctx: Context, account: Account, session_id: str) -> Tokens:
    principal = Principal(
        account.id,
        account.name,
        account.node,
        frozenset(account.roles),
        session_id=session_id,
        inspector_id=account.inspector_id,
        credential_no=account.credential_no,
    )
    refresh = new_refresh_token()
    ctx.repo.add_refresh(hash_refresh_token(refresh), session_id, ctx.components.clock())
    access = ctx.components.issuer.issue(principal)
    return Tokens(access, refresh, ctx.components.issuer.ttl, session_id)


def refresh(cmd: RefreshSession, ctx: Context) -> Tokens | PlatformError:
    """A new token pair for a live session; the presented refresh token is spent. A reused one ends the session."""
    now = ctx.components.clock()
    row = ctx.repo.find_refresh(hash_refresh_token(cmd.refresh_token or ""))
    if row is None:
        return RefreshInvalid()
    session = ctx.repo.get_session(row.session_id)
    assert session is not None
    account = ctx.repo.get(session.account_id)
    assert account is not None

    def refuse(error: PlatformError, end: str | None) -> PlatformError:
        if end and session.ended_at is None:
            end_session(ctx, account, session.id, now, end)
        ctx.audit(_session_record("auth.refresh", account, session.id, Outcome.REFUSED, error.code))
        return error

    if row.spent_at is not None or not ctx.repo.spend_refresh(row.token_hash, now):
        # a spent token presented again: stolen or replayed; end the whole session
        return refuse(RefreshReused(), "reuse")
    if session.ended_at is not None:
        return refuse(SessionEnded(), None)
    try:
        ctx.components.sessions.touch(session.started_at, session.last_seen, now)
    except SessionExpired as expired:
        return refuse(expired, expired.code.split(".")[1])
    if not account.active:
        return refuse(AccountDisabled(), "disabled")
    ctx.repo.touch_session(session.id, now)
    tokens = _issue(ctx, account, session.id)
    ctx.audit(_session_record("auth.refresh", account, session.id, Outcome.OK, "refresh.ok"))
    return tokens


def log_out(cmd: LogOut, ctx: Context) -> None:
    """End the caller's session: its refresh tokens stop working; access tokens lapse within 10 minutes."""
    now = ctx.components.clock()
    account = ctx.repo.get(cmd.actor.account_id)
    if cmd.actor.session_id is None or account is None:
        raise SessionMissing()
    session = ctx.repo.get_session(cmd.actor.session_id)
    if session is None or session.account_id != account.id:
        raise SessionMissing()
    end_session(ctx, account, session.id, now, "logout")
    ctx.audit(_session_record("auth.logout", account, session.id, Outcome.OK, "logout.ok"))


def _session_record(action: str, account: Account, session_id: str, outcome: Outcome, code: str) -> AuditRecord:
    return AuditRecord(
        actor=account.id,
        actor_role="self",
        actor_kind="staff",
        action=action,
        object_type="session",
        object_id=session_id,
        outcome=outcome,
        detail={"node": account.node, "login": account.login, "code": code},
    )


def change_password(cmd: ChangePassword, ctx: Context) -> int | PlatformError:
    """Set a new password for the caller after checking the current one and a TOTP code under the lockout
    policy; every other session of the account ends. How many ended, or the error to answer with (audited)."""
    c = ctx.components
    now = c.clock()
    account = ctx.repo.get(cmd.actor.account_id)
    session = ctx.repo.get_session(cmd.actor.session_id) if cmd.actor.session_id else None
    if account is None or session is None or session.account_id != account.id:
        raise SessionMissing()

    def refuse(error: PlatformError, attempt: str | None = None) -> PlatformError:
        if attempt:
            ctx.repo.add_attempt(account.login, account.id, now, attempt, client=cmd.client)
        ctx.audit(_password_record(account, None, Outcome.REFUSED, error.code))
        return error

    if session.ended_at is not None:
        return refuse(SessionEnded())
    try:
        check_password_policy(cmd.new_password, login=account.login)
    except PlatformError as error:
        return refuse(error)
    ctx.repo.lock(account.id)
    account = ctx.repo.get(account.id) or account
    if not account.active:
        return refuse(AccountDisabled())
    state = lockout_state(ctx, account.id)
    verdict = c.lockout.check(state, now)
    if not verdict.allowed:
        return refuse(TooManyAttempts(verdict.message, verdict.retry_after), "locked")
    password_ok, _ = c.passwords.verify_and_upgrade(account.password_hash, cmd.current_password)
    step = None
    if password_ok:
        secret = c.cipher.decrypt(account.totp_secret, account.id)
        step = totp_codes.verify(secret, cmd.totp, last_step=ctx.repo.last_totp_step(account.id), at=now.timestamp())
    if not password_ok or step is None:
        after, verdict = c.lockout.record_failure(state, now)
        announce_lock(ctx, account, state, after, cmd.client)
        if verdict.code == TooManyAttempts.code:
            return refuse(TooManyAttempts(verdict.message, verdict.retry_after), "failed")
        return refuse(LoginFailed(message=verdict.message), "failed")
    ctx.repo.add_attempt(account.login, account.id, now, "ok", totp_step=step, client=cmd.client)
    if unicodedata.normalize("NFKC", cmd.new_password) == unicodedata.normalize("NFKC", cmd.current_password):
        return refuse(PasswordUnchanged())
    changed = account.next_version(Change.PASSWORD, account.id, now, password_hash=c.passwords.hash(cmd.new_password))
    ctx.repo.add_version(changed)
    ended = end_sessions(ctx, account, now, "password", keep=session.id)
    ctx.audit(_password_record(changed, account, Outcome.OK, "password.changed", ended))
    return ended


def _password_record(
    account: Account, before: Account | None, outcome: Outcome, code: str, ended: int | None = None
) -> AuditRecord:
    detail = {"node": account.node, "login": account.login, "code": code}
    if ended is not None:
        detail["sessions_ended"] = str(ended)
    return AuditRecord(
        actor=account.id,
        actor_role="self",
        actor_kind="staff",
        action="account.password",
        object_type="account",
        object_id=account.id,
        object_version=account.version,
        before_hash=before.state_hash() if before else None,
        after_hash=account.state_hash() if before else None,
        outcome=outcome,
        detail=detail,
    )
