"""The registry's HTTP API against the real PostgreSQL: versions, scope, audit, events, masking, the checklist."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from registry.adapters.orm import audit_entry
from registry_testkit import CITY, COUNTY, OTHER_CITY_COUNTY, OTHER_COUNTY, PROVINCE, Running

from hrss.audit import AuditLog, verify
from hrss.contracts.uscc import uscc_with_check
from hrss.testing.seeds import load_seed_checklist

pytestmark = pytest.mark.integration

ADMIN = {"province_admin"}


def uscc(n: int, region: str = COUNTY) -> str:
    return uscc_with_check(f"91{region}{n:09d}"[:17])


def entity(n: int, region: str = COUNTY, **extra: object) -> dict[str, object]:
    return {
        "uscc": uscc(n, region),
        "name": f"平顶山市测试{n}有限公司",
        "object_type": "企业",
        "region_code": region,
        "industry": "建筑业",
        "tags": "建筑施工企业;农民工集中用工",
        "credit_grade": "B",
        **extra,
    }


def inspector(n: int, node: str = COUNTY, **extra: object) -> dict[str, object]:
    return {
        "credential_no": f"4104022026{n:04d}",
        "credential_expires": "2030-12-31",
        "name": f"张{n}",
        "unit": "新华区劳动保障监察大队",
        "node": node,
        "line": "劳动保障监察",
        "qualifications": "行政执法资格",
        "expertise": "工资支付;社会保险",
        "national_id": "410402199003071237",
        "phone": "13803751234",
        **extra,
    }


def rows(dsn: str, query: str) -> list[tuple]:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def audit_chain(dsn: str, node: str = PROVINCE) -> list:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            from sqlalchemy.orm import Session

            with Session(bind=connection) as session:
                return list(AuditLog(audit_entry).entries(session, node))
    finally:
        engine.dispose()


def test_entity_registered_changed_and_unchanged_makes_exactly_two_versions(registry: Running) -> None:
    token = registry.token(ADMIN, PROVINCE)
    created = registry.call("POST", "/entities", token, {"record": entity(1), "reason": "新设立"})
    assert created.status_code == 201, created.text
    entity_id = created.json()["id"]
    changed = registry.call(
        "PATCH", f"/entities/{entity_id}", token, {"record": {"credit_grade": "C"}, "reason": "信用等级调整"}
    )
    assert changed.json() == {"id": entity_id, "version": 2, "created": False, "changed": True}
    again = registry.call("PATCH", f"/entities/{entity_id}", token, {"record": {"credit_grade": "C"}, "reason": "重复"})
    assert again.json()["changed"] is False and again.json()["version"] == 2

    shown = registry.call("GET", f"/entities/{entity_id}", token).json()
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert [v["credit_grade"] for v in shown["versions"]] == ["B", "C"]
    assert shown["versions"][1]["reason"] == "信用等级调整" and shown["versions"][1]["source"] == "manual"
    assert shown["tags"] == ["农民工集中用工", "建筑施工企业"]
    events = rows(registry.dsn, "SELECT topic, key FROM registry.outbox ORDER BY id")
    assert events == [("registry.entity_changed.v1", entity_id)] * 2
    payload = json.loads(
        rows(registry.dsn, "SELECT convert_from(value, 'UTF8') FROM registry.outbox ORDER BY id DESC")[0][0]
    )
    assert payload["payload"]["version"] == 2 and payload["payload"]["credit_grade"] == "C"
    entries = audit_chain(registry.dsn)
    assert [e.record.action for e in entries] == ["entity.register", "entity.change"]
    assert entries[1].record.before_hash == shown["versions"][0]["content_hash"]
    assert verify(PROVINCE, entries).ok


def test_bad_entity_is_refused_naming_every_field_and_nothing_is_written(registry: Running) -> None:
    token = registry.token(ADMIN, PROVINCE)
    bad = entity(2, uscc="91410402000000002X", region_code="419999", last_inspected="2026-02-30")
    answer = registry.call("POST", "/entities", token, {"record": bad})
    assert answer.status_code == 400
    fields = {e["field"]: e["code"] for e in answer.json()["errors"]}
    assert fields == {"uscc": "uscc.check_character", "region_code": "region.unknown", "last_inspected": "field.date"}
    assert "统一社会信用代码" in answer.json()["message"]
    unknown = registry.call("POST", "/entities", token, {"record": {**entity(3), "owner": "x"}})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "record.owner"
    junk = registry.call("POST", "/entities", token, {"record": {**entity(3), "\u0007 INSERT INTO x": 1}})
    assert junk.status_code == 400 and "INSERT" not in junk.text
    assert junk.json()["errors"][0]["field"] == "record.（无法显示的字段名）"
    assert rows(registry.dsn, "SELECT count(*) FROM registry.entity_version") == [(0,)]
    assert rows(registry.dsn, "SELECT count(*) FROM registry.outbox") == [(0,)]


def test_county_admin_cannot_write_or_read_another_countys_entities(registry: Running) -> None:
    province = registry.token(ADMIN, PROVINCE)
    other = registry.call("POST", "/entities", province, {"record": entity(4, OTHER_COUNTY)}).json()["id"]
    county = registry.token({"county_admin"}, COUNTY)
    refused = registry.call("POST", "/entities", county, {"record": entity(5, OTHER_CITY_COUNTY)})
    assert refused.status_code == 403 and refused.json()["code"] == "access.out_of_scope"
    assert registry.call("GET", f"/entities/{other}", county).status_code == 404
    # "not yours" and "does not exist" are the same answer: neither the id nor the existence leaks
    theirs = registry.call("GET", f"/entities/by-uscc/{entity(4, OTHER_COUNTY)['uscc']}", county)
    nobody = registry.call("GET", f"/entities/by-uscc/{entity(99, OTHER_COUNTY)['uscc']}", county)
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json()["code"] == nobody.json()["code"] == "entity.not_found"
    assert other not in theirs.text and "未登记" in theirs.json()["message"] and "未登记" in nobody.json()["message"]
    assert registry.call("GET", "/entities", county, region=CITY).status_code == 403
    moved = registry.call("POST", "/entities", county, {"record": entity(6)}).json()["id"]
    away = registry.call("PATCH", f"/entities/{moved}", county, {"record": {"region_code": OTHER_COUNTY}})
    assert away.status_code == 403
    entries = audit_chain(registry.dsn)
    refusals = [e.record for e in entries if e.record.outcome == "refused"]
    assert [(r.action, r.detail["code"]) for r in refusals] == [
        ("entity.register", "access.out_of_scope"),
        ("entity.change", "access.out_of_scope"),
    ]
    assert registry.call("POST", "/entities", None, {"record": entity(7)}).status_code == 401


def test_entities_are_filtered_by_region_subtree_tags_grade_and_paginated(registry: Running) -> None:
    token = registry.token(ADMIN, PROVINCE)
    for n in range(12):
        record = entity(100 + n, COUNTY if n % 2 else OTHER_COUNTY, credit_grade="C" if n % 3 == 0 else "A")
        if n % 4 == 0:
            record["tags"] = "劳务派遣单位"
        assert registry.call("POST", "/entities", token, {"record": record}).status_code == 201
    in_county = registry.call("GET", "/entities", token, region=COUNTY).json()["items"]
    assert len(in_county) == 6 and {e["region_code"] for e in in_county} == {COUNTY}
    dispatch = registry.call("GET", "/entities", token, region=CITY, tag="劳务派遣单位").json()["items"]
    assert len(dispatch) == 3 and all("劳务派遣单位" in e["tags"] for e in dispatch)
    graded = registry.call("GET", "/entities", token, region=CITY, credit_grade="C").json()["items"]
    assert len(graded) == 4
    first = registry.call("GET", "/entities", token, region=PROVINCE, limit=5).json()
    second = registry.call("GET", "/entities", token, region=PROVINCE, limit=5, after=first["next"]).json()
    third = registry.call("GET", "/entities", token, region=PROVINCE, limit=5, after=second["next"]).json()
    ids = [e["id"] for e in first["items"] + second["items"] + third["items"]]
    assert len(ids) == 12 == len(set(ids)) and third["next"] is None
    bad = registry.call("GET", "/entities", token, limit=0, credit_grade="Z")
    assert bad.status_code == 400


def test_inspector_personal_data_is_clear_for_admins_and_masked_for_others(registry: Running) -> None:
    admin = registry.token({"county_admin"}, COUNTY)
    created = registry.call("POST", "/inspectors", admin, {"record": inspector(1)})
    assert created.status_code == 201, created.text
    inspector_id = created.json()["id"]
    clear = registry.call("GET", f"/inspectors/{inspector_id}", admin).json()
    assert clear["national_id"] == "410402199003071237" and clear["phone"] == "13803751234"
    for role in ({"planner"}, {"inspector"}, {"auditor"}):
        shown = registry.call("GET", f"/inspectors/{inspector_id}", registry.token(role, COUNTY)).text
        assert "410402199003071237" not in shown and "13803751234" not in shown
        assert '"national_id": "410402********1237"' in shown and '"phone": "138****1234"' in shown
    stored = rows(registry.dsn, "SELECT national_id_enc, phone_enc FROM registry.inspector_version")[0]
    assert "410402199003071237" not in stored[0] and "13803751234" not in stored[1]
    outbox = rows(registry.dsn, "SELECT convert_from(value, 'UTF8') FROM registry.outbox")[0][0]
    assert "410402199003071237" not in outbox and "national_id" not in outbox
    bad = registry.call("POST", "/inspectors", admin, {"record": inspector(2, national_id="410402199003071238")})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "national_id"


def test_expired_credential_or_leave_makes_an_inspector_ineligible(registry: Running) -> None:
    admin = registry.token({"county_admin"}, COUNTY)
    ok = registry.call("POST", "/inspectors", admin, {"record": inspector(3)}).json()["id"]
    expired = registry.call("POST", "/inspectors", admin, {"record": inspector(4, credential_expires="2020-01-01")})
    away = registry.call("POST", "/inspectors", admin, {"record": inspector(5)}).json()["id"]
    registry.call("PATCH", f"/inspectors/{away}", admin, {"record": {"status": "休假"}, "reason": "病假"})
    listing = registry.call("GET", "/inspectors", admin, eligible_on="2026-12-01").json()["items"]
    assert [i["id"] for i in listing] == [ok]
    expired_view = registry.call("GET", f"/inspectors/{expired.json()['id']}", admin).json()
    assert expired_view["effective_status"] == "credential_expired" and expired_view["eligible"] is False


def test_declared_interests_are_kept_as_history_and_published_whole(registry: Running) -> None:
    admin = registry.token({"county_admin"}, COUNTY)
    inspector_id = registry.call("POST", "/inspectors", admin, {"record": inspector(6)}).json()["id"]
    first = registry.call(
        "POST", f"/inspectors/{inspector_id}/interests", admin, {"uscc": uscc(9), "reason": "配偶任职"}
    )
    assert first.status_code == 201 and [i["uscc"] for i in first.json()["interests"]] == [uscc(9)]
    twice = registry.call("POST", f"/inspectors/{inspector_id}/interests", admin, {"uscc": uscc(9), "reason": "再次"})
    assert twice.status_code == 409
    gone = registry.call(
        "POST", f"/inspectors/{inspector_id}/interests/withdraw", admin, {"uscc": uscc(9), "reason": "配偶离职"}
    )
    assert gone.json()["interests"] == []
    assert rows(registry.dsn, "SELECT action FROM registry.interest ORDER BY id") == [("declare",), ("withdraw",)]
    topics = rows(registry.dsn, "SELECT topic FROM registry.outbox WHERE topic LIKE '%interests%'")
    assert len(topics) == 2
    bad = registry.call("POST", f"/inspectors/{inspector_id}/interests", admin, {"uscc": "123", "reason": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "uscc"


def test_history_tables_refuse_update_and_delete(registry: Running) -> None:
    token = registry.token(ADMIN, PROVINCE)
    registry.call("POST", "/entities", token, {"record": entity(20)})
    engine = sa.create_engine(registry.dsn)
    try:
        for statement in (
            "UPDATE registry.entity_version SET name = 'x'",
            "DELETE FROM registry.entity_version",
            "DELETE FROM registry.audit_entry",
        ):
            with engine.begin() as connection, pytest.raises(sa.exc.DBAPIError, match="历史记录只能追加"):
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_the_official_checklist_loads_and_a_revision_keeps_the_old_version(registry: Running) -> None:
    token = registry.token({"city_admin"}, CITY)
    specs = load_seed_checklist()
    for spec in specs:
        body = {"node": CITY, "spec": spec.to_json(), "reason": "平人社办〔2020〕47号附件"}
        assert registry.call("POST", "/checklist", token, body).status_code == 201
    listed = registry.call("GET", "/checklist", registry.token({"county_admin"}, COUNTY), node=COUNTY).json()["items"]
    assert len(listed) == 9 and listed[7]["spec"]["ratio"] == {"kind": "minimum", "minimum": 200, "unit": "人"}
    item = listed[0]
    revised_spec = {**item["spec"], "ratio": {"kind": "fraction", "numerator": 1, "denominator": 10}}
    revised = registry.call(
        "POST", f"/checklist/{item['id']}/revisions", token, {"spec": revised_spec, "reason": "提高比例"}
    )
    assert revised.json()["version"] == 2
    old = registry.call("GET", f"/checklist/{item['id']}/versions/1", token).json()
    assert old["spec"] == item["spec"] and old["content_hash"] == item["content_hash"]
    withdrawn = registry.call("POST", f"/checklist/{item['id']}/withdraw", token, {"reason": "事项取消"})
    assert withdrawn.json()["version"] == 3
    assert len(registry.call("GET", "/checklist", token, node=CITY).json()["items"]) == 8
    county_item = {**specs[0].to_json(), "number": 1, "name": "县级自设事项"}
    county = registry.token({"county_admin"}, COUNTY)
    assert registry.call("POST", "/checklist", county, {"node": COUNTY, "spec": county_item}).status_code == 201
    upward = registry.call("GET", "/checklist", token, node=CITY, children="1").json()["items"]
    assert "县级自设事项" in {i["spec"]["name"] for i in upward}
    assert registry.call("POST", "/checklist", county, {"node": CITY, "spec": county_item}).status_code == 403


def test_openapi_describes_every_route(registry: Running) -> None:
    from registry.entrypoints.service import RegistryService

    described = registry.call("GET", "/openapi.json", None).json()["paths"]
    routes = set()
    for attribute in vars(RegistryService).values():
        for entrypoint in getattr(attribute, "nameko_entrypoints", ()):
            if getattr(entrypoint, "url", "/openapi.json") != "/openapi.json":  # event consumers have no url
                routes.add((entrypoint.method.lower(), entrypoint.url.replace("<", "{").replace(">", "}")))
    documented = {(method, path) for path, ops in described.items() for method in ops}
    assert routes and routes <= documented


def test_a_change_in_a_year_the_calendar_does_not_cover_is_kept_with_lateness_unknown(registry: Running) -> None:
    from datetime import UTC, datetime

    from registry.bootstrap import unit_of_work
    from registry.service_layer.context import Context
    from registry.service_layer.entities import register_entity
    from registry_testkit import components, principal

    from hrss.db import make_engine

    parts = components()
    parts.clock = lambda: datetime(2031, 3, 2, 2, 0, tzinfo=UTC)  # no official holiday data for 2031 yet
    engine = make_engine(registry.dsn, schema="registry", pool_size=1)
    uow = unit_of_work(engine, (PROVINCE,))
    try:
        ctx = Context(uow, parts, principal({"province_admin"}, PROVINCE))
        written = register_entity(ctx, entity(30), reason=None, known_at=None, source="manual")
        uow.commit()
    finally:
        uow.close()
        engine.dispose()
    stored = rows(
        registry.dsn, f"SELECT late, applied_at::date FROM registry.entity_version WHERE entity_id = '{written.id}'"
    )
    assert stored == [(None, datetime(2031, 3, 2).date())]
