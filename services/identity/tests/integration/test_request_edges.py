"""Regressions found by the API fuzzer (test_api_fuzz): input the database cannot store is a clear 400, not a 500."""

from __future__ import annotations

import pytest
from identity_testkit import PROVINCE, Running

pytestmark = pytest.mark.integration

NUL = "a\x00b"
LONE_SURROGATE = "a\ud800b"  # valid JSON (\ud800), not encodable as UTF-8


def refused(answer, field: str) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "request.invalid"
    assert field in answer.json()["message"] and "请求内容有误" in answer.json()["message"]
    assert "Error" not in answer.text and "Traceback" not in answer.text


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "lone_surrogate"])
def test_unstorable_characters_in_anonymous_bodies_are_refused_naming_the_field(identity: Running, bad: str) -> None:
    refused(identity.post("/auth/login", {"login": bad, "password": "x", "totp": "123456"}), "login")
    refused(identity.post("/auth/refresh", {"refresh_token": bad}), "refresh_token")
    refused(identity.post("/auth/enrol", {"login": bad, "enrolment_code": "c", "new_password": "p" * 12}), "login")
    refused(
        identity.post("/auth/enrol/confirm", {"login": "li", "enrolment_code": bad, "totp": "123456"}),
        "enrolment_code",
    )


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "lone_surrogate"])
def test_unstorable_characters_in_account_bodies_are_refused_naming_the_field(identity: Running, bad: str) -> None:
    account_id, _ = identity.create_admin()
    admin = identity.token({"province_admin"}, PROVINCE, account_id)
    body = {"login": "li", "name": bad, "node": PROVINCE, "roles": ["planner"]}
    refused(identity.post("/accounts", body, admin), "name")
    refused(identity.post(f"/accounts/{account_id}/roles", {"roles": [bad]}, admin), "roles.0")
    refused(identity.post(f"/accounts/{account_id}/disable", {"reason": bad}, admin), "reason")
    assert identity.get("/accounts", admin).json()["accounts"][0]["status"] == "active"


@pytest.mark.parametrize("path", ["roles", "disable", "enrolment"])
@pytest.mark.parametrize("with_token", [True, False], ids=["admin", "anonymous"])
def test_an_account_id_that_is_not_a_uuid_is_refused_before_anything_is_audited(
    identity: Running, path: str, with_token: bool
) -> None:
    account_id, _ = identity.create_admin()
    token = identity.token({"province_admin"}, PROVINCE, account_id) if with_token else None
    body = {"roles": ["planner"]} if path == "roles" else {}
    refused(identity.post(f"/accounts/not-a-uuid/{path}", body, token), "account_id")
    nul = identity.post(f"/accounts/%00/{path}", body, token)  # refused at the edge, before any endpoint runs
    assert nul.status_code == 400 and nul.json()["code"] == "request.nul_character", nul.text
    assert nul.json()["errors"][0]["field"] == "path"


def test_look_alike_logins_and_bidi_names_are_refused_naming_the_field(identity: Running) -> None:
    account_id, _ = identity.create_admin()
    admin = identity.token({"province_admin"}, PROVINCE, account_id)
    cases = [
        ({"login": "\u0430dmin", "name": "假管理员"}, "login", "login.confusable"),
        ({"login": "li si", "name": "李四"}, "login", "login.invalid_characters"),
        ({"login": "li", "name": "李\u202e四"}, "name", "text.control_character"),
    ]
    for fields, field, code in cases:
        body = {**fields, "node": PROVINCE, "roles": ["planner"], "email": "wang@hz.gov.cn"}
        answer = identity.post("/accounts", body, admin)
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == code and answer.json()["errors"][0]["field"] == field
    full_width = {"login": "ｗａｎｇ", "name": "王五", "node": PROVINCE, "roles": ["planner"], "mobile": "13800001111"}
    created = identity.post("/accounts", full_width, admin)
    assert created.status_code == 201 and created.json()["login"] == "wang"
    assert [a["login"] for a in identity.get("/accounts", admin).json()["accounts"]] == ["admin", "wang"]


def test_hostile_anonymous_bodies_get_a_code_never_a_500_or_an_exception_name(identity: Running) -> None:
    import requests

    login = f"{identity.url}/auth/login"
    nested = requests.post(login, data=b"[" * 100_000, headers={"Content-Type": "application/json"}, timeout=30)
    assert nested.status_code == 400 and nested.json()["code"] == "request.not_json", nested.text
    huge = requests.post(login, data=b"{" + b" " * 2_000_000 + b"}", timeout=30)
    assert huge.status_code == 413 and huge.json()["code"] == "request.too_large", huge.text
    for answer in (nested, huge):
        assert "Error" not in answer.text and "Traceback" not in answer.text
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
