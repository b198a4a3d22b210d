"""Where a process finds its broker and its nodes."""

from __future__ import annotations

import os
import re
from typing import Any

from hrss.bus.broker import AbstractBroker
from hrss.contracts import Level, Node, parse_nodes


def served_nodes(config: dict[str, Any]) -> tuple[Node, ...]:
    """The nodes a process serves: config NODES, else $HRSS_NODES."""
    return parse_nodes(config.get("NODES") or os.environ.get("HRSS_NODES", ""))


def delegated_nodes(config: dict[str, Any]) -> tuple[Node, ...]:
    """Nodes below the served ones that run their own deployment (a federated county's inspection and evidence):
    config DELEGATED_NODES, else $HRSS_DELEGATED_NODES; their subtrees are theirs, not this process's. A node this
    process serves itself is never delegated away, nor is one outside its subtrees (it was never its own)."""
    value = config.get("DELEGATED_NODES") or os.environ.get("HRSS_DELEGATED_NODES", "")
    if not str(value).strip():
        return ()
    return _below(parse_nodes(value), served_nodes(config))


def _below(delegated: tuple[Node, ...], served: tuple[Node, ...]) -> tuple[Node, ...]:
    return tuple(n for n in delegated if n not in served and any(root.contains(n) for root in served))


def serves(node: Node, served: tuple[Node, ...], delegated: tuple[Node, ...] = ()) -> bool:
    """True if a process serving `served` handles `node`: it lies in a served subtree and not in a delegated one
    (the rule `addressed_topics_pattern` writes as a regular expression, for data kept from broadcast events)."""
    inside = any(root.contains(node) for root in served)
    return inside and not any(other.contains(node) for other in _below(delegated, served))


def _subtree(node: Node) -> str:
    """A regular expression of the region codes of `node` and every node below it."""
    width = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}[node.level]
    return node.code[:width] + (rf"\d{{{6 - width}}}" if width < 6 else "")


def addressed_topics_pattern(topic: str, served: tuple[Node, ...], delegated: tuple[Node, ...] = ()) -> str:
    """The per-node topics of an addressed contract for every node in the served subtrees except the delegated
    subtrees: a central platform applies the dispatches of every county it serves, a federated county's own
    deployment applies its own, and no county's event is applied twice."""
    inside = "|".join(_subtree(n) for n in served)
    outside = "|".join(_subtree(n) for n in _below(delegated, served))
    node = f"(?!(?:{outside})$)(?:{inside})" if outside else f"(?:{inside})"
    return rf"{re.escape(topic)}\.{node}"


def bus_configured(config: dict[str, Any]) -> bool:
    """Whether the config names a broker (injected, `KAFKA.bootstrap_servers` or `HRSS_KAFKA_BOOTSTRAP`)."""
    kafka = config.get("KAFKA", {}) or {}
    return bool(config.get("BROKER") or kafka.get("bootstrap_servers") or os.environ.get("HRSS_KAFKA_BOOTSTRAP"))


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
