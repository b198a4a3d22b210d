"""Where a process finds its broker and its nodes."""

from __future__ import annotations

import os
from typing import Any

from hrss.bus.broker import AbstractBroker
from hrss.contracts import Node, parse_nodes


def served_nodes(config: dict[str, Any]) -> tuple[Node, ...]:
    """The nodes a process serves: config NODES, else $HRSS_NODES."""
    return parse_nodes(config.get("NODES") or os.environ.get("HRSS_NODES", ""))


def broker_from_config(config: dict[str, Any], client_id: str) -> AbstractBroker:
    """The broker named by the config: an injected one (tests), else Kafka from KAFKA_BOOTSTRAP."""
    injected = config.get("BROKER")
    if isinstance(injected, AbstractBroker):
        return injected
    from hrss.bus.kafka import KafkaBroker

    kafka = config.get("KAFKA", {}) or {}
    bootstrap = kafka.get("bootstrap_servers") or os.environ.get("HRSS_KAFKA_BOOTSTRAP")
    if not bootstrap:
        raise RuntimeError("KAFKA.bootstrap_servers (or HRSS_KAFKA_BOOTSTRAP) is not configured")
    return KafkaBroker(
        bootstrap,
        client_id=client_id,
        namespace=kafka.get("namespace") or os.environ.get("HRSS_TOPIC_NAMESPACE", ""),
        partitions=int(kafka.get("partitions", 3)),
        replication_factor=int(kafka.get("replication_factor", 1)),
        min_insync_replicas=int(kafka.get("min_insync_replicas", 1)),
    )
