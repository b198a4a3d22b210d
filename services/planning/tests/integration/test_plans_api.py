"""Annual plans over HTTP against the real PostgreSQL and Kafka: coverage, filing upward, review, versions, audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from planning.adapters.orm import audit_entry
from planning_testkit import CITY, COUNTY, OTHER_COUNTY, PROVINCE, Running
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, verify

pytestmark = pytest.mark.integration

PLANNER = {"planner"}


def rows(dsn: str, query: str, **params: object) -> list[tuple]:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def items_of(running: Running, node: str) -> list[dict]:
    return running.as_(PLANNER, node).get("/checklist", node=node).json()["items"]


def draft(items: list[dict], skip: int = 0) -> list[dict]:
    return [{"item_id": i["item_id"], "item_version": i["version"]} for i in items[skip:]]


def new_plan(running: Running, node: str, year: int = 2027) -> str:
    answer = running.as_(PLANNER, node).post("/plans", {"node": node, "year": year})
    assert answer.status_code == 201, answer.text
    return answer.json()["plan_id"]


def test_a_county_plan_is_refused_while_an_item_is_missing_without_a_reason(planning: Running) -> None:
    county = planning.as_(PLANNER, COUNTY)
    items = items_of(planning, COUNTY)
    plan_id = new_plan(planning, COUNTY)

    edited = county.put(f"/plans/{plan_id}/draft", {"items": draft(items, skip=1)})
    assert edited.status_code == 200, edited.text
    assert edited.json()["coverage"]["complete"] is False
    assert [m["item_id"] for m in edited.json()["coverage"]["missing"]] == [items[0]["item_id"]]

    refused = county.post(f"/plans/{plan_id}/file")
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["code"] == "plan.item_missing"
    assert error["field"] == f"items.{items[0]['item_id']}"
    assert items[0]["name"] in error["message"]

    reasoned = county.put(
        f"/plans/{plan_id}/draft",
        {"items": draft(items, skip=1), "omissions": [{"item_id": items[0]["item_id"], "reason": "本县无此类对象"}]},
    )
    assert reasoned.status_code == 200
    filed = county.post(f"/plans/{plan_id}/file", {"note": "请审核"})
    assert filed.status_code == 200, filed.text
    assert filed.json()["status"] == "filed"
    assert filed.json()["filed_with"] == CITY
    assert filed.json()["late"] is False  # due 2027-01-31

    events = rows(planning.dsn, "SELECT topic, key FROM planning.outbox ORDER BY id")
    assert events == [("planning.plan_filed.v1", plan_id)]


def test_filed_plans_are_reviewed_by_the_parent_only_and_every_version_is_kept(planning: Running) -> None:
    county, city = planning.as_(PLANNER, COUNTY), planning.as_(PLANNER, CITY)
    items = items_of(planning, COUNTY)
    plan_id = new_plan(planning, COUNTY)
    assert county.put(f"/plans/{plan_id}/draft", {"items": draft(items)}).status_code == 200
    assert county.post(f"/plans/{plan_id}/file").status_code == 200

    queue = city.get("/plans", parent=CITY, status="filed").json()["items"]
    assert [p["plan_id"] for p in queue] == [plan_id]

    own = county.post(f"/plans/{plan_id}/accept")
    assert own.status_code == 403 and own.json()["code"] == "plan.not_parent"
    province = planning.as_(PLANNER, PROVINCE).post(f"/plans/{plan_id}/accept")
    assert province.status_code == 403 and province.json()["code"] == "plan.not_parent"
    sibling = planning.as_(PLANNER, OTHER_COUNTY).post(f"/plans/{plan_id}/accept")
    assert sibling.status_code == 404 and sibling.json()["code"] == "plan.not_found"  # not theirs: as if none
    auditor = planning.as_({"auditor"}, CITY).post(f"/plans/{plan_id}/accept")
    assert auditor.status_code == 403 and auditor.json()["code"] == "access.read_only"

    bare = city.post(f"/plans/{plan_id}/return", {"comment": "  "})
    assert bare.status_code == 400 and bare.json()["errors"][0]["code"] == "plan.return_comment_required"
    returned = city.post(f"/plans/{plan_id}/return", {"comment": "第3项计划任务数偏少"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"

    edit = county.put(f"/plans/{plan_id}/draft", {"items": draft(items)})
    assert edit.status_code == 409 and edit.json()["code"] == "plan.not_editable"
    adjusted = county.post(f"/plans/{plan_id}/adjust", {"reason": "按市局意见调整"})
    assert adjusted.status_code == 200 and adjusted.json()["version"] == 2
    more = draft(items)
    more[2]["planned_tasks"] = 3
    assert county.put(f"/plans/{plan_id}/draft", {"items": more}).status_code == 200
    assert county.post(f"/plans/{plan_id}/file").status_code == 200
    accepted = city.post(f"/plans/{plan_id}/accept", {"comment": "同意备案"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [r["accepted"] for r in accepted.json()["reviews"]] == [False, True]

    early = planning.as_(PLANNER, COUNTY).post(f"/plans/{plan_id}/file")
    assert early.status_code == 409 and early.json()["code"] == "plan.illegal_transition"
    assert "已备案" in early.json()["message"]
    published = county.post(f"/plans/{plan_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"

    history = county.get(f"/plans/{plan_id}/history").json()["records"]
    assert [(r["document"]["version"], r["status"]) for r in history] == [
        (1, "draft"),
        (1, "draft"),
        (1, "filed"),
        (1, "returned"),
        (2, "draft"),
        (2, "draft"),
        (2, "filed"),
        (2, "accepted"),
        (2, "published"),
    ]
    assert history[3]["reason"] == "第3项计划任务数偏少" and history[3]["actor_node"] == CITY
    topics = [t for (t,) in rows(planning.dsn, "SELECT topic FROM planning.outbox ORDER BY id")]
    assert topics == [
        "planning.plan_filed.v1",
        "planning.plan_returned.v1",
        "planning.plan_adjusted.v1",
        "planning.plan_filed.v1",
        "planning.plan_accepted.v1",
        "planning.plan_published.v1",
    ]


def test_a_province_plan_is_self_filed_and_one_plan_per_node_and_year(planning: Running) -> None:
    province = planning.as_(PLANNER, PROVINCE)
    plan_id = new_plan(planning, PROVINCE, 2026)
    again = province.post("/plans", {"node": PROVINCE, "year": 2026})
    assert again.status_code == 409 and again.json()["code"] == "plan.exists"
    items = items_of(planning, PROVINCE)
    # every item of the real checklist is implemented by cities and counties: the province plans them as unified
    empty = province.post(f"/plans/{plan_id}/file")
    assert empty.status_code == 400
    assert {e["code"] for e in empty.json()["errors"]} == {"plan.item_missing"}
    assert [e["message"].split("“")[1].split("”")[0] for e in empty.json()["errors"]] == [i["name"] for i in items]
    assert all(i["item_id"] not in e["message"] for e in empty.json()["errors"] for i in items)
    edited = province.put(f"/plans/{plan_id}/draft", {"items": draft(items)}).json()
    assert [u["name"] for u in edited["coverage"]["unified"]] == [i["name"] for i in items]
    filed = province.post(f"/plans/{plan_id}/file")
    assert filed.status_code == 200, filed.text
    assert filed.json()["status"] == "accepted" and filed.json()["filed_with"] is None
    assert filed.json()["late"] is True  # filed in December for a plan due by 31 January 2026
    shown = province.get(f"/plans/{plan_id}").json()
    assert shown["deadline"] == "2026-01-31" and shown["coverage"]["complete"] is True


def test_a_province_unified_task_from_its_plan_is_planned_and_its_own_task_of_county_items_is_refused(
    planning: Running,
) -> None:
    province = planning.as_(PLANNER, PROVINCE)
    items = items_of(planning, PROVINCE)
    plan_id = new_plan(planning, PROVINCE, 2027)
    province.put(
        f"/plans/{plan_id}/draft",
        {"items": draft(items, skip=1), "omissions": [{"item_id": items[0]["item_id"], "reason": "由各市自行安排"}]},
    )
    assert province.post(f"/plans/{plan_id}/file").status_code == 200
    body = {
        "node": PROVINCE,
        "title": "2027年全省劳务派遣统一抽查",
        "year": 2027,
        "items": [{"item_id": items[4]["item_id"]}],
        "lines": ["劳动保障监察"],
        "start": "2027-04-01",
        "end": "2027-06-30",
        "unified": True,
        "implementing_nodes": [COUNTY, OTHER_COUNTY],
        "plan_id": plan_id,
    }
    created = province.post("/tasks", body)
    assert created.status_code == 201, created.text
    assert created.json()["plan_id"] == plan_id and created.json()["ad_hoc_reason"] is None

    unplanned = province.post("/tasks", {**body, "items": [{"item_id": items[0]["item_id"]}]})
    assert unplanned.status_code == 400 and unplanned.json()["errors"][0]["code"] == "task.item_not_in_plan"
    assert items[0]["name"] in unplanned.json()["errors"][0]["message"]
    own = province.post("/tasks", {**body, "unified": False, "implementing_nodes": [PROVINCE]})
    assert own.status_code == 400
    assert [e["code"] for e in own.json()["errors"]] == ["task.item_level_not_implementing"]
    assert items[4]["name"] in own.json()["errors"][0]["message"]
    unknown = province.post("/tasks", {**body, "items": [{"item_id": "00000000-0000-4000-8000-000000000000"}]})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == "task.item_not_on_checklist"


def test_settings_are_inherited_from_the_nearest_node_above_and_versioned(planning: Running) -> None:
    province = planning.as_(PLANNER, PROVINCE)
    body = {"plan_deadline": "03-31", "general_minimum": "5%", "task_number_template": "冀人社抽〔{year}〕{seq}号"}
    assert province.put(f"/settings/{PROVINCE}", body).status_code == 200
    inherited = planning.as_(PLANNER, COUNTY).get(f"/settings/{COUNTY}").json()
    assert inherited["source"] == PROVINCE and inherited["inherited"] is True
    assert inherited["plan_deadline_label"] == "3月31日" and inherited["general_minimum_label"] == "5%"

    bad = planning.as_(PLANNER, COUNTY).put(
        f"/settings/{COUNTY}", {"plan_deadline": "02-30", "general_minimum": "0", "task_number_template": "{seq}号"}
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"plan_deadline", "general_minimum", "task_number_template"}
    upward = planning.as_(PLANNER, COUNTY).put(f"/settings/{PROVINCE}", body)
    assert upward.status_code == 403 and upward.json()["code"] == "access.out_of_scope"
    assert province.put(f"/settings/{PROVINCE}", {**body, "general_minimum": "3%"}).status_code == 200
    assert planning.as_(PLANNER, COUNTY).get(f"/settings/{COUNTY}").json()["version"] == 2


def test_history_is_append_only_and_the_audit_chain_verifies(planning: Running) -> None:
    plan_id = new_plan(planning, COUNTY)
    planning.as_(PLANNER, COUNTY).post(f"/plans/{plan_id}/file")  # refused: items missing
    engine = sa.create_engine(planning.dsn)
    try:
        for statement in ("UPDATE planning.plan_record SET status = 'published'", "DELETE FROM planning.plan_record"):
            with pytest.raises(sa.exc.DBAPIError, match="历史记录只能追加"), engine.begin() as connection:
                connection.execute(sa.text(statement))
        with Session(engine) as session:
            entries = list(AuditLog(audit_entry).entries(session, PROVINCE))
    finally:
        engine.dispose()
    assert verify(PROVINCE, entries).ok
    outcomes = [(e.record.action, str(e.record.outcome)) for e in entries]
    assert ("plan.create", "ok") in outcomes and ("plan.file", "refused") in outcomes
