"""One draw of a group of tasks with different scopes, against the real PostgreSQL, Kafka and MinIO: each task's
items are drawn only among the entities in its own scope, an entity drawn for both is one pick and one dispatch
with both tasks, and the records verify."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest
from draw_testkit import COUNTY_B, Running, publish_group, task_state, wait_for

from hrss.drawkit import verify
from hrss.drawkit.frame import FrameEntry

pytestmark = pytest.mark.integration

PLANNER = {"planner"}
TAG = "农民工集中用工"


def test_tasks_of_different_scopes_are_drawn_once_each_in_its_own_scope(draw_service: Running, kafka_broker) -> None:  # type: ignore[no-untyped-def]
    wide_id, narrow_id = sorted(str(uuid.uuid5(uuid.NAMESPACE_URL, f"group-task-{n}")) for n in (1, 2))
    wide = task_state(wide_id)  # both counties, 企业, item 1 at 5 %, item 2 at 20 %, grade C at 1/2
    narrow = task_state(
        narrow_id,
        number="冀人社抽〔2027〕2号",
        draw_regions=[COUNTY_B],
        scope={"region_codes": [], "object_types": [], "tags": [TAG], "grades": []},
        grade_ratios=[],
        exclude_inspected_within_months=0,
        items=[{**task_state("x")["items"][0], "ratio": {"kind": "fraction", "numerator": 1, "denominator": 2}}],
    )
    publish_group(kafka_broker, [wide, narrow])
    wait_for(lambda: draw_service.count("task_view") == 3, 60, "the group's tasks")

    body = {"task_id": narrow_id, "randomness_plan": "省厅、监督处、公证员各掷骰 20 位"}
    draw = draw_service.call("POST", "/draws", PLANNER, body=body)
    assert draw.status_code == 200, draw.text
    draw_id = draw.json()["draw_id"]
    answer = draw_service.call(
        "POST", f"/draws/{draw_id}/contributions", PLANNER, body={"witness": "公证员 李四", "value": "2718281828"}
    )
    assert answer.status_code == 200, answer.text
    answer = draw_service.call("POST", f"/draws/{draw_id}/draw", PLANNER)
    assert answer.status_code == 200, answer.text

    package = draw_service.call("GET", f"/draws/{draw_id}/auditor", {"auditor"}).json()
    audit = verify(package)
    assert audit.ok, [c for c in audit.checks if not c.ok]
    record = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()
    report = verify(record)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert "|C" not in json.dumps(record, ensure_ascii=False)  # the members are public, the grades are not

    frame = {e.uscc: e for e in map(FrameEntry.from_json, package["frame"])}
    entities = {e["uscc"]: e for e in draw_service.world.entities}
    assert len(frame) == len(entities)  # the union of the regions: both counties
    picks = package["picks"]
    assert len({p["uscc"] for p in picks}) == len(picks)  # one pick per entity
    tasks_of = {p["uscc"]: {i.split(":", 1)[0] for i in p["items"]} for p in picks}
    for uscc, tasks in tasks_of.items():
        entity = entities[uscc]
        if wide_id in tasks:
            assert entity["object_type"] == "企业" and entity["status"] == "active"
        if narrow_id in tasks:
            assert entity["region_code"] == COUNTY_B and TAG in entity["tags"] and entity["status"] == "active"
    together = [u for u, tasks in tasks_of.items() if tasks == {wide_id, narrow_id}]
    assert together, "the shared key makes the overlap of the two samples one pick"

    # every eligible entity of the narrow scope is in a stratum naming task 2, and the quota is half of each
    members = {e.stratum: e.stratum.split("|")[2].split("+") for e in frame.values()}
    narrow_strata = Counter(e.stratum for e in frame.values() if e.eligible and "2" in members[e.stratum])
    expected = sum(-(-n // 2) for n in narrow_strata.values())
    assert sum(1 for tasks in tasks_of.values() if narrow_id in tasks) == expected
    in_scope = [
        u for u, e in entities.items() if e["region_code"] == COUNTY_B and TAG in e["tags"] and e["status"] == "active"
    ]
    assert sum(narrow_strata.values()) == len(in_scope)

    dispatched = [
        json.loads(bytes(v))["payload"]
        for (v,) in draw_service.rows("SELECT value FROM draw.outbox WHERE topic LIKE 'draw.assignment_dispatched%'")
    ]
    assert len(dispatched) == len(picks)
    both = next(d for d in dispatched if d["uscc"] == together[0])
    assert {t["task_id"] for t in both["tasks"]} == {wide_id, narrow_id}
