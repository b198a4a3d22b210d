"""What the reporting integration tests share: migrating a fresh database, the service's config, tokens, sending
events as the other services publish them, and the running service over HTTP."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Producer, registry

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE = "330000"


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "reporting")


def service_config(dsn: str, port: int, key: SigningKey, bootstrap: str, namespace: str) -> dict[str, Any]:
    return {
        "NODES": PROVINCE,
        "DELEGATED_NODES": "",
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "REPORTING": {"node_names": {PROVINCE: "浙江省人力资源和社会保障厅"}},
    }


def token(key: SigningKey, roles: set[str], node: str) -> str:
    principal = Principal(str(uuid.uuid4()), "测试", node, frozenset(Role(r) for r in roles))
    return TokenIssuer(key, issuer="hrss-identity", audience="hrss").issue(principal)


def _target(payload: BaseModel) -> str | None:
    return getattr(payload, "node", None) if registry.contract_of(type(payload)).addressed else None


def ensure_topics(broker: Any, payloads: list[BaseModel]) -> None:
    topics = {registry.contract_of(type(p)).topic_for(_target(p)) for p in payloads}
    broker.ensure_topics([TopicSpec(t) for t in sorted(topics)])


def send(broker: Any, payloads: list[BaseModel], event_ids: list[str] | None = None) -> list[str]:
    """Publish events on the topics their contracts name (addressed ones to the node they name); their ids."""
    messages, ids = [], []
    for n, p in enumerate(payloads):
        service = type(p).__module__.rsplit(".", 1)[-1]
        built = registry.build(
            p, subject=str(uuid.uuid4()), producer=Producer(service=service, node=PROVINCE), target_node=_target(p)
        )
        if event_ids:
            built = built.model_copy(update={"event_id": uuid.UUID(event_ids[n])})
        topic = registry.contract_of(type(p)).topic_for(_target(p))
        messages.append(Message(topic, built.subject.encode(), built.to_bytes()))
        ids.append(str(built.event_id))
    broker.publish_many(messages)
    return ids


class Running:
    def __init__(self, url: str, key: SigningKey, dsn: str) -> None:
        self.url, self.key, self.dsn = url, key, dsn

    def call(self, method: str, path: str, bearer: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)


def wait_for(condition: Any, timeout: float = 120.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")
