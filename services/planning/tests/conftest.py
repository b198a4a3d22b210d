"""Fixtures for the planning service's tests: the builders module is importable from every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


from hrss.testing.modules import load_as

load_as("planning_fakes", Path(__file__).parent / "fakes.py")  # tests/fakes.py, named for planning

import pytest  # noqa: E402  (after the test folder is on the path)

FACT_TOPICS = (
    "draw.draw_completed",
    "draw.draw_voided",
    "inspection.visit_status_changed",
    "publication.result_confirmed",
    "inspection.overdue",
)


@pytest.fixture
def planning(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker):  # type: ignore[no-untyped-def]
    """A planning service serving the province of 河北 (every city and county as tenants), in this process,
    whose checklist read model holds the 9 items of seeds/002 received from Kafka."""
    from nameko.containers import ServiceContainer
    from planning.entrypoints.service import PlanningService
    from planning_testkit import PROVINCE, Running, checklist_events, migrate, planning_config, wait_for

    from hrss.auth import SigningKey
    from hrss.bus.broker import Message, TopicSpec
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    topic = "registry.check_item_changed.v1"
    kafka_broker.ensure_topics([TopicSpec(topic, compacted=True)])
    # the facts after the draw, created before the consumers subscribe so that they need no metadata refresh
    kafka_broker.ensure_topics([TopicSpec(f"{name}.v1") for name in FACT_TOPICS])
    kafka_broker.publish_many([Message(topic, key.encode(), value) for key, value in checklist_events()])
    key = SigningKey.generate("test")
    port = free_port()
    config = planning_config(fresh_database, port, key, PROVINCE, kafka_bootstrap, kafka_namespace)
    container = ServiceContainer(PlanningService, config)
    container.start()
    running = Running(f"http://127.0.0.1:{port}", config, key, fresh_database)
    running.container = container
    try:
        reader = running.as_({"planner"}, PROVINCE)
        wait_for(lambda: len(reader.get("/checklist", node=PROVINCE).json().get("items", [])) == 9, 60, "checklist")
        yield running
    finally:
        container.stop()
