"""Follow `identity.sessions_ended` into a process's `RevokedSessions`, so ended sessions' tokens stop at once.

Every process that checks access tokens reads the topic from its start (retention bounds it; entries older than a
token's lifetime are skipped), outside any consumer group's committed offsets: a restarted process rebuilds the
set the same way, and nothing is stored. Reading is best-effort by nature: while the bus is unreachable the
process keeps the set it has and retries; a token then lapses at its expiry (10 minutes) as before.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import eventlet

from hrss.auth.revocations import RevokedSessions
from hrss.bus.broker import AbstractBroker, AbstractSubscription
from hrss.contracts import ContractError, Envelope, registry
from hrss.contracts.events.identity import SessionsEnded

log = logging.getLogger(__name__)

TOPIC = registry.contract_of(SessionsEnded).topic
POLL_SECONDS = 1.0


def apply_record(revoked: RevokedSessions, value: bytes | None) -> bool:
    """Add the sessions one record announces; False (and nothing added) for a record that is not one."""
    try:
        envelope = Envelope.from_bytes(value)
        payload = registry.validate(envelope)
    except (ContractError, ValueError):
        return False
    if not isinstance(payload, SessionsEnded):
        return False
    revoked.add(payload.session_ids, payload.ended_at.timestamp())
    return True


class RevocationFeed:
    """`run()` reads the topic into `revoked` until `stop()`; each process reads as a group of its own."""

    def __init__(
        self,
        broker_factory: Callable[[], AbstractBroker],
        revoked: RevokedSessions,
        reader: str,
        *,
        retry_seconds: float = 5.0,
    ) -> None:
        self.broker_factory, self.revoked, self.retry_seconds = broker_factory, revoked, retry_seconds
        self.group = f"revocations.{reader}.{uuid.uuid4().hex[:12]}"  # never committed: read from the start
        self.running = True
        self.applied = 0

    def run(self) -> None:
        while self.running:
            subscription: AbstractSubscription | None = None
            try:
                subscription = self.broker_factory().subscribe(self.group, [TOPIC])
                while self.running:
                    for record in subscription.poll(500, POLL_SECONDS):
                        self.applied += apply_record(self.revoked, record.value)
            except Exception:
                log.warning("revocation feed %s: the bus failed; retrying", self.group, exc_info=True)
                eventlet.sleep(self.retry_seconds)
            finally:
                if subscription is not None:
                    try:
                        subscription.close()
                    except Exception:
                        log.warning("revocation feed %s could not close its subscription", self.group)

    def stop(self) -> None:
        self.running = False
