"""Every role that can be held × every endpoint × own, child, sibling and parent node: 2xx or 403/404.

The expectation comes from the table below, not from the code under test.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from identity_testkit import PASSWORD, Running, identity_config, migrate

from hrss.auth import SigningKey

pytestmark = pytest.mark.integration

PROVINCE, CITY, COUNTY = "330000", "330100", "330102"
# the node in each relation to a caller at the province, a city, a county
RELATED = {
    PROVINCE: {"own": PROVINCE, "child": CITY, "sibling": "310000"},
    CITY: {"own": CITY, "child": COUNTY, "sibling": "330200", "parent": PROVINCE},
    COUNTY: {"own": COUNTY, "sibling": "330106", "parent": CITY},
}
WORKING = ["planner", "inspector", "archive_keeper", "approver", "auditor"]
HOLDERS = [("province_admin", PROVINCE), ("city_admin", CITY), ("county_admin", COUNTY)] + [
    (role, node) for role, node in itertools.product(WORKING, (PROVINCE, CITY, COUNTY))
]
ADMINS = {"province_admin", "city_admin", "county_admin"}
# endpoint -> (roles that may use it, success status); every endpoint allows own and child nodes only
ENDPOINTS = {
    "list_accounts": (ADMINS | {"auditor"}, 200),
    "read_audit": (ADMINS | {"auditor"}, 200),
    "create_account": (ADMINS, 201),
    "change_roles": (ADMINS, 200),
    "disable_account": (ADMINS, 200),
    "reset_enrolment": (ADMINS, 200),
}
IN_SCOPE = {"own", "child"}

CELLS = [
    (role, node, relation, endpoint)
    for (role, node), endpoint in itertools.product(HOLDERS, ENDPOINTS)
    for relation in RELATED[node]
]


def expected(role: str, relation: str, endpoint: str) -> int | None:
    """The success status, or None when the answer must be 403 or 404."""
    roles, status = ENDPOINTS[endpoint]
    return status if role in roles and relation in IN_SCOPE else None


@pytest.fixture(scope="module")
def service(servers):  # type: ignore[no-untyped-def]
    from identity.entrypoints.service import IdentityService
    from nameko.containers import ServiceContainer

    from hrss.testing.databases import create_database, drop_database
    from hrss.testing.processes import free_port

    name = f"identity_matrix_{uuid.uuid4().hex[:8]}"
    dsn = create_database(servers.pg_dsn, name)
    migrate(dsn)
    key = SigningKey.generate("test")
    port = free_port()
    config = identity_config(dsn, port, key)
    container = ServiceContainer(IdentityService, config)
    container.start()
    running = Running(f"http://127.0.0.1:{port}", config, key)
    # the accounts every cell may act on: one per node, created by a province administrator
    province = running.token({"province_admin"}, PROVINCE)
    other = running.token({"province_admin"}, "310000")
    running.targets = {}  # type: ignore[attr-defined]
    for node in {n for related in RELATED.values() for n in related.values()}:
        running.targets[node] = _create(running, other if node.startswith("31") else province, node)  # type: ignore[attr-defined]
    yield running
    container.stop()
    drop_database(servers.pg_dsn, name)


def _create(service: Running, token: str, node: str) -> str:
    body = {
        "login": f"u{uuid.uuid4().hex[:10]}",
        "name": "目标",
        "node": node,
        "roles": ["planner"],
        "password": PASSWORD,
        "email": "target@example.gov.cn",
    }
    answer = service.post("/accounts", body, token)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.mark.parametrize(("role", "node", "relation", "endpoint"), CELLS, ids=["-".join(c) for c in CELLS])
def test_access_matrix(service: Running, role: str, node: str, relation: str, endpoint: str) -> None:
    token = service.token({role}, node)
    target_node = RELATED[node][relation]
    if endpoint == "list_accounts":
        answer = service.get("/accounts", token, node=target_node)
    elif endpoint == "read_audit":
        answer = service.get("/audit", token, node=target_node)
    elif endpoint == "create_account":
        body = {
            "login": f"n{uuid.uuid4().hex[:10]}",
            "name": "新",
            "node": target_node,
            "roles": ["planner"],
            "mobile": "13800001111",
        }
        answer = service.post("/accounts", {**body, "password": PASSWORD}, token)
    elif endpoint == "change_roles":
        answer = service.post(f"/accounts/{service.targets[target_node]}/roles", {"roles": ["inspector"]}, token)  # type: ignore[attr-defined]
    elif endpoint == "reset_enrolment":
        answer = service.post(f"/accounts/{service.targets[target_node]}/enrolment", {"reason": "矩阵测试"}, token)  # type: ignore[attr-defined]
    else:
        admin = service.token({"province_admin"}, "310000" if target_node.startswith("31") else PROVINCE)
        fresh = _create(service, admin, target_node)
        answer = service.post(f"/accounts/{fresh}/disable", {"reason": "矩阵测试"}, token)
    want = expected(role, relation, endpoint)
    if want is None:
        assert answer.status_code in (403, 404), answer.text
        assert answer.json()["code"].startswith(("access.", "account.not_found")), answer.text
    else:
        assert answer.status_code == want, answer.text


def test_the_matrix_covers_every_holdable_role_at_every_level() -> None:
    assert len(HOLDERS) == 18
    assert {c[3] for c in CELLS} == set(ENDPOINTS)
    assert len(CELLS) == 6 * sum(len(RELATED[node]) for _, node in HOLDERS) == 360
