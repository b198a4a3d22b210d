"""The publication service's event consumers: inspection, planning, draw and registry events in, each handed to the
message bus as its command (`service_layer/handlers.py`); and the service's own record_published, to index.
A mixin of `PublicationService`."""

from __future__ import annotations

from typing import Any

from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import AssignmentDispatched, DrawCompleted
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened, ResultApproved, ResultPublished
from hrss.contracts.events.planning import PlanPublished, TaskCompleted, TaskPublished
from hrss.contracts.events.publication import RecordPublished
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged
from publication.service_layer import handlers


class EventConsumers:
    """Every event the publication service consumes."""

    _as_service: Any

    @consume(ResultApproved)
    def receive_approved(self, event: Received) -> None:
        self._receive(event)

    @consume(ResultPublished)
    def receive_decision(self, event: Received) -> None:
        self._receive(event)

    @consume(TaskPublished)
    def receive_task(self, event: Received) -> None:
        self._receive(event)

    @consume(PlanPublished)
    def receive_plan(self, event: Received) -> None:
        self._receive(event)

    @consume(FollowUpOpened)
    def receive_follow_up_opened(self, event: Received) -> None:
        self._receive(event)

    @consume(FollowUpClosed)
    def receive_follow_up_closed(self, event: Received) -> None:
        self._receive(event)

    @consume(TaskCompleted)
    def receive_completion(self, event: Received) -> None:
        self._receive(event)

    @consume(CheckItemChanged)
    def receive_check_item(self, event: Received) -> None:
        self._receive(event)

    @consume(DrawCompleted)
    def receive_draw(self, event: Received) -> None:
        self._receive(event)

    @consume(AssignmentDispatched)
    def receive_dispatch(self, event: Received) -> None:
        self._receive(event)

    @consume(EntityChanged, batch=True)
    def receive_entities(self, events: list[Received]) -> None:
        handlers.note_entities([e.payload for e in events], self._as_service())

    @consume(RecordPublished)
    def index_published(self, event: Received) -> None:
        """Our own published versions into the public index, after their transaction committed (indexing.py)."""
        self._receive(event)

    def _receive(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())
