"""Service-to-service calls: a service signs tokens for itself, the receiving service verifies and scopes them."""

import base64
import json

import pytest
from werkzeug.test import EnvironBuilder

from hrss.auth import (
    AccessDenied,
    Action,
    InvalidKey,
    KeySet,
    Kind,
    Principal,
    Role,
    SigningKey,
    TokenIssuer,
    TokenVerifier,
    Unauthenticated,
    check_access,
)
from hrss.auth.dependency import CurrentPrincipal, ServiceCredentials, service_key_from_config
from hrss.auth.tokens import ServiceTokens, service_account_for_kid
from hrss.contracts import Node

NOW = 1_800_000_000
IDENTITY_KEY = SigningKey.generate("2026-03")
DRAW_KEY = SigningKey.generate("service:draw")
AUTH = {"issuer": "hrss-identity", "audience": "hrss"}


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Container:
    """The two attributes of a nameko container a dependency reads."""

    def __init__(self, config, service_name):
        self.config, self.service_name = config, service_name


_containers: list[Container] = []  # nameko holds its container by weak reference; keep ours alive


def bind(dependency, config, service_name):
    _containers.append(Container(config, service_name))
    bound = dependency.bind(_containers[-1], "dependency")
    bound.setup()
    return bound


def caller(nodes="330102", service="draw", key=DRAW_KEY, clock=None, **options):
    """The calling service's `ServiceCredentials`, as its workers see it."""
    config = {"AUTH": {**AUTH, "service_key": f"{key.kid}={key.private_base64()}"}, "NODES": nodes}
    provider = bind(ServiceCredentials(clock=clock or Clock(), **options), config, service)
    return provider.get_dependency(worker_ctx=object())


def receiver(*keys, clock=None):
    """The receiving service's `CurrentPrincipal` with the identity key and the callers' public keys."""
    public_keys = {k.kid: k.public_base64() for k in (IDENTITY_KEY, *keys)}
    verifier = TokenVerifier(
        KeySet.from_base64(public_keys), issuer="hrss-identity", audience="hrss", clock=clock or Clock()
    )
    return bind(CurrentPrincipal(verifier), {"AUTH": AUTH}, "plan").get_dependency(object())


def request(headers):
    return EnvironBuilder(path="/plans", headers=headers).get_request()


def refused(auth, headers) -> str:
    with pytest.raises(Unauthenticated) as caught:
        auth.principal_from(request(headers))
    return caught.value.code


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def forge(claims: dict, key: SigningKey) -> str:
    """Sign arbitrary claims as a compact JWS, independently of the code under test."""
    signing_input = f"{b64(json.dumps({'alg': 'EdDSA', 'kid': key.kid}).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


@pytest.fixture(autouse=True)
def no_auth_environment(monkeypatch):
    for name in (
        "HRSS_AUTH_PUBLIC_KEYS",
        "HRSS_AUTH_ISSUER",
        "HRSS_AUTH_AUDIENCE",
        "HRSS_AUTH_SERVICE_KEY",
        "HRSS_NODES",
    ):
        monkeypatch.delenv(name, raising=False)


# -- minting and verifying --------------------------------------------------------------------------------------


def test_a_service_token_round_trips_to_the_service_principal():
    headers = caller(nodes="330102,330106").authorization_header()
    assert set(headers) == {"Authorization"} and headers["Authorization"].startswith("Bearer ")
    principal = receiver(DRAW_KEY).principal_from(request(headers))
    assert principal == Principal.for_service("draw", ["330102", "330106"])
    assert principal.kind is Kind.SERVICE and principal.account_id == "service:draw"
    assert principal.roles == {Role.SERVICE} and principal.served == (Node("330102"), Node("330106"))
    assert principal.session_id is None


def test_the_token_carries_the_configured_issuer_audience_and_a_short_lifetime():
    claims = claims_of(caller().token())
    assert claims["iss"] == "hrss-identity" and claims["aud"] == ["hrss"]
    assert claims["sub"] == "service:draw" and claims["kind"] == "service" and claims["roles"] == ["service"]
    assert claims["nodes"] == ["330102"] and claims["sid"] is None
    assert claims["iat"] == NOW and claims["exp"] == NOW + 300


def test_the_key_may_come_from_the_environment(monkeypatch):
    key = SigningKey.generate("service:draw#2026-04")
    monkeypatch.setenv("HRSS_AUTH_SERVICE_KEY", f"{key.kid}={key.private_base64()}")
    provider = bind(ServiceCredentials(clock=Clock()), {"AUTH": AUTH, "NODES": "330102"}, "draw")
    token = provider.get_dependency(object()).token()
    assert receiver(key).principal_from(request({"Authorization": f"Bearer {token}"})).account_id == "service:draw"
    assert refused(receiver(DRAW_KEY), {"Authorization": f"Bearer {token}"}) == "auth.token_unknown_key"


def test_an_expired_service_token_is_refused():
    headers = caller().authorization_header()
    clock = Clock(NOW + 300 + 30)
    assert receiver(DRAW_KEY, clock=clock).principal_from(request(headers)).account_id == "service:draw"
    clock.now += 1
    assert refused(receiver(DRAW_KEY, clock=clock), headers) == "auth.token_expired"


def test_a_service_whose_key_the_receiver_does_not_hold_is_refused():
    headers = caller().authorization_header()
    assert refused(receiver(), headers) == "auth.token_unknown_key"
    assert refused(receiver(SigningKey.generate("service:other")), headers) == "auth.token_unknown_key"


def test_another_key_under_the_callers_kid_is_refused():
    impostor = SigningKey.generate("service:draw")
    assert refused(receiver(DRAW_KEY), caller(key=impostor).authorization_header()) == "auth.token_bad_signature"


def test_a_token_for_another_audience_is_refused():
    tokens = ServiceTokens(
        TokenIssuer(DRAW_KEY, issuer="hrss-identity", audience="elsewhere", clock=Clock()),
        Principal.for_service("draw", ["330102"]),
    )
    assert refused(receiver(DRAW_KEY), tokens.authorization_header()) == "auth.token_wrong_audience"


# -- caching ----------------------------------------------------------------------------------------------------


def test_the_token_is_cached_and_renewed_shortly_before_it_expires():
    clock = Clock()
    tokens = caller(clock=clock)
    first = tokens.token()
    clock.now = NOW + 239
    assert tokens.token() == first and tokens.authorization_header() == {"Authorization": f"Bearer {first}"}
    clock.now = NOW + 240  # 60 s before exp
    second = tokens.token()
    assert second != first and claims_of(second)["exp"] == NOW + 540
    clock.now = NOW + 400
    assert tokens.token() == second
    assert receiver(DRAW_KEY, clock=clock).principal_from(request(tokens.authorization_header()))


def test_a_token_past_its_expiry_is_never_handed_out():
    clock = Clock()
    tokens = caller(clock=clock, ttl=120, renew_before=10)
    first = tokens.token()
    clock.now = NOW + 10_000
    fresh = tokens.token()
    assert fresh != first and claims_of(fresh)["exp"] == NOW + 10_120
    assert receiver(DRAW_KEY, clock=clock).principal_from(request({"Authorization": f"Bearer {fresh}"}))


def test_every_worker_shares_the_containers_token():
    clock = Clock()
    config = {"AUTH": {**AUTH, "service_key": f"service:draw={DRAW_KEY.private_base64()}"}, "NODES": "330102"}
    provider = bind(ServiceCredentials(clock=clock), config, "draw")
    assert provider.get_dependency(object()).token() == provider.get_dependency(object()).token()


# -- configuration ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {"AUTH": AUTH, "NODES": "330102"},  # no key
        {"AUTH": {**AUTH, "service_key": f"service:plan={DRAW_KEY.private_base64()}"}, "NODES": "330102"},
        {"AUTH": {**AUTH, "service_key": f"2026-03={DRAW_KEY.private_base64()}"}, "NODES": "330102"},
        {"AUTH": {**AUTH, "service_key": f"service:draw={DRAW_KEY.private_base64()}"}},  # no nodes
        {"AUTH": {"service_key": f"service:draw={DRAW_KEY.private_base64()}"}, "NODES": "330102"},  # no issuer
    ],
)
def test_a_misconfigured_service_fails_at_startup(config):
    with pytest.raises(RuntimeError):
        bind(ServiceCredentials(), config, "draw")


@pytest.mark.parametrize("text", ["service:draw", "=abc", "service:draw=short", "service:draw=not base64!"])
def test_a_bad_service_key_fails_loudly(text):
    with pytest.raises(InvalidKey):
        service_key_from_config({"AUTH": {"service_key": text}}, {})


def test_the_signing_seed_survives_the_secret_store_format():
    key = service_key_from_config({}, {"HRSS_AUTH_SERVICE_KEY": f" service:draw={DRAW_KEY.private_base64()} "})
    assert key is not None and key.kid == "service:draw" and key.public_base64() == DRAW_KEY.public_base64()


@pytest.mark.parametrize(
    "kid, account",
    [
        ("service:draw", "service:draw"),
        ("service:draw#2026-04", "service:draw"),
        ("service:", None),
        ("service:#x", None),
        ("2026-03", None),
        ("draw", None),
    ],
)
def test_a_service_kid_names_the_one_account_it_signs_for(kid, account):
    assert service_account_for_kid(kid) == account


def test_service_tokens_refuse_identities_their_key_cannot_sign_for():
    signer = TokenIssuer(DRAW_KEY, issuer="hrss-identity", audience="hrss")
    with pytest.raises(ValueError):
        ServiceTokens(signer, Principal.for_service("plan", ["330102"]))
    with pytest.raises(ValueError):
        ServiceTokens(signer, Principal("acc-1", "王芳", Node("330102"), frozenset({Role.PLANNER})))
    with pytest.raises(ValueError):
        ServiceTokens(signer, Principal.for_service("draw", ["330102"]), renew_before=600)


# -- scope on the receiving side --------------------------------------------------------------------------------


def service_at(nodes):
    return receiver(DRAW_KEY).principal_from(request(caller(nodes=nodes).authorization_header()))


def test_a_county_service_acts_on_its_county_only():
    county = service_at("330102")
    assert check_access(county, Action.WRITE, "330102", roles={Role.SERVICE}) is Role.SERVICE
    for other in ("330106", "330100", "330000", "330206"):
        with pytest.raises(AccessDenied) as caught:
            check_access(county, Action.READ, other, roles={Role.SERVICE})
        assert caught.value.code == "access.out_of_scope"


def test_a_service_serving_several_counties_acts_on_each_of_them_only():
    both = service_at("330102,330106")
    for node in ("330102", "330106"):
        assert check_access(both, Action.WRITE, node, roles={Role.SERVICE}) is Role.SERVICE
    with pytest.raises(AccessDenied):
        check_access(both, Action.WRITE, "330108", roles={Role.SERVICE})
    with pytest.raises(AccessDenied):
        check_access(both, Action.READ, "330100", roles={Role.SERVICE})


def test_a_province_service_acts_on_its_whole_subtree():
    province = service_at("330000")
    for node in ("330000", "330100", "330102", "330106", "330206"):
        assert check_access(province, Action.WRITE, node, roles={Role.SERVICE}) is Role.SERVICE


def test_an_endpoint_accepts_services_only_when_it_names_the_service_role():
    county = service_at("330102")
    for roles in ({Role.PLANNER}, {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}, {Role.AUDITOR}):
        with pytest.raises(AccessDenied) as caught:
            check_access(county, Action.READ, "330102", roles=roles)
        assert caught.value.code == "access.role_required"
    # the role the audit entry records for the service
    assert check_access(county, Action.WRITE, "330102", roles={Role.PLANNER, Role.SERVICE}) is Role.SERVICE


# -- staff and service claims never mix -------------------------------------------------------------------------


def valid_service_claims(**change):
    return {**claims_of(caller().token()), **change}


STAFF = {"sub": "acc-1", "name": "王芳", "node": "330102", "roles": ["planner"], "kind": "staff", "sid": "s-1"}


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "staff"},  # a service id passing as a person
        {"kind": "staff", "roles": ["province_admin"], "node": "330000"},
        {"roles": ["service", "planner"]},
        {"roles": ["province_admin"]},
        {"sub": "acc-1"},  # a person's id with kind service
        {"nodes": ["330012"]},
    ],
)
def test_service_claims_that_make_no_valid_service_are_refused(change):
    # signed with the identity key, so only the claims validation can refuse them
    token = forge(valid_service_claims(**change), IDENTITY_KEY)
    assert refused(receiver(), {"Authorization": f"Bearer {token}"}) == "auth.token_invalid_claims"


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "service"},  # a person's id claiming to be a machine
        {"kind": "service", "roles": ["service"]},
        {"roles": ["service"]},
        {"roles": ["planner", "service"]},
        {"sub": "service:draw"},  # a machine id as a person
        {"nodes": ["330106"]},
    ],
)
def test_staff_claims_can_never_carry_the_service_kind(change):
    claims = {**valid_service_claims(), "nodes": None, **STAFF, **change}
    token = forge(claims, IDENTITY_KEY)
    assert refused(receiver(), {"Authorization": f"Bearer {token}"}) == "auth.token_invalid_claims"


def test_the_identity_keys_still_sign_valid_staff_and_service_tokens():
    staff = {**valid_service_claims(), "nodes": None, **STAFF}
    auth = receiver()
    assert auth.principal_from(request({"Authorization": f"Bearer {forge(staff, IDENTITY_KEY)}"})).kind is Kind.STAFF
    service = forge(valid_service_claims(), IDENTITY_KEY)
    assert receiver().principal_from(request({"Authorization": f"Bearer {service}"})).kind is Kind.SERVICE


@pytest.mark.parametrize(
    "claims",
    [
        {**STAFF},  # a person
        {**STAFF, "roles": ["province_admin"], "node": "330000"},  # an administrator
        {"sub": "service:plan", "name": "plan", "roles": ["service"], "kind": "service", "nodes": ["330102"]},
    ],
)
def test_a_service_key_signs_for_its_own_service_only(claims):
    token = forge({**valid_service_claims(), "sid": None, "nodes": None, "node": "330102", **claims}, DRAW_KEY)
    assert refused(receiver(DRAW_KEY), {"Authorization": f"Bearer {token}"}) == "auth.token_invalid_claims"


def test_a_tampered_service_token_is_refused_by_its_signature():
    header, claims_part, signature = caller().token().split(".")
    claims = {**claims_of(f"{header}.{claims_part}.{signature}"), "nodes": ["330000"], "node": "330000"}
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    assert refused(receiver(DRAW_KEY), {"Authorization": f"Bearer {tampered}"}) == "auth.token_bad_signature"
