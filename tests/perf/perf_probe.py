"""Variants of the e2e probe service, to measure proposed library changes without editing libs.

Chosen by environment variables (bench_dispatch.py sets them from its options):
  PERF_CONSUMER_BATCH=N        the EventConsumer batch_size (the probe's own is 500)
  PERF_BATCH_HANDLER=1         one multi-row INSERT per batch instead of one INSERT per event
                               (the handler receives the whole batch, as EventConsumer already
                               passes it to the worker)
  PERF_PARALLEL_PARTITIONS=1   apply the partitions of a polled batch concurrently (one green
                               thread and one transaction each), then commit all their offsets
                               in one call
With none of them set it behaves like probe.service:ProbeService.
"""

from __future__ import annotations

import os
from typing import Any

import eventlet
from nameko.extensions import register_entrypoint
from probe.contracts import Dispatched
from probe.model import applied
from probe.service import ProbeService
from sqlalchemy import insert

from hrss.bus import Received, consume
from hrss.bus.broker import AbstractSubscription, Record
from hrss.bus.consumer import EventConsumer
from hrss.contracts import registry

BATCH = int(os.environ.get("PERF_CONSUMER_BATCH") or 500)
BATCH_HANDLER = os.environ.get("PERF_BATCH_HANDLER") == "1"
PARALLEL = os.environ.get("PERF_PARALLEL_PARTITIONS") == "1"


class ParallelPartitionsConsumer(EventConsumer):
    """EventConsumer whose _process applies partitions concurrently and commits offsets once."""

    def _process(self, subscription: AbstractSubscription, records: list[Record]) -> None:
        by_partition: dict[tuple[str, int], list[Record]] = {}
        for record in records:
            by_partition.setdefault(record.position, []).append(record)

        def one(batch: list[Record]) -> None:
            received = [item for item in (self._decode(record) for record in batch) if item is not None]
            fresh = self._without_duplicates(received)
            if fresh and self._apply(fresh) is not None:
                for item in fresh:
                    self._apply_with_retries(item)

        pile = eventlet.GreenPile(len(by_partition) or 1)
        for batch in by_partition.values():
            pile.spawn(one, batch)
        list(pile)  # re-raises the first failure: nothing is committed then
        subscription.commit({position: batch[-1].offset + 1 for position, batch in by_partition.items()})


def _row(event: Received) -> dict[str, Any]:
    payload = event.payload
    assert isinstance(payload, Dispatched)
    return {
        "dispatch_id": payload.dispatch_id,
        "event_id": event.envelope.event_id,
        "batch": payload.batch,
        "seq": payload.seq,
        "county": event.envelope.target_node,
        "created_at": payload.created_at,
    }


def _apply_batch(self: Any, batch: list[Received]) -> None:
    self.db.session.execute(insert(applied), [_row(event) for event in batch])


def _apply_one(self: Any, event: Received) -> None:
    self.db.session.execute(insert(applied).values(**_row(event)))


class PerfProbeService(ProbeService):
    name = "probe"

    if BATCH_HANDLER or PARALLEL:
        entrypoint_class = ParallelPartitionsConsumer if PARALLEL else EventConsumer
        if BATCH_HANDLER:
            apply_dispatch = _apply_batch
        else:

            def apply_dispatch(self, batch: list[Received]) -> None:  # type: ignore[override]
                for event in batch:
                    _apply_one(self, event)

        register_entrypoint(apply_dispatch, entrypoint_class(registry.contract_of(Dispatched), batch_size=BATCH))
        del entrypoint_class
    else:
        apply_dispatch = consume(Dispatched, batch_size=BATCH)(_apply_one)  # type: ignore[assignment]
