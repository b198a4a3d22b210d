"""The outbox per channel as the sender sees it: claim what is due, then record each outcome. Every step is a new
`delivery` row (history); only the `pending` projection changes (its due time and attempt count) and loses a row
once its notification is sent or given up.

Each step is ONE statement on a connection the queue keeps (one queue per sender thread), so that recording a
message costs one round trip to the database, not a pool checkout, a BEGIN, two statements and a COMMIT: a claim
leases a batch and records its `sending` rows together, and `sent` records the batch and drops it from `pending`
together. A statement is its own transaction (autocommit), all or nothing.

Its transactions commit without waiting for the WAL flush (`synchronous_commit off`): losing the last of them in a
database crash can only make a message be sent again (its `sent` forgotten, its lease back), never lost, which is
the at-least-once the sender already has; a flush per message would cap a channel at the disk's fsync rate."""

from __future__ import annotations

import abc
import contextlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from notification.adapters.orm import delivery, notification, pending
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

    @abc.abstractmethod
    def close(self) -> None:
        """Give back any connection held between steps."""


_P, _N, _D = pending.fullname, notification.fullname, delivery.fullname

_CLAIM = text(
    f"""
WITH due AS (
    SELECT notification_id, due_at FROM {_P}
    WHERE channel = :channel AND due_at <= :now
    ORDER BY due_at, notification_id LIMIT :limit
    FOR UPDATE SKIP LOCKED
), leased AS (
    UPDATE {_P} p SET attempts = p.attempts + 1, due_at = :until FROM due
    WHERE p.notification_id = due.notification_id
    RETURNING p.notification_id, p.attempts, due.due_at
), recorded AS (
    INSERT INTO {_D} (notification_id, attempt, state, at) SELECT notification_id, attempts, :sending, :now FROM leased
)
SELECT n.id, n.node, n.address, n.subject, n.body, n.created_at, l.attempts
FROM leased l JOIN {_N} n ON n.id = l.notification_id
ORDER BY l.due_at, n.id
"""
)

_SENT = text(
    f"""
WITH gone AS (DELETE FROM {_P} WHERE notification_id = ANY(CAST(:ids AS text[])))
INSERT INTO {_D} (notification_id, attempt, state, at)
SELECT id, attempt, :sent, :now FROM unnest(CAST(:ids AS text[]), CAST(:attempts AS integer[])) AS s(id, attempt)
"""
)

_RETRY = text(
    f"""
WITH later AS (UPDATE {_P} SET due_at = :due WHERE notification_id = :id)
INSERT INTO {_D} (notification_id, attempt, state, error, at) VALUES (:id, :attempt, :retry, :error, :now)
"""
)

_FAIL = text(
    f"""
WITH gone AS (DELETE FROM {_P} WHERE notification_id = :id)
INSERT INTO {_D} (notification_id, attempt, state, error, at) VALUES (:id, :attempt, :failed, :error, :now)
"""
)


class SqlDeliveryQueue(DeliveryQueue):
    """One sender thread's queue: it keeps one connection (autocommit, `synchronous_commit off`) between steps, and
    drops it after a database error, to connect again on the next step. Not to be shared between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._held: Connection | None = None

    def _execute(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        if self._held is None:
            held = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            held.exec_driver_sql("SET synchronous_commit TO OFF")
            self._held = held
        try:
            result = self._held.execute(statement, params)
            return list(result) if result.returns_rows else []
        except DBAPIError:
            self.close()
            raise

    def claim(self, channel: Channel, limit: int, now: datetime, lease: timedelta) -> list[Outgoing]:
        params = {"channel": str(channel), "now": now, "limit": limit, "until": now + lease}
        rows = self._execute(_CLAIM, {**params, "sending": str(State.SENDING)})
        return [Outgoing(r.id, channel, r.node, r.address, r.subject, r.body, r.attempts, r.created_at) for r in rows]

    def sent(self, claimed: list[Outgoing], now: datetime) -> None:
        if claimed:
            ids, attempts = [c.notification_id for c in claimed], [c.attempt for c in claimed]
            self._execute(_SENT, {"ids": ids, "attempts": attempts, "sent": str(State.SENT), "now": now})

    def retry(self, claimed: Outgoing, error: str, due: datetime, now: datetime) -> None:
        params = {"id": claimed.notification_id, "attempt": claimed.attempt, "error": error[:2000], "now": now}
        self._execute(_RETRY, {**params, "due": due, "retry": str(State.RETRY)})

    def fail(self, claimed: Outgoing, error: str, now: datetime) -> None:
        params = {"id": claimed.notification_id, "attempt": claimed.attempt, "error": error[:2000], "now": now}
        self._execute(_FAIL, {**params, "failed": str(State.FAILED)})

    def oldest(self, channel: Channel) -> datetime | None:
        rows = self._execute(select(func.min(pending.c.created_at)).where(pending.c.channel == str(channel)), {})
        return rows[0][0] if rows else None

    def close(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(DBAPIError):
                held.exec_driver_sql("RESET synchronous_commit")
            with contextlib.suppress(DBAPIError):
                held.close()
