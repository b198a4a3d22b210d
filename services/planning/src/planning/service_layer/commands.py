"""What a caller asks planning to do, in the imperative: one command per use case, built by the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planning.domain.plans import PlannedItem
from planning.domain.task_lifecycle import TaskStatus


@dataclass(frozen=True)
class SetSettings:
    """Version n+1 of a node's own settings (节点设置), as the API sends them."""

    node: str
    plan_deadline: str
    general_minimum: str
    task_number_template: str
    minimum_team_size: int
    reason: str | None = None


@dataclass(frozen=True)
class CreatePlan:
    node: str
    year: int


@dataclass(frozen=True)
class EditPlan:
    plan_id: str
    items: tuple[PlannedItem, ...]
    omissions: tuple[tuple[str, str], ...] = ()  # (item id, why it is left out)


@dataclass(frozen=True)
class FilePlan:
    plan_id: str
    note: str | None = None


@dataclass(frozen=True)
class AcceptPlan:
    plan_id: str
    comment: str | None = None


@dataclass(frozen=True)
class ReturnPlan:
    plan_id: str
    comment: str | None = None


@dataclass(frozen=True)
class PublishPlan:
    plan_id: str
    note: str | None = None


@dataclass(frozen=True)
class AdjustPlan:
    plan_id: str
    reason: str


@dataclass(frozen=True)
class CreateTask:
    """A draft task of `node`; `draft` holds the task's fields as the API's task body names them."""

    node: str
    draft: Any


@dataclass(frozen=True)
class ReviseTask:
    task_id: str
    draft: Any


@dataclass(frozen=True)
class MoveTask:
    """A planner's step: publish, freeze or cancel."""

    task_id: str
    target: TaskStatus
    reason: str | None = None


@dataclass(frozen=True)
class OverrideTaskStatus:
    """An administrator records a step after the draw by hand, with a reason (人工变更)."""

    task_id: str
    target: TaskStatus
    reason: str | None = None
