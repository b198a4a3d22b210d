"""Helpers for the draw service's tests: a small province on Kafka, config, tokens and calls."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Producer, registry
from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged
from hrss.contracts.uscc import uscc_with_check

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE, COUNTY_A, COUNTY_B = "130000", "130102", "130104"
BASE_QUALIFICATION, LABOUR_QUALIFICATION = "行政执法资格", "劳动保障监察员证"
AUDIT_QUALIFICATION = "社会保险稽核员证"
# The task's two checklist items: the labour one (version 1, of the labour_inspection line) needs the labour
# inspector's card besides the enforcement qualification; the social insurance one needs the enforcement
# qualification at version 3, the task's (version 2 also needed the auditor's card).
ITEM_LABOUR = str(uuid.uuid5(uuid.NAMESPACE_URL, "check-item-labour"))
ITEM_SOCIAL = str(uuid.uuid5(uuid.NAMESPACE_URL, "check-item-social"))
CHECK_ITEMS = (
    (ITEM_LABOUR, 1, "劳动用工检查", "labour_inspection", [BASE_QUALIFICATION, LABOUR_QUALIFICATION]),
    (ITEM_SOCIAL, 2, "社会保险稽核", "social_insurance", [BASE_QUALIFICATION, AUDIT_QUALIFICATION]),
    (ITEM_SOCIAL, 3, "社会保险稽核", "social_insurance", [BASE_QUALIFICATION]),
)
# the inspection points (检查内容) and legal basis (检查依据) of each version in its spec; version 2 of the social
# insurance item says otherwise than version 3, the one the task uses
ITEM_TEXTS = {
    (ITEM_LABOUR, 1): (
        "1. 用人单位与劳动者订立书面劳动合同情况；2. 用人单位按时足额支付劳动者工资情况；"
        "3. 用人单位遵守工作时间和休息休假规定情况；4. 用人单位遵守禁止使用童工规定情况。",
        "《劳动保障监察条例》第十一条",
    ),
    (ITEM_SOCIAL, 2): ("1. 参保缴费情况（旧版）。", "《社会保险稽核办法》（旧版）"),
    (ITEM_SOCIAL, 3): ("1. 用人单位参加社会保险情况；2. 缴费基数申报情况。", "《社会保险法》第八十二条"),
}
# per county, an inspector of another line holding every qualification: never on a team of these items
OTHER_LINE = "employment"
NOW = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)


def uscc(n: int, region: str) -> str:
    """A valid USCC (GB 32100 check character) for entity `n` of `region`."""
    return uscc_with_check(f"91{region}{n:09d}"[:17])


@dataclass(frozen=True)
class Event:
    """An event as a topic carries it: its topic, key and payload, and the service that produces it."""

    topic: str
    key: str
    payload: Any
    service: str


@dataclass
class World:
    entities: list[dict[str, Any]] = field(default_factory=list)
    inspectors: list[dict[str, Any]] = field(default_factory=list)
    task: dict[str, Any] = field(default_factory=dict)


def _envelope(payload: Any, subject: str, service: str) -> bytes:
    return registry.build(payload, subject=subject, producer=Producer(service=service, node=PROVINCE)).to_bytes()


def task_state(task_id: str, **overrides: Any) -> dict[str, Any]:
    """A unified task of the province over two counties: item 1 at 5%, item 2 at 20%, grade C at 50%."""
    state = {
        "task_id": task_id,
        "node": PROVINCE,
        "number": "冀人社抽〔2027〕1号",
        "title": "2027年劳动用工统一抽查",
        "year": 2027,
        "status": "frozen",
        "items": [
            {
                "item_id": ITEM_LABOUR,
                "item_version": 1,
                "name": "劳动用工检查",
                "category": "general",
                "methods": ["on_site"],
                "object_type": "用人单位",
                "line": "labour_inspection",
                "ratio": {"kind": "fraction", "numerator": 1, "denominator": 20},
                "item_ratio": {"kind": "fraction", "numerator": 1, "denominator": 20},
            },
            {
                "item_id": ITEM_SOCIAL,
                "item_version": 3,
                "name": "社会保险稽核",
                "category": "key",
                "methods": ["documentary"],
                "object_type": "用人单位",
                "line": "social_insurance",
                "ratio": {"kind": "fraction", "numerator": 1, "denominator": 5},
                "item_ratio": {"kind": "fraction", "numerator": 1, "denominator": 5},
            },
        ],
        "lines": ["labour_inspection", "social_insurance"],
        "departments": [],
        "implementing_nodes": [COUNTY_A, COUNTY_B],
        "unified": True,
        "scope": {"region_codes": [], "object_types": ["企业"], "tags": [], "grades": []},
        "draw_regions": [COUNTY_A, COUNTY_B],
        "grade_ratios": [{"grade": "C", "numerator": 1, "denominator": 2}],
        "exclude_inspected_within_months": 12,
        "team_size": 2,
        "publish_drawn_list": True,
        "prior_notice": True,
        "start": "2027-04-01",
        "end": "2027-06-30",
        "plan_id": None,
        "plan_version": None,
        "ad_hoc_reason": "省厅统一部署",
        "draw_group": None,
        "kpi": {"joint": True, "credit_differentiated": True, "major_items": 1, "minor_items": 1},
    }
    state.update(overrides)
    return state


def world_events(per_county: int = 300) -> tuple[World, list[Event]]:
    """Entities (some closed, some recently inspected, some individual businesses), inspectors with interests,
    and one task ready for draw: the events the service consumes, in order (also applied to the fake repository
    by the unit tests)."""
    rng = random.Random(7)
    world = World()
    messages: list[Event] = []
    for county in (COUNTY_A, COUNTY_B):
        for n in range(per_county):
            entity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{county}-{n}"))
            record = {
                "entity_id": entity_id,
                "version": 1,
                "uscc": uscc(n, county),
                "name": f"测试{county}第{n}号有限公司",
                "object_type": "个体工商户" if n % 10 == 9 else "企业",
                "region_code": county,
                "industry": "制造业",
                "address": None,
                "status": "suspended" if n % 25 == 0 else "active",
                "tags": ["农民工集中用工"] if n % 3 == 0 else [],
                "credit_grade": rng.choice("ABBBBCCD"),
                "complaint_count": 0,
                "serious_violation": False,
                "last_inspected": date(2027, 1, 5) if n % 20 == 7 else None,
                "node": PROVINCE,
                "changed_at": NOW,
            }
            world.entities.append(record)
            messages.append(Event("registry.entity_changed.v1", entity_id, EntityChanged(**record), "registry"))
        for n in range(6):
            inspector_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspector-{county}-{n}"))
            record = {
                "inspector_id": inspector_id,
                "version": 1,
                "credential_no": f"{county}2027{n:04d}",
                "credential_expires": date(2030, 12, 31),
                "name": f"检查员{county}-{n}",
                "unit": "劳动保障监察大队",
                "node": county,
                "line": "labour_inspection",
                "position": None,
                "qualifications": [BASE_QUALIFICATION] + ([LABOUR_QUALIFICATION] if n in (0, 2, 3, 4) else []),
                "expertise": ["工资支付"],
                "pool": "enforcement",
                "status": "active",
                "station_region": county,
                "former_employers": [uscc(1, county)] if n == 0 else [],
                "changed_at": NOW,
            }
            world.inspectors.append(record)
            messages.append(
                Event("registry.inspector_changed.v1", inspector_id, InspectorChanged(**record), "registry")
            )
            if n == 1:
                interests = InterestsChanged(
                    inspector_id=inspector_id,
                    revision=1,
                    interests=[{"uscc": uscc(2, county), "reason": "亲属任职"}],
                    node=PROVINCE,
                    changed_at=NOW,
                )
                messages.append(Event("registry.interests_changed.v1", inspector_id, interests, "registry"))
    for county in (COUNTY_A, COUNTY_B):
        inspector_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspector-{county}-other-line"))
        record = {
            **world.inspectors[0],
            "inspector_id": inspector_id,
            "credential_no": f"{county}2027{99:04d}",
            "name": f"就业检查员{county}",
            "unit": "就业促进局",
            "node": county,
            "line": OTHER_LINE,
            "qualifications": [BASE_QUALIFICATION, LABOUR_QUALIFICATION, AUDIT_QUALIFICATION],
            "station_region": county,
            "former_employers": [],
        }
        world.inspectors.append(record)
        messages.append(Event("registry.inspector_changed.v1", inspector_id, InspectorChanged(**record), "registry"))
    messages.extend(check_item_events())
    task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "task-unified-1"))
    world.task = task_state(task_id)
    ready = TaskReadyForDraw(
        task=world.task,
        from_status="published",
        to_status="frozen",
        actor={"user_id": "planner@130000", "node": PROVINCE},
        at=NOW,
        reason="公示期满",
    )
    messages.append(Event("planning.task_ready_for_draw.v1", task_id, ready, "planning"))
    return world, messages


def as_message(event: Event) -> Message:
    return Message(event.topic, event.key.encode(), _envelope(event.payload, event.key, event.service))


def publish_world(broker: Any, per_county: int = 300) -> World:
    """The world's events (`world_events`), on the topics the service consumes."""
    world, events = world_events(per_county)
    messages = [as_message(e) for e in events]
    topics = {m.topic for m in messages}
    broker.ensure_topics([TopicSpec(t, compacted=t.startswith("registry.")) for t in topics])
    broker.publish_many(messages)
    return world


def _spec(name: str, texts: tuple[str, str] | None) -> dict[str, Any]:
    return {"name": name} if texts is None else {"name": name, "content": texts[0], "legal_basis": texts[1]}


def check_item_events(items: tuple[tuple[str, int, str, str | None, list[str]], ...] = CHECK_ITEMS) -> list[Event]:
    """The registry's events of checklist item versions: (item id, version, name, line, qualifications)."""
    messages = []
    for item_id, version, name, line, qualifications in items:
        event = CheckItemChanged(
            item_id=item_id,
            version=version,
            node=PROVINCE,
            number=str(version),
            line=line,
            status="active",
            spec=_spec(name, ITEM_TEXTS.get((item_id, version))),
            content_hash=f"{version:064d}",
            changed_at=NOW,
            qualifications=qualifications,
        )
        messages.append(Event("registry.check_item_changed.v1", item_id, event, "registry"))
    return messages


def service_config(
    dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str, servers: Any, bucket: str
) -> dict[str, Any]:
    return {
        "NODES": PROVINCE,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "DRAW": {},
        "S3": {
            "endpoint": servers.s3_endpoint,
            "access_key": servers.s3_access_key,
            "secret_key": servers.s3_secret_key,
            "bucket": bucket,
            "retention_days": 1,
        },
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "draw")


class Running:
    def __init__(self, url: str, config: dict[str, Any], key: SigningKey, dsn: str, world: World) -> None:
        self.url, self.config, self.key, self.dsn, self.world = url, config, key, dsn, world
        self.engine = sa.create_engine(dsn)

    def token(self, roles: set[str], node: str) -> str:
        principal = Principal(f"{sorted(roles)[0]}@{node}", "测试", node, frozenset(Role(r) for r in roles))
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)

    def call(self, method: str, path: str, roles: set[str] | None, node: str = PROVINCE, body: object = None):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.token(roles, node)}"} if roles else {}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=60)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with self.engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM draw.{table}")[0][0])


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def publish_group(broker: Any, tasks: list[dict[str, Any]]) -> None:
    """The tasks, ready for draw as one draw group (合并抽取): every event names all of them as its group."""
    members = [t["task_id"] for t in tasks]
    messages = []
    for task in tasks:
        ready = TaskReadyForDraw(
            task=task,
            from_status="published",
            to_status="frozen",
            actor={"user_id": "planner@130000", "node": PROVINCE},
            at=NOW,
            reason="公示期满",
            draw_group_members=members,
        )
        messages.append(
            Message(
                "planning.task_ready_for_draw.v1",
                task["task_id"].encode(),
                _envelope(ready, task["task_id"], "planning"),
            )
        )
    broker.publish_many(messages)
