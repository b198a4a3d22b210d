"""Helpers for the inspection service's tests: dispatches as the draw sends them, config, tokens and calls."""

from __future__ import annotations

import sys
import time
import uuid
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Envelope, Producer, registry
from hrss.contracts.events.draw import (
    AssignmentDispatched,
    DrawVoided,
    ItemPart,
    RegistryRecord,
    TaskPart,
    TeamChanged,
    TeamMember,
)
from hrss.contracts.events.planning import TaskResultsPublished
from hrss.contracts.uscc import uscc_with_check

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE, CITY, COUNTY_A, COUNTY_B = "330000", "330100", "330102", "330106"
NOW = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
TOPICS = [
    registry.contract_of(AssignmentDispatched).topic_for(COUNTY_A),
    registry.contract_of(AssignmentDispatched).topic_for(COUNTY_B),
    registry.contract_of(TeamChanged).topic_for(COUNTY_A),
    registry.contract_of(TeamChanged).topic_for(COUNTY_B),
    registry.contract_of(TaskResultsPublished).topic_for(None),
    registry.contract_of(DrawVoided).topic_for(None),
]
SETTINGS = {
    "issuing_body": "杭州市上城区人力资源和社会保障局",
    "document_prefix": "上城人社监",
    "contact_phone": "0571-86000000",
}


def uscc(n: int, region: str = COUNTY_A) -> str:
    return uscc_with_check(f"91{region}{n:09d}"[:17])


def member(n: int, region: str = COUNTY_A) -> TeamMember:
    return TeamMember(
        inspector_id=uuid.uuid5(uuid.NAMESPACE_URL, f"inspector-{region}-{n}"),
        credential_no=f"ZJ{region}{n:04d}",
        name=f"检查员{n}号",
    )


def task(title: str, items: list[tuple[str, str]], *, end: date = date(2026, 6, 30), notice: bool = True) -> TaskPart:
    return TaskPart(
        task_id=uuid.uuid5(uuid.NAMESPACE_URL, f"task-{title}"),
        number=f"浙人社抽〔2026〕{zlib.crc32(title.encode()) % 90 + 10}号",
        title=title,
        items=[i for i, _ in items],
        start=date(2026, 4, 1),
        end=end,
        prior_notice=notice,
        node=PROVINCE,
        item_details=[ItemPart(item_id=i, item_version=1, name=n, methods=["on_site"]) for i, n in items],
    )


def assignment(
    n: int, tasks: list[TaskPart], team: list[TeamMember], *, region: str = COUNTY_A, draw: str = "d1"
) -> AssignmentDispatched:
    return AssignmentDispatched(
        assignment_id=uuid.uuid4(),
        draw_id=uuid.uuid5(uuid.NAMESPACE_URL, f"draw-{draw}"),
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{region}-{n}"),
        uscc=uscc(n, region),
        name=f"杭州测试{n}号有限公司",
        region_code=region,
        target_node=region,
        ticket="ab" * 32,
        batch=1,
        replaces=None,
        tasks=tasks,
        team=team,
        dispatched_at=NOW,
        registry_record=RegistryRecord(
            version=3,
            object_type="企业",
            status="active",
            tags=["农民工集中用工"],
            credit_grade="C",
            last_inspected=None,
        ),
    )


def draw_voided(draw: str, tasks: list[TaskPart], reason: str = "抽取范围设置错误") -> DrawVoided:
    """The draw service's event that a draw (named as in `assignment(draw=...)`) was voided."""
    return DrawVoided(
        draw_id=uuid.uuid5(uuid.NAMESPACE_URL, f"draw-{draw}"),
        task_ids=[t.task_id for t in tasks],
        node=PROVINCE,
        reason=reason,
        voided_at=NOW,
    )


def results_published(task_part: TaskPart) -> TaskResultsPublished:
    """Planning's event that a task's results are public (its task state borrowed from the draw tests' kit)."""
    sys.path.insert(0, str(SERVICE_DIR.parent / "draw" / "tests"))
    from draw_testkit import task_state

    state = task_state(str(task_part.task_id), node=PROVINCE, status="results_published")
    return TaskResultsPublished(
        task=state,
        from_status="completed",
        to_status="results_published",
        actor={"user_id": "planner@330000", "node": PROVINCE},
        at=NOW,
        reason=None,
    )


def envelope(payload: Any, subject: str, target_node: str | None) -> Envelope:
    service = "planning" if isinstance(payload, TaskResultsPublished) else "draw"
    return registry.build(
        payload, subject=subject, producer=Producer(service=service, node=PROVINCE), target_node=target_node
    )


def send(broker: Any, *events: Envelope) -> None:
    """Publish envelopes on the topics their contracts name (per target node for addressed ones)."""
    messages = []
    for e in events:
        topic = registry.get(e.type, e.schema_version).topic_for(e.target_node)
        messages.append(Message(topic, e.subject.encode(), e.to_bytes()))
    broker.publish_many(messages)


def ensure_topics(broker: Any) -> None:
    broker.ensure_topics([TopicSpec(t) for t in TOPICS])


def service_config(dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str, nodes: str) -> dict[str, Any]:
    return {
        "NODES": nodes,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "INSPECTION": {"remind_before_workdays": 5},
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "inspection")


def form(visit: dict[str, Any], present: list[str], **overrides: Any) -> dict[str, Any]:
    """A complete record form for every item of the visit: no problem found, signed by the entity."""
    body = {
        "inspected_on": "2026-05-06",
        "present": present,
        "items": [
            {"task_id": t["task_id"], "item_id": i["item_id"], "category": "no_problem", "methods": ["on_site"]}
            for t in visit["tasks"]
            for i in t["items"]
        ],
        "overall": "no_problem",
        "methods": ["on_site", "documentary"],
        "entity_signed": True,
    }
    body.update(overrides)
    return body


class Running:
    def __init__(self, url: str, key: SigningKey, dsn: str, broker: Any) -> None:
        self.url, self.key, self.dsn, self.broker = url, key, dsn, broker
        self.engine = sa.create_engine(dsn)
        self.container: Any = None  # the in-process nameko container, when the fixture runs one

    def set_clock(self, now: datetime) -> None:
        """Make the running service's clock say `now` (its components are built once, at container start)."""
        from hrss.web import ComponentProvider

        [provider] = [d for d in self.container.dependencies if isinstance(d, ComponentProvider)]
        provider.components.clock = lambda: now

    def token(self, roles: set[str], node: str, account: str | None = None, inspector: str | None = None) -> str:
        """A token as identity signs it; `inspector`: the registry inspector id the account is linked to."""
        link = {"inspector_id": inspector, "credential_no": f"证-{inspector}"} if inspector else {}
        principal = Principal(
            account or f"{sorted(roles)[0]}@{node}", "测试", node, frozenset(Role(r) for r in roles), **link
        )
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)

    def call(  # type: ignore[no-untyped-def]
        self,
        method: str,
        path: str,
        roles: set[str] | None,
        node: str = COUNTY_A,
        body: object = None,
        account: str | None = None,
        inspector: str | None = None,
    ):
        headers = {"Authorization": f"Bearer {self.token(roles, node, account, inspector)}"} if roles else {}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=60)

    def as_inspector(self, who: TeamMember, method: str, path: str, body: object = None):  # type: ignore[no-untyped-def]
        account = f"account-of-{who.inspector_id}"  # the person's login account, linked to the registry inspector
        return self.call(method, path, {"inspector"}, COUNTY_A, body, account=account, inspector=str(who.inspector_id))

    def rows(self, query: str, **params: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(query), params))

    def visit_of(self, usc: str) -> dict[str, Any]:
        """The visit of an entity, once the consumer has made it (read as the county's planner)."""
        visit_id = wait_for(
            lambda: next(iter(self.rows("SELECT visit_id FROM inspection.visit WHERE uscc = :u", u=usc)), None),
            60,
            f"the visit of {usc}",
        )[0]
        answer = self.call("GET", f"/visits/{visit_id}", {"planner"})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def outbox(self, event_type: str) -> list[Envelope]:
        found = [
            Envelope.from_bytes(bytes(r.value)) for r in self.rows("SELECT value FROM inspection.outbox ORDER BY id")
        ]
        return [e for e in found if e.type == event_type]


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
