"""Helpers for the notification service's tests: the events draw, inspection and identity send, config, the SMTP
server and SMS gateway doubles (real processes), calls and waits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Envelope, Producer, registry
from hrss.contracts.events.draw import AssignmentDispatched, TaskPart, TeamChanged, TeamMember
from hrss.contracts.events.identity import EnrolmentReset
from hrss.contracts.events.inspection import (
    Inspector,
    NoticeIssued,
    Overdue,
    ResultReturned,
    ResultSubmitted,
    VisitOpened,
)
from hrss.contracts.uscc import uscc_with_check

SERVICE_DIR = Path(__file__).resolve().parents[1]
DOUBLES = Path(__file__).resolve().parent / "doubles"
PROVINCE, CITY, COUNTY_A, COUNTY_B = "330000", "330100", "330102", "330106"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
SECRET = b"test-webhook-secret"


def uscc(n: int, region: str = COUNTY_A) -> str:
    return uscc_with_check(f"91{region}{n:09d}"[:17])


def member(k: int) -> TeamMember:
    return TeamMember(
        inspector_id=uuid.uuid5(uuid.NAMESPACE_URL, f"inspector-{k}"), credential_no=f"ZJ{k:06d}", name=f"检查员{k}"
    )


def task() -> TaskPart:
    return TaskPart(
        task_id=uuid.uuid5(uuid.NAMESPACE_URL, "task-1"),
        number="浙人社抽〔2026〕12号",
        title="劳动用工专项",
        items=["wages"],
        start=date(2026, 4, 1),
        end=date(2026, 6, 30),
        prior_notice=True,
    )


def assignment(n: int, team: tuple[int, ...] = (1, 2), node: str = COUNTY_A) -> AssignmentDispatched:
    return AssignmentDispatched(
        assignment_id=uuid.uuid5(uuid.NAMESPACE_URL, f"assignment-{node}-{n}"),
        draw_id=uuid.uuid5(uuid.NAMESPACE_URL, "draw-1"),
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{n}"),
        uscc=uscc(n, node),
        name=f"杭州测试{n}号有限公司",
        region_code=node,
        target_node=node,
        ticket="ab" * 32,
        batch=1,
        replaces=None,
        tasks=[task()],
        team=[member(k) for k in team],
        dispatched_at=NOW,
    )


def team_changed(n: int, replaced: int, by: int, team: tuple[int, ...], node: str = COUNTY_A) -> TeamChanged:
    return TeamChanged(
        assignment_id=uuid.uuid5(uuid.NAMESPACE_URL, f"assignment-{node}-{n}"),
        draw_id=uuid.uuid5(uuid.NAMESPACE_URL, "draw-1"),
        uscc=uscc(n, node),
        target_node=node,
        replaced=member(replaced),
        by=member(by),
        reason="身体健康状况",
        approver=f"admin@{node}",
        team=[member(k) for k in team],
        changed_at=NOW,
    )


def visit_id(n: int, node: str = COUNTY_A) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"visit-{node}-{n}")


def inspector(k: int) -> Inspector:
    m = member(k)
    return Inspector(inspector_id=m.inspector_id, credential_no=m.credential_no, name=m.name)


def visit_opened(n: int, team: tuple[int, ...] = (1, 2), node: str = COUNTY_A) -> VisitOpened:
    return VisitOpened(
        visit_id=visit_id(n, node),
        node=node,
        uscc=uscc(n, node),
        entity_name=f"杭州测试{n}号有限公司",
        task_ids=[task().task_id],
        assignment_ids=[uuid.uuid5(uuid.NAMESPACE_URL, f"assignment-{node}-{n}")],
        inspectors=[inspector(k) for k in team],
        due=date(2026, 6, 30),
        opened_at=NOW,
    )


def submitted(n: int, node: str = COUNTY_A) -> ResultSubmitted:
    return ResultSubmitted(
        result_id=uuid.uuid5(uuid.NAMESPACE_URL, f"result-{n}"),
        visit_id=visit_id(n, node),
        node=node,
        version=1,
        submitted_by="检查员1",
        submitted_at=NOW,
    )


def returned(n: int, node: str = COUNTY_A) -> ResultReturned:
    return ResultReturned(
        result_id=uuid.uuid5(uuid.NAMESPACE_URL, f"result-{n}"),
        visit_id=visit_id(n, node),
        node=node,
        version=1,
        opinion="请补充工资台账照片",
        reviewer="审核员",
        returned_at=NOW,
    )


def overdue(node: str = COUNTY_A, supervisor: str | None = CITY) -> Overdue:
    return Overdue(
        subject_id=uuid.uuid5(uuid.NAMESPACE_URL, "visit-late"),
        node=node,
        supervisor=supervisor,
        kind="result",
        due=date(2026, 6, 30),
        detected_on=date(2026, 7, 1),
    )


def notice(n: int, node: str = COUNTY_A) -> NoticeIssued:
    return NoticeIssued(
        notice_id=uuid.uuid5(uuid.NAMESPACE_URL, f"notice-{n}"),
        visit_id=visit_id(n, node),
        node=node,
        uscc=uscc(n, node),
        entity_name=f"杭州测试{n}号有限公司",
        window_start=date(2026, 5, 6),
        window_end=date(2026, 5, 8),
        items=["工资支付"],
        materials=["工资台账", "劳动合同"],
        inspectors=[inspector(1), inspector(2)],
        pdf_sha256="ef" * 32,
        issued_at=NOW,
    )


def reset(account_id: str, node: str = COUNTY_A) -> EnrolmentReset:
    return EnrolmentReset(
        account_id=uuid.UUID(account_id), node=node, reset_by=f"admin@{node}", reset_at=NOW, code_expires_at=NOW
    )


TOPIC_PAYLOADS = [
    assignment(1),
    team_changed(1, 1, 3, (2, 3)),
    visit_opened(1),
    submitted(1),
    returned(1),
    overdue(),
    notice(1),
    reset(str(uuid.uuid4())),
]


def envelope(payload: Any, subject: str, event_id: uuid.UUID | None = None) -> Envelope:
    service = type(payload).__module__.rsplit(".", 1)[-1]
    target = getattr(payload, "target_node", None) if registry.contract_of(type(payload)).addressed else None
    built = registry.build(
        payload, subject=subject, producer=Producer(service=service, node=PROVINCE), target_node=target
    )
    return built.model_copy(update={"event_id": event_id}) if event_id else built


def send(broker: Any, *payloads: Any) -> list[str]:
    """Publish events on the topics their contracts name (per node for addressed ones); their event ids."""
    messages, ids = [], []
    for p in payloads:
        e = envelope(p, str(uuid.uuid4()))
        topic = registry.get(e.type, e.schema_version).topic_for(e.target_node)
        messages.append(Message(topic, e.subject.encode(), e.to_bytes()))
        ids.append(str(e.event_id))
    broker.publish_many(messages)
    return ids


def ensure_topics(broker: Any, nodes: tuple[str, ...] = (COUNTY_A, COUNTY_B)) -> None:
    topics = set()
    for p in TOPIC_PAYLOADS:
        contract = registry.contract_of(type(p))
        topics |= {contract.topic_for(n) for n in nodes} if contract.addressed else {contract.topic_for(None)}
    broker.ensure_topics([TopicSpec(t) for t in sorted(topics)])


def service_config(dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str, **settings: Any) -> dict:  # type: ignore[type-arg]
    return {
        "NODES": PROVINCE,
        "DELEGATED_NODES": COUNTY_B,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "NOTIFICATION": {"smtp_host": "127.0.0.1", "sms_webhook_url": "http://127.0.0.1/sms", **settings},
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "notification")


def token(key: SigningKey, roles: set[str], node: str, account: str | None = None, inspector: int | None = None) -> str:
    link = {}
    if inspector is not None:
        link = {"inspector_id": str(member(inspector).inspector_id), "credential_no": member(inspector).credential_no}
    principal = Principal(account or str(uuid.uuid4()), "测试", node, frozenset(Role(r) for r in roles), **link)
    return TokenIssuer(key, issuer="hrss-identity", audience="hrss").issue(principal)


class Running:
    def __init__(self, url: str, key: SigningKey, dsn: str, broker: Any) -> None:
        self.url, self.key, self.dsn, self.broker = url, key, dsn, broker
        self.engine = sa.create_engine(dsn)

    def call(self, method: str, path: str, bearer: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def rows(self, query: str, **params: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(query), params))


def wait_for(condition: Any, timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Double:
    """A real server process (the SMTP server or the SMS gateway double) that appends what it receives, one JSON
    object a line, to a file the test reads."""

    def __init__(self, script: str, port: int, record: Path, *args: str) -> None:
        self.script, self.port, self.record, self.args = script, port, record, args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Double:
        command = [
            sys.executable,
            str(DOUBLES / self.script),
            "--port",
            str(self.port),
            "--record",
            str(self.record),
            *self.args,
        ]
        self.process = subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        wait_for(self._listening, 20, f"{self.script} on {self.port}")
        return self

    def _listening(self) -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def received(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text("utf-8").splitlines() if line.strip()]


def queue_notifications(
    dsn: str,
    count: int,
    *,
    emails: bool = True,
    sms: bool = True,
    node: str = COUNTY_A,
    address: str = "inspector{k}@example.cn",
) -> list[str]:
    """`count` assignment notices queued for e-mail and/or SMS, as the service queues them; their ids."""
    from notification.adapters.repository import SqlNotificationRepository
    from notification.domain import model
    from notification.domain.model import Channel
    from notification.domain.templates import TEMPLATES
    from sqlalchemy.orm import Session

    template, made = TEMPLATES["assignment"], []
    values = {
        "entity_name": "杭州测试有限公司",
        "uscc": uscc(1),
        "tasks": "劳动用工专项",
        "period": "2026-04-01 至 2026-06-30",
        "teammates": "检查员2",
    }
    for k in range(count):
        event = str(uuid.uuid4())
        for channel, to in ((Channel.EMAIL, address.format(k=k)), (Channel.SMS, f"138{k:08d}")):
            if (channel is Channel.EMAIL and not emails) or (channel is Channel.SMS and not sms):
                continue
            subject, body = template.render(channel, values)
            made.append(
                model.Notification(
                    id=model.notification_id(event, f"account:{k}", channel),
                    event_id=event,
                    kind="assignment",
                    template_id="assignment",
                    template_version=1,
                    seed_section=template.seed_section,
                    node=node,
                    recipient=f"account:{k}",
                    channel=channel,
                    address=to,
                    subject=subject,
                    body=body,
                    mandatory=True,
                    created_at=datetime.now(UTC),
                )
            )
    engine = sa.create_engine(dsn)
    with Session(engine) as session:
        for start in range(0, len(made), 5000):
            SqlNotificationRepository(session).add(made[start : start + 5000], datetime.now(UTC))
        session.commit()
    engine.dispose()
    return [n.id for n in made]


def sender_process(dsn: str, log_dir: Path, smtp_port: int, sms_port: int, **settings: str) -> Any:
    """The sender as its own process (python -m notification.entrypoints.sender), healthy once its metrics answer."""
    from hrss.testing.processes import ManagedProcess, free_port

    port = free_port()
    env = {
        "HRSS_PG_DSN": dsn,
        "HRSS_NODES": PROVINCE,
        "HRSS_SMTP_HOST": "127.0.0.1",
        "HRSS_SMTP_PORT": str(smtp_port),
        "HRSS_SMS_WEBHOOK_URL": f"http://127.0.0.1:{sms_port}/sms",
        "HRSS_SMS_WEBHOOK_SECRET": SECRET.decode(),
        "HRSS_NOTIFICATION_SENDER_METRICS_PORT": str(port),
        **settings,
    }
    args = [sys.executable, "-m", "notification.entrypoints.sender"]
    return ManagedProcess("notification-sender", args, env, log_dir, health_url=f"http://127.0.0.1:{port}/metrics")


def states(dsn: str) -> dict[str, int]:
    """How many notifications' latest delivery step is each state (sending, sent, retry, failed)."""
    engine = sa.create_engine(dsn)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT state, count(*) FROM (SELECT DISTINCT ON (notification_id) state FROM notification.delivery"
                " ORDER BY notification_id, id DESC) latest GROUP BY state"
            )
        )
        found = {r[0]: int(r[1]) for r in rows}
    engine.dispose()
    return found
