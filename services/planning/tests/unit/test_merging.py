"""Merge candidates: tasks of the same period at the same node with similar objects and methods."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from planning.domain.merging import merge_candidates
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.tasks import Scope, Task
from planning_builders import CITY, COUNTY, OTHER_COUNTY, make_task, settings
from planning_builders import task_item as item

from hrss.contracts.checklist import Method


def task(task_id: str, **changes) -> Task:
    return make_task(task_id=task_id, **changes)


def test_two_tasks_of_overlapping_periods_with_the_same_objects_and_a_shared_method_are_candidates() -> None:
    a = task("a", items=(item(1),), start=date(2026, 4, 1), end=date(2026, 5, 31))
    b = task("b", items=(item(1),), start=date(2026, 5, 15), end=date(2026, 6, 30))
    [candidate] = merge_candidates([a, b])
    assert (candidate.first, candidate.second) == ("a", "b")
    assert "2026-05-15至2026-05-31" in candidate.reason
    assert "人力资源服务机构" in candidate.reason and "现场检查" in candidate.reason


def test_tasks_sharing_a_tag_with_different_object_types_are_candidates() -> None:
    a = task("a", items=(item(2),), scope=Scope(tags=("建筑业", "欠薪投诉")))
    b = task("b", items=(item(3),), scope=Scope(tags=("欠薪投诉",)))
    [candidate] = merge_candidates([a, b])
    assert "标签重叠（欠薪投诉）" in candidate.reason


def test_the_scope_object_types_take_the_place_of_the_items_object_types() -> None:
    a = task("a", items=(item(2),), scope=Scope(object_types=("企业",)))
    b = task("b", items=(item(6),))  # item 6 inspects 企业
    assert len(merge_candidates([a, b])) == 1


@pytest.mark.parametrize(
    "other",
    [
        {"start": date(2026, 7, 1), "end": date(2026, 8, 31)},  # another period
        {"items": (item(2),)},  # other objects, no shared tag
        {"items": (item(8, ratio=None),)},  # online comparison only: no shared method; and other objects
        {"status": TaskStatus.CANCELLED},
        {"status": TaskStatus.FROZEN},
        {"draw_group": "g1"},
    ],
)
def test_tasks_differing_in_period_objects_methods_or_stage_are_not_candidates(other: dict) -> None:
    a = task("a", draw_group="g1")
    status = other.pop("status", None)
    b = task("b", **other)
    if status is not None:
        b = replace(b, status=status)
    assert merge_candidates([a, b]) == []


def test_tasks_of_the_same_objects_with_no_shared_method_are_not_candidates() -> None:
    a = task("a", items=(item(1),))
    b = replace(task("b", items=(item(1),)), items=(replace(item(1), methods=(Method.ONLINE_COMPARISON,)),))
    assert merge_candidates([a, b]) == []


def test_tasks_of_different_nodes_are_not_candidates() -> None:
    a = task("a")
    b = make_task(settings(OTHER_COUNTY), task_id="b")
    assert merge_candidates([a, b]) == []


def test_tasks_of_disjoint_regions_are_not_candidates_but_nested_regions_are() -> None:
    city = settings(CITY)
    a = make_task(city, task_id="a", implementing_nodes=(CITY,), scope=Scope(region_codes=(COUNTY.code,)))
    b = make_task(city, task_id="b", implementing_nodes=(CITY,), scope=Scope(region_codes=(OTHER_COUNTY.code,)))
    c = make_task(city, task_id="c", implementing_nodes=(CITY,))
    assert [(m.first, m.second) for m in merge_candidates([a, b, c])] == [("a", "c"), ("b", "c")]


def test_three_similar_tasks_give_every_pair() -> None:
    tasks = [task(name) for name in "abc"]
    assert [(m.first, m.second) for m in merge_candidates(tasks)] == [("a", "b"), ("a", "c"), ("b", "c")]
