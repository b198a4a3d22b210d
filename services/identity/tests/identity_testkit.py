"""Helpers shared by the identity tests: config, a running service handle, TOTP codes."""

from __future__ import annotations

import base64
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from hrss.auth import Principal, Role, SigningKey
from hrss.auth.sealing import OpeningKeys
from hrss.auth.totp import decode_secret, hotp, time_step
from hrss.bus.broker import Message
from hrss.contracts import Producer, registry, utcnow
from hrss.contracts.events.registry import InspectorChanged
from hrss.testing.fakes import InMemoryBroker

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE = "330000"
PASSWORD = "Zhejiang-2026-安全"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
# the notification sender's private key in these tests: the service seals enrolment codes to its public half
NOTIFICATION_KEYS = OpeningKeys.generate("test-notification")


def identity_config(dsn: str, port: int, key: SigningKey) -> dict[str, Any]:
    return {
        "NODES": PROVINCE,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "AUTH": {
            "issuer": "hrss-identity",
            "audience": "hrss",
            "signing_key": f"{key.kid}={key.private_base64()}",
            "totp_key": "t1=" + base64.b64encode(os.urandom(32)).decode(),
            "code_recipients": NOTIFICATION_KEYS.public_text(),
        },
        "PASSWORDS": CHEAP_ARGON2,
        # the inspector registry's events reach the service through this broker (publish_inspector)
        "BROKER": InMemoryBroker(),
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "identity")


def inspector_event(credential_no: str, node: str, status: str = "active", version: int = 1) -> InspectorChanged:
    """The registry's event for one inspector of `node` (its id derived from node and credential number)."""
    return InspectorChanged(
        inspector_id=uuid.uuid5(uuid.NAMESPACE_URL, f"inspector/{node}/{credential_no}"),
        version=version,
        credential_no=credential_no,
        credential_expires="2029-12-31",
        name=f"检查员{credential_no}",
        unit="劳动保障监察支队",
        node=node,
        line="劳动保障监察",
        position=None,
        qualifications=["行政执法资格"],
        expertise=[],
        pool="enforcement",
        status=status,
        station_region=None,
        former_employers=[],
        changed_at="2026-12-01T00:00:00+00:00",
    )


class Running:
    """A started identity service and what tests need to talk to it."""

    def __init__(self, url: str, config: dict[str, Any], key: SigningKey) -> None:
        self.url, self.config, self.key = url, config, key
        self.container: Any = None

    def post(self, path: str, body: object = None, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(self.url + path, json=body if body is not None else {}, headers=headers, timeout=30)

    def get(self, path: str, token: str | None = None, **params: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(self.url + path, params=params, headers=headers, timeout=30)

    def create_admin(
        self, node: str = PROVINCE, login: str = "admin", name: str = "管理员", email: str | None = None
    ) -> tuple[str, str]:
        """(account id, TOTP secret) of a first administrator made through the command's function."""
        from identity.cli import create_admin

        account_id, uri = create_admin(
            node=node, login=login, name=name, password=PASSWORD, config=self.config, environ={}, email=email
        )
        return account_id, parse_qs(urlparse(uri).query)["secret"][0]

    def mailbox(self, login: str) -> str:
        """The latest enrolment code sent to the holder of `login`: what the notification sender does, in the test's
        place — the event read from the service's outbox, its sealed box opened with the notification key."""
        from identity.adapters.orm import outbox
        from sqlalchemy import select

        from hrss.auth.sealing import code_context
        from hrss.contracts import Envelope
        from hrss.db import make_engine

        engine = make_engine(self.config["DATABASE_URL"], schema="identity", pool_size=1)
        try:
            with engine.connect() as connection:
                rows = connection.execute(select(outbox.c.value).order_by(outbox.c.id)).scalars().all()
        finally:
            engine.dispose()
        found = [e.payload for e in map(Envelope.from_bytes, rows) if e.type == "identity.enrolment_code_issued"]
        [issued, *_] = [p for p in reversed(found) if p["login"] == login] or [None]
        assert issued is not None, f"no enrolment code was sent to {login}"
        box = issued["deliver_to"][0]
        return NOTIFICATION_KEYS.open(box["tokens"], code_context(str(issued["account_id"]), box["address"]))

    def publish_inspector(self, credential_no: str, node: str, status: str = "active", version: int = 1) -> str:
        """The registry publishes an inspector (as its relay would); returns the inspector id."""
        state = inspector_event(credential_no, node, status, version)
        inspector_id = state.inspector_id
        envelope = registry.build(state, subject=str(inspector_id), producer=Producer(service="registry", node=node))
        contract = registry.contract_of(InspectorChanged)
        message = Message(contract.topic, str(inspector_id).encode(), envelope.to_bytes())
        self.config["BROKER"].publish_many([message])
        return str(inspector_id)

    def token(self, roles: set[str], node: str, account_id: str | None = None) -> str:
        """An access token as the identity service would sign it, without a login."""
        from hrss.auth import TokenIssuer

        principal = Principal(account_id or str(uuid.uuid4()), "测试", node, frozenset(Role(r) for r in roles))
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current time step (or a later one, within the accepted window)."""
    return hotp(decode_secret(secret), time_step(time.time()) + steps_ahead)


class Clock:
    """The service's clock: real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self):  # type: ignore[no-untyped-def]
        return utcnow() + self.offset

    def advance(self, by: timedelta = timedelta(seconds=30)) -> None:
        self.offset += by

    def code(self, secret: str) -> str:
        """A TOTP code of a time step no code has used yet."""
        self.advance()
        return hotp(decode_secret(secret), time_step(time.time() + self.offset.total_seconds()))
