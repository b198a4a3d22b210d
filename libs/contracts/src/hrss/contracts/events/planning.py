"""Plans and tasks (planning service): one event per plan transition and per task transition, keyed by id.

Every event carries the whole record as of the transition (the plan version with its items, or the task with its
items at their versions, scope, ratios and KPI facts), so that a consumer needs no call back: the draw service
starts from `planning.task_ready_for_draw` alone, and the publication service publishes plans and tasks from them.
Ratios are exact: a fraction as numerator and denominator, or an absolute minimum; never a float.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Acting(_Part):
    """Who took the step, for which node."""

    user_id: str = Field(min_length=1, max_length=200)
    node: NodeCode


class PlannedItem(_Part):
    item_id: str = Field(min_length=1, max_length=64)
    item_version: int = Field(ge=1)
    planned_tasks: int = Field(ge=1)
    note: str = ""


class Omission(_Part):
    item_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1)


class PlanState(_Part):
    """A plan version (年度抽查计划) as of the transition."""

    plan_id: uuid.UUID
    node: NodeCode
    year: int = Field(ge=2000, le=2100)
    version: int = Field(ge=1)
    status: Literal["draft", "filed", "accepted", "returned", "published"]
    items: list[PlannedItem]
    omissions: list[Omission]
    late: bool | None
    adjustment_reason: str | None


class _PlanEvent(_Part):
    plan: PlanState
    actor: Acting
    at: AwareDatetime
    reason: str | None


@event_contract("planning.plan_filed", 1)
class PlanFiled(_PlanEvent):
    """Filed with the parent node (报备); `filed_with` None: a province plan, accepted on filing."""

    filed_with: NodeCode | None
    deadline: date
    late: bool


@event_contract("planning.plan_accepted", 1)
class PlanAccepted(_PlanEvent):
    """The parent accepted the filed version (备案); `reason` is its comment."""


@event_contract("planning.plan_returned", 1)
class PlanReturned(_PlanEvent):
    """The parent returned the filed version with a comment (`reason`, required)."""


@event_contract("planning.plan_published", 1)
class PlanPublished(_PlanEvent):
    """The plan version is public (公示): the publication service publishes `plan`."""


@event_contract("planning.plan_adjusted", 1)
class PlanAdjusted(_PlanEvent):
    """Version n+1 was drafted from `from_version` for the reason given."""

    from_version: int = Field(ge=1)


class RatioSpec(_Part):
    """An exact fraction of the entities in scope, or an absolute minimum (至少200人)."""

    kind: Literal["fraction", "minimum"]
    numerator: int | None = Field(default=None, ge=1)
    denominator: int | None = Field(default=None, ge=1)
    minimum: int | None = Field(default=None, ge=1)
    unit: str | None = None


class TaskItemSpec(_Part):
    """A checklist item at the version the task uses; `ratio` is what the draw applies."""

    item_id: str = Field(min_length=1, max_length=64)
    item_version: int = Field(ge=1)
    name: str
    category: Literal["general", "key"]
    methods: list[Literal["on_site", "documentary", "online_comparison"]]
    object_type: str
    line: str | None
    ratio: RatioSpec
    item_ratio: RatioSpec


class ScopeSpec(_Part):
    """Empty lists do not narrow the scope; an empty region list is the task node's whole territory."""

    region_codes: list[NodeCode]
    object_types: list[str]
    tags: list[str]
    grades: list[Literal["A", "B", "C", "D"]]


class GradeRatioSpec(_Part):
    grade: Literal["A", "B", "C", "D"]
    numerator: int = Field(ge=1)
    denominator: int = Field(ge=1)


class KpiFacts(_Part):
    """What the province counts later (003), fixed at the source."""

    joint: bool
    credit_differentiated: bool
    major_items: int = Field(ge=0)
    minor_items: int = Field(ge=0)


class TaskState(_Part):
    """A task (抽查任务) as of the transition: everything the draw needs to start."""

    task_id: uuid.UUID
    node: NodeCode
    number: str | None
    title: str
    year: int = Field(ge=2000, le=2100)
    status: str
    items: list[TaskItemSpec] = Field(min_length=1)
    lines: list[str] = Field(min_length=1)
    departments: list[str]
    implementing_nodes: list[NodeCode] = Field(min_length=1)
    unified: bool
    scope: ScopeSpec
    draw_regions: list[NodeCode] = Field(min_length=1)  # roots of the subtrees the entities are drawn from
    grade_ratios: list[GradeRatioSpec]
    exclude_inspected_within_months: int = Field(ge=0)
    team_size: int = Field(ge=2)
    publish_drawn_list: bool
    prior_notice: bool
    start: date
    end: date
    plan_id: uuid.UUID | None
    plan_version: int | None = Field(default=None, ge=1)
    ad_hoc_reason: str | None
    draw_group: str | None
    kpi: KpiFacts


class _TaskEvent(_Part):
    task: TaskState
    from_status: str
    to_status: str
    actor: Acting
    at: AwareDatetime
    reason: str | None
    # every task of the task's draw group (合并抽取), itself included; they are frozen together and drawn together
    draw_group_members: list[uuid.UUID] = Field(default_factory=list)


@event_contract("planning.task_published", 1)
class TaskPublished(_TaskEvent):
    """The task is public (公示) before the draw, with its document number."""


@event_contract("planning.task_ready_for_draw", 1)
class TaskReadyForDraw(_TaskEvent):
    """The task is frozen: items, scope and ratios can no longer change; the draw service starts here."""


@event_contract("planning.task_drawn", 1)
class TaskDrawn(_TaskEvent):
    """The draw of the task's entities and inspectors is completed."""


@event_contract("planning.task_dispatched", 1)
class TaskDispatched(_TaskEvent):
    """The drawn entities were dispatched to the implementing nodes."""


@event_contract("planning.task_started", 1)
class TaskStarted(_TaskEvent):
    """Inspections of the task are in progress."""


@event_contract("planning.task_completed", 1)
class TaskCompleted(_TaskEvent):
    """Every inspection of the task has a result; the 20-working-day publication period starts."""


@event_contract("planning.task_results_published", 1)
class TaskResultsPublished(_TaskEvent):
    """The task's results are public."""


@event_contract("planning.task_cancelled", 1)
class TaskCancelled(_TaskEvent):
    """The task was cancelled before its draw, with the reason."""


TASK_EVENTS: dict[str, type[_TaskEvent]] = {
    "published": TaskPublished,
    "frozen": TaskReadyForDraw,
    "drawn": TaskDrawn,
    "dispatched": TaskDispatched,
    "in_progress": TaskStarted,
    "completed": TaskCompleted,
    "results_published": TaskResultsPublished,
    "cancelled": TaskCancelled,
}

__all__ = [
    "TASK_EVENTS",
    "Acting",
    "KpiFacts",
    "PlanAccepted",
    "PlanAdjusted",
    "PlanFiled",
    "PlanPublished",
    "PlanReturned",
    "PlanState",
    "TaskCancelled",
    "TaskCompleted",
    "TaskDispatched",
    "TaskDrawn",
    "TaskPublished",
    "TaskReadyForDraw",
    "TaskResultsPublished",
    "TaskStarted",
    "TaskState",
]
