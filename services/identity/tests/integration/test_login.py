"""Login with password and TOTP, lockout, TOTP replay, refresh rotation and logout, on the real PostgreSQL."""

from __future__ import annotations

import time

import pytest
from identity_testkit import PASSWORD, totp_code

from hrss.auth.totp import decode_secret, hotp, time_step

pytestmark = pytest.mark.integration


def login(identity, secret, *, password=PASSWORD, steps_ahead=0, login_name="admin"):  # type: ignore[no-untyped-def]
    body = {"login": login_name, "password": password, "totp": totp_code(secret, steps_ahead)}
    return identity.post("/auth/login", body)


def test_admin_logs_in_with_password_and_totp_and_the_token_works(identity):  # type: ignore[no-untyped-def]
    account_id, secret = identity.create_admin()
    answer = login(identity, secret)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["expires_in"] == 600
    listed = identity.get("/accounts", tokens["access_token"])
    assert listed.status_code == 200, listed.text
    [admin] = listed.json()["accounts"]
    assert admin["id"] == account_id and admin["roles"] == ["province_admin"]
    assert "totp_secret" not in admin and "password_hash" not in admin and secret not in listed.text


GENERIC = {"code": "login.failed", "message": "用户名、密码或动态口令错误"}


def components(identity):  # type: ignore[no-untyped-def]
    """The running service's components, to tighten a policy for a test."""
    from identity.entrypoints.service import IdentityComponents

    [provider] = [e for e in identity.container.extensions if isinstance(e, IdentityComponents)]
    return provider.components


def test_wrong_password_wrong_totp_and_unknown_login_get_one_answer(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    wrong_password = login(identity, secret, password="Wrong-password-123")
    wrong_code = identity.post("/auth/login", {"login": "admin", "password": PASSWORD, "totp": "000000"})
    unknown = login(identity, secret, login_name="nobody")
    assert [a.status_code for a in (wrong_password, wrong_code, unknown)] == [401, 401, 401]
    assert wrong_password.json() == wrong_code.json() == unknown.json() == GENERIC


def test_five_failures_lock_the_account_silently_even_for_the_right_password(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    answers = [login(identity, secret, password=f"Wrong-password-{i}x") for i in range(5)]
    locked = login(identity, secret)
    assert [a.status_code for a in [*answers, locked]] == [401] * 6
    assert all(a.json() == GENERIC and "Retry-After" not in a.headers for a in [*answers, locked])


def test_failures_from_one_address_throttle_it_with_retry_after(identity):  # type: ignore[no-untyped-def]
    from identity.domain.throttle import AddressThrottle

    _, secret = identity.create_admin()
    components(identity).throttle = AddressThrottle(max_failures=3)
    assert [login(identity, secret, login_name=f"guess{i}").status_code for i in range(3)] == [401] * 3
    throttled = login(identity, secret)  # the right password and code: refused before the account is looked at
    assert throttled.status_code == 429 and throttled.json()["code"] == "auth.throttled"
    assert 840 <= int(throttled.headers["Retry-After"]) <= 900
    components(identity).throttle = AddressThrottle()
    assert login(identity, secret).status_code == 200  # the account itself was never locked


def test_an_administrator_unlocks_a_locked_account_with_a_reason(identity):  # type: ignore[no-untyped-def]
    province_id, province_secret = identity.create_admin()
    city_id, city_secret = identity.create_admin(node="330100", login="city", name="市管理员")
    for i in range(5):
        login(identity, city_secret, password=f"Wrong-password-{i}x", login_name="city")
    assert login(identity, city_secret, login_name="city").json() == GENERIC
    admin = login(identity, province_secret, steps_ahead=1).json()["access_token"]
    city_token = identity.token({"city_admin"}, "330100", city_id)
    assert identity.post(f"/accounts/{province_id}/unlock", {"reason": "试试"}, city_token).status_code == 404
    assert identity.post(f"/accounts/{city_id}/unlock", {}, admin).status_code == 400  # the reason is required
    unlocked = identity.post(f"/accounts/{city_id}/unlock", {"reason": "本人电话核实"}, admin)
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["id"] == city_id
    assert login(identity, city_secret, login_name="city", steps_ahead=1).status_code == 200
    entries = identity.get("/audit", admin, node="330100").json()["entries"]
    [entry] = [e for e in entries if e["action"] == "account.unlock" and e["outcome"] == "ok"]
    assert (entry["reason"], entry["object_id"], entry["detail"]["was_locked"]) == ("本人电话核实", city_id, "true")


def test_a_totp_code_cannot_be_used_twice(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    step = time_step(time.time())  # one step for the whole test, so a 30 s boundary cannot fall between logins
    code, following = hotp(decode_secret(secret), step), hotp(decode_secret(secret), step + 1)
    body = {"login": "admin", "password": PASSWORD}
    assert identity.post("/auth/login", {**body, "totp": code}).status_code == 200
    replayed = identity.post("/auth/login", {**body, "totp": code})
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "login.failed"
    assert identity.post("/auth/login", {**body, "totp": following}).status_code == 200  # the next code is fine


def test_refresh_rotates_and_a_spent_refresh_token_ends_the_session(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    first = login(identity, secret).json()
    second = identity.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert identity.get("/accounts", rotated["access_token"]).status_code == 200
    reused = identity.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["code"] == "refresh.reused"
    # reuse of an old token ends the session: the newest refresh token is dead too
    after = identity.post("/auth/refresh", {"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401 and after.json()["code"] == "session.ended"
    assert identity.post("/auth/refresh", {"refresh_token": "made-up"}).json()["code"] == "refresh.invalid"


def test_logout_ends_the_session(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    tokens = login(identity, secret).json()
    assert identity.post("/auth/logout", token=tokens["access_token"]).status_code == 204
    refused = identity.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401 and refused.json()["code"] == "session.ended"
    assert identity.post("/auth/logout").status_code == 401


def test_a_disabled_account_cannot_log_in(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    admin = login(identity, secret).json()["access_token"]
    created = identity.post(
        "/accounts",
        {
            "login": "wang",
            "name": "王五",
            "node": "330100",
            "roles": ["planner"],
            "password": PASSWORD,
            "mobile": "13800001111",
        },
        admin,
    )
    assert created.status_code == 201, created.text
    assert identity.post(f"/accounts/{created.json()['id']}/disable", {}, admin).status_code == 200
    refused = identity.post("/auth/login", {"login": "wang", "password": PASSWORD, "totp": "123456"})
    assert refused.status_code == 401
