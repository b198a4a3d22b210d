"""Rules that need no server: account versions, secret encryption, configuration, the OpenAPI description."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime

import pytest
from identity.bootstrap import bootstrap
from identity.domain.model import Account, Change, Status
from identity.entrypoints.openapi import OPENAPI
from identity.service_layer.enrolment import code_hash, new_code

from hrss.auth import Principal, Role, SigningKey
from hrss.auth.sealing import OpeningKeys
from hrss.auth.secrets import AesGcmSecretCipher, SecretCipherError

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ACCOUNT = Account(
    "a1", "li", "330100", 1, "李四", ("planner",), Status.ACTIVE, "$argon2id$x", "k:n:c", Change.CREATED, T0, "cli"
)


def test_a_change_is_a_new_version_and_the_old_one_stays_as_it_was() -> None:
    changed = ACCOUNT.with_roles(("inspector", "approver"), "admin-1", T0)
    assert (changed.version, changed.roles, changed.change, changed.changed_by) == (
        2,
        ("approver", "inspector"),
        Change.ROLES,
        "admin-1",
    )
    assert ACCOUNT.version == 1 and ACCOUNT.roles == ("planner",)
    assert changed.disabled("admin-1", T0).status is Status.DISABLED
    assert changed.state_hash() != ACCOUNT.state_hash()


def test_the_public_view_never_shows_the_password_hash_or_totp_secret() -> None:
    assert not {"password_hash", "totp_secret"} & set(ACCOUNT.public())


def test_totp_secrets_are_encrypted_and_bound_to_their_account() -> None:
    cipher = AesGcmSecretCipher.parse("k1=" + base64.b64encode(os.urandom(32)).decode())
    stored = cipher.encrypt("JBSWY3DPEHPK3PXP", "a1")
    assert "JBSWY3DPEHPK3PXP" not in stored and stored.startswith("k1:")
    assert cipher.decrypt(stored, "a1") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretCipherError):
        cipher.decrypt(stored, "a2")  # copied onto another account's row


def test_start_fails_without_a_signing_key_or_totp_key() -> None:
    with pytest.raises(RuntimeError):
        bootstrap({"AUTH": {"totp_key": "k=" + base64.b64encode(os.urandom(32)).decode()}}, environ={})
    key = SigningKey.generate("k1")
    with pytest.raises(SecretCipherError):
        bootstrap({"AUTH": {"signing_key": f"k1={key.private_base64()}"}}, environ={})


def test_start_fails_without_a_key_to_seal_enrolment_codes_to() -> None:
    key = SigningKey.generate("k1")
    auth = {"signing_key": f"k1={key.private_base64()}", "totp_key": "k=" + base64.b64encode(os.urandom(32)).decode()}
    with pytest.raises(RuntimeError, match="HRSS_ENROLMENT_SEAL_PUBLIC_KEYS"):
        bootstrap({"AUTH": auth}, environ={})
    with pytest.raises(RuntimeError, match="32"):
        bootstrap({"AUTH": {**auth, "code_recipients": "n1=c2hvcnQ="}}, environ={})
    public = OpeningKeys.generate("n1").public_text()
    components = bootstrap({"AUTH": auth}, environ={"HRSS_ENROLMENT_SEAL_PUBLIC_KEYS": public})
    assert list(components.code_recipients.keys) == ["n1"]


def test_tokens_signed_by_the_configured_key_verify_and_rotated_keys_are_accepted() -> None:
    new, old = SigningKey.generate("new"), SigningKey.generate("old")
    auth = {
        "signing_key": f"new={new.private_base64()}",
        "public_keys": f"old={old.public_base64()}",
        "totp_key": "k=" + base64.b64encode(os.urandom(32)).decode(),
        "code_recipients": OpeningKeys.generate("n1").public_text(),
    }
    components = bootstrap({"AUTH": auth}, environ={})
    principal = Principal("a1", "李四", "330100", frozenset({Role.CITY_ADMIN}), session_id="s1")
    assert components.verifier.principal(components.issuer.issue(principal)).account_id == "a1"
    from hrss.auth import TokenIssuer

    old_token = TokenIssuer(old, issuer="hrss-identity", audience="hrss").issue(principal)
    assert components.verifier.principal(old_token).node.code == "330100"


def test_openapi_describes_every_endpoint_with_its_error_answers() -> None:
    paths = OPENAPI["paths"]
    assert "429" in paths["/auth/login"]["post"]["responses"]
    assert "403" in paths["/accounts"]["post"]["responses"]
    assert paths["/auth/login"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LoginBody"
    }
    assert "204" in paths["/auth/logout"]["post"]["responses"]


def test_enrolment_codes_are_random_readable_and_hashed_loosely() -> None:
    first, second = new_code(), new_code()
    assert first != second and len(first) == 29 and first.count("-") == 5
    assert code_hash(first) == code_hash(first.lower().replace("-", " ")) != code_hash(second)
    assert len(code_hash(first)) == 64 and first.replace("-", "") not in code_hash(first)


def test_a_pending_account_is_neither_active_nor_disabled() -> None:
    pending = ACCOUNT.next_version(Change.ENROLMENT, "admin-1", T0, status=Status.PENDING)
    assert not pending.active and not pending.is_disabled
    assert pending.public()["status"] == "pending"
