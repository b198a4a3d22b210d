"""What the use cases are given besides the database: the nodes delegated to their own deployment, the retry
policy, the clock and the repository factory. Bootstrap builds it from config; the use cases only read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.contracts import utcnow
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
