"""Enrolment: a one-time code sent to the holder lets them set a password and bind an authenticator.

`POST /accounts` (and a reset) issues a code, stored only as its SHA-256 and sent to the holder's own e-mail
address and/or mobile number: sealed to the notification service's key in `identity.enrolment_code_issued`
(`hrss.auth.sealing`), opened only by its sender at send time. No administrator ever sees it. With it the user
sets a password and receives a new TOTP secret (`enrol`), then proves the authenticator works (`confirm`):
only then is the code spent and the account active. Only the latest code of an account is valid; it expires
after `Components.enrolment_ttl` (72 hours by default).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from hrss.audit import Outcome
from hrss.auth import check_password_policy
from hrss.auth import totp as totp_codes
from hrss.auth.sealing import code_context
from hrss.contracts import PlatformError
from hrss.contracts.events.identity import EnrolmentCodeIssued, SealedCode
from identity.domain.errors import (
    AccountDisabled,
    EnrolmentExpired,
    EnrolmentInvalid,
    EnrolmentTotpInvalid,
    EnrolmentUsed,
    NoContact,
    NotYetEnrolled,
)
from identity.domain.model import Account, Change, EnrolmentCode, Status
from identity.service_layer.commands import ConfirmEnrolment, Enrol
from identity.service_layer.context import Context
from identity.service_layer.records import self_record


@dataclass(frozen=True)
class Enrolment:
    """A freshly issued code as the administrator's answer shows it: where it went (masked), until when it is
    valid; never the code."""

    expires_at: datetime
    sent_to: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"expires_at": self.expires_at.isoformat(), "sent_to": self.sent_to}


def new_code() -> str:
    """120 random bits as 24 base32 characters in groups of four (easy to read out and type)."""
    text = base64.b32encode(secrets.token_bytes(15)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_hash(code: str) -> str:
    """SHA-256 of the code without separators, upper-cased (so `abcd efgh…` matches `ABCD-EFGH-…`)."""
    normal = "".join(ch for ch in (code or "").upper() if ch not in "- ")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def issue_code(ctx: Context, account: Account, by: str, why: Literal["created", "reset"]) -> Enrolment:
    """A new code for the account, superseding every earlier one, on its way to the holder's own addresses
    (sealed in the event, in the same transaction); `NoContact` when none is on record. The caller audits."""
    contact = ctx.repo.contact(account.id)
    if contact is None or not contact.addresses():
        raise NoContact()
    now = ctx.components.clock()
    code = new_code()
    expires_at = now + ctx.components.enrolment_ttl
    ctx.repo.add_enrolment_code(account.id, code_hash(code), now, expires_at, by)
    recipients = ctx.components.code_recipients
    deliver_to = [
        SealedCode(channel=channel, address=address, tokens=recipients.seal(code, code_context(account.id, address)))
        for channel, address in contact.addresses()
    ]
    ctx.uow.publish(
        EnrolmentCodeIssued(
            account_id=uuid.UUID(account.id),
            node=account.node,
            login=account.login,
            name=account.name,
            why=why,
            issued_by=by,
            issued_at=now,
            expires_at=expires_at,
            deliver_to=deliver_to,
        ),
        subject=account.id,
    )
    return Enrolment(expires_at, contact.masked())


def _open(
    ctx: Context, login: str, presented: str, now: datetime
) -> tuple[Account | None, EnrolmentCode | PlatformError]:
    """The account behind `login`, locked and re-read, and its valid enrolment code (or why not)."""
    account = ctx.repo.get_by_login(unicodedata.normalize("NFKC", login))  # as logins are kept
    if account is None:
        return None, EnrolmentInvalid()
    ctx.repo.lock(account.id)
    account = ctx.repo.get(account.id) or account
    return account, _check_code(ctx, account, presented, now)


def _check_code(ctx: Context, account: Account, presented: str, now: datetime) -> EnrolmentCode | PlatformError:
    current = ctx.repo.current_enrolment_code(account.id)
    if current is None or not hmac.compare_digest(current.code_hash, code_hash(presented)):
        return EnrolmentInvalid()  # unknown, mistyped or superseded: the same answer as an unknown login
    if current.spent_at is not None or account.status is Status.ACTIVE:
        return EnrolmentUsed()
    if now >= current.expires_at:
        return EnrolmentExpired()
    if account.is_disabled:
        return AccountDisabled()
    return current


def enrol(cmd: Enrol, ctx: Context) -> str | PlatformError:
    """The provisioning URI of a new TOTP secret (shown once), or the error to answer with (already audited)."""
    c = ctx.components
    now = c.clock()
    account, checked = _open(ctx, cmd.login, cmd.enrolment_code, now)

    def refuse(error: PlatformError) -> PlatformError:
        ctx.audit(self_record("account.enrol", account, cmd.login, ctx.home_node, Outcome.REFUSED, error.code))
        return error

    if isinstance(checked, PlatformError):
        return refuse(checked)
    assert account is not None
    try:
        check_password_policy(cmd.new_password, login=account.login)
    except PlatformError as error:
        return refuse(error)
    secret = totp_codes.generate_secret()
    enrolled = account.next_version(
        Change.ENROLLED,
        account.id,
        now,
        password_hash=c.passwords.hash(cmd.new_password),
        totp_secret=c.cipher.encrypt(secret, account.id),
    )
    ctx.repo.add_version(enrolled)
    ctx.audit(
        self_record("account.enrol", enrolled, cmd.login, ctx.home_node, Outcome.OK, "enrolment.enrolled", account)
    )
    return totp_codes.provisioning_uri(secret, account.login, c.totp_issuer)


def confirm(cmd: ConfirmEnrolment, ctx: Context) -> Account | PlatformError:
    """The now active account, or the error to answer with (already audited). Spends the code."""
    c = ctx.components
    now = c.clock()
    account, checked = _open(ctx, cmd.login, cmd.enrolment_code, now)

    def refuse(error: PlatformError) -> PlatformError:
        ctx.audit(self_record("account.enrol_confirm", account, cmd.login, ctx.home_node, Outcome.REFUSED, error.code))
        return error

    if isinstance(checked, PlatformError):
        return refuse(checked)
    assert account is not None
    if account.change is not Change.ENROLLED:
        return refuse(NotYetEnrolled())
    secret = c.cipher.decrypt(account.totp_secret, account.id)
    step = totp_codes.verify(secret, cmd.totp, last_step=ctx.repo.last_totp_step(account.id), at=now.timestamp())
    if step is None:
        return refuse(EnrolmentTotpInvalid())
    active = account.next_version(Change.CONFIRMED, account.id, now, status=Status.ACTIVE)
    ctx.repo.add_version(active)
    ctx.repo.spend_enrolment_code(checked.id, now)
    ctx.repo.add_attempt(account.login, account.id, now, "enrolled", totp_step=step, client=cmd.client)
    ctx.audit(
        self_record(
            "account.enrol_confirm", active, cmd.login, ctx.home_node, Outcome.OK, "enrolment.confirmed", account
        )
    )
    return active
