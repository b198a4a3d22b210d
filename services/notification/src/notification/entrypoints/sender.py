"""The sender: `python -m notification.entrypoints.sender`, one process beside the service (like its outbox
relay), `HRSS_NOTIFICATION_WORKERS` threads per configured channel (default 1), each with its own connection to
the channel (one SMTP session, one keep-alive HTTP session) and to the database. Several senders, or workers, may
run: each claims what is due with SKIP LOCKED. Each worker has at most `confirm_every` messages accepted and not yet
recorded `sent`, so a kill -9 resends at most workers x confirm_every per channel."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime

from prometheus_client import start_http_server
from sqlalchemy import Engine

from hrss.contracts import utcnow
from hrss.db import make_engine
from hrss.observability import configure_logging
from notification import metrics
from notification.adapters.channels import Transport
from notification.adapters.queue import DeliveryQueue, SqlDeliveryQueue
from notification.bootstrap import sender_settings, transports
from notification.domain.model import Channel
from notification.service_layer.sending import SenderSettings, deliver_once

log = logging.getLogger(__name__)


def run_channel(
    queue: DeliveryQueue,
    transport: Transport,
    channel: Channel,
    settings: SenderSettings,
    stop: threading.Event,
    idle_wait: float = 0.2,
) -> None:
    """Deliver `channel` until `stop`; a failing loop (database down) backs off and goes on, never dies."""
    failures, gauge_at = 0, 0.0
    while not stop.is_set():
        try:
            claimed = deliver_once(queue, transport, channel, settings, utcnow)
            failures = 0
            if time.monotonic() - gauge_at > 1.0 or not claimed:
                oldest = queue.oldest(channel)
                age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
                metrics.QUEUE_AGE.labels(str(channel)).set(age)
                gauge_at = time.monotonic()
            if not claimed:
                stop.wait(idle_wait)
        except Exception:
            failures += 1
            metrics.SENDER_FAILURES.labels(str(channel)).inc()
            log.exception("sender loop for %s failed; retrying", channel)
            transport.close()
            queue.close()
            stop.wait(min(0.2 * 2**failures, 5.0))
    transport.close()
    queue.close()


def start(
    engine: Engine, workers: list[dict[Channel, Transport]], settings: SenderSettings, stop: threading.Event
) -> list[threading.Thread]:
    """A thread per channel and worker, each with its own queue (connection) and transport."""
    threads = [
        threading.Thread(
            target=run_channel,
            args=(SqlDeliveryQueue(engine), transport, channel, settings, stop),
            name=f"send-{channel}-{k}",
        )
        for k, found in enumerate(workers)
        for channel, transport in found.items()
    ]
    for thread in threads:
        thread.start()
    return threads


def main() -> None:
    configure_logging("notification-sender", os.environ.get("HRSS_NODES", ""))
    dsn = os.environ.get("HRSS_PG_DSN")
    if not dsn:
        raise SystemExit("HRSS_PG_DSN is required")
    settings, workers = sender_settings(), int(os.environ.get("HRSS_NOTIFICATION_WORKERS", "1"))
    if workers < 1:
        raise SystemExit("HRSS_NOTIFICATION_WORKERS >= 1")
    found = [transports() for _ in range(workers)]  # each worker its own SMTP session and HTTP session
    if not found[0]:
        log.warning("no channel configured (HRSS_SMTP_HOST, HRSS_SMS_WEBHOOK_URL): only the inbox delivers")
    port = int(
        os.environ.get("HRSS_NOTIFICATION_SENDER_METRICS_PORT") or os.environ.get("HRSS_WORKER_METRICS_PORT") or "0"
    )
    if port:
        start_http_server(port, addr="127.0.0.1")
    engine = make_engine(
        dsn, schema="notification", pool_size=len(found[0]) * workers + 1, application_name="notification-sender"
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = start(engine, found, settings, stop)
    try:
        while not stop.is_set():
            stop.wait(1.0)
    finally:
        for thread in threads:
            thread.join(timeout=30)
        engine.dispose()


if __name__ == "__main__":
    main()
