"""The outbox relay: publish committed events in order, then mark them sent.

One relay per service database holds a PostgreSQL advisory lock; others wait as standbys.
A crash between publishing and marking re-publishes the batch: consumers' inboxes make
that harmless, so every event is delivered at least once and applied exactly once.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import time
import zlib

from prometheus_client import start_http_server
from sqlalchemy import Connection, Engine, MetaData, Table, func, select, text, update

from hrss.bus.broker import AbstractBroker, Message, TopicSpec
from hrss.db import make_engine, outbox_table
from hrss.observability import configure_logging, metrics

log = logging.getLogger(__name__)


class OutboxRelay:
    """Moves events from one service's outbox table to the broker."""

    def __init__(
        self, engine: Engine, outbox: Table, broker: AbstractBroker, *, service: str, batch_size: int = 1000
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.broker = broker
        self.service = service
        self.batch_size = batch_size
        self.lock_key = zlib.crc32(f"hrss.outbox.{outbox.fullname}".encode())

    def publish_batch(self) -> int:
        """Publish the oldest unsent events; return how many were sent."""
        o = self.outbox
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(o.c.id, o.c.topic, o.c.key, o.c.value, o.c.headers)
                .where(o.c.sent_at.is_(None))
                .order_by(o.c.id)
                .limit(self.batch_size)
            ).all()
        if not rows:
            return 0
        self.broker.ensure_topics({TopicSpec(row.topic) for row in rows})
        self.broker.publish_many(
            [
                Message(
                    row.topic,
                    row.key.encode("utf-8"),
                    bytes(row.value),
                    {k: str(v).encode("utf-8") for k, v in row.headers.items()},
                )
                for row in rows
            ]
        )
        with self.engine.begin() as connection:
            connection.execute(update(o).where(o.c.id.in_([row.id for row in rows])).values(sent_at=func.now()))
        metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    def backlog(self) -> int:
        """Events committed but not yet acknowledged by the broker."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).where(self.outbox.c.sent_at.is_(None))).scalar_one())

    def run(self, stop: threading.Event, *, idle_wait: float = 0.05) -> None:
        """Hold the relay lock and publish until `stop` is set; failures are retried, never dropped."""
        with self.engine.connect() as lock_connection:
            if not self._acquire(lock_connection, stop):
                return
            try:
                log.info("relay for %s is active", self.outbox.fullname)
                self._publish_until(stop, idle_wait)
            finally:
                # the pooled connection outlives this call: release the session lock explicitly
                lock_connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.lock_key})
                lock_connection.commit()

    def _acquire(self, connection: Connection, stop: threading.Event) -> bool:
        while not stop.is_set():
            acquired = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_key}).scalar()
            connection.commit()
            if acquired:
                return True
            stop.wait(1.0)
        return False

    def _publish_until(self, stop: threading.Event, idle_wait: float) -> None:
        failures = 0
        last_gauge = 0.0
        while not stop.is_set():
            try:
                sent = self.publish_batch()
                failures = 0
                if time.monotonic() - last_gauge > 1.0 or not sent:
                    metrics.OUTBOX_BACKLOG.labels(self.service).set(self.backlog())
                    last_gauge = time.monotonic()
                if not sent:
                    stop.wait(idle_wait)
            except Exception:
                failures += 1
                metrics.OUTBOX_FAILURES.labels(self.service).inc()
                log.exception("relay batch failed; retrying")
                stop.wait(min(0.2 * 2**failures, 5.0))


def main(argv: list[str] | None = None) -> None:
    """Run a relay as its own process: `python -m hrss.bus.relay --service probe`."""
    parser = argparse.ArgumentParser(description="发布服务发件箱（outbox）中已提交的事件")
    parser.add_argument("--service", required=True, help="service name; also its database schema")
    parser.add_argument("--schema", help="database schema (default: the service name)")
    parser.add_argument("--dsn", default=os.environ.get("HRSS_PG_DSN"))
    parser.add_argument("--bootstrap", default=os.environ.get("HRSS_KAFKA_BOOTSTRAP"))
    parser.add_argument("--namespace", default=os.environ.get("HRSS_TOPIC_NAMESPACE", ""))
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--metrics-port", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.dsn or not args.bootstrap:
        parser.error("--dsn/HRSS_PG_DSN and --bootstrap/HRSS_KAFKA_BOOTSTRAP are required")
    configure_logging(f"{args.service}-relay")
    from hrss.bus.kafka import KafkaBroker

    schema = args.schema or args.service
    engine = make_engine(args.dsn, schema=schema, pool_size=2, application_name=f"{args.service}-relay")
    broker = KafkaBroker(args.bootstrap, client_id=f"{args.service}-relay", namespace=args.namespace)
    relay = OutboxRelay(
        engine, outbox_table(MetaData(schema=schema)), broker, service=args.service, batch_size=args.batch_size
    )
    if args.metrics_port:
        start_http_server(args.metrics_port, addr="127.0.0.1")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        relay.run(stop)
    finally:
        broker.close()
        engine.dispose()


if __name__ == "__main__":
    main()
