"""Identity events: what happened to an account that its holder, or the level above, must be told."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


@event_contract("identity.enrolment_reset", 1)
class EnrolmentReset(BaseModel):
    """An account's enrolment was reset: its password, authenticator and sessions stopped working and a new code
    was issued (`EnrolmentCodeIssued` carries it, sealed, to the holder). The holder is to be told through a channel
    of their own (the notification service delivers it), so that a reset they did not ask for does not go
    unnoticed."""

    model_config = ConfigDict(extra="forbid")

    account_id: uuid.UUID
    node: NodeCode  # the account's node
    reset_by: str  # the account that reset it (for an administrator: the approving second administrator)
    requested_by: str | None = Field(default=None, max_length=100)  # who asked, when a second person approved
    reason: str | None = Field(default=None, max_length=2000)
    reset_at: AwareDatetime
    code_expires_at: AwareDatetime


@event_contract("identity.sessions_ended", 1)
class SessionsEnded(BaseModel):
    """Sessions of an account ended (logout, reset, password change, roles or inspector changed, account disabled):
    every service refuses the access tokens of these sessions from the moment it reads this, without waiting for
    them to expire (`hrss.bus.revocations`)."""

    model_config = ConfigDict(extra="forbid")

    account_id: uuid.UUID
    node: NodeCode  # the account's node
    session_ids: list[str] = Field(min_length=1, max_length=10_000)
    reason: str = Field(max_length=40)  # logout, reset, password, inspector, roles, disabled, refresh_reused
    ended_at: AwareDatetime


class SealedCode(BaseModel):
    """An enrolment code on its way to one address of its holder: sealed (`hrss.auth.sealing`) to each notification
    deployment's key for the context `enrolment-code|<account id>|<address>`, so that it opens only for that account
    and that address, and only where the private key is."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["email", "sms"]
    address: str = Field(min_length=3, max_length=254)
    tokens: list[str] = Field(min_length=1, max_length=10)  # one per recipient key (two during a rotation)


@event_contract("identity.enrolment_code_issued", 1)
class EnrolmentCodeIssued(BaseModel):
    """A one-time enrolment code was issued (account created, or enrolment reset): the notification service sends
    it to the holder's own e-mail address and/or mobile number, given when the account was made. The code is never
    in clear here: only sealed boxes the notification sender opens at send time."""

    model_config = ConfigDict(extra="forbid")

    account_id: uuid.UUID
    node: NodeCode  # the account's node (whose notification deployment delivers it)
    login: str = Field(max_length=64)
    name: str = Field(max_length=100)
    why: Literal["created", "reset"]
    issued_by: str = Field(max_length=100)
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    deliver_to: list[SealedCode] = Field(min_length=1, max_length=2)


@event_contract("identity.account_locked", 1)
class AccountLocked(BaseModel):
    """Too many failed logins locked an account: its holder and the administrators of its node are told."""

    model_config = ConfigDict(extra="forbid")

    account_id: uuid.UUID
    node: NodeCode
    login: str = Field(max_length=64)
    locked_at: AwareDatetime
    locked_until: AwareDatetime
    client: str | None = Field(default=None, max_length=64)  # the address the last failure came from


@event_contract("identity.account_unlocked", 1)
class AccountUnlocked(BaseModel):
    """An administrator lifted a login lockout early (`POST /accounts/<id>/unlock`): the holder and the
    administrators of the node are told who did it and why."""

    model_config = ConfigDict(extra="forbid")

    account_id: uuid.UUID
    node: NodeCode
    login: str = Field(max_length=64)
    unlocked_by: str = Field(max_length=100)
    reason: str = Field(max_length=2000)
    was_locked: bool
    unlocked_at: AwareDatetime
