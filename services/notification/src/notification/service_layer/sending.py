"""The sender's work for one channel: claim what is due, hand each message to the channel, record each outcome.

Never lost: a message is recorded `sending` (and leased) before the channel sees it, and `sent` only after the
channel accepted it; a sender killed in between leaves it leased, and once the lease ends it is sent again. So a
channel sees a message at least once, and twice only when the sender died after the channel accepted it and
before `sent` was committed (at most `confirm_every` messages per death); the Message-ID (e-mail) and the
Idempotency-Key (SMS gateway) are the same on every attempt, so such a duplicate is detectable by the receiver."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from notification import metrics
from notification.domain.model import Channel, DeliveryError, Outgoing, RetryPolicy

if TYPE_CHECKING:
    from notification.adapters.channels import Transport
    from notification.adapters.queue import DeliveryQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderSettings:
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    batch: int = 200
    lease: timedelta = timedelta(minutes=2)  # longer than a batch takes: a live sender's claims are never retaken
    confirm_every: int = 1  # messages accepted before `sent` is committed (the duplicate window after a kill)


def deliver_once(
    queue: DeliveryQueue,
    transport: Transport,
    channel: Channel,
    settings: SenderSettings,
    clock: Callable[[], datetime],
) -> int:
    """One batch of `channel`: how many messages were claimed (0: nothing due)."""
    claimed = queue.claim(channel, settings.batch, clock(), settings.lease)
    accepted: list[Outgoing] = []

    def confirm() -> None:
        if accepted:
            queue.sent(accepted, clock())
            metrics.SENT.labels(str(channel)).inc(len(accepted))
            accepted.clear()

    for message in claimed:
        try:
            transport.send(message)
        except DeliveryError as error:
            confirm()
            now = clock()
            if error.permanent or settings.policy.gives_up_after(message.attempt):
                queue.fail(message, str(error), now)
                metrics.FAILED.labels(str(channel)).inc()
                log.warning("notification %s failed for good on %s", message.notification_id, channel)
            else:
                queue.retry(message, str(error), now + settings.policy.wait_after(message.attempt), now)
                metrics.RETRIED.labels(str(channel)).inc()
            continue
        accepted.append(message)
        if len(accepted) >= settings.confirm_every:
            confirm()
    confirm()
    return len(claimed)
