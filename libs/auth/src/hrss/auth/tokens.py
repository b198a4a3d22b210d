"""Short-lived access tokens (JWS compact, EdDSA) that any service verifies alone, and opaque refresh tokens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature

from hrss.auth.errors import AuthError, Unauthenticated
from hrss.auth.keys import KeySet, SigningKey
from hrss.auth.principal import Principal
from hrss.contracts import InvalidNodeCode

ALGORITHM = "EdDSA"
ACCESS_TTL = 600
SERVICE_TOKEN_TTL = 300  # a service's own tokens: 5 minutes, renewed a minute before they expire
RENEW_BEFORE = 60
SERVICE_PREFIX = "service:"
LEEWAY = 30  # seconds of clock skew tolerated between the identity service and a verifier
MAX_TOKEN_LENGTH = 8192
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or not set(text) <= _B64URL:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _refuse(code: str, message: str) -> Unauthenticated:
    return Unauthenticated(f"auth.{code}", message)


def service_account_for_kid(kid: str) -> str | None:
    """The one account a service key may sign for: kid `service:draw` or `service:draw#2026-03` → `service:draw`.

    None for any other kid (the identity service's keys).
    """
    if not kid.startswith(SERVICE_PREFIX):
        return None
    name = kid[len(SERVICE_PREFIX) :].partition("#")[0]
    return f"{SERVICE_PREFIX}{name}" if name else None


class TokenIssuer:
    """Signs access tokens for principals; lives in the identity service only."""

    def __init__(
        self,
        key: SigningKey,
        *,
        issuer: str,
        audience: str | Sequence[str],
        ttl: int = ACCESS_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key, self.issuer, self.ttl, self.clock = key, issuer, ttl, clock
        self.audience = [audience] if isinstance(audience, str) else list(audience)

    def claims_for(self, principal: Principal, *, ttl: int | None = None) -> dict[str, Any]:
        """The claims an access token for `principal` carries."""
        now = int(self.clock())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.account_id,
            "name": principal.name,
            "node": principal.node.code,
            "roles": sorted(principal.roles),
            "kind": str(principal.kind),
            "sid": principal.session_id,
            "iat": now,
            "nbf": now,
            "exp": now + (self.ttl if ttl is None else ttl),
            "jti": secrets.token_urlsafe(16),
        }
        if principal.is_service:
            claims["nodes"] = [n.code for n in principal.served]
        if principal.inspector_id is not None:
            claims["inspector_id"] = principal.inspector_id
            claims["credential_no"] = principal.credential_no
        return claims

    def issue(self, principal: Principal, *, ttl: int | None = None) -> str:
        """A compact JWS `header.claims.signature`, valid for `ttl` seconds (default 10 minutes)."""
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": self.key.kid}
        signing_input = f"{_b64encode(_json(header))}.{_b64encode(_json(self.claims_for(principal, ttl=ttl)))}"
        return f"{signing_input}.{_b64encode(self.key.sign(signing_input.encode('ascii')))}"


class TokenVerifier:
    """Checks an access token with public keys only: format, algorithm, kid, signature, iss, aud, time."""

    def __init__(
        self,
        keys: KeySet,
        *,
        issuer: str,
        audience: str,
        leeway: int = LEEWAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys, self.issuer, self.audience, self.leeway, self.clock = keys, issuer, audience, leeway, clock

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; anything else raises `Unauthenticated` with a specific code."""
        if not token:
            raise _refuse("token_missing", "未登录：缺少访问令牌")
        if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
            raise _refuse("token_malformed", "访问令牌格式错误")
        header_part, claims_part, signature_part = token.split(".")
        try:
            header = json.loads(_b64decode(header_part))
            signature = _b64decode(signature_part)
        except (ValueError, binascii.Error):
            raise _refuse("token_malformed", "访问令牌格式错误") from None
        if not isinstance(header, dict):
            raise _refuse("token_malformed", "访问令牌格式错误")
        # the algorithm is fixed, never taken from the token: "none" or HS256 tricks cannot apply
        if header.get("alg") != ALGORITHM or "crit" in header:
            raise _refuse("token_algorithm", "访问令牌的签名算法不受支持")
        kid = header.get("kid")
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise _refuse("token_unknown_key", "访问令牌的签名密钥未知或已停用，请重新登录")
        try:
            key.verify(signature, f"{header_part}.{claims_part}".encode("ascii"))
        except InvalidSignature:
            raise _refuse("token_bad_signature", "访问令牌签名无效") from None
        try:
            claims = json.loads(_b64decode(claims_part))
        except (ValueError, binascii.Error):
            raise _refuse("token_malformed", "访问令牌格式错误") from None
        if not isinstance(claims, dict):
            raise _refuse("token_malformed", "访问令牌格式错误")
        self._check_claims(claims)
        self._check_signer(str(kid), claims)  # a str: its key was found
        return claims

    @staticmethod
    def _check_signer(kid: str, claims: dict[str, Any]) -> None:
        # a service's own key vouches for that service only: never for a person, never for another service
        account = service_account_for_kid(kid)
        if account is not None and (claims.get("kind") != "service" or claims.get("sub") != account):
            raise _refuse("token_invalid_claims", f"服务密钥 {kid} 只能为服务 {account} 本身签发令牌")

    def _check_claims(self, claims: dict[str, Any]) -> None:
        for name in ("iat", "exp"):
            if not isinstance(claims.get(name), int) or isinstance(claims.get(name), bool):
                raise _refuse("token_invalid_claims", f"访问令牌缺少有效的 {name}")
        if claims.get("iss") != self.issuer:
            raise _refuse("token_wrong_issuer", "访问令牌的签发方不受信任")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.audience not in audiences:
            raise _refuse("token_wrong_audience", "访问令牌不适用于本系统")
        now = self.clock()
        if now > claims["exp"] + self.leeway:
            raise _refuse("token_expired", "访问令牌已过期，请刷新或重新登录")
        not_before = claims.get("nbf", claims["iat"])
        if not isinstance(not_before, int) or now + self.leeway < max(not_before, claims["iat"]):
            raise _refuse("token_not_yet_valid", "访问令牌尚未生效，请检查系统时间")

    def principal(self, token: str) -> Principal:
        """The principal a valid token names."""
        return principal_from_claims(self.verify(token))


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Rebuild the principal from verified claims; claims that make no valid principal are refused."""
    try:
        roles = claims["roles"]
        sid = claims.get("sid")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ValueError("roles")
        if sid is not None and not isinstance(sid, str):
            raise ValueError("sid")
        link = claims.get("inspector_id"), claims.get("credential_no")
        if not all(value is None or isinstance(value, str) for value in link):
            raise ValueError("inspector_id")
        # machine and staff account ids never overlap: a staff token cannot pass for a service, nor the reverse
        if (claims["kind"] == "service") != str(claims["sub"]).startswith(SERVICE_PREFIX):
            raise ValueError("kind")
        return Principal(
            account_id=str(claims["sub"]),
            name=str(claims.get("name") or claims["sub"]),
            node=claims["node"],
            roles=frozenset(roles),
            kind=claims["kind"],
            session_id=sid,
            served=tuple(claims.get("nodes") or ()),
            inspector_id=link[0],
            credential_no=link[1],
        )
    except (KeyError, TypeError, ValueError, InvalidNodeCode, AuthError):
        raise _refuse("token_invalid_claims", "访问令牌中的身份信息无效") from None


class ServiceTokens:
    """A service's access tokens for itself, signed with its own key, reused until shortly before they expire."""

    def __init__(self, issuer: TokenIssuer, identity: Principal, *, renew_before: int = RENEW_BEFORE) -> None:
        if not identity.is_service:
            raise ValueError(f"{identity.account_id} is not a service identity")
        if service_account_for_kid(issuer.key.kid) != identity.account_id:
            raise ValueError(
                f"the key id {issuer.key.kid!r} cannot sign for {identity.account_id}: "
                f"use {identity.account_id!r} or {identity.account_id + '#<tag>'!r}"
            )
        if not 0 <= renew_before < issuer.ttl:
            raise ValueError("renew_before must be shorter than the token lifetime")
        self.issuer, self.identity, self.renew_before = issuer, identity, renew_before
        self._token: str | None = None
        self._expires = 0

    def token(self) -> str:
        """The cached token, or a new one when it expires within `renew_before` seconds."""
        now = int(self.issuer.clock())
        if self._token is None or now >= self._expires - self.renew_before:
            self._token = self.issuer.issue(self.identity)
            self._expires = now + self.issuer.ttl  # the token's exp is this or a little later
        return self._token

    def authorization_header(self) -> dict[str, str]:
        """`{"Authorization": "Bearer <token>"}` for a call to another service's HTTP API."""
        return {"Authorization": f"Bearer {self.token()}"}


def new_refresh_token() -> str:
    """An opaque refresh token (256 random bits); give it to the client once, store only its hash."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """SHA-256 of a refresh token, hex; a fast hash suffices because the token itself is random."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def refresh_token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented refresh token with a stored hash."""
    return hmac.compare_digest(hash_refresh_token(token), stored_hash)
