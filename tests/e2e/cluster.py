"""The probe's processes and what the tests read from their databases and from Kafka."""

from __future__ import annotations

import sys
from pathlib import Path

import requests
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from hrss.db.migrations import upgrade
from hrss.testing.processes import ManagedProcess, free_port, nameko_service, wait_until

HERE = Path(__file__).parent


class ProbeCluster:
    PROVINCE, COUNTY_A, COUNTY_B = "330000", "330102", "330106"
    NODES = (PROVINCE, COUNTY_A, COUNTY_B)

    def __init__(self, dsns: dict[str, str], bootstrap: str, namespace: str, log_dir: Path, pythonpath: str) -> None:
        self.dsns = dsns
        self.bootstrap = bootstrap
        self.namespace = namespace
        self.log_dir = log_dir
        self.engines = {
            node: create_engine(dsn.replace("postgresql://", "postgresql+psycopg2://"), poolclass=NullPool)
            for node, dsn in dsns.items()
        }
        self.processes: dict[str, ManagedProcess] = {}
        self.urls: dict[str, str] = {}
        self.pythonpath = pythonpath

    def env(self, node: str) -> dict[str, str]:
        return {
            "HRSS_NODES": node,
            # the counties run their own deployments: the province's process leaves their dispatches to them
            "HRSS_DELEGATED_NODES": ",".join(n for n in self.NODES if n != node) if node == self.PROVINCE else "",
            "HRSS_PG_DSN": self.dsns[node],
            "HRSS_KAFKA_BOOTSTRAP": self.bootstrap,
            "HRSS_TOPIC_NAMESPACE": self.namespace,
            "PYTHONPATH": self.pythonpath,
        }

    def start(self) -> None:
        for node in self.NODES:
            upgrade(HERE / "probe" / "migrations", self.dsns[node], "probe")
            process, url = nameko_service(
                f"probe-{node}",
                "probe.service:ProbeService",
                HERE / "probe" / "config.yaml",
                self.env(node),
                self.log_dir,
            )
            self.processes[node], self.urls[node] = process, url
            process.start()
        self.relay_metrics = f"http://127.0.0.1:{free_port()}"
        self.relay = ManagedProcess(
            "relay-330000",
            [
                sys.executable,
                "-m",
                "hrss.bus.relay",
                "--service",
                "probe",
                "--metrics-port",
                self.relay_metrics.rsplit(":", 1)[1],
            ],
            self.env(self.PROVINCE),
            self.log_dir,
            health_url=f"{self.relay_metrics}/metrics",
        ).start()

    def stop(self) -> None:
        for process in [*self.processes.values(), getattr(self, "relay", None)]:
            if process is not None:
                process.stop()
        for engine in self.engines.values():
            engine.dispose()

    # -- acting -------------------------------------------------------------------------

    def dispatch(self, count: int, start: int = 0) -> None:
        response = requests.post(
            f"{self.urls[self.PROVINCE]}/dispatches",
            json={"count": count, "start": start, "counties": [self.COUNTY_A, self.COUNTY_B]},
            timeout=120,
        )
        assert response.status_code == 201, response.text

    def restart(self, node: str) -> None:
        self.processes[node].start()

    # -- reading ------------------------------------------------------------------------

    def scalar(self, node: str, sql: str, **params: object) -> object:
        with self.engines[node].connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def column(self, node: str, sql: str, **params: object) -> list[object]:
        with self.engines[node].connect() as connection:
            return list(connection.execute(text(sql), params).scalars())

    def applied(self, node: str) -> int:
        return int(self.scalar(node, "SELECT count(*) FROM probe.applied"))  # type: ignore[arg-type]

    def sent(self) -> int:
        return int(self.scalar(self.PROVINCE, "SELECT count(*) FROM probe.outbox WHERE sent_at IS NOT NULL"))  # type: ignore[arg-type]

    def expected_ids(self, county: str) -> set[object]:
        return set(
            self.column(self.PROVINCE, "SELECT event_id FROM probe.outbox WHERE topic = :t", t=self.topic(county))
        )

    def checksum(self, node: str) -> str:
        return str(
            self.scalar(
                node,
                "SELECT md5(string_agg(dispatch_id::text || event_id::text, ',' "
                "ORDER BY dispatch_id)) FROM probe.applied",
            )
        )

    def topic(self, county: str) -> str:
        return f"probe.dispatched.v1.{county}"

    def cluster_topic(self, topic: str) -> str:
        return f"{self.namespace}.{topic}"

    def wait_applied(self, node: str, count: int, timeout: float = 300) -> None:
        wait_until(lambda: self.applied(node) >= count, timeout, f"{count} dispatches applied at {node}")

    def metric(self, node: str, name: str, **labels: str) -> float:
        """Sum of a Prometheus sample over series whose labels include `labels` (node "relay": the relay)."""
        base = self.relay_metrics if node == "relay" else self.urls[node]
        body = requests.get(f"{base}/metrics", timeout=5).text
        total = 0.0
        for line in body.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            series, _, value = line.rpartition(" ")
            if all(f'{k}="{v}"' in series for k, v in labels.items()):
                total += float(value)
        return total

    def read_topic(self, topic: str) -> list:  # type: ignore[type-arg]
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
        name = self.cluster_topic(topic)
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        if not partitions:
            consumer.close()
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        records = list(consumer)
        consumer.close()
        return records

    def end_offsets(self, topic: str) -> int:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap)
        name = self.cluster_topic(topic)
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        total = sum(consumer.end_offsets(partitions).values())
        consumer.close()
        return total
