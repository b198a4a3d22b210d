"""The broker port: what the consumer entrypoint and the outbox relay need from Kafka."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass, field

TopicPartition = tuple[str, int]


@dataclass(frozen=True)
class Message:
    """A record to publish."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A record read back, with where it came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes] = field(default_factory=dict)

    @property
    def position(self) -> TopicPartition:
        return (self.topic, self.partition)


@dataclass(frozen=True)
class TopicSpec:
    """A topic to create if missing."""

    name: str
    compacted: bool = False


class PublishError(RuntimeError):
    """Not every message of a batch was acknowledged; none may be assumed sent."""


class AbstractSubscription(abc.ABC):
    """One member of a consumer group; positions start at the group's committed offsets."""

    @abc.abstractmethod
    def poll(self, max_records: int, timeout: float) -> list[Record]:
        """Records in offset order within each partition."""

    @abc.abstractmethod
    def commit(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit, for each partition, the offset of the next record to read."""

    @abc.abstractmethod
    def lag(self) -> dict[TopicPartition, int]:
        """Records between this member's position and each assigned partition's end."""

    @abc.abstractmethod
    def close(self) -> None:
        """Leave the group."""


class AbstractBroker(abc.ABC):
    """Topics, acknowledged publishing and group subscriptions."""

    @abc.abstractmethod
    def ensure_topics(self, topics: Iterable[TopicSpec]) -> None:
        """Create the topics that do not exist yet."""

    @abc.abstractmethod
    def publish_many(self, messages: list[Message]) -> None:
        """Publish and wait until every message is acknowledged, else raise PublishError."""

    @abc.abstractmethod
    def subscribe(self, group: str, topics: list[str], *, max_records: int = 500) -> AbstractSubscription:
        """Join `group` reading `topics` from its committed offsets (earliest if none)."""

    @abc.abstractmethod
    def subscribe_pattern(self, group: str, pattern: str, *, max_records: int = 500) -> AbstractSubscription:
        """Join `group` on every topic whose (namespace-free) name matches `pattern` in full, including topics
        created later (they are picked up within seconds)."""

    @abc.abstractmethod
    def reset_group(self, group: str, topics: list[str]) -> None:
        """Move the group's committed offsets back to the start of every partition (for replays)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""


def dead_letter_topic(topic: str) -> str:
    """Where records a consumer cannot process end up."""
    return f"{topic}.dlt"
