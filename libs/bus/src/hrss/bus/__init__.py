"""The event backbone: the broker port, Kafka and in-memory brokers, the consumer entrypoint, the relay."""

from hrss.bus.broker import (
    AbstractBroker,
    AbstractSubscription,
    Message,
    PublishError,
    Record,
    TopicSpec,
    dead_letter_topic,
)
from hrss.bus.consumer import EventConsumer, Received, consume
from hrss.bus.relay import OutboxRelay

__all__ = [
    "AbstractBroker",
    "AbstractSubscription",
    "EventConsumer",
    "Message",
    "OutboxRelay",
    "PublishError",
    "Received",
    "Record",
    "TopicSpec",
    "consume",
    "dead_letter_topic",
]
