"""Fixtures for the draw service's tests: the kit module is importable from every test folder."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


from hrss.testing.modules import load_as

load_as("draw_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py under a name of its own


@pytest.fixture
def draw_service(request, fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, servers):  # type: ignore[no-untyped-def]
    """A draw service serving 河北 (130000), its read model fed over Kafka with 600 entities in two counties,
    inspectors, interests, the checklist items' versions and one unified task ready for draw; snapshots in a
    bucket of its own on MinIO."""
    from draw.entrypoints.service import DrawService
    from draw_testkit import CHECK_ITEMS, Running, migrate, publish_world, service_config, wait_for
    from nameko.containers import ServiceContainer

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    world = publish_world(kafka_broker)
    key = SigningKey.generate("test")
    port = free_port()
    bucket = f"draw-{uuid.uuid4().hex[:12]}"
    config = service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace, servers, bucket)
    if profile := getattr(request, "param", None):  # indirect parametrisation: the draw profile
        config["DRAW"]["profile"] = profile
    container = ServiceContainer(DrawService, config)
    container.start()
    running = Running(f"http://127.0.0.1:{port}", config, key, fresh_database, world)
    try:
        wait_for(lambda: running.count("entity_view") == len(world.entities), 60, "entities")
        wait_for(lambda: running.count("task_view") == 1, 60, "the task")
        wait_for(lambda: running.count("inspector_view") == len(world.inspectors), 60, "inspectors")
        wait_for(lambda: running.count("check_item_view") == len(CHECK_ITEMS), 60, "checklist items")
        yield running
    finally:
        container.stop()
