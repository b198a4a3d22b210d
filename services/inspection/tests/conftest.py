"""Fixtures for the inspection service's tests: the kit module is importable from every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


sys.path.insert(0, str(Path(__file__).parent / "unit"))

import pytest

from hrss.testing.modules import load_as

load_as("inspection_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def inspection_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker):  # type: ignore[no-untyped-def]
    """An inspection service for county 330102 on a fresh database, consuming its topics on a private namespace."""
    from inspection.entrypoints.service import InspectionService
    from inspection_testkit import COUNTY_A, Running, ensure_topics, migrate, service_config
    from nameko.containers import ServiceContainer

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key = SigningKey.generate("test")
    port = free_port()
    config = service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace, COUNTY_A)
    container = ServiceContainer(InspectionService, config)
    container.start()
    try:
        running = Running(f"http://127.0.0.1:{port}", key, fresh_database, kafka_broker)
        running.container = container
        yield running
    finally:
        container.stop()
