"""Notifications through the real path (issue 19): one provincial draw's assignments -> notification -> the SMTP
server and the SMS gateway double, beside a raw smtplib loop (and a raw signed POST loop) to the same servers, in
one run.

    eval "$(infra/local/stack env)" && .venv/bin/python tests/perf/bench_notification.py [--assignments 25000]

1. A fresh database and topic namespace; the notification service (`nameko run`) and its sender
   (`python -m notification.entrypoints.sender`) started as processes, as infra/local/services runs them; the
   SMTP server (aiosmtpd) and the SMS gateway double as processes that record what they receive
   (services/notification/tests/doubles).
2. Every inspector of the draw (--inspectors) has an e-mail address and a mobile number in the contact directory.
   --assignments draw.assignment_dispatched events, each with a team of --team, produced onto Kafka as the draw
   service would: each team member gets an inbox notification, an e-mail and an SMS (so --assignments x --team
   "assignment notifications", each by three channels). Timed from the first event produced until the servers
   received every message: consumed (time until every notification row exists), then sent (time to drain).
3. Beside it, in the same run: a raw smtplib loop over one connection to the same SMTP server, and a raw
   requests loop of signed POSTs to the same gateway double, each sending --raw messages of the same text.
A plain script: it prints figures and never fails on timing. Everything it made is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "notification" / "tests"))

import requests
import sqlalchemy as sa
from notification.adapters.channels import signature
from notification.adapters.repository import SqlNotificationRepository
from notification.domain.model import Contact
from notification_testkit import SECRET, SERVICE_DIR, Double, assignment, ensure_topics, envelope, member, migrate
from notification_testkit import sender_process as make_sender
from sqlalchemy.orm import Session

from hrss.auth import SigningKey
from hrss.bus.broker import Message
from hrss.bus.kafka import KafkaBroker
from hrss.contracts import registry
from hrss.contracts.events.draw import AssignmentDispatched
from hrss.testing.databases import create_database, drop_database
from hrss.testing.kafka_admin import delete_namespace
from hrss.testing.processes import free_port, nameko_service
from hrss.testing.servers import Servers

BATCH = 5_000  # events per produce call


def count(engine: sa.Engine, query: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(query)).scalar_one())


def wait(what: str, done: object, timeout: float) -> float:
    """Seconds until `done()` is true (polled every 0.2 s); fails after `timeout`."""
    start = time.monotonic()
    while not done():  # type: ignore[operator]
        if time.monotonic() - start > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - start


def lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(1 for _ in f)


def raw_smtp(port: int, n: int, body: str) -> float:
    """messages/s of a plain smtplib loop over one connection (no database, no retries, no record)."""
    smtp = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for k in range(n):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "noreply@hrss.local", f"raw{k}@example.cn", "【检查任务】"
        message["Message-ID"] = f"<raw-{k}@bench>"
        message.set_content(body)
        smtp.send_message(message)
    elapsed = time.perf_counter() - start
    smtp.quit()
    return n / elapsed


def raw_webhook(port: int, n: int, text: str) -> float:
    """messages/s of a plain loop of signed POSTs on one keep-alive session."""
    http = requests.Session()
    start = time.perf_counter()
    for k in range(n):
        body = json.dumps({"id": f"raw-{k}", "mobile": "13800000000", "content": text, "node": "330102"},
                          ensure_ascii=False).encode()  # fmt: skip
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-HRSS-Timestamp": stamp,
                   "X-HRSS-Signature": signature(SECRET, stamp, body), "Idempotency-Key": f"raw-{k}"}  # fmt: skip
        http.post(f"http://127.0.0.1:{port}/sms", data=body, headers=headers, timeout=10).raise_for_status()
    elapsed = time.perf_counter() - start
    http.close()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignments", type=int, default=25_000, help="dispatched entities (default 25,000)")
    parser.add_argument("--team", type=int, default=2, help="inspectors per team (default 2)")
    parser.add_argument("--inspectors", type=int, default=5_000, help="inspectors of the draw's roster")
    parser.add_argument("--raw", type=int, default=5_000, help="messages of each raw loop (default 5,000)")
    parser.add_argument("--batch", default="200", help="the sender's claim size (HRSS_NOTIFICATION_BATCH)")
    parser.add_argument("--confirm-every", default="1", help="HRSS_NOTIFICATION_CONFIRM_EVERY (1: at most one "
                        "duplicate per sender death)")  # fmt: skip
    parser.add_argument("--workers", default="1", help="the sender's threads per channel (HRSS_NOTIFICATION_WORKERS)")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still removes what was made
    servers = Servers.from_environment()
    namespace = f"benchnotif{uuid.uuid4().hex[:8]}"
    database = f"bench_notification_{uuid.uuid4().hex[:8]}"
    dsn = create_database(servers.pg_dsn, database)
    work = Path(tempfile.mkdtemp(prefix="bench-notification-"))
    processes = []
    smtp = Double("smtp_server.py", free_port(), work / "mail.jsonl")
    sms = Double("sms_gateway.py", free_port(), work / "sms.jsonl", "--secret", SECRET.decode())
    raw_smtp_box = Double("smtp_server.py", free_port(), work / "raw-mail.jsonl")
    raw_sms_box = Double("sms_gateway.py", free_port(), work / "raw-sms.jsonl", "--secret", SECRET.decode())
    broker = KafkaBroker(servers.kafka_bootstrap, client_id="bench-notification", namespace=namespace)
    try:
        for double in (smtp, sms, raw_smtp_box, raw_sms_box):
            double.start()
        migrate(dsn)
        ensure_topics(broker)
        engine = sa.create_engine(dsn)
        with Session(engine) as session:  # every inspector of the roster reachable by e-mail and SMS
            repo = SqlNotificationRepository(session)
            for k in range(1, args.inspectors + 1):
                holder = f"account:{uuid.uuid5(uuid.NAMESPACE_URL, f'bench-account-{k}')}"
                contact = Contact(holder, "330102", f"inspector{k}@example.cn", f"139{k:08d}", ("inspector",),
                                  str(member(k).inspector_id))  # fmt: skip
                repo.put_contact(contact, "bench", datetime.now(UTC))
            session.commit()
        key = SigningKey.generate("bench")
        env = {"HRSS_AUTH_PUBLIC_KEYS": f"{key.kid}={key.public_base64()}",
               "HRSS_PG_DSN": dsn, "HRSS_KAFKA_BOOTSTRAP": servers.kafka_bootstrap, "HRSS_TOPIC_NAMESPACE": namespace,
               "HRSS_NODES": "330000", "HRSS_DELEGATED_NODES": "", "HRSS_SMTP_HOST": "127.0.0.1",
               "HRSS_SMS_WEBHOOK_URL": f"http://127.0.0.1:{sms.port}/sms"}  # fmt: skip
        service, _ = nameko_service("notification", "notification.entrypoints.service:NotificationService",
                                    SERVICE_DIR / "config.yaml", env, work, cwd=SERVICE_DIR)  # fmt: skip
        processes.append(service.start(120))
        sender = make_sender(dsn, work, smtp.port, sms.port, HRSS_NOTIFICATION_BATCH=args.batch,
                             HRSS_NOTIFICATION_CONFIRM_EVERY=args.confirm_every,
                             HRSS_NOTIFICATION_WORKERS=args.workers)  # fmt: skip
        processes.append(sender.start(60))

        rng = list(range(1, args.inspectors + 1))
        events: list[AssignmentDispatched] = []
        for n in range(args.assignments):
            team = tuple(rng[(n * args.team + j) % len(rng)] for j in range(args.team))
            events.append(assignment(n, team=team))
        people = args.assignments * args.team
        print(f"draw: {args.assignments:,} assignments x team of {args.team} = {people:,} assignment notifications "
              f"(each by inbox, e-mail and SMS: {3 * people:,} rows, {2 * people:,} messages sent)")  # fmt: skip
        topic = registry.contract_of(AssignmentDispatched).topic_for("330102")
        load_before = os.getloadavg()
        start = time.monotonic()
        for first in range(0, len(events), BATCH):
            messages = []
            for e in events[first : first + BATCH]:
                built = envelope(e, str(e.assignment_id))
                messages.append(Message(topic, built.subject.encode(), built.to_bytes()))
            broker.publish_many(messages)
        produced = time.monotonic() - start
        wait("every notification row", lambda: count(engine, "SELECT count(*) FROM notification.notification")
                    >= 3 * people, args.timeout)  # fmt: skip
        made_at = time.monotonic() - start
        finished: dict[str, float] = {}
        deadline = time.monotonic() + args.timeout
        while len(finished) < 2:  # when each server had received every message of its channel
            for name, record in (("mail", smtp.record), ("sms", sms.record)):
                if name not in finished and lines(record) >= people:
                    finished[name] = time.monotonic() - start
            if time.monotonic() > deadline:
                raise SystemExit("timed out waiting for the servers to receive every message")
            time.sleep(0.2)
        mail_done, sms_done = finished["mail"], finished["sms"]
        drained = max(mail_done, sms_done)
        sent = count(engine, "SELECT count(*) FROM notification.delivery WHERE state = 'sent'")
        body = json.loads(smtp.record.open(encoding="utf-8").readline())["body"]
        text = json.loads(sms.record.open(encoding="utf-8").readline())["content"]
        smtp_rate = raw_smtp(raw_smtp_box.port, args.raw, body)
        webhook_rate = raw_webhook(raw_sms_box.port, args.raw, text)
        mail, texts = lines(smtp.record), lines(sms.record)
        load_after = os.getloadavg()
        loads = [" ".join(f"{x:.1f}" for x in load) for load in (load_before, load_after)]
        print(f"load average (1, 5, 15 min): {loads[0]} at the first event, {loads[1]} after the raw loops")
        print(f"produced {len(events):,} events in {produced:.1f} s")
        print(f"consumed: all {3 * people:,} notification rows in {made_at:.1f} s ({3 * people / made_at:,.0f} rows/s)")
        print(f"drained: the servers received {mail:,} e-mails and {texts:,} SMS in {drained:.1f} s from the first "
              f"event produced ({(mail + texts) / drained:,.0f} messages/s; sent rows {sent:,}; sender batch "
              f"{args.batch}, confirm every {args.confirm_every}, {args.workers} worker(s) a channel)")  # fmt: skip
        print(f"  e-mail through the platform: {mail / mail_done:,.0f}/s (all in {mail_done:.1f} s); "
              f"raw smtplib loop, same server: "
              f"{smtp_rate:,.0f}/s ({args.raw:,} messages)")  # fmt: skip
        print(f"  SMS through the platform:    {texts / sms_done:,.0f}/s (all in {sms_done:.1f} s); "
              f"raw signed POST loop, same double: "
              f"{webhook_rate:,.0f}/s ({args.raw:,} messages)")  # fmt: skip
        print(f"duplicates at the servers: {mail - people} e-mail, {texts - people} SMS (no sender was killed)")
        engine.dispose()
    finally:
        for process in reversed(processes):
            process.stop()
        for double in (smtp, sms, raw_smtp_box, raw_sms_box):
            double.stop()
        broker.close()
        delete_namespace(servers.kafka_bootstrap, namespace)
        drop_database(servers.pg_dsn, database)


if __name__ == "__main__":
    main()
