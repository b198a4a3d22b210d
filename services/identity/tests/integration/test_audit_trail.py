"""Every write leaves exactly one audit entry, refusals included; the chain verifies; history is append-only."""

from __future__ import annotations

import pytest
from identity.adapters.orm import audit_entry
from identity_testkit import PASSWORD, PROVINCE, totp_code
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, verify
from hrss.db import make_engine

pytestmark = pytest.mark.integration


def chain(dsn: str) -> list:  # type: ignore[type-arg]
    engine = make_engine(dsn, schema="identity", pool_size=1)
    with Session(engine) as session:
        entries = list(AuditLog(audit_entry).entries(session, PROVINCE))
    engine.dispose()
    return entries


def test_each_write_writes_one_entry_and_the_chain_verifies(identity, fresh_database):  # type: ignore[no-untyped-def]
    _, secret = identity.create_admin()
    identity.post("/auth/login", {"login": "admin", "password": "Wrong-password-1", "totp": "000000"})
    tokens = identity.post("/auth/login", {"login": "admin", "password": PASSWORD, "totp": totp_code(secret)}).json()
    admin = tokens["access_token"]
    body = {
        "login": "li",
        "name": "李四",
        "node": "330100",
        "roles": ["planner"],
        "password": PASSWORD,
        "email": "li@hz.gov.cn",
    }
    created = identity.post("/accounts", body, admin).json()
    identity.post(f"/accounts/{created['id']}/roles", {"roles": ["planner", "approver"], "reason": "兼任审批"}, admin)
    identity.post(f"/accounts/{created['id']}/disable", {"reason": "调离"}, admin)
    refused = identity.post("/accounts", {**body, "login": "zhao", "roles": ["service"]}, admin)
    assert refused.status_code in (400, 403)
    identity.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    identity.post("/auth/logout", token=admin)

    entries = chain(fresh_database)
    actions = [(e.record.action, str(e.record.outcome)) for e in entries]
    assert actions == [
        ("account.create_admin", "ok"),
        ("auth.login", "refused"),
        ("auth.login", "ok"),
        ("account.create", "ok"),
        ("account.roles", "ok"),
        ("account.disable", "ok"),
        ("account.create", "refused"),
        ("auth.refresh", "ok"),
        ("auth.logout", "ok"),
    ]
    assert entries[0].record.actor == "cli"
    assert entries[4].record.reason == "兼任审批" and entries[4].record.before_hash != entries[4].record.after_hash
    assert all(e.record.request_id for e in entries)
    assert verify(PROVINCE, entries).ok


def test_audit_entries_show_awkward_text_exactly_and_only_in_scope(identity):  # type: ignore[no-untyped-def]
    admin = identity.token({"province_admin"}, PROVINCE)
    body = {
        "login": "qian",
        "name": "钱七",
        "node": "330102",
        "roles": ["inspector"],
        "password": PASSWORD,
        "email": "qian@hz.gov.cn",
    }
    created = identity.post("/accounts", body, admin).json()
    reason = '调离\n"<script>alert(1)</script>"\x07\\'
    assert identity.post(f"/accounts/{created['id']}/disable", {"reason": reason}, admin).status_code == 200

    county_auditor = identity.token({"auditor"}, "330102")
    page = identity.get("/audit", county_auditor, node="330102")
    assert page.status_code == 200, page.text
    assert "\n" not in page.text.replace("\\n", "")  # control characters travel escaped
    assert [e["reason"] for e in page.json()["entries"]] == [None, reason]
    assert identity.get("/audit", county_auditor, node="330100").status_code == 403
    later = identity.get("/audit", county_auditor, node="330102", after_seq=str(page.json()["next_after_seq"]))
    assert later.json()["entries"] == []


def test_account_versions_and_attempts_cannot_be_rewritten(identity, fresh_database):  # type: ignore[no-untyped-def]
    identity.create_admin()
    identity.post("/auth/login", {"login": "admin", "password": "Wrong-password-1", "totp": "000000"})
    engine = make_engine(fresh_database, schema="identity", pool_size=1)
    for statement in (
        "UPDATE identity.account_version SET status = 'disabled'",
        "DELETE FROM identity.login_attempt",
        "TRUNCATE identity.audit_entry",
    ):
        with engine.connect() as connection, pytest.raises(DBAPIError, match="只能追加"):
            connection.execute(text(statement))
    engine.dispose()


def test_a_write_without_a_valid_token_is_refused_and_audited_as_anonymous(identity, fresh_database):  # type: ignore[no-untyped-def]
    before = len(chain(fresh_database))
    missing = identity.post("/accounts", {"login": "x"})
    forged = identity.post("/auth/logout", token="not.a.token")
    assert (missing.status_code, forged.status_code) == (401, 401)
    entries = chain(fresh_database)[before:]
    assert [(e.record.actor, e.record.actor_kind, e.record.action, str(e.record.outcome)) for e in entries] == [
        ("anonymous", "anonymous", "account.create", "refused"),
        ("anonymous", "anonymous", "session.logout", "refused"),
    ]
    assert entries[0].record.detail["code"] == missing.json()["code"]
    assert verify(PROVINCE, chain(fresh_database)).ok
