"""An inspector's account acts as one registry inspector (执法证号), checked against the registry's own record.

Teams are drawn from the inspector registry, so a person can only ever see and work on their visits through this
link: it goes into the token at login, and every service compares it with the team.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from identity.adapters.orm import inspector_view
from identity_testkit import PROVINCE, Running
from sqlalchemy import select

from hrss.auth import TokenVerifier
from hrss.auth.keys import KeySet
from hrss.db import make_engine
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.integration

COUNTY = "330102"


def admin(identity: Running) -> str:
    return identity.token({"province_admin"}, PROVINCE)


def inspector_account(identity: Running, login_name: str, **extra: object):  # type: ignore[no-untyped-def]
    body: dict[str, object] = {"login": login_name, "name": "赵磊", "node": COUNTY, "roles": ["inspector"]}
    body.update({"email": "zl@hz.gov.cn", **extra})
    return identity.post("/accounts", body, admin(identity))


def registered(identity: Running, dsn: str, credential_no: str, node: str = COUNTY, **options: object) -> str:
    """Publish the registry's record and wait until the identity service's read model has it."""
    inspector_id = identity.publish_inspector(credential_no, node, **options)  # type: ignore[arg-type]
    engine = make_engine(dsn, schema="identity", pool_size=1)

    def known() -> bool:
        with engine.connect() as connection:
            query = select(inspector_view.c.version).where(inspector_view.c.inspector_id == inspector_id)
            return connection.execute(query).scalar() == options.get("version", 1)

    try:
        wait_until(known, 30, f"the registry's inspector {credential_no} at the identity service")
    finally:
        engine.dispose()
    return inspector_id


def test_an_account_created_with_a_credential_number_logs_in_as_that_inspector(identity, clock, fresh_database):  # type: ignore[no-untyped-def]
    inspector_id = registered(identity, fresh_database, "ZJ-330102-001")
    assert inspector_account(identity, "zhao", credential_no="ZJ-330102-001").status_code == 201
    accounts = identity.get("/accounts", admin(identity), node=COUNTY).json()["accounts"]
    [zhao] = [a for a in accounts if a["login"] == "zhao"]
    assert (zhao["inspector_id"], zhao["credential_no"], zhao["version"]) == (inspector_id, "ZJ-330102-001", 1)

    code = _code_of(identity, "zhao")
    password = "Hangzhou-2026-激活"
    enrolled = identity.post("/auth/enrol", {"login": "zhao", "enrolment_code": code, "new_password": password})
    secret = parse_qs(urlparse(enrolled.json()["provisioning_uri"]).query)["secret"][0]
    confirmed = identity.post(
        "/auth/enrol/confirm", {"login": "zhao", "enrolment_code": code, "totp": clock.code(secret)}
    )
    assert confirmed.status_code == 200, confirmed.text
    tokens = identity.post("/auth/login", {"login": "zhao", "password": password, "totp": clock.code(secret)}).json()
    principal = _verifier(identity).principal(tokens["access_token"])
    assert (principal.inspector_id, principal.credential_no) == (inspector_id, "ZJ-330102-001")
    assert principal.is_on_team([inspector_id]) and not principal.is_on_team([zhao["id"]])


_CODES: dict[str, str] = {}


def _code_of(identity: Running, login_name: str) -> str:
    """A fresh enrolment code for the account (an administrator's reset), as its holder receives it."""
    accounts = identity.get("/accounts", admin(identity), node=COUNTY).json()["accounts"]
    [account] = [a for a in accounts if a["login"] == login_name]
    reset = identity.post(f"/accounts/{account['id']}/enrolment", {"reason": "首次激活"}, admin(identity))
    assert reset.status_code == 200, reset.text
    return identity.mailbox(login_name)


def _verifier(identity: Running) -> TokenVerifier:
    return TokenVerifier(KeySet.of(identity.key), issuer="hrss-identity", audience="hrss")


def test_a_credential_number_not_in_the_nodes_registry_is_refused_by_name(identity, fresh_database):  # type: ignore[no-untyped-def]
    registered(identity, fresh_database, "ZJ-330106-001", node="330106")  # a sibling county's inspector
    answer = inspector_account(identity, "qian", credential_no="ZJ-330106-001")
    assert answer.status_code == 400 and answer.json()["code"] == "account.inspector_unknown"
    assert "ZJ-330106-001" in answer.json()["message"] and COUNTY in answer.json()["message"]
    unknown = inspector_account(identity, "sun", credential_no="无此证号")
    assert unknown.status_code == 400 and unknown.json()["code"] == "account.inspector_unknown"


def test_one_inspector_is_one_person_and_only_an_inspector_account_acts_as_one(identity, fresh_database):  # type: ignore[no-untyped-def]
    registered(identity, fresh_database, "ZJ-330102-002")
    assert inspector_account(identity, "li", credential_no="ZJ-330102-002").status_code == 201
    taken = inspector_account(identity, "li2", credential_no="ZJ-330102-002")
    assert taken.status_code == 409 and taken.json()["code"] == "account.inspector_taken"
    planner = identity.post(
        "/accounts",
        {"login": "zhou", "name": "周", "node": COUNTY, "roles": ["planner"], "credential_no": "ZJ-330102-002"},
        admin(identity),
    )
    assert planner.status_code == 400 and planner.json()["code"] == "account.not_inspector"


def test_an_inactive_inspector_cannot_be_linked(identity):  # type: ignore[no-untyped-def]
    identity.publish_inspector("ZJ-330102-003", COUNTY, status="left", version=1)
    wait_until(
        lambda: (
            inspector_account(identity, "wu", credential_no="ZJ-330102-003").json().get("code")
            == "account.inspector_inactive"
        ),
        30,
        "the inactive inspector refused",
    )


def test_linking_later_is_a_new_version_and_is_audited(identity, fresh_database):  # type: ignore[no-untyped-def]
    inspector_id = registered(identity, fresh_database, "ZJ-330102-004")
    created = inspector_account(identity, "zheng")
    assert created.status_code == 201 and created.json()["inspector_id"] is None
    account_id = created.json()["id"]
    path = f"/accounts/{account_id}/inspector"
    linked = identity.post(path, {"credential_no": "ZJ-330102-004", "reason": "持证上岗"}, admin(identity))
    assert linked.status_code == 200, linked.text
    assert (linked.json()["inspector_id"], linked.json()["version"]) == (inspector_id, 2)
    unlinked = identity.post(path, {"credential_no": None, "reason": "调离执法岗位"}, admin(identity))
    assert unlinked.status_code == 200 and unlinked.json()["inspector_id"] is None
    assert unlinked.json()["version"] == 3
    # a county administrator of another county cannot link accounts it does not manage
    other = identity.token({"county_admin"}, "330106")
    assert identity.post(path, {"credential_no": "ZJ-330102-004"}, other).status_code == 404
    bad = identity.post(path, {"credential_no": "x" * 65}, admin(identity))
    assert bad.status_code == 400 and "credential_no" in bad.text
    audit = identity.get("/audit", admin(identity), node=COUNTY).json()
    actions = [e["action"] for e in audit["entries"] if e.get("object_id") == account_id]
    assert actions.count("account.inspector") == 2
