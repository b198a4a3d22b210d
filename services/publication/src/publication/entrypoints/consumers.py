"""The publication service's event consumers: inspection, planning, draw and registry events in, each handed to the
message bus as its command (`service_layer/handlers.py`); and the service's own record_published, to index. Results
and indexing are consumed in batches (one transaction each, as every batch; the rows and the bulk shared).
A mixin of `PublicationService`."""

from __future__ import annotations

from typing import Any, cast

import eventlet

from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import AssignmentDispatched, DrawCompleted
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened, ResultApproved, ResultPublished
from hrss.contracts.events.planning import PlanPublished, TaskCompleted, TaskPublished
from hrss.contracts.events.publication import RecordPublished
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged
from publication.service_layer import batches, handlers

BATCH = 500  # events per consumed batch (and transaction) of the result and indexing consumers


class EventConsumers:
    """Every event the publication service consumes."""

    _as_service: Any

    @consume(ResultApproved, batch=True, batch_size=BATCH)
    def receive_approved(self, events: list[Received]) -> None:
        self._receive_results(events)

    @consume(ResultPublished, batch=True, batch_size=BATCH)
    def receive_decision(self, events: list[Received]) -> None:
        self._receive_results(events)

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

    @consume(RecordPublished, batch=True, batch_size=BATCH)
    def index_published(self, events: list[Received]) -> None:
        """Our own published versions into the public index, after their transaction committed, one bulk per
        batch (indexing.py)."""
        handlers.index_published([cast(RecordPublished, e.payload) for e in events], self._as_service())

    def _receive_results(self, events: list[Received]) -> None:
        """A batch of result events published in the consumer's one transaction, each as it would be alone
        (service_layer/batches.py)."""
        with batches.results_batch(self._as_service(), [e.payload for e in events]) as ctx:
            for event in events:
                with event.traced():
                    handlers.handle_event(event.payload, str(event.envelope.event_id), ctx)
                # a batch reads and writes at its ends: between them it only computes, and without a yield the
                # Kafka clients' heartbeats starve, the broker drops the member and the offsets cannot commit
                eventlet.sleep(0)

    def _receive(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())
