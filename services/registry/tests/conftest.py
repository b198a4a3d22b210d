"""Fixtures for the registry service's tests: a migrated database and a running service."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


from registry_testkit import Running, migrate, registry_config

from hrss.auth import SigningKey
from hrss.testing.modules import load_as

load_as("registry_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def start_registry(kafka_bootstrap: str, kafka_namespace: str) -> Iterator[Callable[..., Running]]:
    from nameko.containers import ServiceContainer
    from registry.entrypoints.service import RegistryService

    from hrss.testing.processes import free_port

    containers = []

    def start(dsn: str, nodes: str = "410000") -> Running:
        migrate(dsn)
        key = SigningKey.generate("test")
        port = free_port()
        kafka = {"bootstrap_servers": kafka_bootstrap, "namespace": kafka_namespace}
        config = registry_config(dsn, port, key, nodes, KAFKA=kafka)
        container = ServiceContainer(RegistryService, config)
        container.start()
        containers.append(container)
        running = Running(f"http://127.0.0.1:{port}", config, key, dsn)
        running.container = container
        return running

    yield start
    for container in containers:
        container.stop()


@pytest.fixture
def registry(fresh_database: str, start_registry: Callable[..., Running]) -> Running:
    return start_registry(fresh_database)
