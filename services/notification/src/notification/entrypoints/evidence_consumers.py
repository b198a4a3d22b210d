"""Consumers of the notification service for the archive keepers and requesters (evidence's access requests,
decisions, loans and returns) and for the events that end an overdue (a result published, a correction closed, a
visit closed without a result). Each event goes the way every other does: `handlers.handle_event`, exactly once."""

from __future__ import annotations

from typing import Any

from hrss.bus.consumer import Received, consume
from hrss.contracts.events.evidence import (
    AccessGranted,
    AccessRefused,
    AccessRequested,
    ArchiveLent,
    ArchiveReturned,
)
from hrss.contracts.events.inspection import FollowUpClosed, ResultPublished, VisitStatusChanged
from notification.service_layer import handlers


class EvidenceAndDeadlineConsumers:
    """Mixin of the notification service."""

    def _as_service(self) -> Any: ...  # from hrss.web.HttpService

    def _notify(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())

    @consume(AccessRequested)
    def receive_access_requested(self, event: Received) -> None:
        self._notify(event)

    @consume(AccessGranted)
    def receive_access_granted(self, event: Received) -> None:
        self._notify(event)

    @consume(AccessRefused)
    def receive_access_refused(self, event: Received) -> None:
        self._notify(event)

    @consume(ArchiveLent)
    def receive_archive_lent(self, event: Received) -> None:
        self._notify(event)

    @consume(ArchiveReturned)
    def receive_archive_returned(self, event: Received) -> None:
        self._notify(event)

    @consume(ResultPublished)
    def receive_result_published(self, event: Received) -> None:
        self._notify(event)

    @consume(FollowUpClosed)
    def receive_follow_up_closed(self, event: Received) -> None:
        self._notify(event)

    @consume(VisitStatusChanged)
    def receive_visit_status(self, event: Received) -> None:
        self._notify(event)
