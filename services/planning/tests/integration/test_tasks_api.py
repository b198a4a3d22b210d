"""Tasks over HTTP against the real PostgreSQL and Kafka: rules, numbering, the state machine, unified tasks,
the events that start the draw, merge candidates and the KPI facts."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from planning_testkit import CITY, COUNTY, OTHER_CITY_COUNTY, OTHER_COUNTY, PROVINCE, Running

pytestmark = pytest.mark.integration

PLANNER = {"planner"}
TEMPLATE = "冀人社抽〔{year}〕{seq}号"


def rows(dsn: str, query: str) -> list[tuple]:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def checklist(running: Running, node: str = PROVINCE) -> list[dict]:
    return running.as_(PLANNER, node).get("/checklist", node=node).json()["items"]


def task_body(running: Running, node: str = PROVINCE, **overrides: object) -> dict:
    items = checklist(running, node)
    body = {
        "node": node,
        "title": "2027年劳动用工双随机抽查",
        "year": 2027,
        "items": [{"item_id": items[0]["item_id"]}, {"item_id": items[1]["item_id"], "ratio": "40%"}],
        "lines": ["劳动保障监察"],
        "start": "2027-04-01",
        "end": "2027-06-30",
        "ad_hoc_reason": "根据省厅统一部署",
    }
    if node == PROVINCE:  # the checklist's items are implemented by cities and counties: deployed as unified tasks
        body.update(unified=True, implementing_nodes=[COUNTY, OTHER_COUNTY])
    body.update(overrides)
    return body


def setup_province(running: Running) -> None:
    settings = {"plan_deadline": "03-31", "general_minimum": "3%", "task_number_template": TEMPLATE}
    assert running.as_(PLANNER, PROVINCE).put(f"/settings/{PROVINCE}", settings).status_code == 200


def test_a_task_is_refused_with_every_broken_rule_named_at_once(planning: Running) -> None:
    setup_province(planning)
    items = checklist(planning)
    body = task_body(
        planning,
        items=[{"item_id": items[0]["item_id"], "ratio": "2%"}, {"item_id": "no-such-item"}],
        team_size=1,
        start="2027-07-01",
        ad_hoc_reason=None,
    )
    answer = planning.as_(PLANNER, PROVINCE).post("/tasks", body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "task.item_not_on_checklist"

    body["items"] = [{"item_id": items[0]["item_id"], "ratio": "2%"}]
    answer = planning.as_(PLANNER, PROVINCE).post("/tasks", body)
    assert answer.status_code == 400
    codes = {e["code"]: e for e in answer.json()["errors"]}
    assert set(codes) == {
        "task.ratio_below_item",
        "task.ratio_below_minimum",
        "task.team_too_small",
        "task.dates_reversed",
        "task.ad_hoc_reason_required",
    }
    assert "3%" in codes["task.ratio_below_minimum"]["message"]
    assert "不能低于清单规定的5%" in codes["task.ratio_below_item"]["message"]
    assert codes["task.team_too_small"]["field"] == "team_size"
    assert rows(planning.dsn, "SELECT count(*) FROM planning.task_record") == [(0,)]


def test_a_unified_task_is_numbered_frozen_for_the_draw_and_seen_by_its_counties(planning: Running) -> None:
    setup_province(planning)
    province = planning.as_(PLANNER, PROVINCE)
    body = task_body(
        planning,
        implementing_nodes=[COUNTY, OTHER_COUNTY],
        unified=True,
        lines=["劳动保障监察", "社会保险经办与稽核"],
        grade_ratios={"C": "20%", "D": "50%"},
        scope={"tags": ["建筑施工企业"], "grades": ["C", "D"]},
        exclude_inspected_within_months=12,
        team_size=3,
    )
    created = province.post("/tasks", body)
    assert created.status_code == 201, created.text
    task = created.json()
    task_id = task["task_id"]
    assert task["status"] == "draft" and task["number"] is None
    assert task["kpi"] == {"joint": True, "credit_differentiated": True, "major_items": 0, "minor_items": 2}
    assert task["items"][1]["ratio"] == {"kind": "fraction", "numerator": 2, "denominator": 5}
    assert task["items"][1]["ratio_label"] == "40%"

    early = province.post(f"/tasks/{task_id}/freeze")
    assert early.status_code == 409 and early.json()["code"] == "task.illegal_transition"
    assert "草稿" in early.json()["message"] and "已冻结待抽取" in early.json()["message"]

    published = province.post(f"/tasks/{task_id}/publish")
    assert published.status_code == 200, published.text
    assert published.json()["number"] == "冀人社抽〔2027〕1号"
    second = province.post("/tasks", task_body(planning, title="第二批"))
    second_number = province.post(f"/tasks/{second.json()['task_id']}/publish").json()["number"]
    assert second_number == "冀人社抽〔2027〕2号"

    revise = province.put(f"/tasks/{task_id}", body)
    assert revise.status_code == 409 and revise.json()["code"] == "task.not_editable"
    frozen = province.post(f"/tasks/{task_id}/freeze", {"reason": "公示期满"})
    assert frozen.status_code == 200 and frozen.json()["status"] == "frozen"
    cancel = province.post(f"/tasks/{task_id}/cancel", {"reason": "不再需要"})
    assert cancel.status_code == 409

    ready = [
        json.loads(bytes(value))
        for (value,) in rows(
            planning.dsn, "SELECT value FROM planning.outbox WHERE topic = 'planning.task_ready_for_draw.v1'"
        )
    ]
    assert len(ready) == 1
    event = ready[0]["payload"]
    assert event["task"]["task_id"] == task_id and event["task"]["number"] == "冀人社抽〔2027〕1号"
    assert event["task"]["implementing_nodes"] == [COUNTY, OTHER_COUNTY] and event["task"]["unified"] is True
    assert event["task"]["draw_regions"] == [COUNTY, OTHER_COUNTY]
    assert event["task"]["grade_ratios"] == [
        {"grade": "C", "numerator": 1, "denominator": 5},
        {"grade": "D", "numerator": 1, "denominator": 2},
    ]
    assert event["from_status"] == "published" and event["reason"] == "公示期满"

    county_view = planning.as_(PLANNER, COUNTY).get("/tasks").json()["items"]
    assert sorted(t["task_id"] for t in county_view) == sorted([task_id, second.json()["task_id"]])
    assert planning.as_(PLANNER, COUNTY).get(f"/tasks/{task_id}").status_code == 200
    outsider = planning.as_(PLANNER, OTHER_CITY_COUNTY)
    assert outsider.get("/tasks").json()["items"] == []
    nobody = "00000000-0000-4000-8000-000000000000"
    for path in ("", "/history", "/progress"):  # neither kept nor implemented by it: answered as no task
        theirs, unknown = outsider.get(f"/tasks/{task_id}{path}"), outsider.get(f"/tasks/{nobody}{path}")
        assert theirs.status_code == unknown.status_code == 404 and theirs.json()["code"] == "task.not_found"
        assert theirs.json()["message"].replace(task_id, nobody) == unknown.json()["message"]
    cancelled = outsider.post(f"/tasks/{task_id}/cancel", {"reason": "不再需要"})
    assert cancelled.status_code == 404 and cancelled.json()["code"] == "task.not_found"

    history = province.get(f"/tasks/{task_id}/history").json()["records"]
    assert [(r["revision"], r["from_status"], r["status"]) for r in history] == [
        (1, None, "draft"),
        (2, "draft", "published"),
        (3, "published", "frozen"),
    ]


def test_steps_after_the_draw_are_overridden_only_by_an_administrator_with_a_reason_and_shown_as_overrides(
    planning: Running,
) -> None:
    setup_province(planning)
    province = planning.as_(PLANNER, PROVINCE)
    task_id = province.post("/tasks", task_body(planning)).json()["task_id"]
    bare = province.post(f"/tasks/{task_id}/cancel", {})
    assert bare.status_code == 400 and bare.json()["errors"][0]["code"] == "task.cancel_reason_required"
    province.post(f"/tasks/{task_id}/publish")
    province.post(f"/tasks/{task_id}/freeze")
    by_planner = province.post(f"/tasks/{task_id}/status", {"to": "drawn", "reason": "手工"})
    assert by_planner.status_code == 403 and by_planner.json()["code"] == "access.role_required"
    by_a_service = planning.as_draw_service(PROVINCE).post(f"/tasks/{task_id}/status", {"to": "drawn", "reason": "x"})
    assert by_a_service.status_code == 403  # the services' facts arrive as events, not as a say-so over HTTP
    admin = planning.as_({"province_admin"}, PROVINCE)
    unexplained = admin.post(f"/tasks/{task_id}/status", {"to": "drawn"})
    assert unexplained.status_code == 400
    assert unexplained.json()["errors"][0]["code"] == "task.override_reason_required"
    skipped = admin.post(f"/tasks/{task_id}/status", {"to": "completed", "reason": "跳步"})
    assert skipped.status_code == 409
    for step in ("drawn", "dispatched", "in_progress", "completed", "results_published"):
        moved = admin.post(f"/tasks/{task_id}/status", {"to": step, "reason": "抽取系统停机，按纸质记录补录"})
        assert moved.status_code == 200 and moved.json()["status"] == step, moved.text
    shown = province.get(f"/tasks/{task_id}").json()
    assert [o["status"] for o in shown["overrides"]] == [
        "drawn",
        "dispatched",
        "in_progress",
        "completed",
        "results_published",
    ]
    assert all(o["reason"] == "人工变更：抽取系统停机，按纸质记录补录" for o in shown["overrides"])
    history = province.get(f"/tasks/{task_id}/history").json()["records"]
    assert [(r["status"], r["override"]) for r in history][-2:] == [("completed", True), ("results_published", True)]
    assert not any(r["override"] for r in history[:3])
    audited = rows(
        planning.dsn,
        f"SELECT count(*) FROM planning.audit_entry WHERE action = 'task.override' AND object_id = '{task_id}'"
        " AND outcome = 'ok'",
    )
    assert audited == [(5,)]
    topics = [t for (t,) in rows(planning.dsn, "SELECT topic FROM planning.outbox ORDER BY id")]
    assert topics == [
        "planning.task_published.v1",
        "planning.task_ready_for_draw.v1",
        "planning.task_drawn.v1",
        "planning.task_dispatched.v1",
        "planning.task_started.v1",
        "planning.task_completed.v1",
        "planning.task_results_published.v1",
    ]


def test_a_task_from_a_plan_must_use_the_nodes_plan_in_force_and_its_items(planning: Running) -> None:
    county = planning.as_(PLANNER, COUNTY)
    items = checklist(planning, COUNTY)
    plan_id = county.post("/plans", {"node": COUNTY, "year": 2027}).json()["plan_id"]
    county.put(
        f"/plans/{plan_id}/draft",
        {
            "items": [{"item_id": i["item_id"], "item_version": i["version"]} for i in items[1:]],
            "omissions": [{"item_id": items[0]["item_id"], "reason": "本县无此类对象"}],
        },
    )
    county.post(f"/plans/{plan_id}/file")
    body = task_body(planning, COUNTY, plan_id=plan_id, ad_hoc_reason=None)
    not_yet = county.post("/tasks", body)
    assert not_yet.status_code == 400 and not_yet.json()["errors"][0]["code"] == "task.plan_not_in_force"
    planning.as_(PLANNER, CITY).post(f"/plans/{plan_id}/accept")
    outside = county.post("/tasks", body)
    assert outside.status_code == 400 and outside.json()["errors"][0]["code"] == "task.item_not_in_plan"
    body["items"] = [{"item_id": items[1]["item_id"]}]
    created = county.post("/tasks", body)
    assert created.status_code == 201, created.text
    assert created.json()["plan_id"] == plan_id and created.json()["plan_version"] == 1
    elsewhere = planning.as_(PLANNER, OTHER_COUNTY).post("/tasks", task_body(planning, OTHER_COUNTY, plan_id=plan_id))
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "plan.not_found"  # not theirs: as if none
    above = planning.as_(PLANNER, CITY).post("/tasks", task_body(planning, CITY, plan_id=plan_id))
    assert above.status_code == 400 and above.json()["errors"][0]["code"] == "task.plan_mismatch"


def test_tasks_of_the_same_period_with_similar_objects_and_methods_are_merge_candidates(planning: Running) -> None:
    setup_province(planning)
    province = planning.as_(PLANNER, PROVINCE)
    first = province.post("/tasks", task_body(planning, title="工资支付专项")).json()
    second = province.post("/tasks", task_body(planning, title="劳动合同专项", start="2027-05-01")).json()
    province.post("/tasks", task_body(planning, title="下半年", start="2027-09-01", end="2027-10-31"))
    found = province.get("/merge-candidates", node=PROVINCE, year="2027").json()["items"]
    assert [[t["task_id"] for t in pair["tasks"]] for pair in found] == [[first["task_id"], second["task_id"]]]
    assert "检查期间重叠（2027-05-01至2027-06-30）" in found[0]["reason"]
    grouped = province.put(f"/tasks/{second['task_id']}", task_body(planning, start="2027-05-01", draw_group="G1"))
    assert grouped.status_code == 200
    province.put(f"/tasks/{first['task_id']}", task_body(planning, draw_group="G1"))
    assert province.get("/merge-candidates", node=PROVINCE, year="2027").json()["items"] == []


def test_the_tasks_of_a_draw_group_are_frozen_together_and_the_group_then_closes(planning: Running) -> None:
    setup_province(planning)
    province = planning.as_(PLANNER, PROVINCE)
    first = province.post("/tasks", task_body(planning, title="人社联合检查", draw_group="联合-1")).json()["task_id"]
    second = province.post(
        "/tasks", task_body(planning, title="医保联合检查", departments=["医疗保障局"], draw_group="联合-1")
    ).json()["task_id"]
    province.post(f"/tasks/{first}/publish")
    blocked = province.post(f"/tasks/{first}/freeze")
    assert blocked.status_code == 409 and blocked.json()["code"] == "task.group_member_not_published"
    assert "医保联合检查" in blocked.json()["message"]
    assert province.get(f"/tasks/{first}").json()["status"] == "published"

    province.post(f"/tasks/{second}/publish")
    frozen = province.post(f"/tasks/{first}/freeze", {"reason": "公示期满"})
    assert frozen.status_code == 200, frozen.text
    assert province.get(f"/tasks/{second}").json()["status"] == "frozen"
    ready = [
        json.loads(bytes(value))["payload"]
        for (value,) in rows(
            planning.dsn,
            "SELECT value FROM planning.outbox WHERE topic = 'planning.task_ready_for_draw.v1' ORDER BY id",
        )
    ]
    assert sorted(e["task"]["task_id"] for e in ready) == sorted([first, second])
    assert all(sorted(e["draw_group_members"]) == sorted([first, second]) for e in ready)
    assert {e["task"]["kpi"]["joint"] for e in ready} == {False, True}

    late = province.post("/tasks", task_body(planning, title="迟到的任务", draw_group="联合-1"))
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "task.group_closed"


def test_a_completed_draw_moves_its_frozen_tasks_to_drawn_then_dispatched(planning: Running, kafka_broker) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from planning_testkit import wait_for

    from hrss.bus.broker import Message, TopicSpec
    from hrss.contracts import Producer, registry, utcnow
    from hrss.contracts.events.draw import DrawCompleted

    setup_province(planning)
    province = planning.as_(PLANNER, PROVINCE)
    task_id = province.post("/tasks", task_body(planning)).json()["task_id"]
    province.post(f"/tasks/{task_id}/publish")
    province.post(f"/tasks/{task_id}/freeze")
    draw_id = uuid.uuid4()
    done = DrawCompleted(
        draw_id=draw_id,
        task_ids=[uuid.UUID(task_id), uuid.uuid4()],  # the second is not kept here: left alone
        node=PROVINCE,
        seed="ab" * 32,
        picks=12,
        dispatched={PROVINCE: 12},
        completed_at=utcnow(),
    )
    envelope = registry.build(done, subject=str(draw_id), producer=Producer(service="draw", node=PROVINCE))
    topic = "draw.draw_completed.v1"
    kafka_broker.ensure_topics([TopicSpec(topic)])
    kafka_broker.publish_many([Message(topic, str(draw_id).encode(), envelope.to_bytes())] * 2)  # delivered twice
    wait_for(lambda: province.get(f"/tasks/{task_id}").json()["status"] == "dispatched", 60, "the task dispatched")
    history = province.get(f"/tasks/{task_id}/history").json()["records"]
    assert [r["status"] for r in history] == ["draft", "published", "frozen", "drawn", "dispatched"]
    assert history[3]["actor"] == "service:planning" and "抽中 12 家" in history[3]["reason"]
    assert rows(planning.dsn, "SELECT count(*) FROM planning.inbox WHERE event_type = 'draw.draw_completed'") == [(1,)]
