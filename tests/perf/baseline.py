"""The baseline on the same broker: raw kafka-python produce -> consume, without outbox, relay or database.

The producer has KafkaBroker's settings; messages are the size of the observed envelope and carry their send
time; a fresh 3-partition topic is read by one group consumer in its own process, committing after each poll.
Run once as fast as possible (capacity) and once paced at the end-to-end offered rate (latency at that load).
"""

from __future__ import annotations

import math
import multiprocessing
import time
import uuid
from typing import Any

from analysis import summary
from kafka import KafkaConsumer, KafkaProducer

from hrss.bus.broker import TopicSpec
from hrss.bus.kafka import KafkaBroker
from hrss.testing.kafka_admin import delete_namespace

# The producer KafkaBroker uses (libs/bus/src/hrss/bus/kafka.py).
PRODUCER_SETTINGS: dict[str, Any] = {
    "acks": "all",
    "enable_idempotence": True,
    "max_in_flight_requests_per_connection": 1,
    "linger_ms": 5,
    "batch_size": 256 * 1024,
    "compression_type": None,
    "retries": 2**31 - 1,
    "delivery_timeout_ms": 120_000,
    "max_block_ms": 10_000,
}


def _consume(bootstrap: str, topic: str, n: int, timeout: float, ready, out) -> None:  # type: ignore[no-untyped-def]
    """In its own process: read `n` records as a group member, committing after each poll."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"{topic}.group",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
        isolation_level="read_committed",
    )
    consumer.subscribe([topic])
    deadline = time.monotonic() + 30
    while not consumer.assignment() and time.monotonic() < deadline:
        consumer.poll(timeout_ms=100)
    ready.set()
    latencies: list[float] = []
    last = math.nan
    deadline = time.monotonic() + timeout
    while len(latencies) < n and time.monotonic() < deadline:
        polled = consumer.poll(timeout_ms=500, max_records=500)
        now = time.time()
        for records in polled.values():
            latencies.extend(now - int(record.value[:20]) / 1e9 for record in records)
        if polled:
            consumer.commit()
            last = now
    consumer.close()
    out.put({"received": len(latencies), "last": last, "latencies": latencies})


def measure(broker: KafkaBroker, n: int, size: int, rate: float | None, label: str) -> dict[str, Any]:
    """Produce `n` records (paced at `rate`/s, else as fast as possible) while one consumer reads them."""
    local = f"baseline-{label}-{uuid.uuid4().hex[:6]}"
    broker.ensure_topics([TopicSpec(local)])
    topic = broker.name(local)
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=_consume, args=(broker.bootstrap_servers, topic, n, 120.0, ready, out), daemon=True)
    reader.start()
    ready.wait(60)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap_servers, client_id="perf-baseline", **PRODUCER_SETTINGS)
    pad = b"x" * max(0, size - 20)
    headers = [("event_type", b"probe.dispatched"), ("schema_version", b"1"), ("trace_id", uuid.uuid4().hex.encode())]
    chunk = 250
    t0 = time.time()
    for i in range(n):
        if rate and i % chunk == 0:
            time.sleep(max(0.0, t0 + i / rate - time.time()))
        producer.send(topic, key=str(uuid.uuid4()).encode(), value=b"%020d" % time.time_ns() + pad, headers=headers)
    producer.flush()
    produced_at = time.time()
    producer.close()
    got = out.get(timeout=180)
    reader.join(10)
    elapsed = got["last"] - t0
    return {
        "label": label,
        "messages": n,
        "received": got["received"],
        "message_bytes": size,
        "paced_rate": rate,
        "produce_rate": n / (produced_at - t0),
        "throughput": got["received"] / elapsed if elapsed > 0 else math.nan,
        "latency": summary(got["latencies"]),
    }


def run(bootstrap: str, size: int, messages: int, rate: float, paced_seconds: float) -> dict[str, Any]:
    """{"baseline": full speed, "baseline_paced": paced at `rate` (when paced_seconds > 0)}, in a new namespace."""
    namespace = f"perfbase{uuid.uuid4().hex[:8]}"
    broker = KafkaBroker(bootstrap, client_id="perf-baseline", namespace=namespace, partitions=3)
    try:
        figures = {"baseline": measure(broker, messages, size, None, "full")}
        if paced_seconds > 0:
            figures["baseline_paced"] = measure(broker, int(rate * paced_seconds), size, rate, "paced")
        return figures
    finally:
        broker.close()
        delete_namespace(bootstrap, namespace)
