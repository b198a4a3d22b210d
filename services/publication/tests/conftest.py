"""Fixtures for the publication service's tests: the kit module is importable from every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest

from hrss.testing.modules import load_as

load_as("publication_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def publication_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url):  # type: ignore[no-untyped-def]
    """A publication service for the province (330000) with 330106 delegated, on a fresh database, consuming its
    topics on a private namespace, its outbox relayed, its public index under a prefix of its own."""
    yield from _running(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url)


@pytest.fixture
def county_publication_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url):  # type: ignore[no-untyped-def]
    """The federated county 330106's own publication service (serving 330106 only, nothing delegated)."""
    from publication_testkit import COUNTY_B

    yield from _running(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url, NODES=COUNTY_B,
                        DELEGATED_NODES="")  # fmt: skip


def _running(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url, **overrides):  # type: ignore[no-untyped-def]
    import threading

    from nameko.containers import ServiceContainer
    from publication.adapters.orm import SCHEMA, outbox
    from publication.bootstrap import public_index
    from publication.entrypoints.service import PublicationService
    from publication_testkit import Running, ensure_topics, migrate, service_config

    from hrss.auth import SigningKey
    from hrss.bus.relay import OutboxRelay
    from hrss.db import make_engine
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key = SigningKey.generate("test")
    port = free_port()
    config = {**service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace, es_url), **overrides}
    container = ServiceContainer(PublicationService, config)
    container.start()
    # the service indexes its records from its own record_published events: its outbox must reach the broker
    engine = make_engine(fresh_database, schema=SCHEMA, pool_size=2, application_name="publication-relay")
    stop = threading.Event()
    relay = threading.Thread(target=OutboxRelay(engine, outbox, kafka_broker, service="publication").run, args=(stop,))
    relay.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", key, fresh_database, kafka_broker, container)
    finally:
        stop.set()
        relay.join(timeout=10)
        container.stop()
        engine.dispose()
        found = public_index(config)  # the test's own indexes, by the same prefix
        if found is not None:
            found.index.delete_all()
            found.close()
