"""Fakes for unit tests; each passes the same contract tests as its real adapter."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterable

from pydantic import BaseModel

from hrss.audit import AuditRecord
from hrss.bus.broker import (
    AbstractBroker,
    AbstractSubscription,
    Message,
    PublishError,
    Record,
    TopicPartition,
    TopicSpec,
)
from hrss.contracts import Envelope, current_trace_id, new_trace_id, producing_node
from hrss.db.unit_of_work import build_envelope


class InMemoryBroker(AbstractBroker):
    """Partitioned topics, committed offsets per group; one member per group at a time."""

    def __init__(self, partitions: int = 3) -> None:
        self.partitions = partitions
        self.topics: dict[str, list[list[Record]]] = {}
        self.committed: dict[tuple[str, str, int], int] = {}
        self.fail_next_publish = False

    def ensure_topics(self, topics: Iterable[TopicSpec]) -> None:
        for spec in topics:
            self.topics.setdefault(spec.name, [[] for _ in range(self.partitions)])

    def publish_many(self, messages: list[Message]) -> None:
        if self.fail_next_publish:
            self.fail_next_publish = False
            raise PublishError("injected failure")
        for message in messages:
            if message.topic not in self.topics:
                raise PublishError(f"unknown topic {message.topic}")
        for message in messages:
            partitions = self.topics[message.topic]
            index = zlib.crc32(message.key) % len(partitions) if message.key is not None else 0
            log = partitions[index]
            log.append(Record(message.topic, index, len(log), message.key, message.value, dict(message.headers)))

    def subscribe(self, group: str, topics: list[str], *, max_records: int = 500) -> AbstractSubscription:
        self.ensure_topics(TopicSpec(t) for t in topics)
        return _Subscription(self, group, topics)

    def subscribe_pattern(self, group: str, pattern: str, *, max_records: int = 500) -> AbstractSubscription:
        return _Subscription(self, group, [], re.compile(f"(?:{pattern})"))

    def reset_group(self, group: str, topics: list[str]) -> None:
        for key in list(self.committed):
            if key[0] == group and key[1] in topics:
                self.committed[key] = 0

    def close(self) -> None:
        pass

    def records(self, topic: str) -> list[Record]:
        """Every record of a topic, partition by partition."""
        return [record for partition in self.topics.get(topic, []) for record in partition]


class _Subscription(AbstractSubscription):
    def __init__(
        self, broker: InMemoryBroker, group: str, topics: list[str], pattern: re.Pattern[str] | None = None
    ) -> None:
        self.broker = broker
        self.group = group
        self.pattern = pattern
        self.positions: dict[TopicPartition, int] = {}
        self._join(topics)

    def _join(self, topics: Iterable[str]) -> None:
        for topic in topics:
            for p in range(len(self.broker.topics[topic])):
                self.positions.setdefault((topic, p), self.broker.committed.get((self.group, topic, p), 0))

    def poll(self, max_records: int, timeout: float) -> list[Record]:
        if self.pattern is not None:  # topics created since are joined, as Kafka does on a metadata refresh
            self._join(t for t in list(self.broker.topics) if self.pattern.fullmatch(t))
        batch: list[Record] = []
        for (topic, partition), position in self.positions.items():
            log = self.broker.topics[topic][partition]
            take = log[position : position + max_records - len(batch)]
            batch.extend(take)
            self.positions[(topic, partition)] = position + len(take)
            if len(batch) >= max_records:
                break
        if not batch:
            time.sleep(timeout)  # like Kafka: an empty poll waits out its timeout (greenly under eventlet)
        return batch

    def commit(self, offsets: dict[TopicPartition, int]) -> None:
        for (topic, partition), offset in offsets.items():
            self.broker.committed[(self.group, topic, partition)] = offset

    def lag(self) -> dict[TopicPartition, int]:
        return {tp: len(self.broker.topics[tp[0]][tp[1]]) - position for tp, position in self.positions.items()}

    def close(self) -> None:
        pass


class FakeUnitOfWork:
    """Collects published envelopes and audit entries; `committed` and `audited` hold those of committed
    transactions. Passes the unit-of-work contract suite the real one passes (libs/db)."""

    def __init__(self, *, service: str = "test", nodes: tuple[str, ...] = ("330000",)) -> None:
        from hrss.contracts import registry

        self._registry = registry
        self._service = service
        self.nodes = nodes
        self.events: list[Envelope] = []
        self.committed: list[Envelope] = []
        self._audits: list[tuple[str, AuditRecord]] = []
        self.audited: list[tuple[str, AuditRecord]] = []  # (node, entry) in the order they were added
        self.finished = False

    def publish(
        self, payload: BaseModel, *, subject: str, target_node: str | None = None, node: str | None = None
    ) -> Envelope:
        envelope = build_envelope(
            self._registry,
            payload,
            self._service,
            self.nodes,
            current_trace_id.get() or new_trace_id(),
            subject=subject,
            target_node=target_node,
            node=node,
        )
        self.events.append(envelope)
        return envelope

    def audit(self, record: AuditRecord, *, node: str | None = None) -> None:
        self._audits.append((producing_node(self.nodes, node), record))

    def commit(self) -> None:
        if not self.finished:
            self.committed.extend(self.events)
            self.audited.extend(self._audits)
            self.finished = True

    def rollback(self) -> None:
        if not self.finished:
            self.events.clear()
            self._audits.clear()
            self.finished = True

    def close(self) -> None:
        pass
