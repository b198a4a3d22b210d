"""Helpers shared by the registry tests: config, a running service handle, tokens, components."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path
from typing import Any

import requests
from registry.adapters.repository import sql_repository
from registry.domain.regions import RegionTable
from registry.service_layer.components import Components

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.workdays import default_calendar

SERVICE_DIR = Path(__file__).resolve().parents[1]
PROVINCE = "410000"  # 河南省
CITY = "410400"  # 平顶山市
COUNTY = "410402"  # 新华区
OTHER_COUNTY = "410403"  # 卫东区
OTHER_CITY_COUNTY = "410102"  # 郑州市中原区


def personal_key() -> str:
    return "k1=" + base64.b64encode(os.urandom(32)).decode()


def components(key: str | None = None) -> Components:
    cipher = AesGcmSecretCipher.parse(key or personal_key(), "个人信息", "HRSS_REGISTRY_PERSONAL_KEY")
    return Components(
        regions=RegionTable.load(),
        calendar=default_calendar(),
        cipher=cipher,
        repository=sql_repository(cipher),
    )


def registry_config(dsn: str, port: int, key: SigningKey, nodes: str = PROVINCE, **extra: Any) -> dict[str, Any]:
    return {
        "NODES": nodes,
        "DATABASE_URL": dsn,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "AUTH": {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {key.kid: key.public_base64()}},
        "REGISTRY": {"personal_key": personal_key()},
        **extra,
    }


def migrate(dsn: str) -> None:
    from hrss.db.migrations import upgrade

    upgrade(SERVICE_DIR / "migrations", dsn, "registry")


def principal(roles: set[str], node: str, account_id: str | None = None) -> Principal:
    return Principal(account_id or str(uuid.uuid4()), "测试", node, frozenset(Role(r) for r in roles))


class Running:
    """A started registry service and what tests need to talk to it."""

    def __init__(self, url: str, config: dict[str, Any], key: SigningKey, dsn: str) -> None:
        self.url, self.config, self.key, self.dsn = url, config, key, dsn
        self.container: Any = None

    def token(self, roles: set[str], node: str, account_id: str | None = None) -> str:
        """An access token as the identity service would sign it."""
        return TokenIssuer(self.key, issuer="hrss-identity", audience="hrss").issue(principal(roles, node, account_id))

    def call(self, method: str, path: str, token: str | None, body: object = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.url + path, json=body, params=params or None, headers=headers, timeout=30)
