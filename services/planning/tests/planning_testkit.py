"""Helpers shared by the planning service's tests: config, a running service, tokens, checklist events."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import requests

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.auth.roles import Kind
from hrss.contracts import Producer, registry, utcnow
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.events.registry import CheckItemChanged
from hrss.testing import seeds as fixtures

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE, CITY, COUNTY, OTHER_COUNTY, OTHER_CITY_COUNTY = "130000", "130100", "130102", "130104", "130202"


DRAW_KEY = SigningKey.generate("service:draw")  # the draw service signs its own tokens


def planning_config(dsn: str, port: int, key: SigningKey, nodes: str, bootstrap: str, namespace: str) -> dict[str, Any]:
    keys = {key.kid: key.public_base64(), DRAW_KEY.kid: DRAW_KEY.public_base64()}
    return {
        "NODES": nodes,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "KAFKA": {"bootstrap_servers": bootstrap, "namespace": namespace},
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": keys},
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "planning")


def checklist_events(node: str = PROVINCE, line: str = "labour_inspection") -> list[tuple[str, bytes]]:
    """The 9 items of seeds/002 as the registry publishes them: (key, envelope bytes) for the compacted topic."""
    found = []
    for spec in fixtures.load_seed_checklist():
        item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"hrss-test-item-{node}-{spec.number}")
        found.append(_item_event(item_id, 1, node, spec, line))
    return found


def _item_event(
    item_id: uuid.UUID, version: int, node: str, spec: CheckItemSpec, line: str | None, status: str = "active"
) -> tuple[str, bytes]:
    payload = CheckItemChanged(
        item_id=item_id,
        version=version,
        node=node,
        number=str(spec.number),
        line=line,
        status=status,
        spec=spec.to_json(),
        content_hash=spec.content_hash(),
        changed_at=utcnow(),
    )
    envelope = registry.build(payload, subject=str(item_id), producer=Producer(service="registry", node=node))
    return str(item_id), envelope.to_bytes()


def principal(roles: set[str], node: str, account_id: str | None = None) -> Principal:
    kind = Kind.SERVICE if roles == {"service"} else Kind.STAFF
    return Principal(
        account_id or f"{sorted(roles)[0]}@{node}", "测试", node, frozenset(Role(r) for r in roles), kind=kind
    )


class Running:
    """A started planning service and what tests need to talk to it."""

    def __init__(self, url: str, config: dict[str, Any], key: SigningKey, dsn: str) -> None:
        self.url, self.config, self.key, self.dsn = url, config, key, dsn
        self.container: Any = None

    def token(self, roles: set[str], node: str, account_id: str | None = None) -> str:
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal(roles, node, account_id))

    def call(self, method: str, path: str, token: str | None, body: object = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.url + path, json=body, params=params or None, headers=headers, timeout=30)

    def as_(self, roles: set[str], node: str) -> Caller:
        return Caller(self, self.token(roles, node))

    def as_draw_service(self, node: str) -> Caller:
        """The draw service acting for `node`, with a token it signed itself."""
        identity = Principal("service:draw", "抽取服务", node, frozenset({Role.SERVICE}), kind=Kind.SERVICE)
        token = TokenIssuer(DRAW_KEY, issuer="hrss-identity", audience="hrss").issue(identity)
        return Caller(self, token)


class Caller:
    """One person calling the service: `caller.post('/plans', {...})` returns the response."""

    def __init__(self, running: Running, token: str) -> None:
        self.running, self.token = running, token

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.running.call("GET", path, self.token, **params)

    def post(self, path: str, body: object = None) -> requests.Response:
        return self.running.call("POST", path, self.token, body if body is not None else {})

    def put(self, path: str, body: object) -> requests.Response:
        return self.running.call("PUT", path, self.token, body)


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll `condition()` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
