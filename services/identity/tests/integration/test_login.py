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


def test_wrong_password_and_wrong_totp_get_the_same_generic_answer(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    wrong_password = login(identity, secret, password="Wrong-password-123")
    wrong_code = identity.post("/auth/login", {"login": "admin", "password": PASSWORD, "totp": "000000"})
    unknown = login(identity, secret, login_name="nobody")
    assert wrong_password.status_code == wrong_code.status_code == unknown.status_code == 401
    assert wrong_password.json()["code"] == wrong_code.json()["code"] == "login.failed"
    assert "用户名、密码或动态口令错误" in wrong_password.json()["message"]
    assert wrong_password.json()["message"].split("，")[0] == wrong_code.json()["message"].split("，")[0]


def test_five_failures_lock_the_account_even_for_the_right_password(identity):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    answers = [login(identity, secret, password=f"Wrong-password-{i}x") for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert "再失败 1 次" in answers[3].json()["message"]
    locked = login(identity, secret)
    assert locked.status_code == 429
    assert locked.json()["code"] == "login.locked"
    assert "5 分钟" in locked.json()["message"]
    assert 0 < int(locked.headers["Retry-After"]) <= 300


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
        {"login": "wang", "name": "王五", "node": "330100", "roles": ["planner"], "password": PASSWORD},
        admin,
    )
    assert created.status_code == 201, created.text
    assert identity.post(f"/accounts/{created.json()['id']}/disable", {}, admin).status_code == 200
    refused = identity.post("/auth/login", {"login": "wang", "password": PASSWORD, "totp": "123456"})
    assert refused.status_code == 401
