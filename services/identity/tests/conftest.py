"""Fixtures for the identity service's tests: a migrated database, keys, a running service."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from identity_testkit import Clock, Running, identity_config, migrate

from hrss.auth import SigningKey
from hrss.testing.modules import load_as

load_as("identity_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def start_identity() -> Iterator[Callable[[str], Running]]:
    from identity.entrypoints.service import IdentityService
    from nameko.containers import ServiceContainer

    from hrss.testing.processes import free_port

    containers = []

    def start(dsn: str) -> Running:
        migrate(dsn)
        key = SigningKey.generate("test")
        port = free_port()
        config = identity_config(dsn, port, key)
        container = ServiceContainer(IdentityService, config)
        container.start()
        containers.append(container)
        running = Running(f"http://127.0.0.1:{port}", config, key)
        running.container = container
        return running

    yield start
    for container in containers:
        container.stop()


@pytest.fixture
def identity(fresh_database: str, start_identity: Callable[[str], Running]) -> Running:
    return start_identity(fresh_database)


@pytest.fixture
def clock(identity: Running) -> Clock:
    """The running service's clock, moved forward by the test (one fresh TOTP step per code typed)."""
    from identity.entrypoints.service import IdentityComponents

    fake = Clock()
    [provider] = [e for e in identity.container.extensions if isinstance(e, IdentityComponents)]
    provider.components.clock = fake
    return fake
