import json

import pytest
from werkzeug.test import EnvironBuilder

from hrss.auth import AccessDenied, KeySet, Principal, Role, SigningKey, TokenIssuer, Unauthenticated, WeakPassword
from hrss.auth.dependency import CurrentPrincipal, bearer_token, current_principal, verifier_from_config
from hrss.contracts import Node
from hrss.web import ReadHttp as AuthHttp
from hrss.web import error_response
from hrss.web import read_http as http

KEY = SigningKey.generate("k1")
AUTH = {"issuer": "hrss-identity", "audience": "hrss", "public_keys": {"k1": KEY.public_base64()}}
BOB = Principal("acc-2", "赵强", Node("330100"), frozenset({Role.CITY_ADMIN}), session_id="s-9")


def token_for(principal=BOB, key=KEY, audience="hrss"):
    return TokenIssuer(key, issuer="hrss-identity", audience=audience).issue(principal)


def request(authorization=None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return EnvironBuilder(path="/plans", headers=headers).get_request()


class Container:
    """The two attributes of a nameko container a dependency reads."""

    def __init__(self, config):
        self.config, self.service_name = config, "plan"


_containers: list[Container] = []  # nameko holds its container by weak reference; keep ours alive


def bind(dependency, config):
    _containers.append(Container(config))
    return dependency.bind(_containers[-1], "auth")


def provider(config):
    dependency = bind(CurrentPrincipal(), config)
    dependency.setup()
    return dependency


@pytest.fixture(autouse=True)
def no_auth_environment(monkeypatch):
    for name in ("HRSS_AUTH_PUBLIC_KEYS", "HRSS_AUTH_ISSUER", "HRSS_AUTH_AUDIENCE", "HRSS_NODES"):
        monkeypatch.delenv(name, raising=False)


def test_the_worker_gets_the_principal_of_the_bearer_token():
    dependency = provider({"AUTH": AUTH, "NODES": "330100"})
    auth = dependency.get_dependency(worker_ctx=object())
    assert auth.principal_from(request(f"Bearer {token_for()}")) == BOB
    assert current_principal.get() == BOB
    dependency.worker_teardown(object())
    assert current_principal.get() is None


@pytest.mark.parametrize(
    "header, code",
    [
        (None, "auth.token_missing"),
        ("", "auth.token_missing"),
        ("Basic dXNlcjpwYXNz", "auth.token_malformed"),
        ("Bearer ", "auth.token_malformed"),
        ("Bearer not.a.token", "auth.token_malformed"),
    ],
)
def test_requests_without_a_valid_bearer_token_are_unauthenticated(header, code):
    auth = provider({"AUTH": AUTH}).get_dependency(object())
    with pytest.raises(Unauthenticated) as caught:
        auth.principal_from(request(header))
    assert caught.value.code == code


def test_tokens_for_another_audience_are_unauthenticated():
    auth = provider({"AUTH": AUTH}).get_dependency(object())
    with pytest.raises(Unauthenticated) as caught:
        auth.principal_from(request(f"Bearer {token_for(audience='elsewhere')}"))
    assert caught.value.code == "auth.token_wrong_audience"


def test_the_scheme_is_case_insensitive():
    assert bearer_token("bearer abc") == "abc"


def test_consumers_act_as_the_service_for_the_nodes_it_serves():
    auth = provider({"AUTH": AUTH, "NODES": "330102,330106"}).get_dependency(object())
    identity = auth.as_service()
    assert identity == Principal.for_service("plan", ["330102", "330106"])
    assert current_principal.get() == identity


def test_a_service_without_nodes_has_no_identity_of_its_own():
    auth = provider({"AUTH": AUTH}).get_dependency(object())
    with pytest.raises(RuntimeError):
        auth.as_service()


def test_environment_variables_override_the_config():
    new = SigningKey.generate("k2")
    environ = {"HRSS_AUTH_PUBLIC_KEYS": f"k2={new.public_base64()}", "HRSS_AUTH_AUDIENCE": "hrss-admin"}
    verifier = verifier_from_config({"AUTH": AUTH}, environ)
    assert verifier.keys.kids == ("k2",) and verifier.audience == "hrss-admin" and verifier.issuer == "hrss-identity"
    assert verifier.principal(token_for(key=new, audience="hrss-admin")) == BOB


def test_a_missing_auth_config_fails_at_startup():
    with pytest.raises(RuntimeError):
        verifier_from_config({}, {})
    with pytest.raises(ValueError):
        verifier_from_config({"AUTH": {"issuer": "i", "audience": "a"}}, {})


def test_an_injected_verifier_skips_the_config():
    from hrss.auth import TokenVerifier

    verifier = TokenVerifier(KeySet.of(KEY), issuer="hrss-identity", audience="hrss")
    dependency = bind(CurrentPrincipal(verifier), {})
    dependency.setup()
    assert dependency.get_dependency(object()).principal_from(request(f"Bearer {token_for()}")) == BOB


def test_unauthenticated_maps_to_401_json_with_a_bearer_challenge():
    response = error_response(Unauthenticated("auth.token_expired", "访问令牌已过期，请刷新或重新登录"))
    assert response.status_code == 401
    assert response.content_type == "application/json; charset=utf-8"
    assert json.loads(response.get_data(as_text=True)) == {
        "code": "auth.token_expired",
        "message": "访问令牌已过期，请刷新或重新登录",
    }
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="hrss", error="invalid_token", error_description="auth.token_expired"'
    )
    missing = error_response(Unauthenticated("auth.token_missing", "未登录：缺少访问令牌"))
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="hrss"'


def test_the_http_entrypoint_answers_403_and_400_for_identity_errors_and_500_for_the_rest():
    entrypoint = AuthHttp("GET", "/plans")
    denied = entrypoint.response_from_exception(AccessDenied("access.read_only", "审计人员账号为只读，不能修改数据"))
    assert denied.status_code == 403 and "WWW-Authenticate" not in denied.headers
    assert json.loads(denied.get_data(as_text=True))["code"] == "access.read_only"
    weak = entrypoint.response_from_exception(WeakPassword("password.too_short", "密码至少需要 12 个字符"))
    assert weak.status_code == 400
    assert entrypoint.response_from_exception(KeyError("boom")).status_code == 500


def test_the_decorator_registers_the_mapping_entrypoint():
    @http("GET", "/plans")
    def list_plans(self, request):
        return "[]"

    (entrypoint,) = list_plans.nameko_entrypoints
    assert type(entrypoint) is AuthHttp
    assert (entrypoint.method, entrypoint.url) == ("GET", "/plans")
