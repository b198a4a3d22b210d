"""Wire formats of the planning service's HTTP API (pydantic); the plans and tasks inside are checked by the domain.

Bodies are parsed with the registry's `parse`, so that every service answers a malformed body the same way.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from hrss.web import Body, Text, parse

__all__ = [
    "AdjustBody",
    "CommentBody",
    "NoteBody",
    "PlanBody",
    "PlanDraftBody",
    "ReasonBody",
    "SettingsBody",
    "StatusBody",
    "TaskBody",
    "parse",
]

Grade = Literal["A", "B", "C", "D"]


class SettingsBody(Body):
    plan_deadline: Text = Field(min_length=3, max_length=5, description="计划报送截止日期 MM-DD，如 01-31")
    general_minimum: Text = Field(min_length=1, max_length=12, description="一般检查事项最低抽查比例，如 3%")
    task_number_template: Text = Field(min_length=1, max_length=60, description="任务编号模板，含 {year} 与 {seq}")
    minimum_team_size: int = Field(default=2, ge=2, le=20)
    reason: Text | None = Field(default=None, max_length=2000)


NODE_PATTERN = r"^[1-9][0-9]{5}$"


class PlanBody(Body):
    node: Text = Field(pattern=NODE_PATTERN)
    year: int = Field(ge=2000, le=2100)


class PlannedItemBody(Body):
    item_id: Text = Field(min_length=1, max_length=64)
    item_version: int = Field(ge=1)
    planned_tasks: int = Field(default=1, ge=1, le=1000)
    note: Text = Field(default="", max_length=500)


class OmissionBody(Body):
    item_id: Text = Field(min_length=1, max_length=64)
    reason: Text = Field(min_length=1, max_length=2000)


class PlanDraftBody(Body):
    items: list[PlannedItemBody] = Field(max_length=2000)
    omissions: list[OmissionBody] = Field(default_factory=list, max_length=2000)


class NoteBody(Body):
    note: Text | None = Field(default=None, max_length=2000)


class CommentBody(Body):
    comment: Text | None = Field(default=None, max_length=2000)


class AdjustBody(Body):
    reason: Text = Field(min_length=1, max_length=2000)


class ReasonBody(Body):
    reason: Text | None = Field(default=None, max_length=2000)


class StatusBody(Body):
    """An administrator's override of a step after the draw (these steps normally follow from facts)."""

    to: Literal["drawn", "dispatched", "in_progress", "completed", "results_published"]
    reason: Text | None = Field(default=None, max_length=2000, description="人工变更的理由（必填）")


class TaskItemBody(Body):
    item_id: Text = Field(min_length=1, max_length=64)
    item_version: int | None = Field(default=None, ge=1, description="省略时使用现行版本")
    line: Text | None = Field(default=None, max_length=40)
    ratio: Text | None = Field(default=None, max_length=40, description="如 10% 或 至少200人；省略时按清单比例")


class ScopeBody(Body):
    region_codes: list[Text] = Field(default_factory=list, max_length=500)
    object_types: list[Text] = Field(default_factory=list, max_length=20)
    tags: list[Text] = Field(default_factory=list, max_length=50)
    grades: list[Grade] = Field(default_factory=list, max_length=4)


class TaskBody(Body):
    node: Text | None = Field(default=None, pattern=NODE_PATTERN, description="新建时必填")
    title: Text = Field(min_length=1, max_length=200)
    year: int = Field(ge=2000, le=2100)
    items: list[TaskItemBody] = Field(min_length=1, max_length=200)
    lines: list[Text] = Field(min_length=1, max_length=10)
    departments: list[Text] = Field(default_factory=list, max_length=20)
    start: date
    end: date
    implementing_nodes: list[Text] = Field(default_factory=list, max_length=500)
    unified: bool = False
    scope: ScopeBody = Field(default_factory=ScopeBody)
    grade_ratios: dict[Grade, Text] = Field(default_factory=dict)
    exclude_inspected_within_months: int = Field(default=0, ge=0, le=120)
    team_size: int = Field(default=2, ge=1, le=50)
    publish_drawn_list: bool = True
    prior_notice: bool = True
    plan_id: uuid.UUID | None = None
    ad_hoc_reason: Text | None = Field(default=None, max_length=2000)
    draw_group: Text | None = Field(default=None, max_length=100)
