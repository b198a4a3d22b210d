"""Housekeeping of test namespaces on the real broker."""

from __future__ import annotations

from kafka import KafkaAdminClient


def delete_namespace(bootstrap: str, namespace: str) -> None:
    """Delete every topic under `namespace.`."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pytest-cleanup")
    try:
        topics = [t for t in admin.list_topics() if t.startswith(f"{namespace}.")]
        if topics:
            admin.delete_topics(topics)
    finally:
        admin.close()
