"""The outbox per channel as the sender sees it: claim what is due, then record each outcome. Every step is a new
`delivery` row (history); only the `pending` projection changes (its due time and attempt count) and loses a row
once its notification is sent or given up.

Its transactions commit without waiting for the WAL flush (`synchronous_commit off`): losing the last of them in a
database crash can only make a message be sent again (its `sent` forgotten, its lease back), never lost, which is
the at-least-once the sender already has; a flush per message would cap a channel at the disk's fsync rate."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, func, insert, select, text, update

from notification.adapters.orm import delivery, notification, pending
from notification.adapters.repository import drop_pending
from notification.domain.model import Channel, Outgoing, State


class DeliveryQueue(abc.ABC):
    @abc.abstractmethod
    def claim(self, channel: Channel, limit: int, now: datetime, lease: timedelta) -> list[Outgoing]:
        """Up to `limit` due notifications of `channel`, oldest first, each recorded as `sending` (its next attempt)
        and leased until `now + lease`: a sender that dies leaves them to be claimed again when the lease ends."""

    @abc.abstractmethod
    def sent(self, claimed: list[Outgoing], now: datetime) -> None: ...

    @abc.abstractmethod
    def retry(self, claimed: Outgoing, error: str, due: datetime, now: datetime) -> None: ...

    @abc.abstractmethod
    def fail(self, claimed: Outgoing, error: str, now: datetime) -> None: ...

    @abc.abstractmethod
    def oldest(self, channel: Channel) -> datetime | None:
        """When the oldest notification still waiting on `channel` was made (for the queue-age gauge)."""


class SqlDeliveryQueue(DeliveryQueue):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
            yield connection

    def claim(self, channel: Channel, limit: int, now: datetime, lease: timedelta) -> list[Outgoing]:
        p, n = pending.c, notification.c
        with self._begin() as connection:
            due = connection.execute(
                select(p.notification_id, p.attempts)
                .where(p.channel == str(channel), p.due_at <= now)
                .order_by(p.due_at, p.notification_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if not due:
                return []
            ids = [row.notification_id for row in due]
            connection.execute(
                update(pending).where(p.notification_id.in_(ids)).values(attempts=p.attempts + 1, due_at=now + lease)
            )
            connection.execute(
                insert(delivery),
                [
                    {
                        "notification_id": r.notification_id,
                        "attempt": r.attempts + 1,
                        "state": str(State.SENDING),
                        "at": now,
                    }
                    for r in due
                ],
            )
            attempts = {row.notification_id: row.attempts + 1 for row in due}
            rows = connection.execute(
                select(n.id, n.node, n.address, n.subject, n.body, n.created_at).where(n.id.in_(ids))
            ).all()
        found = {
            row.id: Outgoing(
                row.id, channel, row.node, row.address, row.subject, row.body, attempts[row.id], row.created_at
            )
            for row in rows
        }
        return [found[i] for i in ids]

    def sent(self, claimed: list[Outgoing], now: datetime) -> None:
        if not claimed:
            return
        with self._begin() as connection:
            connection.execute(
                insert(delivery),
                [
                    {"notification_id": c.notification_id, "attempt": c.attempt, "state": str(State.SENT), "at": now}
                    for c in claimed
                ],
            )
            drop_pending(connection, [c.notification_id for c in claimed])

    def retry(self, claimed: Outgoing, error: str, due: datetime, now: datetime) -> None:
        with self._begin() as connection:
            connection.execute(
                insert(delivery).values(
                    notification_id=claimed.notification_id,
                    attempt=claimed.attempt,
                    state=str(State.RETRY),
                    error=error[:2000],
                    at=now,
                )
            )
            connection.execute(
                update(pending).where(pending.c.notification_id == claimed.notification_id).values(due_at=due)
            )

    def fail(self, claimed: Outgoing, error: str, now: datetime) -> None:
        with self._begin() as connection:
            connection.execute(
                insert(delivery).values(
                    notification_id=claimed.notification_id,
                    attempt=claimed.attempt,
                    state=str(State.FAILED),
                    error=error[:2000],
                    at=now,
                )
            )
            drop_pending(connection, [claimed.notification_id])

    def oldest(self, channel: Channel) -> datetime | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(func.min(pending.c.created_at)).where(pending.c.channel == str(channel))
            ).scalar()
