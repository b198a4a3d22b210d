"""The checklist in force per node (registry.check_item_changed) and the drawn lists (draw.draw_completed and
draw.assignment_dispatched, addressed to the inspecting node) on the fakes: what becomes public, masked, by whom
(谁检查、谁公开), and as new versions when it changes."""

from __future__ import annotations

import pytest
from publication import views
from publication.service_layer.lists import checklist_id, drawn_list_id
from publication_harness import Publication
from publication_testkit import (
    COUNTY_A,
    COUNTY_B,
    DRAW,
    PROVINCE,
    check_item,
    dispatched,
    draw_completed,
    task_published,
    uscc,
)


@pytest.fixture
def s() -> Publication:
    return Publication()


def test_the_checklist_in_force_is_published_by_its_node_and_each_change_is_a_version(s: Publication) -> None:
    s.receive(check_item(1), check_item(2))
    [first, second] = s.repo.versions("checklist", checklist_id(PROVINCE))
    assert [i["number"] for i in first.content["items"]] == ["1"]
    items = second.content["items"]
    assert [i["number"] for i in items] == ["1", "2"] and second.node == PROVINCE
    assert items[0]["category"] in ("一般检查事项", "重点检查事项") and items[0]["legal_basis"]
    assert items[0]["methods"] and items[0]["ratio"] and items[0]["frequency"]
    s.receive(check_item(2, version=2, status="withdrawn"))
    assert [i["number"] for i in s.repo.versions("checklist", checklist_id(PROVINCE))[-1].content["items"]] == ["1"]
    s.receive(check_item(2, version=2, status="withdrawn"))  # redelivered: nothing new
    assert len(s.repo.versions("checklist", checklist_id(PROVINCE))) == 3
    assert views.node_checklist(s.repo, PROVINCE)["version"] == 3


def test_a_checklist_is_masked_and_a_delegated_node_s_is_not_published_here(s: Publication) -> None:
    s.receive(check_item(3, COUNTY_A, legal_basis="《劳动保障监察条例》，咨询电话13812345678"))
    [record] = s.repo.versions("checklist", checklist_id(COUNTY_A))
    assert "13812345678" not in str(record.content) and "138****5678" in str(record.content)
    s.receive(check_item(3, COUNTY_B))
    assert s.repo.versions("checklist", checklist_id(COUNTY_B)) == []


def test_a_drawn_list_is_published_by_the_inspecting_node_once_every_entity_is_in(s: Publication) -> None:
    s.receive(task_published(), draw_completed({COUNTY_A: 2, COUNTY_B: 1}))
    record_id = drawn_list_id(str(DRAW), COUNTY_A)
    assert s.receive(dispatched(1)) is None  # one of two: not yet
    record = s.receive(dispatched(2, name="张三丰", object_type="个体工商户"))
    c = record.content
    assert (record.kind, record.record_id, record.node, record.version) == ("drawn_list", record_id, COUNTY_A, 1)
    assert [e["uscc"] for e in c["entities"]] == [uscc(1), uscc(2)]
    assert c["entities"][0]["team"] == [f"ZJ{COUNTY_A}0001", f"ZJ{COUNTY_A}0002"]  # credential numbers only
    assert "检查员" not in str(c)
    assert c["verification"] == f"/draws/{DRAW}/public"
    assert c["tasks"][0]["number"] == "浙人社抽〔2026〕12号"
    assert "张三丰" not in str(c)  # an individual business named by its owner: the surname only
    s.receive(dispatched(1, COUNTY_B))  # the federated county publishes its own
    assert s.repo.versions("drawn_list", drawn_list_id(str(DRAW), COUNTY_B)) == []


def test_the_draw_may_come_after_its_dispatches(s: Publication) -> None:
    s.receive(task_published(), dispatched(1))
    [record] = s.receive(draw_completed({COUNTY_A: 1}))
    assert record.content["entities"][0]["uscc"] == uscc(1)


def test_a_task_that_does_not_publish_its_drawn_list_publishes_none(s: Publication) -> None:
    s.receive(task_published(drawn_list=False), draw_completed({COUNTY_A: 1}), dispatched(1))
    assert [r.kind for r in s.repo.records_kept] == ["task"]


def test_a_task_learnt_after_its_draw_publishes_the_drawn_list_then() -> None:
    county = Publication(nodes=(COUNTY_A,), delegated=())
    county.receive(draw_completed({COUNTY_A: 1}), dispatched(1))
    assert county.repo.records_kept == []
    county.receive(task_published())
    assert [r.kind for r in county.repo.records_kept] == ["drawn_list"]  # the province announces its own task
