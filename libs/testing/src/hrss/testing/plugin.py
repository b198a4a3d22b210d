"""pytest plugin: markers, real-server fixtures and fakes for every service's tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from hrss.testing.servers import Servers, host_port_of, reachable

HINT = "先启动本地服务器：infra/local/stack up（或运行 make test）"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: needs the real servers of infra/local/stack")
    config.addinivalue_line("markers", "e2e: starts several node processes against the real servers")


@pytest.fixture(scope="session")
def servers() -> Servers:
    """The real servers' addresses (from the environment or the stack's env file)."""
    return Servers.from_environment()


def _require(name: str, host_port: str) -> None:
    if not reachable(host_port):
        pytest.fail(f"{name} is not reachable at {host_port}. {HINT}", pytrace=False)


@pytest.fixture(scope="session")
def pg_dsn(servers: Servers) -> str:
    """DSN of the PostgreSQL admin role (a superuser)."""
    _require("PostgreSQL", host_port_of(servers.pg_dsn))
    return servers.pg_dsn


@pytest.fixture(scope="session")
def kafka_bootstrap(servers: Servers) -> str:
    _require("Kafka", servers.kafka_bootstrap)
    return servers.kafka_bootstrap


@pytest.fixture(scope="session")
def es_url(servers: Servers) -> str:
    _require("Elasticsearch", host_port_of(servers.es_url))
    return servers.es_url


@pytest.fixture(scope="session")
def s3_client(servers: Servers):  # type: ignore[no-untyped-def]
    """A MinIO (S3) client for the local object store."""
    _require("MinIO", servers.s3_endpoint)
    from minio import Minio

    return Minio(servers.s3_endpoint, servers.s3_access_key, servers.s3_secret_key, secure=False)


@pytest.fixture
def database_factory(pg_dsn: str) -> Iterator[Callable[[str], str]]:
    """Creates empty databases for one test and drops them afterwards; returns their DSNs."""
    from hrss.testing.databases import create_database, drop_database

    created: list[str] = []

    def create(label: str = "t") -> str:
        name = f"{label}_{uuid.uuid4().hex[:10]}"
        created.append(name)
        return create_database(pg_dsn, name)

    yield create
    for name in created:
        drop_database(pg_dsn, name)


@pytest.fixture
def fresh_database(database_factory: Callable[[str], str]) -> str:
    """DSN of an empty database that lives for one test."""
    return database_factory("t")


@pytest.fixture
def kafka_namespace(kafka_bootstrap: str) -> Iterator[str]:
    """A topic and group namespace private to one test; its topics are deleted afterwards."""
    from hrss.testing.kafka_admin import delete_namespace

    namespace = f"t{uuid.uuid4().hex[:10]}"
    yield namespace
    delete_namespace(kafka_bootstrap, namespace)


@pytest.fixture
def kafka_broker(kafka_bootstrap: str, kafka_namespace: str):  # type: ignore[no-untyped-def]
    """The real broker adapter, confined to a private namespace."""
    from hrss.bus.kafka import KafkaBroker

    broker = KafkaBroker(kafka_bootstrap, client_id="pytest", namespace=kafka_namespace)
    yield broker
    broker.close()


@pytest.fixture
def memory_broker():  # type: ignore[no-untyped-def]
    """The in-memory broker fake."""
    from hrss.testing.fakes import InMemoryBroker

    return InMemoryBroker()
