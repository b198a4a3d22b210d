import base64
import json
import re

import pytest

from hrss.auth import (
    InvalidKey,
    KeySet,
    Principal,
    Role,
    SigningKey,
    TokenIssuer,
    TokenVerifier,
    Unauthenticated,
    hash_refresh_token,
    new_refresh_token,
    refresh_token_matches,
)
from hrss.contracts import Node

NOW = 1_800_000_000
ISSUER, AUDIENCE = "https://identity.hrss.example", "hrss"
KEY = SigningKey.generate("k1")
ALICE = Principal("acc-1", "王芳", Node("330102"), frozenset({Role.PLANNER, Role.APPROVER}), session_id="sess-1")


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def issuer(key=KEY, audience=AUDIENCE, clock=None, **kwargs):
    return TokenIssuer(key, issuer=ISSUER, audience=audience, clock=clock or Clock(), **kwargs)


def verifier(keys=None, clock=None, **kwargs):
    options = {"issuer": ISSUER, "audience": AUDIENCE, **kwargs}
    return TokenVerifier(keys or KeySet.of(KEY), clock=clock or Clock(), **options)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def forge(header: dict, claims: dict, key: SigningKey = KEY) -> str:
    """Sign arbitrary JSON as a compact JWS, independently of the code under test."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def refused(token: str, verifier_: TokenVerifier | None = None) -> str:
    with pytest.raises(Unauthenticated) as caught:
        (verifier_ or verifier()).principal(token)
    assert caught.value.status == 401 and caught.value.message
    return caught.value.code


def test_a_token_round_trips_to_the_same_principal():
    token = issuer().issue(ALICE)
    assert verifier().principal(token) == ALICE


def test_the_token_is_a_compact_jws_with_every_claim():
    token = issuer().issue(ALICE)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token)
    header_part, claims_part, signature = token.split(".")
    assert json.loads(unb64(header_part)) == {"alg": "EdDSA", "typ": "JWT", "kid": "k1"}
    claims = json.loads(unb64(claims_part))
    assert set(claims) == {"iss", "aud", "sub", "name", "node", "roles", "kind", "sid", "iat", "nbf", "exp", "jti"}
    assert claims["sub"] == "acc-1" and claims["name"] == "王芳" and claims["node"] == "330102"
    assert claims["roles"] == ["approver", "planner"] and claims["kind"] == "staff" and claims["sid"] == "sess-1"
    assert claims["exp"] - claims["iat"] == 600 and claims["iat"] == NOW
    assert len(unb64(signature)) == 64
    assert json.loads(unb64(issuer().issue(ALICE).split(".")[1]))["jti"] != claims["jti"]


def test_a_service_token_carries_every_node_it_serves():
    service = Principal.for_service("draw", ["330102", "330106"])
    token = issuer().issue(service)
    assert json.loads(unb64(token.split(".")[1]))["nodes"] == ["330102", "330106"]
    assert verifier().principal(token) == service


def test_changed_claims_break_the_signature():
    header_part, claims_part, signature = issuer().issue(ALICE).split(".")
    claims = json.loads(unb64(claims_part))
    claims["node"], claims["roles"] = "330000", ["province_admin"]
    assert refused(f"{header_part}.{b64(json.dumps(claims).encode())}.{signature}") == "auth.token_bad_signature"


def test_a_changed_signature_is_refused():
    header_part, claims_part, signature = issuer().issue(ALICE).split(".")
    raw = bytearray(unb64(signature))
    raw[0] ^= 1
    assert refused(f"{header_part}.{claims_part}.{b64(bytes(raw))}") == "auth.token_bad_signature"


def test_a_token_signed_by_another_key_under_a_trusted_kid_is_refused():
    impostor = SigningKey.generate("k1")
    assert refused(issuer(key=impostor).issue(ALICE)) == "auth.token_bad_signature"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", None])
def test_only_eddsa_is_accepted(alg):
    claims = json.loads(unb64(issuer().issue(ALICE).split(".")[1]))
    assert refused(forge({"alg": alg, "kid": "k1"}, claims)) == "auth.token_algorithm"


def test_unsigned_alg_none_tokens_are_refused():
    claims = json.loads(unb64(issuer().issue(ALICE).split(".")[1]))
    token = f"{b64(json.dumps({'alg': 'none'}).encode())}.{b64(json.dumps(claims).encode())}."
    assert refused(token) == "auth.token_malformed"


def test_critical_header_extensions_are_refused():
    claims = json.loads(unb64(issuer().issue(ALICE).split(".")[1]))
    assert refused(forge({"alg": "EdDSA", "kid": "k1", "crit": ["exp"]}, claims)) == "auth.token_algorithm"


def test_the_token_expires_after_ten_minutes_plus_leeway():
    token = issuer().issue(ALICE)
    clock = Clock(NOW + 600 + 30)
    assert verifier(clock=clock).principal(token) == ALICE
    clock.now += 1
    assert refused(token, verifier(clock=clock)) == "auth.token_expired"


def test_a_custom_lifetime_is_honoured():
    token = issuer(ttl=60).issue(ALICE)
    assert refused(token, verifier(clock=Clock(NOW + 91))) == "auth.token_expired"


def test_a_token_from_the_future_is_refused_beyond_the_leeway():
    token = issuer(clock=Clock(NOW + 120)).issue(ALICE)
    assert refused(token) == "auth.token_not_yet_valid"
    assert verifier().principal(issuer(clock=Clock(NOW + 10)).issue(ALICE)) == ALICE


def test_a_token_for_another_audience_is_refused():
    assert refused(issuer(audience="hrss-public").issue(ALICE)) == "auth.token_wrong_audience"
    assert verifier().principal(issuer(audience=["hrss-public", "hrss"]).issue(ALICE)) == ALICE


def test_a_token_from_another_issuer_is_refused():
    other = TokenIssuer(KEY, issuer="https://evil.example", audience=AUDIENCE, clock=Clock())
    assert refused(other.issue(ALICE)) == "auth.token_wrong_issuer"


def test_a_token_with_an_unknown_kid_is_refused():
    assert refused(issuer(key=SigningKey.generate("k9")).issue(ALICE)) == "auth.token_unknown_key"
    claims = json.loads(unb64(issuer().issue(ALICE).split(".")[1]))
    assert refused(forge({"alg": "EdDSA"}, claims)) == "auth.token_unknown_key"


def test_keys_rotate_old_and_new_side_by_side_then_the_old_one_is_retired():
    old, new = KEY, SigningKey.generate("k2")
    old_token, new_token = issuer(key=old).issue(ALICE), issuer(key=new).issue(ALICE)
    during = verifier(keys=KeySet.of(old, new))
    assert during.principal(old_token) == during.principal(new_token) == ALICE
    after = verifier(keys=KeySet.of(new))
    assert after.principal(new_token) == ALICE
    assert refused(old_token, after) == "auth.token_unknown_key"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "!!!.e30.AA", "e30.e30.###", "W10.e30.AA", "x" * 9000],
)
def test_malformed_tokens_are_refused(token):
    assert refused(token) in {"auth.token_missing", "auth.token_malformed"}


@pytest.mark.parametrize(
    "change",
    [
        {"node": "330012"},
        {"roles": ["superuser"]},
        {"roles": ["county_admin"], "node": "330100"},
        {"kind": "robot"},
        {"sid": 42},
        {"nodes": ["330106"]},
        {"exp": "later"},
    ],
)
def test_validly_signed_tokens_naming_no_valid_principal_are_refused(change):
    claims = {**json.loads(unb64(issuer().issue(ALICE).split(".")[1])), **change}
    assert refused(forge({"alg": "EdDSA", "kid": "k1"}, claims)) == "auth.token_invalid_claims"


def test_refresh_tokens_are_random_and_stored_as_hashes():
    token = new_refresh_token()
    assert len(token) >= 43 and token != new_refresh_token()
    stored = hash_refresh_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", stored) and token not in stored
    assert refresh_token_matches(token, stored)
    assert not refresh_token_matches(new_refresh_token(), stored)


def test_public_keys_travel_as_base64_in_config_or_environment():
    new = SigningKey.generate("k2")
    from_config = KeySet.from_base64({"k1": KEY.public_base64()})
    from_json = KeySet.parse(json.dumps({"k1": KEY.public_base64(), "k2": new.public_base64()}))
    from_pairs = KeySet.parse(f"k1={KEY.public_base64()}, k2={new.public_base64()}")
    assert from_json.kids == from_pairs.kids == ("k1", "k2")
    token = issuer().issue(ALICE)
    for keys in (from_config, from_json, from_pairs):
        assert verifier(keys=keys).principal(token) == ALICE


def test_a_signing_key_survives_its_secret_store():
    restored = SigningKey.from_base64("k1", KEY.private_base64())
    assert restored.public_base64() == KEY.public_base64()
    assert verifier().principal(issuer(key=restored).issue(ALICE)) == ALICE


@pytest.mark.parametrize("text", ["k1=not-base64!!", "k1=" + b64(b"short"), "{not json", "[1]", "k1", ""])
def test_bad_public_key_configuration_fails_loudly(text):
    with pytest.raises(InvalidKey):
        KeySet.parse(text)


def test_an_inspectors_link_to_the_registry_travels_in_the_token():
    zhao = Principal(
        "acc-2", "赵磊", Node("330102"), frozenset({Role.INSPECTOR}), inspector_id="ins-9", credential_no="ZJ330102009"
    )
    back = verifier().principal(issuer().issue(zhao))
    assert (back.inspector_id, back.credential_no) == ("ins-9", "ZJ330102009")
    assert verifier().principal(issuer().issue(ALICE)).inspector_id is None


def test_a_half_inspector_link_in_the_claims_is_refused():
    claims = issuer().claims_for(ALICE) | {"inspector_id": "ins-9"}
    assert refused(forge({"alg": "EdDSA", "typ": "JWT", "kid": KEY.kid}, claims)) == "auth.token_invalid_claims"
