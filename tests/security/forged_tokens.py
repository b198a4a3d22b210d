"""Access tokens as the identity service signs them, and every way the probe tampered with one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from typing import Any

from hrss.auth import Principal, Role, SigningKey, TokenIssuer
from hrss.contracts import Node

ISSUER, AUDIENCE = "hrss-identity", "hrss"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class Minter:
    """Signs tokens with the platform's key (the one every service trusts), for any principal."""

    def __init__(self, key: SigningKey, service_key: SigningKey) -> None:
        self.key, self.service_key = key, service_key

    def service_token(self, node: str) -> str:
        """A token the draw service signs for itself, acting for `node` (a federated node's service)."""
        issuer = TokenIssuer(self.service_key, issuer=ISSUER, audience=AUDIENCE)
        return issuer.issue(Principal.for_service("draw", [node]))

    def principal(self, roles: set[str], node: str, inspector: str | None = None) -> Principal:
        credential = f"C{inspector[:8]}" if inspector else None
        return Principal(
            str(uuid.uuid4()),
            "攻击测试",
            Node(node),
            frozenset(Role(r) for r in roles),
            inspector_id=inspector,
            credential_no=credential,
        )

    def token(self, roles: set[str], node: str, *, inspector: str | None = None, **options: Any) -> str:
        issuer = TokenIssuer(self.key, issuer=options.pop("issuer", ISSUER), audience=options.pop("audience", AUDIENCE))
        return issuer.issue(self.principal(roles, node, inspector), **options)

    def claims(self, roles: set[str], node: str) -> dict[str, Any]:
        issuer = TokenIssuer(self.key, issuer=ISSUER, audience=AUDIENCE)
        return issuer.claims_for(self.principal(roles, node))

    def sign(self, header: dict[str, Any], claims: dict[str, Any], key: SigningKey | None = None) -> str:
        signing_input = f"{_b64(_json(header))}.{_b64(_json(claims))}"
        return f"{signing_input}.{_b64((key or self.key).sign(signing_input.encode()))}"

    def tampered(self, roles: set[str], node: str) -> dict[str, Callable[[], str | None]]:
        """name → a bad token for a principal of `node` with `roles` (None: no token at all)."""
        header = {"alg": "EdDSA", "typ": "JWT", "kid": self.key.kid}
        good = self.token(roles, node)
        head, body, signature = good.split(".")
        widened = {**json.loads(_unb64(body)), "roles": ["province_admin"], "node": "130000"}
        other = SigningKey.generate(self.key.kid)  # same kid, another key
        public = base64.b64decode(self.key.public_base64())
        hs_input = f"{_b64(_json({**header, 'alg': 'HS256'}))}.{body}"
        return {
            "no_token": lambda: None,
            "expired": lambda: self.token(roles, node, ttl=-3600),
            "signature_flipped": lambda: f"{head}.{body}.{_flip(signature)}",
            "signature_dropped": lambda: f"{head}.{body}.",
            "alg_none": lambda: f"{_b64(_json({**header, 'alg': 'none'}))}.{body}.",
            "alg_hs256_with_public_key": lambda: (
                f"{hs_input}.{_b64(hmac.new(public, hs_input.encode(), hashlib.sha256).digest())}"
            ),
            "payload_widened_old_signature": lambda: f"{head}.{_b64(_json(widened))}.{signature}",
            "other_key_same_kid": lambda: self.sign(header, self.claims(roles, node), other),
            "other_key_unknown_kid": lambda: self.sign({**header, "kid": "intruder"}, self.claims(roles, node), other),
            "service_kid": lambda: self.sign({**header, "kid": "service:draw"}, self.claims(roles, node), other),
            "other_audience": lambda: self.token(roles, node, audience="another-system"),
            "other_issuer": lambda: self.token(roles, node, issuer="intruder"),
            "not_yet_valid": lambda: self.sign(header, {**self.claims(roles, node), "iat": 4_000_000_000}),
            "garbage": lambda: "not.a.token",
            "oversized": lambda: f"{head}.{'A' * 7_900}.{signature}",  # still under the web server's header line limit
        }


def _flip(signature: str) -> str:
    """The signature with one byte changed (a middle character: the last one may only carry padding bits)."""
    middle = len(signature) // 2
    return signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]
