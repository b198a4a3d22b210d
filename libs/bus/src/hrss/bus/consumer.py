"""The Kafka consumer entrypoint: apply each event exactly once, then move the offset.

For every polled batch, per partition and in offset order:
1. records that break their contract go straight to `<topic>.dlt` (retrying cannot help);
2. events already in the inbox are skipped and counted as duplicates;
3. the rest run in ONE worker and ONE transaction, which also writes their inbox rows;
4. if that fails, each event runs alone with bounded retries and backoff, then goes to the DLT;
5. only then is the offset committed.
Infrastructure failures (database or broker unreachable) never dead-letter: the loop restarts
from the last committed offset, and the inbox absorbs what is delivered again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import eventlet
from nameko.extensions import Entrypoint, register_entrypoint
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from hrss.audit import AuditRecord
from hrss.bus.broker import AbstractBroker, AbstractSubscription, Message, Record, TopicSpec, dead_letter_topic
from hrss.bus.config import addressed_topics_pattern, broker_from_config, delegated_nodes, served_nodes
from hrss.contracts import Contract, ContractError, Envelope, current_trace_id, registry
from hrss.db import Database
from hrss.observability import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """An event as a handler sees it: envelope, typed payload, and where it came from."""

    envelope: Envelope
    payload: BaseModel
    record: Record

    @contextlib.contextmanager
    def traced(self) -> Iterator[None]:
        """Within this block, logs and published events carry this event's trace id."""
        token = current_trace_id.set(self.envelope.trace_id)
        try:
            yield
        finally:
            current_trace_id.reset(token)


class Transient(Exception):
    """The database or broker is unavailable: restart from the committed offset, do not dead-letter."""


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (OperationalError, InterfaceError, Transient)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class EventConsumer(Entrypoint):
    """Consumes one contract's topic(s) for the nodes this process serves."""

    def __init__(
        self,
        contract: Contract,
        *,
        group: str | None = None,
        batch_size: int = 500,
        max_attempts: int = 5,
        backoff: float = 0.2,
        backoff_max: float = 5.0,
        concerns: Callable[[Received, str], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        self.contract = contract
        self.concerns = concerns  # (event, service name) → whether an applied event gets its audit entry
        self.group = group
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.backoff_max = backoff_max
        self._stopping = False
        self._thread: Any = None
        super().__init__(**kwargs)

    def setup(self) -> None:
        config = self.container.config
        nodes = served_nodes(config)
        codes = [n.code for n in nodes]
        self.pattern: str | None = None
        if self.contract.addressed:
            self.topics = [self.contract.topic_for(code) for code in codes]
            self.pattern = addressed_topics_pattern(self.contract.topic, nodes, delegated_nodes(config))
        else:
            self.topics = [self.contract.topic]
        self.name = self.group or f"{self.container.service_name}.{self.method_name}.{'+'.join(codes)}"
        databases = [d for d in self.container.dependencies if isinstance(d, Database)]
        if len(databases) != 1:
            raise RuntimeError(f"{self.name}: an event consumer needs exactly one Database dependency")
        self.database = databases[0]
        self.broker: AbstractBroker = broker_from_config(config, client_id=self.name)

    def start(self) -> None:
        self._stopping = False
        self._thread = self.container.spawn_managed_thread(self._run, identifier=f"consumer:{self.name}")

    def stop(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._thread.wait()

    def kill(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._thread.kill()

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        while not self._stopping:
            subscription: AbstractSubscription | None = None
            try:
                subscription = self._subscribe()
                while not self._stopping:
                    records = subscription.poll(self.batch_size, 0.5)
                    if records:
                        self._process(subscription, records)
                        failures = 0
                    for (topic, partition), lag in subscription.lag().items():
                        metrics.CONSUMER_LAG.labels(self.name, topic, str(partition)).set(lag)
                    eventlet.sleep(0)  # never starve other green threads, whatever the broker does
            except Exception:
                failures += 1
                metrics.CONSUMER_LOOP_FAILURES.labels(self.name).inc()
                log.exception("consumer %s failed; restarting from the committed offsets", self.name)
                eventlet.sleep(min(self.backoff * 2**failures, self.backoff_max))
            finally:
                if subscription is not None:
                    try:
                        subscription.close()
                    except Exception:
                        log.exception("consumer %s could not close its subscription", self.name)

    def _subscribe(self) -> AbstractSubscription:
        """Addressed contracts: the served nodes' own topics exist from the start, and topics of nodes below them
        are joined by pattern as they appear; others: the contract's one topic."""
        if self.pattern is None:
            subscription = self.broker.subscribe(self.name, self.topics, max_records=self.batch_size)
            log.info("consumer %s subscribed to %s", self.name, ",".join(self.topics))
            return subscription
        self.broker.ensure_topics(TopicSpec(t) for t in self.topics)
        subscription = self.broker.subscribe_pattern(self.name, self.pattern, max_records=self.batch_size)
        log.info("consumer %s subscribed to topics matching %s", self.name, self.pattern)
        return subscription

    def _process(self, subscription: AbstractSubscription, records: list[Record]) -> None:
        """Apply each partition's records concurrently (own worker, own transaction), then commit them all.

        Order holds within a partition, which is all Kafka promises. If any partition meets an
        infrastructure failure, nothing is committed and the loop restarts; the inbox absorbs what
        the other partitions had already applied.
        """
        by_partition: dict[tuple[str, int], list[Record]] = {}
        for record in records:
            by_partition.setdefault(record.position, []).append(record)
        pile: eventlet.GreenPile = eventlet.GreenPile(len(by_partition))
        for batch in by_partition.values():
            pile.spawn(self._process_partition, batch)
        list(pile)  # waits for all; re-raises the first failure
        subscription.commit({position: batch[-1].offset + 1 for position, batch in by_partition.items()})

    def _process_partition(self, batch: list[Record]) -> None:
        received = [item for item in (self._decode(record) for record in batch) if item is not None]
        fresh = self._without_duplicates(received)
        if fresh and self._apply(fresh) is not None:
            for item in fresh:
                self._apply_with_retries(item)

    def _decode(self, record: Record) -> Received | None:
        try:
            envelope = Envelope.from_bytes(record.value)
            payload = registry.validate(envelope)
            if (envelope.type, envelope.schema_version) != (self.contract.type, self.contract.version):
                raise ContractError("contract.mismatch", f"主题 {record.topic} 只接收 {self.contract.topic}")
            if self.contract.topic_for(envelope.target_node) != record.topic:
                raise ContractError("envelope.wrong_topic", f"事件的接收节点 {envelope.target_node} 与主题不符")
        except ContractError as exc:
            self._dead_letter(record, exc.code, exc.message, attempts=1, reason="contract")
            return None
        return Received(envelope, payload, record)

    def _without_duplicates(self, received: list[Received]) -> list[Received]:
        if not received:
            return []
        inbox = self.database.inbox
        ids = [item.envelope.event_id for item in received]
        try:
            with self.database.engine.connect() as connection:  # type: ignore[union-attr]
                seen = set(connection.execute(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids))).scalars())
        except DBAPIError as exc:
            raise Transient(str(exc)) from exc
        fresh = []
        for item in received:
            if item.envelope.event_id in seen:
                metrics.CONSUMER_DUPLICATES.labels(self.name, item.record.topic).inc()
                continue
            seen.add(item.envelope.event_id)
            fresh.append(item)
        return fresh

    # -- running handlers -----------------------------------------------------------------

    def _apply(self, items: list[Received]) -> BaseException | None:
        """Run the handler over `items` in one worker and one transaction; the error if it failed."""
        outcome: dict[str, Any] = {}
        handle_result = functools.partial(self._commit, items, outcome)
        worker_ctx = self.container.spawn_worker(
            self, (items,), {}, context_data={"trace_id": items[0].envelope.trace_id}, handle_result=handle_result
        )
        # nameko 2.14 returns the worker context; its green thread is kept in the container's map.
        thread = self.container._worker_threads.get(worker_ctx)
        if thread is not None:
            thread.wait()
        if "error" not in outcome:
            raise Transient("the worker ended before its result was handled")
        error = outcome.get("error")
        if error is None:
            for item in items:
                metrics.CONSUMER_EVENTS.labels(self.name, item.record.topic).inc()
            return None
        if _is_transient(error):
            raise Transient(str(error)) from error
        return error

    def _commit(self, items: list[Received], outcome: dict[str, Any], worker_ctx: Any, result: Any, exc_info: Any):  # type: ignore[no-untyped-def]
        if exc_info is None:
            unit = self.database.unit_of_work(worker_ctx)
            try:
                unit.session.execute(
                    insert(self.database.inbox),
                    [
                        {
                            "event_id": item.envelope.event_id,
                            "consumer": self.name,
                            "topic": item.record.topic,
                            "partition": item.record.partition,
                            "offset": item.record.offset,
                            "event_type": item.envelope.type,
                            "trace_id": item.envelope.trace_id,
                        }
                        for item in items
                    ],
                )
                if self.database.audit_log is not None:
                    service = self.container.service_name
                    for item in items:
                        if self.concerns is None or self.concerns(item, service):
                            unit.audit(self._audit_record(item), node=self._audit_node(item))
                unit.commit()
            except Exception:
                unit.rollback()
                exc_info = sys.exc_info()
        outcome["error"] = exc_info[1] if exc_info is not None else None
        return result, exc_info

    def _audit_record(self, item: Received) -> AuditRecord:
        """The one audit entry of an applied event, written by the service under its own identity."""
        envelope = item.envelope
        return AuditRecord(
            actor=f"service:{self.container.service_name}",
            actor_role="service",
            actor_kind="service",
            action=f"event.apply:{envelope.type}.v{envelope.schema_version}",
            object_type=envelope.type.partition(".")[0],
            object_id=envelope.subject,
            event_id=str(envelope.event_id),
            request_id=envelope.trace_id,
            detail={"producer": f"{envelope.producer.service}@{envelope.producer.node}", "consumer": self.name},
        )

    def _audit_node(self, item: Received) -> str:
        target = item.envelope.target_node
        return target if target in self.database.nodes else self.database.nodes[0]

    def _apply_with_retries(self, item: Received) -> None:
        error: BaseException | None = None
        for attempt in range(1, self.max_attempts + 1):
            if not self._without_duplicates([item]):
                return
            error = self._apply([item])
            if error is None:
                return
            if isinstance(error, IntegrityError) and not self._without_duplicates([item]):
                return  # another member applied it meanwhile
            if attempt < self.max_attempts:
                metrics.CONSUMER_RETRIES.labels(self.name, item.record.topic).inc()
                eventlet.sleep(min(self.backoff * 2 ** (attempt - 1), self.backoff_max))
        assert error is not None
        self._dead_letter(item.record, type(error).__name__, str(error), attempts=self.max_attempts, reason="handler")

    def _dead_letter(self, record: Record, code: str, message: str, *, attempts: int, reason: str) -> None:
        headers = dict(record.headers)
        headers.update(
            {
                "dlt.error.code": code.encode(),
                "dlt.error.message": message[:4000].encode("utf-8"),
                "dlt.attempts": str(attempts).encode(),
                "dlt.origin.topic": record.topic.encode(),
                "dlt.origin.partition": str(record.partition).encode(),
                "dlt.origin.offset": str(record.offset).encode(),
                "dlt.consumer": self.name.encode(),
                "dlt.failed_at": datetime.now(UTC).isoformat().encode(),
            }
        )
        target = dead_letter_topic(record.topic)
        self.broker.ensure_topics([TopicSpec(target)])
        self.broker.publish_many([Message(target, record.key, record.value, headers)])
        metrics.CONSUMER_DEAD_LETTERS.labels(self.name, record.topic, reason).inc()
        log.error(
            "consumer %s sent %s[%s]@%s to %s: %s %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            target,
            code,
            message,
        )


def consume(
    model_or_contract: type[BaseModel] | Contract, *, batch: bool = False, **options: Any
) -> Callable[[Callable], Callable]:
    """Declare a handler for one contract; see EventConsumer for the guarantees.

    By default the handler is `fn(self, event: Received)`, called once per event. With `batch=True` it is
    `fn(self, events: list[Received])`, called once per partition batch (and with one event at a time when a
    batch fails), so that it can write many rows in one statement; `event.traced()` scopes trace ids.
    """
    contract = model_or_contract if isinstance(model_or_contract, Contract) else registry.contract_of(model_or_contract)

    def decorate(fn: Callable) -> Callable:
        if batch:
            register_entrypoint(fn, EventConsumer(contract, **options))
            return fn

        @functools.wraps(fn)
        def apply_each(self: Any, events: list[Received]) -> None:
            for event in events:
                with event.traced():
                    fn(self, event)

        register_entrypoint(apply_each, EventConsumer(contract, **options))
        return apply_each

    return decorate
