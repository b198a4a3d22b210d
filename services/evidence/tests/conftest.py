"""Fixtures for the evidence service's tests: the kit and fakes are importable from every test folder."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


from hrss.testing.modules import load_as

load_as("evidence_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def evidence_bucket(s3_client) -> str:  # type: ignore[no-untyped-def]
    """A fresh bucket name (created by the service with object lock); its objects expire from retention in a day."""
    return f"evidence-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def evidence_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, servers, evidence_bucket):  # type: ignore[no-untyped-def]
    """An evidence service for 河北 (130000) in this process, on the real PostgreSQL, Kafka and MinIO."""
    from evidence.entrypoints.service import EvidenceService
    from evidence_testkit import Running, ensure_topics, migrate, service_config
    from nameko.containers import ServiceContainer

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key = SigningKey.generate("test")
    port = free_port()
    config = service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace, servers, evidence_bucket)
    container = ServiceContainer(EvidenceService, config)
    container.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", config, key, fresh_database, kafka_broker, servers)
    finally:
        container.stop()
        _remove_indexes(servers.es_url, kafka_namespace)


def _remove_indexes(es_url: str, namespace: str) -> None:
    """The archive index of one test's service (its name holds the topic namespace), with its template."""
    import requests

    requests.delete(f"{es_url}/*-{namespace}-*", params={"expand_wildcards": "all"}, timeout=30)
    requests.delete(f"{es_url}/_index_template/*-{namespace}-*", timeout=30)
