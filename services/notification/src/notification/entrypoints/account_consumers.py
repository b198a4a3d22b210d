"""Consumers of the notification service for identity's account events: an enrolment code on its way to its holder
(service_layer/accounts.py), and a lockout or its early end, told to the holder and the node's administrators like
every other event (`handlers.handle_event`, routing.py). Each exactly once (the inbox of hrss.bus)."""

from __future__ import annotations

from typing import Any

from hrss.bus.consumer import Received, consume
from hrss.contracts.events.identity import AccountLocked, AccountUnlocked, EnrolmentCodeIssued
from notification.service_layer import accounts, handlers


class AccountConsumers:
    """Mixin of the notification service."""

    def _as_service(self) -> Any: ...  # from hrss.web.HttpService

    @consume(EnrolmentCodeIssued)
    def receive_enrolment_code(self, event: Received) -> None:
        accounts.receive_code(self._as_service(), event.payload, str(event.envelope.event_id))

    @consume(AccountLocked)
    def receive_account_locked(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())

    @consume(AccountUnlocked)
    def receive_account_unlocked(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())
