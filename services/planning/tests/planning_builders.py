"""Builders for planning tests: node settings of the seeds, the real 9-item checklist of seeds/002, tasks, actors."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from functools import cache
from typing import Any

from planning.domain.actors import Actor
from planning.domain.plans import ChecklistEntry
from planning.domain.settings import MonthDay, NodeSettings
from planning.domain.tasks import Task, TaskItem, new_task

from hrss.contracts import Node
from hrss.contracts.checklist import Category, CheckItemSpec, Ratio
from hrss.contracts.lines import Line
from hrss.testing import seeds as fixtures

PROVINCE = Node("130000")
CITY = Node("130100")
COUNTY = Node("130102")
OTHER_COUNTY = Node("130104")
OTHER_CITY = Node("130200")
CST = timezone(timedelta(hours=8))


def settings(
    node: Node = COUNTY,
    *,
    deadline: tuple[int, int] = (1, 31),
    minimum: str = "5/100",
    template: str = "冀人社抽〔{year}〕{seq}号",
    team: int = 2,
) -> NodeSettings:
    """Settings of a node; defaults: 湖南's 31 January and 平顶山's 5%."""
    return NodeSettings(node, MonthDay(*deadline), Fraction(minimum), template, team)


def actor(node: Node, user: str = "planner") -> Actor:
    """A person acting for `node`."""
    return Actor(f"{user}@{node.code}", node)


def cst(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An instant given in China Standard Time, as the UTC timestamp the platform stores."""
    return datetime(year, month, day, hour, tzinfo=CST).astimezone(UTC)


@cache
def checklist() -> tuple[CheckItemSpec, ...]:
    """The 9 items of the 平顶山 2020 checklist (seeds/002): all general, implemented by cities and counties."""
    return tuple(fixtures.load_seed_checklist())


def item_id(number: int) -> str:
    """A stable id for checklist item `number`."""
    return f"item-{number}"


def entries(version: int = 1) -> list[ChecklistEntry]:
    """The checklist as a plan sees it, every item at `version`."""
    return [ChecklistEntry.from_spec(item_id(spec.number), version, spec) for spec in checklist()]


def spec(number: int, **changes: Any) -> CheckItemSpec:
    """Item `number` of the real checklist, optionally changed (e.g. category=Category.KEY)."""
    found = next(s for s in checklist() if s.number == number)
    return dataclasses.replace(found, **changes)


def task_item(
    number: int = 1,
    *,
    ratio: Ratio | None = None,
    item_ratio: Ratio | None = None,
    line: Line | None = None,
    **changes: Any,
) -> TaskItem:
    """Item `number` as a task item; `item_ratio` replaces the checklist's ratio, `ratio` is the task's override."""
    if item_ratio is not None:
        changes["ratio"] = item_ratio
    return TaskItem.from_spec(item_id(number), 1, spec(number, **changes), line=line, ratio=ratio)


def key_item(number: int = 7, *, ratio: Ratio | None = None) -> TaskItem:
    """Item `number` made a key item (the seed's nine are all general)."""
    return task_item(number, ratio=ratio, category=Category.KEY)


def percent(value: str) -> Ratio:
    """A fraction ratio from a percentage string such as '4.5'."""
    return Ratio("fraction", fraction=Fraction(value) / 100)


def task_fields(node: Node = COUNTY, **overrides: Any) -> dict[str, Any]:
    """The fields of a valid own task of `node`, with `overrides`."""
    fields: dict[str, Any] = {
        "task_id": "task-1",
        "title": "2026年人力资源服务机构双随机抽查",
        "year": 2026,
        "items": (task_item(1),),
        "lines": (Line.HR_MARKET,),
        "start": date(2026, 4, 1),
        "end": date(2026, 6, 30),
        "implementing_nodes": (node,),
        "ad_hoc_reason": "专项整治",
    }
    fields.update(overrides)
    return fields


def make_task(node_settings: NodeSettings | None = None, **overrides: Any) -> Task:
    """A valid, validated draft task (of the county, under 5% settings, unless told)."""
    chosen = node_settings or settings()
    return new_task(chosen, **task_fields(chosen.node, **overrides))
