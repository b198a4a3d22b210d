"""Identity events: what happened to an account that its holder, or the level above, must be told."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


@event_contract("identity.enrolment_reset", 1)
class EnrolmentReset(BaseModel):
    """An account's enrolment was reset: its password, authenticator and sessions stopped working and a new code
    was issued to the person who reset it. The holder is to be told through a channel of their own (the
    notification service delivers it), so that a reset they did not ask for does not go unnoticed."""

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
