"""nameko dependencies: the principal of the HTTP request in hand, this service's own identity, and its tokens."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from nameko.extensions import DependencyProvider

from hrss.auth.errors import Unauthenticated
from hrss.auth.keys import KeySet, SigningKey
from hrss.auth.principal import Principal
from hrss.auth.revocations import RevokedSessions
from hrss.auth.tokens import (
    LEEWAY,
    RENEW_BEFORE,
    SERVICE_TOKEN_TTL,
    ServiceTokens,
    TokenIssuer,
    TokenVerifier,
    service_account_for_kid,
)
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


def issuer_and_audience(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """`AUTH.issuer` and `AUTH.audience`, or `HRSS_AUTH_ISSUER` and `HRSS_AUTH_AUDIENCE`."""
    auth = config.get("AUTH") or {}
    issuer = environ.get("HRSS_AUTH_ISSUER") or auth.get("issuer")
    audience = environ.get("HRSS_AUTH_AUDIENCE") or auth.get("audience")
    if not issuer or not audience:
        raise RuntimeError("AUTH.issuer and AUTH.audience (or HRSS_AUTH_ISSUER, HRSS_AUTH_AUDIENCE) are not configured")
    return str(issuer), str(audience)


def verifier_from_config(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> TokenVerifier:
    """A verifier from config `AUTH: {issuer, audience, public_keys, leeway}`; `HRSS_AUTH_*` variables override."""
    auth = config.get("AUTH") or {}
    issuer, audience = issuer_and_audience(config, environ)
    env_keys = environ.get("HRSS_AUTH_PUBLIC_KEYS")
    keys = KeySet.parse(env_keys) if env_keys else KeySet.from_base64(auth.get("public_keys") or {})
    return TokenVerifier(keys, issuer=issuer, audience=audience, leeway=int(auth.get("leeway", LEEWAY)))


def service_identity_from_config(
    config: Mapping[str, Any], service: str, environ: Mapping[str, str] = os.environ
) -> Principal | None:
    """`Principal.for_service(service, NODES)`, or None when the process serves no nodes (`NODES`, `HRSS_NODES`)."""
    nodes = config.get("NODES") or environ.get("HRSS_NODES", "")
    return Principal.for_service(service, parse_nodes(nodes)) if nodes else None


def service_key_from_config(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> SigningKey | None:
    """The service's own signing key: `HRSS_AUTH_SERVICE_KEY` or `AUTH.service_key`, as `kid=base64 seed`."""
    text = environ.get("HRSS_AUTH_SERVICE_KEY") or (config.get("AUTH") or {}).get("service_key")
    return SigningKey.parse(str(text)) if text else None


class Authenticator:
    """What a worker sees: the caller's principal, and the service's own identity for work it does itself."""

    def __init__(
        self, verifier: TokenVerifier, service_identity: Principal | None, revoked: RevokedSessions | None = None
    ) -> None:
        self._verifier = verifier
        self._service_identity = service_identity
        self._revoked = revoked
        self._principal: Principal | None = None

    def principal_from(self, request: Any) -> Principal:
        """Verify the request's bearer token and return its principal; raises `Unauthenticated` (→ 401), also for
        a token whose session has ended (`auth.token_revoked`)."""
        if self._principal is None:
            principal = self._verifier.principal(bearer_token(request.headers.get("Authorization")))
            if self._revoked is not None and self._revoked.is_revoked(principal.session_id):
                raise Unauthenticated("auth.token_revoked", "登录已结束（已退出、重置或被停用），请重新登录")
            self._principal = principal
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
        self.service_identity = service_identity_from_config(config, self.container.service_name)

    def get_dependency(self, worker_ctx: Any) -> Authenticator:
        assert self.verifier is not None, "CurrentPrincipal used before setup()"
        return Authenticator(self.verifier, self.service_identity)

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_principal.set(None)


class ServiceCredentials(DependencyProvider):
    """`creds = ServiceCredentials()`; then `requests.get(url, headers=self.creds.authorization_header())`.

    The process signs short-lived tokens for its own identity (`Principal.for_service(name, NODES)`) with its
    own key (`AUTH.service_key` / `HRSS_AUTH_SERVICE_KEY`, kid `service:<name>` or `service:<name>#<tag>`),
    with the issuer and audience the receiving services verify (`AUTH.issuer`, `AUTH.audience`). One token is
    shared by every worker of the container and renewed `renew_before` seconds before it expires.
    """

    def __init__(
        self,
        key: SigningKey | None = None,
        *,
        ttl: int = SERVICE_TOKEN_TTL,
        renew_before: int = RENEW_BEFORE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key, self.ttl, self.renew_before, self.clock = key, ttl, renew_before, clock
        self.tokens: ServiceTokens | None = None

    def setup(self) -> None:
        config, service = self.container.config, self.container.service_name
        key = self._key or service_key_from_config(config)
        if key is None:
            raise RuntimeError(f"service {service} has no signing key: set AUTH.service_key or HRSS_AUTH_SERVICE_KEY")
        account = f"service:{service}"
        if service_account_for_kid(key.kid) != account:
            raise RuntimeError(f"the key id of service {service} must be {account!r} or {account + '#<tag>'!r}")
        identity = service_identity_from_config(config, service)
        if identity is None:
            raise RuntimeError(f"service {service} serves no nodes: configure NODES or HRSS_NODES")
        issuer, audience = issuer_and_audience(config)
        signer = TokenIssuer(key, issuer=issuer, audience=audience, ttl=self.ttl, clock=self.clock)
        self.tokens = ServiceTokens(signer, identity, renew_before=self.renew_before)

    def get_dependency(self, worker_ctx: Any) -> ServiceTokens:
        assert self.tokens is not None, "ServiceCredentials used before setup()"
        return self.tokens
