"""The callers every service's API fuzzing runs as: anonymous and each staff role a node may hold."""

from __future__ import annotations

from hrss.testing.fuzzing import every_role, leaked


def minted(roles: set[str], node: str) -> str:
    return "+".join(sorted(roles)) + "@" + node


def test_every_staff_role_at_the_county_and_the_province_and_no_token() -> None:
    callers = every_role(minted, "130102", "130000")
    assert callers["anonymous"] is None
    assert set(callers) - {"anonymous"} == {
        f"{role}@{node}"
        for node, admin in (("130102", "county_admin"), ("130000", "province_admin"))
        for role in (admin, "planner", "inspector", "approver", "archive_keeper", "auditor")
    }
    assert all(token == name for name, token in callers.items() if token is not None)  # one role per token


def test_a_city_gets_its_own_administrator_and_never_a_service_identity() -> None:
    callers = every_role(minted, "130102", "130000", "130100")
    assert "city_admin@130100" in callers and "county_admin@130100" not in callers
    assert len(callers) == 1 + 6 * 3
    assert not any(name.startswith("service@") for name in callers)


def test_a_stack_trace_or_sql_in_an_answer_is_a_leak() -> None:
    assert leaked('{"code": "x", "message": "Traceback (most recent call last)"}') == ["Traceback"]
    assert leaked("select * from x") == ["SELECT "]
    assert leaked('{"code": "request.invalid", "message": "请求内容有误"}') == []
