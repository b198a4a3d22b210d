"""Enrolment (create → enrol → confirm → login), enrolment reset and password change, on the real PostgreSQL.

The service's clock is moved forward by one TOTP step before every code the tests type, so each code falls
in a fresh time step (a code is never accepted twice) and an expiry can be reached without waiting.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from identity.adapters.orm import audit_entry, enrolment_code
from identity_testkit import PASSWORD, PROVINCE, Clock, Running
from sqlalchemy import select
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, verify
from hrss.db import make_engine

pytestmark = pytest.mark.integration

NEW_PASSWORD = "Hangzhou-2026-激活"
OTHER_PASSWORD = "Ningbo-2027-更换"


def secret_of(uri: str) -> str:
    return parse_qs(urlparse(uri).query)["secret"][0]


def create(identity: Running, login: str, node: str = "330100", admin: str | None = None) -> dict:  # type: ignore[type-arg]
    token = admin or identity.token({"province_admin"}, PROVINCE)
    body = {"login": login, "name": "李四", "node": node, "roles": ["planner"], "email": f"{login}@hz.gov.cn"}
    answer = identity.post("/accounts", body, token)
    assert answer.status_code == 201, answer.text
    return answer.json()


def enrol(identity: Running, login: str, code: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    return identity.post("/auth/enrol", {"login": login, "enrolment_code": code, "new_password": password})


def confirm(identity: Running, login: str, code: str, totp: str):  # type: ignore[no-untyped-def]
    return identity.post("/auth/enrol/confirm", {"login": login, "enrolment_code": code, "totp": totp})


def login(identity: Running, name: str, password: str, totp: str):  # type: ignore[no-untyped-def]
    return identity.post("/auth/login", {"login": name, "password": password, "totp": totp})


def activate(identity: Running, clock: Clock, login_name: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    """A created, enrolled and confirmed account and its TOTP secret."""
    created = create(identity, login_name)
    code = identity.mailbox(login_name)
    enrolled = enrol(identity, login_name, code)
    assert enrolled.status_code == 200, enrolled.text
    secret = secret_of(enrolled.json()["provisioning_uri"])
    confirmed = confirm(identity, login_name, code, clock.code(secret))
    assert confirmed.status_code == 200, confirmed.text
    return created, secret


def entries(dsn: str) -> list:  # type: ignore[type-arg]
    engine = make_engine(dsn, schema="identity", pool_size=1)
    with Session(engine) as session:
        found = list(AuditLog(audit_entry).entries(session, PROVINCE))
    engine.dispose()
    return found


def test_created_account_enrols_confirms_and_logs_in(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    created = create(identity, "li")
    assert created["status"] == "pending" and created["version"] == 1
    assert set(created["enrolment"]) == {"expires_at", "sent_to"}  # where it went, never the code
    assert created["enrolment"]["sent_to"] == {"email": "l***@hz.gov.cn"}
    code = identity.mailbox("li")  # what the holder finds in their mailbox
    assert len(code.replace("-", "")) == 24 and code not in json.dumps(created)
    expires = created["enrolment"]["expires_at"]
    assert timedelta(hours=71) < (type(clock())).fromisoformat(expires) - clock() <= timedelta(hours=72)
    # nothing works before enrolment: the account has no password and nobody knows its secret
    assert login(identity, "li", PASSWORD, "123456").json()["code"] == "login.failed"

    enrolled = enrol(identity, "li", code.lower().replace("-", " "))  # typed loosely, still the code
    assert enrolled.status_code == 200, enrolled.text
    uri = enrolled.json()["provisioning_uri"]
    assert uri.startswith("otpauth://totp/") and "li" in uri
    secret = secret_of(uri)

    before = login(identity, "li", NEW_PASSWORD, clock.code(secret))
    assert before.status_code == 401 and before.json()["code"] == "login.not_enrolled", before.text
    confirmed = confirm(identity, "li", code, clock.code(secret))
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "active" and confirmed.json()["version"] == 3

    tokens = login(identity, "li", NEW_PASSWORD, clock.code(secret))
    assert tokens.status_code == 200, tokens.text
    assert identity.post("/auth/refresh", {"refresh_token": tokens.json()["refresh_token"]}).status_code == 200

    # only the hash of the code is stored
    engine = make_engine(fresh_database, schema="identity", pool_size=1)
    with engine.connect() as connection:
        stored = [r.code_hash for r in connection.execute(select(enrolment_code))]
    engine.dispose()
    assert len(stored) == 1 and code not in stored[0] and code.replace("-", "") not in stored[0]

    actions = [(e.record.action, str(e.record.outcome)) for e in entries(fresh_database)]
    assert actions == [
        ("account.create", "ok"),
        ("auth.login", "refused"),
        ("account.enrol", "ok"),
        ("auth.login", "refused"),
        ("account.enrol_confirm", "ok"),
        ("auth.login", "ok"),
        ("auth.refresh", "ok"),
    ]
    assert verify(PROVINCE, entries(fresh_database)).ok


def test_wrong_expired_and_reused_codes_are_refused(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    create(identity, "qin")
    code = identity.mailbox("qin")
    wrong = enrol(identity, "qin", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    unknown = enrol(identity, "nobody", code)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "enrolment.invalid"
    assert enrol(identity, "qin", code, "short").json()["code"] == "password.too_short"
    assert confirm(identity, "qin", code, "123456").json()["code"] == "enrolment.not_enrolled"

    secret = secret_of(enrol(identity, "qin", code).json()["provisioning_uri"])
    bad_totp = confirm(identity, "qin", code, "000000")
    assert bad_totp.status_code == 401 and bad_totp.json()["code"] == "enrolment.totp_invalid"
    assert confirm(identity, "qin", code, clock.code(secret)).status_code == 200
    # the code is spent: neither step works again
    assert enrol(identity, "qin", code).json()["code"] == "enrolment.used"
    assert confirm(identity, "qin", code, clock.code(secret)).json()["code"] == "enrolment.used"

    create(identity, "wu")
    late = identity.mailbox("wu")
    clock.advance(timedelta(hours=72, seconds=1))
    expired = enrol(identity, "wu", late)
    assert expired.status_code == 401 and expired.json()["code"] == "enrolment.expired"
    assert "过期" in expired.json()["message"]

    refusals = [e.record for e in entries(fresh_database) if str(e.record.outcome) == "refused"]
    assert [(r.action, r.detail["code"]) for r in refusals] == [
        ("account.enrol", "enrolment.invalid"),
        ("account.enrol", "enrolment.invalid"),
        ("account.enrol", "password.too_short"),
        ("account.enrol_confirm", "enrolment.not_enrolled"),
        ("account.enrol_confirm", "enrolment.totp_invalid"),
        ("account.enrol", "enrolment.used"),
        ("account.enrol_confirm", "enrolment.used"),
        ("account.enrol", "enrolment.expired"),
    ]
    assert verify(PROVINCE, entries(fresh_database)).ok


def test_reset_replaces_the_code_the_password_the_totp_and_ends_sessions(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    admin = identity.token({"city_admin"}, "330100")
    # a reset before the first code is used: the first code stops working
    first = create(identity, "sun", admin=admin)
    first_code = identity.mailbox("sun")
    reset = identity.post(f"/accounts/{first['id']}/enrolment", {"reason": "激活码遗失"}, admin)
    assert reset.status_code == 200, reset.text
    assert identity.mailbox("sun") != first_code and "code" not in reset.json()["enrolment"]
    assert enrol(identity, "sun", first_code).json()["code"] == "enrolment.invalid"
    assert enrol(identity, "sun", identity.mailbox("sun")).status_code == 200

    # a reset of an active account with a live session
    created, old_secret = activate(identity, clock, "zheng")
    session = login(identity, "zheng", NEW_PASSWORD, clock.code(old_secret)).json()
    again = identity.post(f"/accounts/{created['id']}/enrolment", {"reason": "手机丢失"}, admin)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "pending"
    ended = identity.post("/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert ended.status_code == 401 and ended.json()["code"] == "session.ended"
    assert login(identity, "zheng", NEW_PASSWORD, clock.code(old_secret)).json()["code"] == "login.failed"

    code = identity.mailbox("zheng")
    new_secret = secret_of(enrol(identity, "zheng", code, OTHER_PASSWORD).json()["provisioning_uri"])
    assert new_secret != old_secret
    assert confirm(identity, "zheng", code, clock.code(old_secret)).json()["code"] == "enrolment.totp_invalid"
    assert confirm(identity, "zheng", code, clock.code(new_secret)).status_code == 200
    assert login(identity, "zheng", OTHER_PASSWORD, clock.code(old_secret)).json()["code"] == "login.failed"
    assert login(identity, "zheng", OTHER_PASSWORD, clock.code(new_secret)).status_code == 200

    # administrators cannot reset themselves, nor accounts outside their subtree
    own = identity.token({"city_admin"}, "330100", account_id=created["id"])
    assert identity.post(f"/accounts/{created['id']}/enrolment", {}, own).json()["code"] == "access.own_account"
    sibling = identity.token({"city_admin"}, "330200")
    assert identity.post(f"/accounts/{created['id']}/enrolment", {}, sibling).status_code == 404

    records = [e.record for e in entries(fresh_database) if e.record.action == "account.enrolment_reset"]
    assert [(str(r.outcome), r.reason) for r in records] == [
        ("ok", "激活码遗失"),
        ("ok", "手机丢失"),
        ("refused", None),
        ("refused", None),
    ]
    assert records[1].detail["sessions_ended"] == "1" and records[1].before_hash != records[1].after_hash
    assert verify(PROVINCE, entries(fresh_database)).ok


def test_password_change_needs_password_and_totp_and_ends_other_sessions(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    _, secret = activate(identity, clock, "feng")
    other = login(identity, "feng", NEW_PASSWORD, clock.code(secret)).json()
    mine = login(identity, "feng", NEW_PASSWORD, clock.code(secret)).json()
    token = mine["access_token"]

    def change(current: str, new: str, totp: str):  # type: ignore[no-untyped-def]
        body = {"current_password": current, "new_password": new, "totp": totp}
        return identity.post("/auth/password", body, token)

    assert identity.post("/auth/password", {"current_password": NEW_PASSWORD}).status_code == 401  # no token
    wrong_password = change("Wrong-password-1", OTHER_PASSWORD, clock.code(secret))
    assert wrong_password.status_code == 401 and wrong_password.json()["code"] == "login.failed"
    wrong_totp = change(NEW_PASSWORD, OTHER_PASSWORD, "000000")
    assert wrong_totp.status_code == 401 and wrong_totp.json()["code"] == "login.failed"
    assert change(NEW_PASSWORD, "short", clock.code(secret)).json()["code"] == "password.too_short"
    assert change(NEW_PASSWORD, NEW_PASSWORD, clock.code(secret)).json()["code"] == "password.unchanged"

    changed = change(NEW_PASSWORD, OTHER_PASSWORD, clock.code(secret))
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"sessions_ended": 1}
    ended = identity.post("/auth/refresh", {"refresh_token": other["refresh_token"]})
    assert ended.status_code == 401 and ended.json()["code"] == "session.ended"
    assert identity.post("/auth/refresh", {"refresh_token": mine["refresh_token"]}).status_code == 200
    assert login(identity, "feng", NEW_PASSWORD, clock.code(secret)).json()["code"] == "login.failed"
    assert login(identity, "feng", OTHER_PASSWORD, clock.code(secret)).status_code == 200

    records = [e.record for e in entries(fresh_database) if e.record.action == "account.password"]
    assert [(str(r.outcome), r.detail["code"]) for r in records] == [
        ("refused", "auth.token_missing"),  # the call without a token, audited as anonymous
        ("refused", "login.failed"),
        ("refused", "login.failed"),
        ("refused", "password.too_short"),
        ("refused", "password.unchanged"),
        ("ok", "password.changed"),
    ]
    assert verify(PROVINCE, entries(fresh_database)).ok


def test_a_session_idle_past_its_timeout_cannot_be_refreshed(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    _, secret = activate(identity, clock, "wei")
    tokens = login(identity, "wei", NEW_PASSWORD, clock.code(secret)).json()
    clock.advance(timedelta(minutes=10))
    refreshed = identity.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text  # activity within the idle timeout keeps it alive
    clock.advance(timedelta(minutes=30, seconds=1))
    idle = identity.post("/auth/refresh", {"refresh_token": refreshed.json()["refresh_token"]})
    assert idle.status_code == 401
    assert idle.json()["code"] == "session.idle" and "未操作" in idle.json()["message"]


def test_an_administrators_reset_waits_for_a_second_administrator_and_the_code_goes_to_the_holder(
    identity: Running, clock: Clock
) -> None:
    first_id, _ = identity.create_admin()
    city_id, city_secret = identity.create_admin(node="330100", login="city", name="市管理员", email="city@hz.gov.cn")
    first = identity.token({"province_admin"}, PROVINCE, first_id)
    second_body = {
        "login": "admin2",
        "name": "副管理员",
        "node": PROVINCE,
        "roles": ["province_admin"],
        "mobile": "13800001111",
    }
    second = identity.token({"province_admin"}, PROVINCE, identity.post("/accounts", second_body, first).json()["id"])
    session = login(identity, "city", PASSWORD, clock.code(city_secret)).json()

    asked = identity.post(f"/accounts/{city_id}/enrolment", {"reason": "手机丢失"}, first)
    assert asked.status_code == 202, asked.text
    assert asked.json()["enrolment"] is None and asked.json()["approval_required"] is True
    assert asked.json()["status"] == "active"  # nothing changed yet: the holder still works
    assert identity.post("/auth/refresh", {"refresh_token": session["refresh_token"]}).status_code == 200

    alone = identity.post(f"/accounts/{city_id}/enrolment/approve", {}, first)
    assert alone.status_code == 403 and alone.json()["code"] == "access.second_admin_required"
    approved = identity.post(f"/accounts/{city_id}/enrolment/approve", {}, second)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "pending"
    assert approved.json()["enrolment"]["sent_to"] == {"email": "c***@hz.gov.cn"}
    assert identity.mailbox("city") not in approved.text
    refreshed = identity.post("/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 401  # the holder's session ended with the reset
    assert enrol(identity, "city", identity.mailbox("city")).status_code == 200
    again = identity.post(f"/accounts/{city_id}/enrolment/approve", {}, second)
    assert again.status_code == 409 and again.json()["code"] == "enrolment.no_reset_request"
