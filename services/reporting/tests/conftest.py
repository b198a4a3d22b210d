"""Fixtures for the reporting service's tests: the fakes and the activity generator importable from every folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest

from hrss.testing.modules import load_as

load_as("reporting_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def reporting_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker):  # type: ignore[no-untyped-def]
    """A reporting service for the province (330000, nothing delegated) on a fresh database, consuming its topics
    on a private namespace."""
    from nameko.containers import ServiceContainer
    from reporting.entrypoints.service import ReportingService
    from reporting_testkit import Running, migrate, service_config

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    key = SigningKey.generate("test")
    port = free_port()
    container = ServiceContainer(
        ReportingService, service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace)
    )
    container.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", key, fresh_database)
    finally:
        container.stop()
