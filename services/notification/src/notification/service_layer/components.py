"""What the use cases are given besides the database: the nodes delegated to their own deployment, the retry
policy, the clock, the repository factory, the reminder lead time and the working-day calendar. Bootstrap builds
it from config; the use cases only read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar, provisional_calendar
from notification.domain.model import Channel

if TYPE_CHECKING:
    from notification.adapters.repository import NotificationRepository


def _not_injected(uow: Any) -> NotificationRepository:
    raise RuntimeError("no repository: bootstrap (or a test) injects one")


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    delegated: tuple[str, ...] = ()  # nodes below the served ones that run their own notification (federated)
    # the channels this deployment sends by (a channel not configured is not queued: SMTP host, SMS gateway URL)
    channels: frozenset[Channel] = frozenset(Channel)
    clock: Callable[[], datetime] = field(default=utcnow)
    repository: Callable[[Any], NotificationRepository] = _not_injected
    remind_before: int = 3  # working days before a visit's result is due that its team and planners are reminded
    escalate_after: int = 5  # working days an overdue stays open before the next level up is told (each step)
    calendar: Callable[[], WorkdayCalendar] = provisional_calendar  # the official working-day calendar
