"""Planning end to end, through public edges only: the registry's checklist reaches planning over Kafka, two
counties file their plans with their city, which accepts them, and the province starts a unified task covering
both counties, whose `planning.task_ready_for_draw` event is on Kafka for the draw service.

Processes: the registry's outbox relay (the checklist is loaded with the registry's own CLI), the planning
service serving the province with its cities and counties as tenants (the central deployment), and its relay;
real PostgreSQL and Kafka. The planning process is killed with SIGKILL and restarted half way.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kafka import KafkaConsumer, TopicPartition

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.db.migrations import upgrade
from hrss.testing.databases import create_database, drop_database
from hrss.testing.kafka_admin import delete_namespace
from hrss.testing.processes import ManagedProcess, free_port, nameko_service, wait_until

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PROVINCE, CITY, COUNTY_A, COUNTY_B = "130000", "130100", "130102", "130104"


class Platform:
    def __init__(self, dsn: str, bootstrap: str, namespace: str, log_dir: Path) -> None:
        self.dsn, self.bootstrap, self.namespace, self.log_dir = dsn, bootstrap, namespace, log_dir
        self.key = SigningKey.generate("e2e")
        self.env = {
            "HRSS_NODES": PROVINCE,
            "HRSS_PG_DSN": dsn,
            "HRSS_KAFKA_BOOTSTRAP": bootstrap,
            "HRSS_TOPIC_NAMESPACE": namespace,
            "HRSS_AUTH_PUBLIC_KEYS": f"{self.key.kid}={self.key.public_base64()}",
            "HRSS_REGISTRY_PERSONAL_KEY": "k1=" + base64.b64encode(os.urandom(32)).decode(),
        }
        self.processes: list[ManagedProcess] = []

    def relay(self, service: str) -> ManagedProcess:
        port = free_port()
        return ManagedProcess(
            f"{service}-relay",
            [sys.executable, "-m", "hrss.bus.relay", "--service", service, "--metrics-port", str(port)],
            self.env,
            self.log_dir,
            health_url=f"http://127.0.0.1:{port}/metrics",
        )

    def start(self) -> None:
        upgrade(ROOT / "services/registry/migrations", self.dsn, "registry")
        upgrade(ROOT / "services/planning/migrations", self.dsn, "planning")
        subprocess.run(
            [sys.executable, "-m", "registry.cli", "load-checklist", "--node", PROVINCE, "--actor", "e2e"],
            env={**os.environ, **self.env},
            check=True,
            capture_output=True,
        )
        self.planning, self.url = nameko_service(
            "planning",
            "planning.entrypoints.service:PlanningService",
            ROOT / "services/planning/config.yaml",
            self.env,
            self.log_dir,
        )
        self.processes = [self.relay("registry"), self.planning, self.relay("planning")]
        for process in self.processes:
            process.start()

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def as_(self, node: str, roles: frozenset[Role] = frozenset({Role.PLANNER})) -> Any:
        token = TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(
            Principal(f"planner@{node}", "计划编制人员", node, roles)
        )
        url = self.url

        class Caller:
            def call(self, method: str, path: str, body: object = None, **params: Any) -> Any:
                headers = {"Authorization": f"Bearer {token}"}
                answer = requests.request(
                    method, url + path, json=body, params=params or None, headers=headers, timeout=30
                )
                assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
                return answer.json()

        return Caller()

    def read_topic(self, topic: str) -> list[Any]:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
        name = f"{self.namespace}.{topic}"
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        records: list[Any] = []
        if partitions:
            consumer.assign(partitions)
            consumer.seek_to_beginning()
            records = list(consumer)
        consumer.close()
        return records

    def events(self, topic: str, count: int) -> list[dict[str, Any]]:
        """The envelopes on `topic`, once there are at least `count` of them."""
        found: list[Any] = []

        def enough() -> bool:
            found[:] = self.read_topic(topic)
            return len(found) >= count

        wait_until(enough, 60, f"{count} events on {topic}")
        return [json.loads(record.value) for record in found]


@pytest.fixture(scope="module")
def platform(servers, tmp_path_factory) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    from hrss.testing.plugin import _require
    from hrss.testing.servers import host_port_of

    _require("PostgreSQL", host_port_of(servers.pg_dsn))
    _require("Kafka", servers.kafka_bootstrap)
    run = uuid.uuid4().hex[:8]
    name = f"e2e_planning_{run}"
    dsn = create_database(servers.pg_dsn, name)
    namespace = f"e2e{run}"
    platform = Platform(dsn, servers.kafka_bootstrap, namespace, tmp_path_factory.mktemp("planning-e2e"))
    try:
        platform.start()
        yield platform
    finally:
        platform.stop()
        drop_database(servers.pg_dsn, name)
        delete_namespace(servers.kafka_bootstrap, namespace)


def test_counties_file_plans_with_their_city_and_the_province_starts_a_unified_task(platform: Platform) -> None:
    province, city = platform.as_(PROVINCE), platform.as_(CITY)
    wait_until(
        lambda: len(province.call("GET", "/checklist", node=PROVINCE)["items"]) == 9, 90, "the checklist from Kafka"
    )
    province.call(
        "PUT",
        f"/settings/{PROVINCE}",
        {"plan_deadline": "01-31", "general_minimum": "3%", "task_number_template": "冀人社抽〔{year}〕{seq}号"},
    )

    plans = {}
    for county in (COUNTY_A, COUNTY_B):
        planner = platform.as_(county)
        items = planner.call("GET", "/checklist", node=county)["items"]
        plan = planner.call("POST", "/plans", {"node": county, "year": 2027})
        draft = [{"item_id": i["item_id"], "item_version": i["version"]} for i in items]
        planner.call("PUT", f"/plans/{plan['plan_id']}/draft", {"items": draft})
        filed = planner.call("POST", f"/plans/{plan['plan_id']}/file")
        assert filed["status"] == "filed" and filed["filed_with"] == CITY and filed["late"] is False
        plans[county] = plan["plan_id"]

    queue = city.call("GET", "/plans", parent=CITY, status="filed")["items"]
    assert {p["plan_id"] for p in queue} == set(plans.values())

    platform.planning.kill9()  # mid-way: nothing committed may be lost, nothing applied twice
    platform.planning.start()

    for plan_id in plans.values():
        accepted = city.call("POST", f"/plans/{plan_id}/accept", {"comment": "同意备案"})
        assert accepted["status"] == "accepted"

    items = province.call("GET", "/checklist", node=PROVINCE)["items"]
    assert len(items) == 9  # the consumer did not apply the checklist twice after the restart
    task = province.call(
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": "2027年全省劳动用工和社会保险统一抽查",
            "year": 2027,
            "items": [{"item_id": items[6]["item_id"]}, {"item_id": items[4]["item_id"], "ratio": "10%"}],
            "lines": ["劳动保障监察"],
            "start": "2027-04-01",
            "end": "2027-06-30",
            "implementing_nodes": [COUNTY_A, COUNTY_B],
            "unified": True,
            "scope": {"region_codes": [COUNTY_A, COUNTY_B]},
            "grade_ratios": {"C": "20%", "D": "50%"},
            "exclude_inspected_within_months": 12,
            "ad_hoc_reason": "省厅统一部署",
        },
    )
    task_id = task["task_id"]
    assert province.call("POST", f"/tasks/{task_id}/publish")["number"] == "冀人社抽〔2027〕1号"
    province.call("POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})

    for county in (COUNTY_A, COUNTY_B):
        seen = platform.as_(county).call("GET", "/tasks", implementing=county)["items"]
        assert [t["task_id"] for t in seen] == [task_id]

    filed = platform.events("planning.plan_filed.v1", 2)
    assert {e["subject"] for e in filed} == set(plans.values())
    assert {e["payload"]["filed_with"] for e in filed} == {CITY}
    accepted_events = platform.events("planning.plan_accepted.v1", 2)
    assert len(accepted_events) == 2
    assert {e["payload"]["plan"]["plan_id"] for e in accepted_events} == set(plans.values())
    assert {e["payload"]["actor"]["node"] for e in accepted_events} == {CITY}
    ready = platform.events("planning.task_ready_for_draw.v1", 1)
    assert len(ready) == 1
    state = ready[0]["payload"]["task"]
    assert state["task_id"] == task_id and state["number"] == "冀人社抽〔2027〕1号"
    assert state["implementing_nodes"] == [COUNTY_A, COUNTY_B] and state["unified"] is True
    assert [i["item_version"] for i in state["items"]] == [1, 1]
    ratio = state["items"][1]["ratio"]
    assert (ratio["kind"], ratio["numerator"], ratio["denominator"]) == ("fraction", 1, 10)
    assert state["kpi"] == {"joint": False, "credit_differentiated": True, "major_items": 0, "minor_items": 2}
    assert ready[0]["producer"] == {"service": "planning", "node": PROVINCE}
