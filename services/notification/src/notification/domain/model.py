"""Notifications as the rules make them: who (a recipient key), by which channel, what (a rendered template), and
the retry policy of the outbox per channel. Standard library only."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

NAMESPACE = uuid.UUID("6f1c8a52-3d0e-4f5b-9a57-2b7e4c1d9e10")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    INBOX = "inbox"


SENT_CHANNELS = (Channel.EMAIL, Channel.SMS)  # the channels the sender delivers; the inbox is delivered on insert


class State(StrEnum):
    SENDING = "sending"  # recorded before the channel is asked: a crash after it resends (never loses)
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


def inspector(inspector_id: object) -> str:
    return f"inspector:{inspector_id}"


def account(account_id: object) -> str:
    return f"account:{account_id}"


def role(node: str, name: str) -> str:
    return f"role:{node}:{name}"


def entity(uscc: str) -> str:
    return f"entity:{uscc}"


def notification_id(event_id: str, recipient: str, channel: str) -> str:
    """The same id whenever the same event reaches the same recipient by the same channel (replays included)."""
    return str(uuid.uuid5(NAMESPACE, f"{event_id}|{recipient}|{channel}"))


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


@dataclass(frozen=True)
class Contact:
    """Where a holder (a staff account or an entity) is reached, as its latest version says."""

    holder: str
    node: str
    email: str | None
    mobile: str | None
    roles: tuple[str, ...] = ()
    inspector_id: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Notification:
    """One message to one recipient by one channel, rendered from a template at a version."""

    id: str
    event_id: str
    kind: str
    template_id: str
    template_version: int
    seed_section: str
    node: str
    recipient: str
    channel: Channel
    address: str | None
    subject: str
    body: str
    mandatory: bool
    created_at: datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff per channel, then failed: attempt n waits `first * 2**(n-1)`, at most `most`."""

    max_attempts: int = 6
    first: timedelta = timedelta(seconds=5)
    most: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.first <= timedelta(0) or self.most < self.first:
            raise ValueError("retry policy: max_attempts >= 1, 0 < first <= most")

    def wait_after(self, attempt: int) -> timedelta:
        """How long a notification waits after its `attempt`-th failed attempt."""
        return min(self.first * (2 ** max(attempt - 1, 0)), self.most)

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.max_attempts


@dataclass(frozen=True)
class Outgoing:
    """A notification claimed by the sender for its `attempt`-th delivery."""

    notification_id: str
    channel: Channel
    node: str
    address: str
    subject: str
    body: str
    attempt: int
    created_at: datetime

    @property
    def message_id(self) -> str:
        """The same Message-ID (and webhook idempotency key) on every attempt: a resent duplicate is detectable."""
        return f"<{self.notification_id}@notification.hrss>"


class DeliveryError(Exception):
    """A channel refused or could not take a message; `permanent` when trying again cannot help (a bad address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
