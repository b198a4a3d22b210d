"""Helpers for the publication service's tests: the events inspection, planning and the registry send, config,
calls and waits."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Envelope, Producer, registry
from hrss.contracts.events.draw import AssignmentDispatched, DrawCompleted, RegistryRecord, TaskPart, TeamMember
from hrss.contracts.events.inspection import (
    FollowUpClosed,
    FollowUpOpened,
    ItemResult,
    RecordForm,
    ResultApproved,
    ResultPublished,
)
from hrss.contracts.events.inspection import Inspector as InspectorPart
from hrss.contracts.events.planning import (
    Acting,
    KpiFacts,
    PlanPublished,
    PlanState,
    RatioSpec,
    ScopeSpec,
    TaskCompleted,
    TaskItemSpec,
    TaskPublished,
    TaskState,
)
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged
from hrss.contracts.masking import id_check_character
from hrss.contracts.uscc import uscc_with_check

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE, CITY, COUNTY_A, COUNTY_B = "330000", "330100", "330102", "330106"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
BODY = "杭州市上城区人力资源和社会保障局"
TOPICS = [
    registry.contract_of(ResultApproved).topic_for(COUNTY_A),
    registry.contract_of(ResultApproved).topic_for(COUNTY_B),
    registry.contract_of(ResultPublished).topic_for(None),
    registry.contract_of(TaskPublished).topic_for(None),
    registry.contract_of(TaskCompleted).topic_for(None),
    registry.contract_of(FollowUpOpened).topic_for(None),
    registry.contract_of(FollowUpClosed).topic_for(None),
    registry.contract_of(PlanPublished).topic_for(None),
    registry.contract_of(EntityChanged).topic_for(None),
    registry.contract_of(CheckItemChanged).topic_for(None),
    registry.contract_of(DrawCompleted).topic_for(None),
    registry.contract_of(AssignmentDispatched).topic_for(COUNTY_A),
    registry.contract_of(AssignmentDispatched).topic_for(COUNTY_B),
]
_BORN = "11010119850307123"
RESIDENT_ID = _BORN + id_check_character(_BORN)  # a valid ID number a careless form might carry
MOBILE = "13812345678"


def uscc(n: int, region: str = COUNTY_A) -> str:
    return uscc_with_check(f"91{region}{n:09d}"[:17])


def task_id(title: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"task-{title}")


def task_state(title: str = "劳动用工专项", node: str = PROVINCE, drawn_list: bool = True) -> TaskState:
    ratio = RatioSpec(kind="fraction", numerator=1, denominator=20)
    return TaskState(
        task_id=task_id(title), node=node, number="浙人社抽〔2026〕12号", title=title, year=2026, status="published",
        items=[TaskItemSpec(item_id="wages", item_version=1, name="工资支付", category="general", methods=["on_site"],
                            object_type="企业", line="labour_inspection", ratio=ratio, item_ratio=ratio)],
        lines=["labour_inspection"], departments=["人社"], implementing_nodes=[COUNTY_A], unified=True,
        scope=ScopeSpec(region_codes=[], object_types=["企业"], tags=[], grades=[]), draw_regions=[node],
        grade_ratios=[], exclude_inspected_within_months=12, team_size=2, publish_drawn_list=drawn_list,
        prior_notice=True,
        start=date(2026, 4, 1), end=date(2026, 6, 30), plan_id=None, plan_version=None, ad_hoc_reason="专项",
        draw_group=None, kpi=KpiFacts(joint=False, credit_differentiated=True, major_items=0, minor_items=1),
    )  # fmt: skip


def task_published(title: str = "劳动用工专项", node: str = PROVINCE, drawn_list: bool = True) -> TaskPublished:
    return TaskPublished(
        task=task_state(title, node, drawn_list), from_status="draft", to_status="published",
        actor=Acting(user_id=f"planner@{node}", node=node), at=NOW, reason=None,
    )  # fmt: skip


def task_completed(at: datetime = NOW, title: str = "劳动用工专项", node: str = PROVINCE) -> TaskCompleted:
    return TaskCompleted(
        task=task_state(title, node), from_status="in_progress", to_status="completed",
        actor=Acting(user_id="planning", node=node), at=at, reason="全部检查对象已办结",
    )  # fmt: skip


def plan_published(node: str = PROVINCE, version: int = 1) -> PlanPublished:
    plan = PlanState(
        plan_id=uuid.uuid5(uuid.NAMESPACE_URL, f"plan-{node}"), node=node, year=2026, version=version,
        status="published", items=[], omissions=[], late=False, adjustment_reason=None if version == 1 else "调整",
    )  # fmt: skip
    return PlanPublished(plan=plan, actor=Acting(user_id=f"admin@{node}", node=node), at=NOW, reason=None)


def result_id(n: int, node: str = COUNTY_A) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"result-{node}-{n}")


def approved(n: int, node: str = COUNTY_A, *, public: bool = True, findings: str = "", name: str | None = None,
             overall: str = "no_problem", version: int = 1) -> ResultApproved:  # fmt: skip
    inspectors = [
        InspectorPart(inspector_id=uuid.uuid4(), credential_no=f"ZJ{node}{k:04d}", name=f"检查员{k}") for k in (1, 2)
    ]
    return ResultApproved(
        result_id=result_id(n, node), visit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"visit-{node}-{n}"), node=node,
        version=version, uscc=uscc(n, node), entity_name=name or f"杭州测试{n}号有限公司", region_code=node,
        task_ids=[task_id("劳动用工专项")], overall=overall,
        items=[ItemResult(task_id=task_id("劳动用工专项"), item_id="wages", item_version=1, item_name="工资支付",
                          category=overall, findings=findings, methods=["on_site"])],
        record=RecordForm(inspected_on=date(2026, 5, 6), inspectors=inspectors, entity_signed=True, methods=["on_site"],
                          record_sha256="ab" * 32),
        public=public, reviewer=f"approver@{node}", approved_at=NOW,
    )  # fmt: skip


def decision(n: int, node: str = COUNTY_A, *, public: bool = True, reason: str | None = None) -> ResultPublished:
    return ResultPublished(
        result_id=result_id(n, node), visit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"visit-{node}-{n}"), node=node,
        task_ids=[task_id("劳动用工专项")], public=public, withheld_reason=reason, content_sha256="cd" * 32,
        published_at=NOW,
    )  # fmt: skip


def follow_up_id(n: int, k: int = 1, node: str = COUNTY_A) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"follow-up-{node}-{n}-{k}")


def follow_up_opened(n: int, k: int = 1, node: str = COUNTY_A, *, kind: str = "correction",
                     target: str | None = None, minutes: int = 0) -> FollowUpOpened:  # fmt: skip
    return FollowUpOpened(
        follow_up_id=follow_up_id(n, k, node), result_id=result_id(n, node), node=node, uscc=uscc(n, node),
        kind=kind, due=date(2026, 6, 30) if kind == "correction" else None, target=target,
        opened_at=NOW + timedelta(minutes=minutes),
    )  # fmt: skip


def follow_up_closed(n: int, k: int = 1, node: str = COUNTY_A, outcome: str = "已按期整改") -> FollowUpClosed:
    return FollowUpClosed(
        follow_up_id=follow_up_id(n, k, node), result_id=result_id(n, node), node=node, outcome=outcome,
        closed_on=date(2026, 6, 20), closed_at=NOW,
    )  # fmt: skip


def check_item(number: int, node: str = PROVINCE, *, version: int = 1, status: str = "active",
               legal_basis: str | None = None) -> CheckItemChanged:  # fmt: skip
    """Item `number` (1–9) of the seeds/002 checklist as the registry publishes it."""
    from dataclasses import replace

    from hrss.testing.seeds import load_seed_checklist

    spec = next(s for s in load_seed_checklist() if s.number == number)
    if legal_basis is not None:
        spec = replace(spec, legal_basis=legal_basis)
    return CheckItemChanged(
        item_id=uuid.uuid5(uuid.NAMESPACE_URL, f"item-{node}-{number}"), version=version, node=node,
        number=str(number), line="labour_inspection", status=status, spec=spec.to_json(),
        content_hash=spec.content_hash(), changed_at=NOW,
    )  # fmt: skip


DRAW = uuid.uuid5(uuid.NAMESPACE_URL, "draw-1")


def draw_completed(dispatched: dict[str, int], title: str = "劳动用工专项") -> DrawCompleted:
    return DrawCompleted(
        draw_id=DRAW, task_ids=[task_id(title)], node=PROVINCE, seed="ab" * 32, picks=sum(dispatched.values()),
        dispatched=dispatched, completed_at=NOW,
    )  # fmt: skip


def dispatched(n: int, node: str = COUNTY_A, *, name: str | None = None, object_type: str = "企业",
               title: str = "劳动用工专项") -> AssignmentDispatched:  # fmt: skip
    team = [TeamMember(inspector_id=uuid.uuid4(), credential_no=f"ZJ{node}{k:04d}", name=f"检查员{k}") for k in (1, 2)]
    task = TaskPart(task_id=task_id(title), number="浙人社抽〔2026〕12号", title=title, items=["wages"],
                    end=date(2026, 9, 30), prior_notice=False)  # fmt: skip
    record = RegistryRecord(version=1, object_type=object_type, status="active", tags=[], credit_grade=None,
                            last_inspected=None)  # fmt: skip
    return AssignmentDispatched(
        assignment_id=uuid.uuid5(uuid.NAMESPACE_URL, f"assignment-{node}-{n}"), draw_id=DRAW,
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{node}-{n}"), uscc=uscc(n, node),
        name=name or f"杭州测试{n}号有限公司", region_code=node, target_node=node, ticket="cd" * 32, batch=1,
        replaces=None, tasks=[task], team=team, dispatched_at=NOW, registry_record=record,
    )  # fmt: skip


def entity(n: int, object_type: str, name: str, node: str = COUNTY_A, version: int = 1) -> EntityChanged:
    return EntityChanged(
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{node}-{n}"), version=version, uscc=uscc(n, node), name=name,
        object_type=object_type, region_code=node, industry=None, address=None, status="active", tags=[],
        credit_grade=None, complaint_count=0, serious_violation=False, last_inspected=None, node=node, changed_at=NOW,
    )  # fmt: skip


def envelope(payload: Any, subject: str) -> Envelope:
    service = type(payload).__module__.rsplit(".", 1)[-1]
    addressed = registry.contract_of(type(payload)).addressed
    target = (getattr(payload, "target_node", None) or payload.node) if addressed else None
    return registry.build(payload, subject=subject, producer=Producer(service=service, node=PROVINCE),
                          target_node=target)  # fmt: skip


def send(broker: Any, *payloads: Any) -> None:
    """Publish events on the topics their contracts name (per node for addressed ones)."""
    messages = []
    for p in payloads:
        e = envelope(p, str(uuid.uuid4()))
        topic = registry.get(e.type, e.schema_version).topic_for(e.target_node)
        messages.append(Message(topic, e.subject.encode(), e.to_bytes()))
    broker.publish_many(messages)


def ensure_topics(broker: Any) -> None:
    broker.ensure_topics([TopicSpec(t) for t in TOPICS])


def service_config(
    dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str, es_url: str = "", **settings: Any
) -> dict[str, Any]:
    return {
        "NODES": PROVINCE,
        "DELEGATED_NODES": COUNTY_B,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "PUBLICATION": {"bodies": {COUNTY_A: BODY}, "rate_per_minute": 6000, "rate_burst": 3000, **settings},
        # index names carry the test's topic namespace: no two tests share an index
        "SEARCH": {"url": es_url, "prefix": "test"},
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "publication")


class Running:
    def __init__(self, url: str, key: SigningKey, dsn: str, broker: Any, container: Any) -> None:
        self.url, self.key, self.dsn, self.broker, self.container = url, key, dsn, broker, container
        self.engine = sa.create_engine(dsn)

    def token(self, roles: set[str], node: str) -> str:
        principal = Principal(f"{sorted(roles)[0]}@{node}", "测试", node, frozenset(Role(r) for r in roles))
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> requests.Response:
        return requests.get(self.url + path, params=params, headers=headers or {}, timeout=30)

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
