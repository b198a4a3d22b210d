"""What the notification service is asked to do, in the imperative. The events it consumes become `Notify`;
people keep their own contact details and mark what they read; administrators keep an entity's contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel


@dataclass(frozen=True)
class Notify:
    """Tell the people an event concerns, once (by event, recipient and channel)."""

    event: BaseModel
    event_id: str


@dataclass(frozen=True)
class NotifyMany:
    """`Notify` for a batch of events (a consumer's partition batch), in one transaction."""

    events: list[tuple[BaseModel, str]]


@dataclass(frozen=True)
class KeepMyContact:
    """A staff member's own e-mail address and mobile number (a new version; the old ones stay in history)."""

    email: str | None
    mobile: str | None


@dataclass(frozen=True)
class KeepEntityContact:
    """Where an entity receives its prior notices, kept by an administrator of the node that inspects it."""

    uscc: str
    node: str
    email: str | None
    mobile: str | None


@dataclass(frozen=True)
class MarkRead:
    """The caller read one notification of their inbox (a new row; nothing is updated)."""

    notification_id: str


@dataclass(frozen=True)
class KeepMyPreferences:
    """The caller's channels per kind (e-mail, SMS; the inbox always) and quiet hours ("HH:MM" in CST), a new
    version; kinds the rules make mandatory cannot be switched."""

    channels: dict[str, list[str]]
    quiet_start: str | None
    quiet_end: str | None


@dataclass(frozen=True)
class RunEscalations:
    """Tell the next level up of every overdue still open N working days on, as of `on` (None: today, CST); once
    per subject, kind and level."""

    on: date | None


@dataclass(frozen=True)
class RunReminders:
    """Remind of results coming due, as of `on` (None: today, CST); once per visit, kind and lead time."""

    on: date | None
