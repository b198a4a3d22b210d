"""Helpers shared by the identity tests: config, a running service handle, TOTP codes."""

from __future__ import annotations

import base64
import os
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from hrss.auth import Principal, Role, SigningKey
from hrss.auth.totp import decode_secret, hotp, time_step

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE = "330000"
PASSWORD = "Zhejiang-2026-安全"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}


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
        },
        "PASSWORDS": CHEAP_ARGON2,
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "identity")


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

    def create_admin(self, node: str = PROVINCE, login: str = "admin", name: str = "管理员") -> tuple[str, str]:
        """(account id, TOTP secret) of a first administrator made through the command's function."""
        from identity.cli import create_admin

        account_id, uri = create_admin(
            node=node, login=login, name=name, password=PASSWORD, config=self.config, environ={}
        )
        return account_id, parse_qs(urlparse(uri).query)["secret"][0]

    def token(self, roles: set[str], node: str, account_id: str | None = None) -> str:
        """An access token as the identity service would sign it, without a login."""
        from hrss.auth import TokenIssuer

        principal = Principal(account_id or str(uuid.uuid4()), "测试", node, frozenset(Role(r) for r in roles))
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal)


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current time step (or a later one, within the accepted window)."""
    return hotp(decode_secret(secret), time_step(time.time()) + steps_ahead)
