"""Fixtures for the notification service's tests: the kit module is importable from every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest

from hrss.testing.modules import load_as

load_as("notification_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def doubles(tmp_path):  # type: ignore[no-untyped-def]
    """The SMTP server and the SMS gateway double, as real processes on free ports."""
    from notification_testkit import SECRET, Double

    from hrss.testing.processes import free_port

    smtp = Double("smtp_server.py", free_port(), tmp_path / "mail.jsonl").start()
    sms = Double("sms_gateway.py", free_port(), tmp_path / "sms.jsonl", "--secret", SECRET.decode()).start()
    try:
        yield smtp, sms
    finally:
        smtp.stop()
        sms.stop()


@pytest.fixture
def notification_service(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker):  # type: ignore[no-untyped-def]
    """A notification service for the province (330000) with 330106 delegated, on a fresh database, consuming its
    topics on a private namespace."""
    yield from _running(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker)


@pytest.fixture
def county_notification_service(database_factory, kafka_bootstrap, kafka_namespace, kafka_broker):  # type: ignore[no-untyped-def]
    """The federated county 330106's own notification service (serving 330106 only, nothing delegated), with a
    database of its own."""
    from notification_testkit import COUNTY_B

    yield from _running(
        database_factory("county"), kafka_bootstrap, kafka_namespace, kafka_broker, NODES=COUNTY_B, DELEGATED_NODES=""
    )


def _running(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, **overrides):  # type: ignore[no-untyped-def]
    from nameko.containers import ServiceContainer
    from notification.entrypoints.service import NotificationService
    from notification_testkit import Running, ensure_topics, migrate, service_config

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key = SigningKey.generate("test")
    port = free_port()
    config = {**service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace), **overrides}
    container = ServiceContainer(NotificationService, config)
    container.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", key, fresh_database, kafka_broker)
    finally:
        container.stop()
