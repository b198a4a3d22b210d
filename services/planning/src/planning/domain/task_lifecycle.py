"""The task state machine: draft → published (公示) → frozen → drawn → dispatched → in progress → completed →
results published, and cancellation from draft or published only, with a reason.

Every transition returns a `TaskTransition` (from, to, actor, time, reason): the service layer turns it into an
event and an audit entry. "Task ready for draw" is the transition to frozen: once frozen, the task's items, scope and
ratios can no longer change, and the draw service starts from the `planning.task_ready_for_draw` event.
Dispatch is a step for every task: a unified task sends drawn entities to territorial nodes, a node's own task
sends them to its own inspectors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from hrss.contracts import Node
from planning.domain.actors import Actor, blank, require_aware
from planning.domain.errors import (
    TaskNumberRequired,
    TaskTransitionRefused,
    reason_required,
)

if TYPE_CHECKING:
    from planning.domain.tasks import Task


class TaskStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FROZEN = "frozen"
    DRAWN = "drawn"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RESULTS_PUBLISHED = "results_published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return _LABELS[self]


_LABELS = {
    TaskStatus.DRAFT: "草稿",
    TaskStatus.PUBLISHED: "已公示",
    TaskStatus.FROZEN: "已冻结待抽取",
    TaskStatus.DRAWN: "已抽取",
    TaskStatus.DISPATCHED: "已派发",
    TaskStatus.IN_PROGRESS: "检查中",
    TaskStatus.COMPLETED: "已完成",
    TaskStatus.RESULTS_PUBLISHED: "结果已公示",
    TaskStatus.CANCELLED: "已取消",
}

_S = TaskStatus
TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    _S.DRAFT: frozenset({_S.PUBLISHED, _S.CANCELLED}),
    _S.PUBLISHED: frozenset({_S.FROZEN, _S.CANCELLED}),
    _S.FROZEN: frozenset({_S.DRAWN}),
    _S.DRAWN: frozenset({_S.DISPATCHED}),
    _S.DISPATCHED: frozenset({_S.IN_PROGRESS}),
    _S.IN_PROGRESS: frozenset({_S.COMPLETED}),
    _S.COMPLETED: frozenset({_S.RESULTS_PUBLISHED}),
    _S.RESULTS_PUBLISHED: frozenset(),
    _S.CANCELLED: frozenset(),
}

EVENT_TYPES = {
    _S.PUBLISHED: "planning.task_published",
    _S.FROZEN: "planning.task_ready_for_draw",
    _S.DRAWN: "planning.task_drawn",
    _S.DISPATCHED: "planning.task_dispatched",
    _S.IN_PROGRESS: "planning.task_started",
    _S.COMPLETED: "planning.task_completed",
    _S.RESULTS_PUBLISHED: "planning.task_results_published",
    _S.CANCELLED: "planning.task_cancelled",
}


@dataclass(frozen=True)
class TaskTransition:
    """One change of a task's state: the record behind its event and its audit entry."""

    task_id: str
    node: Node
    number: str | None
    from_status: TaskStatus
    to_status: TaskStatus
    actor: Actor
    at: datetime
    reason: str | None

    @property
    def event_type(self) -> str:
        """The event this transition publishes."""
        return EVENT_TYPES[self.to_status]

    @property
    def ready_for_draw(self) -> bool:
        """True for the transition to frozen, which the draw service starts from."""
        return self.to_status is TaskStatus.FROZEN


def can_transition(current: TaskStatus, target: TaskStatus) -> bool:
    """True if the lifecycle allows going from `current` to `target`."""
    return target in TRANSITIONS[current]


def transition(
    task: Task, target: TaskStatus, actor: Actor, at: datetime, reason: str | None = None
) -> tuple[Task, TaskTransition]:
    """The task in `target` state and the record of the change; refuses what the lifecycle does not allow."""
    if not can_transition(task.status, target):
        raise TaskTransitionRefused(task.status.label, target.label)
    if target is TaskStatus.CANCELLED and blank(reason):
        raise reason_required("reason", "task.cancel_reason_required", "取消任务")
    if target is TaskStatus.PUBLISHED and blank(task.number):
        raise TaskNumberRequired()
    record = TaskTransition(
        task_id=task.task_id,
        node=task.node,
        number=task.number,
        from_status=task.status,
        to_status=target,
        actor=actor,
        at=require_aware(at),
        reason=None if reason is None or blank(reason) else reason.strip(),
    )
    return replace(task, status=target), record


def cancel_task(task: Task, actor: Actor, at: datetime, reason: str) -> tuple[Task, TaskTransition]:
    """Cancel a draft or published task; the reason is required."""
    return transition(task, TaskStatus.CANCELLED, actor, at, reason)
