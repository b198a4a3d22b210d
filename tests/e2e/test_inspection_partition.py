"""A county's inspection service cut off from Kafka for a minute keeps working, its outbox grows, and when the
link heals every event reaches Kafka exactly once.

The county's inspection service and its relay run as real processes bootstrapped through a TCP proxy in front of
the broker's CUTTABLE listener (`hrss.testing.netfault`); the test itself talks to the broker directly. While the
proxy is cut, inspectors submit results over HTTP and an approver approves some of them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from kafka import KafkaConsumer, TopicPartition

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.contracts import Envelope
from hrss.testing.netfault import kafka_proxy
from hrss.testing.processes import ManagedProcess, free_port, nameko_service, wait_until

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "services/inspection/tests"))

from inspection_testkit import (  # noqa: E402
    COUNTY_A,
    assignment,
    ensure_topics,
    envelope,
    form,
    member,
    migrate,
    send,
    task,
)

pytestmark = pytest.mark.e2e

VISITS = 30
UNSENT = "SELECT count(*) FROM inspection.outbox WHERE sent_at IS NULL"
CUT_SECONDS = 60
A, B = member(1), member(2)
LABOUR = task("劳动用工专项", [("wages", "工资支付"), ("contracts", "劳动合同")])


def read_all(bootstrap: str, namespace: str) -> list[bytes]:
    """Every record on the namespace's inspection topics, from the beginning."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    topics = [t for t in consumer.topics() if t.startswith(f"{namespace}.inspection.")]
    partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
    values: list[bytes] = []
    if partitions:
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        values = [r.value for r in consumer]
    consumer.close()
    return values


def test_a_county_cut_off_from_kafka_for_a_minute_loses_nothing_and_sends_each_event_once(
    fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, tmp_path
):
    migrate(fresh_database)
    ensure_topics(kafka_broker)
    engine = sa.create_engine(fresh_database)

    def scalar(query: str) -> int:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(query)).scalar_one())

    key = SigningKey.generate("partition")
    issuer = TokenIssuer(key, issuer="hrss-identity", audience="hrss")

    def token(account: str, roles: set[Role], inspector_id: str | None = None) -> dict[str, str]:
        link = {"inspector_id": inspector_id, "credential_no": A.credential_no} if inspector_id else {}
        principal = Principal(account, "测试", COUNTY_A, frozenset(roles), **link)
        return {"Authorization": f"Bearer {issuer.issue(principal)}"}

    inspector = token("account-of-a", {Role.INSPECTOR}, str(A.inspector_id))
    approver = token("approver@330102", {Role.APPROVER})
    with kafka_proxy() as (bootstrap, proxy):
        env = {
            "HRSS_NODES": COUNTY_A,
            "HRSS_PG_DSN": fresh_database,
            "HRSS_KAFKA_BOOTSTRAP": bootstrap,
            "HRSS_TOPIC_NAMESPACE": kafka_namespace,
            "HRSS_AUTH_PUBLIC_KEYS": f"{key.kid}={key.public_base64()}",
            "HRSS_DAILY_AT": "",  # no daily run on the timer: the test counts every event the service makes
        }
        service, url = nameko_service(
            "inspection-330102",
            "inspection.entrypoints.service:InspectionService",
            ROOT / "services/inspection/config.yaml",
            env,
            tmp_path,
        )
        port = free_port()
        relay = ManagedProcess(
            "inspection-relay-330102",
            [sys.executable, "-m", "hrss.bus.relay", "--service", "inspection", "--metrics-port", str(port)],
            env,
            tmp_path,
            health_url=f"http://127.0.0.1:{port}/metrics",
        )
        service.start()
        relay.start()
        try:
            dispatches = [assignment(n, [LABOUR], [A, B]) for n in range(VISITS)]
            send(kafka_broker, *[envelope(d, str(d.assignment_id), COUNTY_A) for d in dispatches])
            wait_until(lambda: scalar("SELECT count(*) FROM inspection.visit") == VISITS, 120, "the visits")
            wait_until(lambda: scalar(UNSENT) == 0, 120, "drain")
            sent_before = scalar("SELECT count(*) FROM inspection.outbox")
            visits = requests.get(f"{url}/visits", headers=inspector, timeout=30).json()["visits"]
            assert len(visits) == VISITS

            proxy.cut()
            cut_at = time.monotonic()
            submitted: list[str] = []
            for n, visit in enumerate(visits):
                present = [str(A.inspector_id), str(B.inspector_id)]
                entry = {"client_id": f"tablet-1:{n:04d}", "visit_id": visit["visit_id"], "form": form(visit, present)}
                answer = requests.post(f"{url}/field/batches", json={"entries": [entry]}, headers=inspector, timeout=30)
                assert answer.status_code == 200, answer.text
                [accepted] = answer.json()["answers"]
                assert accepted["status"] == "accepted", accepted
                submitted.append(accepted["result_id"])
                if n % 2 == 0:
                    approve = {"version": 1, "opinion": "同意"}
                    ok = requests.post(f"{url}/results/{accepted['result_id']}/approve", json=approve, headers=approver)
                    assert ok.status_code == 200, ok.text
                time.sleep(max(0.0, cut_at + (n + 1) * CUT_SECONDS / VISITS - time.monotonic()))
            backlog = scalar(UNSENT)
            # each result: submitted, and the visit's steps started and submitted; each approval: approved, and the
            # visit's step approved (inspection.visit_status_changed, for the levels above)
            produced = 3 * VISITS + 2 * (VISITS // 2)
            assert backlog == produced, "the outbox holds every event made while cut off, none of them sent"
            assert scalar("SELECT count(*) FROM inspection.outbox") == sent_before + produced
            assert relay.running and service.running
            cut_for = time.monotonic() - cut_at

            proxy.heal()
            healed_at = time.monotonic()
            wait_until(lambda: scalar(UNSENT) == 0, 300, "drain")
            drained_in = time.monotonic() - healed_at
        finally:
            relay.stop()
            service.stop()
    with engine.connect() as connection:
        expected = {str(r[0]) for r in connection.execute(sa.text("SELECT event_id FROM inspection.outbox"))}
    found: list[str] = []

    def all_arrived() -> bool:
        found[:] = [str(Envelope.from_bytes(v).event_id) for v in read_all(kafka_bootstrap, kafka_namespace)]
        return len(found) >= len(expected)

    wait_until(all_arrived, 60, "every event on Kafka")
    assert set(found) == expected, "every committed event reached Kafka"
    assert len(found) == len(set(found)), "no event reached Kafka twice"
    print(
        f"\ncut off {cut_for:.1f} s, outbox grew by {produced} events, drained {len(expected)} events "
        f"(in {drained_in:.1f} s after healing), each exactly once"
    )
