"""The one place where real adapters and policies are chosen, from config with environment overrides; it builds
the components and injects them, and nothing below it imports it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from hrss.auth import Argon2Parameters, KeySet, Passwords, SigningKey, TokenIssuer, TokenVerifier
from hrss.auth.sealing import Recipients, SealError
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.db import UnitOfWork
from identity.adapters.repository import AccountRepository, SqlAlchemyAccountRepository
from identity.service_layer.components import Components


def sql_repository(uow: UnitOfWork) -> AccountRepository:
    """The account repository in the unit of work's session."""
    return SqlAlchemyAccountRepository(uow.session)


def signing_key(text: str) -> SigningKey:
    """`kid=base64seed` (HRSS_AUTH_SIGNING_KEY) as a signing key."""
    kid, sep, seed = (text or "").strip().partition("=")
    if not sep or not kid:
        raise RuntimeError("AUTH.signing_key (HRSS_AUTH_SIGNING_KEY) must be kid=base64 of a 32-byte Ed25519 seed")
    return SigningKey.from_base64(kid, seed)


def code_recipients(auth: Mapping[str, Any], environ: Mapping[str, str]) -> Recipients:
    """The notification deployments' X25519 public keys (`kid=base64,…`) enrolment codes are sealed to:
    HRSS_ENROLMENT_SEAL_PUBLIC_KEYS or AUTH.code_recipients; none fails the start (a code would reach nobody)."""
    text = environ.get("HRSS_ENROLMENT_SEAL_PUBLIC_KEYS") or str(auth.get("code_recipients") or "")
    try:
        return Recipients.parse(text)
    except SealError as error:
        raise RuntimeError(f"AUTH.code_recipients (HRSS_ENROLMENT_SEAL_PUBLIC_KEYS): {error}") from None


def bootstrap(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Components:
    """Components from config `AUTH` and `PASSWORDS`; fails at start, not at the first request."""
    auth = config.get("AUTH") or {}
    issuer_name = environ.get("HRSS_AUTH_ISSUER") or auth.get("issuer") or "hrss-identity"
    audience = environ.get("HRSS_AUTH_AUDIENCE") or auth.get("audience") or "hrss"
    key = signing_key(environ.get("HRSS_AUTH_SIGNING_KEY") or str(auth.get("signing_key") or ""))
    public = {key.kid: key.public_base64()}
    extra = environ.get("HRSS_AUTH_PUBLIC_KEYS") or auth.get("public_keys")
    if isinstance(extra, Mapping):
        public.update({str(k): str(v) for k, v in extra.items()})
    keys = KeySet.parse(extra) if isinstance(extra, str) and extra.strip() else None
    keyset = (
        KeySet.from_base64(public)
        if keys is None
        else KeySet.parse(
            ",".join([f"{k}={v}" for k, v in public.items()] + [extra.strip()])  # type: ignore[union-attr]
        )
    )
    ttl = int(auth.get("access_ttl", 600))
    passwords = config.get("PASSWORDS") or {}
    parameters = Argon2Parameters(
        time_cost=int(passwords.get("time_cost", 3)),
        memory_cost_kib=int(passwords.get("memory_cost_kib", 65536)),
        parallelism=int(passwords.get("parallelism", 4)),
    )
    return Components(
        issuer=TokenIssuer(key, issuer=issuer_name, audience=audience, ttl=ttl),
        verifier=TokenVerifier(keyset, issuer=issuer_name, audience=audience, leeway=int(auth.get("leeway", 30))),
        passwords=Passwords(parameters),
        cipher=AesGcmSecretCipher.parse(environ.get("HRSS_IDENTITY_TOTP_KEY") or str(auth.get("totp_key") or "")),
        repository=sql_repository,
        code_recipients=code_recipients(auth, environ),
        totp_issuer=str(auth.get("totp_issuer") or "HRSS"),
        enrolment_ttl=timedelta(hours=float(auth.get("enrolment_ttl_hours", 72))),
    )
