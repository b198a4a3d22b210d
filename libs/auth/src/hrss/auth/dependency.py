"""nameko dependency: the principal of the HTTP request in hand, or this service's own identity."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from nameko.extensions import DependencyProvider

from hrss.auth.errors import Unauthenticated
from hrss.auth.keys import KeySet
from hrss.auth.principal import Principal
from hrss.auth.tokens import LEEWAY, TokenVerifier
from hrss.contracts import parse_nodes

current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, else `Unauthenticated`."""
    if not authorization:
        raise Unauthenticated("auth.token_missing", "未登录：缺少访问令牌")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("auth.token_malformed", "Authorization 头应为 “Bearer <访问令牌>”")
    return token.strip()


def verifier_from_config(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> TokenVerifier:
    """A verifier from config `AUTH: {issuer, audience, public_keys, leeway}`; `HRSS_AUTH_*` variables override."""
    auth = config.get("AUTH") or {}
    issuer = environ.get("HRSS_AUTH_ISSUER") or auth.get("issuer")
    audience = environ.get("HRSS_AUTH_AUDIENCE") or auth.get("audience")
    if not issuer or not audience:
        raise RuntimeError("AUTH.issuer and AUTH.audience (or HRSS_AUTH_ISSUER, HRSS_AUTH_AUDIENCE) are not configured")
    env_keys = environ.get("HRSS_AUTH_PUBLIC_KEYS")
    keys = KeySet.parse(env_keys) if env_keys else KeySet.from_base64(auth.get("public_keys") or {})
    return TokenVerifier(keys, issuer=issuer, audience=audience, leeway=int(auth.get("leeway", LEEWAY)))


class Authenticator:
    """What a worker sees: the caller's principal, and the service's own identity for work it does itself."""

    def __init__(self, verifier: TokenVerifier, service_identity: Principal | None) -> None:
        self._verifier = verifier
        self._service_identity = service_identity
        self._principal: Principal | None = None

    def principal_from(self, request: Any) -> Principal:
        """Verify the request's bearer token and return its principal; raises `Unauthenticated` (→ 401)."""
        if self._principal is None:
            self._principal = self._verifier.principal(bearer_token(request.headers.get("Authorization")))
            current_principal.set(self._principal)
        return self._principal

    def as_service(self) -> Principal:
        """This service acting for the nodes it serves: consumers and scheduled jobs act with it."""
        if self._service_identity is None:
            raise RuntimeError("this service serves no nodes: configure NODES or HRSS_NODES")
        current_principal.set(self._service_identity)
        return self._service_identity


class CurrentPrincipal(DependencyProvider):
    """`auth = CurrentPrincipal()`; then `self.auth.principal_from(request)` or `self.auth.as_service()`."""

    def __init__(self, verifier: TokenVerifier | None = None) -> None:
        self._injected = verifier
        self.verifier: TokenVerifier | None = verifier
        self.service_identity: Principal | None = None

    def setup(self) -> None:
        config = self.container.config
        if self._injected is None:
            self.verifier = verifier_from_config(config)
        nodes = config.get("NODES") or os.environ.get("HRSS_NODES", "")
        if nodes:
            self.service_identity = Principal.for_service(self.container.service_name, parse_nodes(nodes))

    def get_dependency(self, worker_ctx: Any) -> Authenticator:
        assert self.verifier is not None, "CurrentPrincipal used before setup()"
        return Authenticator(self.verifier, self.service_identity)

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)
