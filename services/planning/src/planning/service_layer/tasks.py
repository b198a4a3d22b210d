"""Use cases of tasks (抽查任务): draft from a plan or ad hoc, revise the draft, publish with a document number,
freeze for the draw, record progress, cancel; and the merge candidates of a node's year.

Every step is a new task record (revision n+1) with the task as it then is, the event of the transition through
the outbox and an audit entry, in one transaction. Drafts publish no event; from publication on, every transition
does, carrying the whole task, so that the draw service starts from `planning.task_ready_for_draw` alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from hrss.auth import Principal, Role, in_scope
from hrss.contracts import Node
from hrss.contracts.events.planning import TASK_EVENTS, Acting
from planning.domain.documents import task_state
from planning.domain.errors import (
    FieldError,
    GroupMemberNotPublished,
    InvalidRecord,
    TaskNotFound,
    reason_required,
)
from planning.domain.merging import MergeCandidate, merge_candidates
from planning.domain.numbering import next_number
from planning.domain.task_lifecycle import TaskStatus, TaskTransition, cancel_task, transition
from planning.domain.tasks import Task, new_task, revise_task, with_number
from planning.service_layer.context import OVERRIDERS, PLANNERS, Context
from planning.service_layer.settings import effective_settings
from planning.service_layer.task_drafts import node_of, task_fields

OVERRIDE = "task.override"  # the action of a step after the draw recorded by hand
PROGRESS_STEPS = {
    TaskStatus.DRAWN,
    TaskStatus.DISPATCHED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.COMPLETED,
    TaskStatus.RESULTS_PUBLISHED,
}


def visible(principal: Principal, task: Task) -> bool:
    """Who sees a task: a caller whose scope holds the task's node, or one of the nodes that implement it (or a
    node above one: a county and its city see the province's unified task the county takes part in)."""
    return in_scope(principal, task.node) or any(in_scope(principal, node) for node in task.implementing_nodes)


def _authorize(ctx: Context, task_id: str, task: Task, roles: Collection[Role] | None = None) -> str:
    """`authorize` on the task's node, except that a caller who does not see the task gets `TaskNotFound` — the
    very error an unknown id gets, so "not yours" never tells "exists, at node N" from "no such". Who sees it
    but may not act (an implementing node on the task of a node above, an auditor, a missing role) is still 403."""
    if not visible(ctx.principal, task):
        raise TaskNotFound(task_id=task_id)
    return ctx.authorize(task.node, roles)


def create_task(ctx: Context, node_code: str, body: Any) -> Task:
    """A draft task of `node`, validated against the node's settings and list in force."""
    node = node_of(node_code, "node")
    role = ctx.authorize(node)
    ctx.serving(node.code)
    settings = effective_settings(ctx, node).settings
    task = new_task(settings, task_id=str(uuid.uuid4()), **task_fields(ctx, node, body))
    _check_group_open(ctx, node, task.draw_group, None)
    ctx.repo.save_task(task, 1, "task.create", ctx.actor, ctx.components.clock(), None)
    _audit(ctx, role, "task.create", task, 1, None)
    return task


def revise(ctx: Context, task_id: str, body: Any) -> Task:
    """The draft replaced by the body's content, validated again."""
    task, revision = ctx.repo.load_task(task_id, for_update=True)
    role = _authorize(ctx, task_id, task)
    settings = effective_settings(ctx, task.node).settings
    revised = revise_task(task, settings, **task_fields(ctx, task.node, body))
    _check_group_open(ctx, task.node, revised.draw_group, task.task_id)
    ctx.repo.save_task(revised, revision + 1, "task.revise", ctx.actor, ctx.components.clock(), None)
    _audit(ctx, role, "task.revise", revised, revision + 1, None)
    return revised


def _give_number(ctx: Context, task: Task) -> Task:
    """The next number of the node's year in its style, recorded once and never reused."""
    ctx.repo.lock(f"planning.number.{task.node.code}")
    settings = effective_settings(ctx, task.node).settings
    given = ctx.repo.numbers_given(task.node.code, task.year)
    number = next_number(given, settings.task_number_template, task.year)
    ctx.repo.give_number(task.node.code, task.year, number, task.task_id, ctx.components.clock())
    return with_number(task, number)


def move(ctx: Context, task_id: str, target: TaskStatus, reason: str | None) -> Task:
    """A planner's step (publish, freeze, cancel) if the lifecycle allows it; publication gives the number first,
    and freezing a task of a draw group freezes the whole group. The steps after the draw follow from facts
    (`follow_facts`) or, exceptionally, from an administrator's recorded override (`override`)."""
    if target in PROGRESS_STEPS:
        raise ValueError(f"{target.value} follows from facts or from an override, not from a planner's step")
    if target is TaskStatus.FROZEN:
        peek, _ = ctx.repo.load_task(task_id)
        if peek.draw_group is not None:
            return _freeze_group(ctx, task_id, peek, reason)
    task, revision = ctx.repo.load_task(task_id, for_update=True)
    role = _authorize(ctx, task_id, task, PLANNERS)
    return _step(ctx, role, task, revision, target, reason, _members(ctx, task))


def follow_facts(ctx: Context, task: Task, revision: int, target: TaskStatus, reason: str) -> Task:
    """A step after the draw that the facts call for, taken by the planning service itself (the caller holds the
    task's row): the transition record, the task event and the audit entry, as for any step."""
    role = ctx.authorize(task.node, {Role.SERVICE})
    return _step(ctx, role, task, revision, target, reason, _members(ctx, task))


def override(ctx: Context, task_id: str, target: TaskStatus, reason: str | None) -> Task:
    """An administrator records a step after the draw by hand, with a required reason; the record, the event and
    the audit entry say it is an override (人工变更), and the task's view lists it."""
    if target not in PROGRESS_STEPS:
        raise ValueError(f"{target.value} is not a step after the draw")
    task, revision = ctx.repo.load_task(task_id, for_update=True)
    role = _authorize(ctx, task_id, task, OVERRIDERS)
    if reason is None or not reason.strip():
        raise reason_required("reason", "task.override_reason_required", "人工变更抽取后的任务进度")
    return _step(ctx, role, task, revision, target, f"人工变更：{reason.strip()}", _members(ctx, task), OVERRIDE)


def _step(
    ctx: Context,
    role: str,
    task: Task,
    revision: int,
    target: TaskStatus,
    reason: str | None,
    members: list[str],
    action: str | None = None,
) -> Task:
    at = ctx.components.clock()
    if target is TaskStatus.CANCELLED:
        moved, change = cancel_task(task, ctx.actor, at, reason or "")
    else:
        if target is TaskStatus.PUBLISHED and task.status is TaskStatus.DRAFT and task.number is None:
            task = _give_number(ctx, task)
        moved, change = transition(task, target, ctx.actor, at, reason)
    action = action or f"task.{target.value}"
    ctx.repo.save_task(moved, revision + 1, action, ctx.actor, at, change.reason, task.status)
    _publish(ctx, moved, change, members)
    _audit(ctx, role, action, moved, revision + 1, change.reason)
    return moved


def _group_lock(ctx: Context, node: Node, group: str) -> None:
    ctx.repo.lock(f"planning.group.{node.code}.{group}")


def _members(ctx: Context, task: Task) -> list[str]:
    if task.draw_group is None:
        return []
    return [member.task_id for member in ctx.repo.group_members(task.node, task.draw_group)]


def _freeze_group(ctx: Context, task_id: str, task: Task, reason: str | None) -> Task:
    """Freeze every task of the group in one transaction: they are drawn together, so they freeze together."""
    group = task.draw_group
    assert group is not None
    role = _authorize(ctx, task_id, task)
    _group_lock(ctx, task.node, group)
    rows = ctx.repo.group_members(task.node, group)
    unready = [row.title for row in rows if row.status is TaskStatus.DRAFT]
    if unready:
        raise GroupMemberNotPublished(group=group, titles="、".join(unready))
    members = [row.task_id for row in rows]
    moved = {}
    for member in members:
        current, revision = ctx.repo.load_task(member, for_update=True)
        moved[member] = _step(ctx, role, current, revision, TaskStatus.FROZEN, reason, members)
    return moved[task.task_id]


def _check_group_open(ctx: Context, node: Node, group: str | None, task_id: str | None) -> None:
    """A draw group takes no new task once its tasks are frozen: they have been (or are being) drawn."""
    if group is None:
        return
    _group_lock(ctx, node, group)
    closed = [
        row
        for row in ctx.repo.group_members(node, group)
        if row.task_id != task_id and row.status not in (TaskStatus.DRAFT, TaskStatus.PUBLISHED)
    ]
    if closed:
        message = f"合并抽取组“{group}”的任务已冻结抽取，不能再加入任务；请使用新的合并抽取组"
        raise InvalidRecord([FieldError("draw_group", "task.group_closed", message)])


def _publish(ctx: Context, task: Task, change: TaskTransition, members: list[str]) -> None:
    contract = TASK_EVENTS[change.to_status.value]
    payload = contract(
        task=task_state(task),
        from_status=change.from_status.value,
        to_status=change.to_status.value,
        actor=Acting(user_id=change.actor.user_id, node=change.actor.node.code),
        at=change.at,
        reason=change.reason,
        draw_group_members=[uuid.UUID(m) for m in members],
    )
    ctx.uow.publish(payload, subject=task.task_id, node=ctx.serving(task.node.code))


def _audit(ctx: Context, role: str, action: str, task: Task, revision: int, reason: str | None) -> None:
    ctx.audit(
        role=role,
        action=action,
        object_type="task",
        object_id=task.task_id,
        node=task.node.code,
        version=revision,
        reason=reason,
        detail={"status": task.status.value, "number": task.number or ""},
    )


def candidates(ctx: Context, node: Node, year: int) -> tuple[list[MergeCandidate], dict[str, Task]]:
    """Pairs of the node's planning-stage tasks of `year` that should be considered for merging."""
    tasks = ctx.repo.planning_stage_tasks(node, year)
    by_id = {task.task_id: task for task in tasks}
    return merge_candidates(tasks), by_id


def record_draw(ctx: Context, task_ids: list[str], draw_id: str, picks: int, dispatched: dict[str, int]) -> list[str]:
    """The draw service's `draw_completed`: each frozen task of the draw becomes drawn, then dispatched (the draw
    dispatches in the same transaction). Tasks this process does not keep, or already past frozen (a later draw
    after a void), are left as they are; returns the ids of the tasks moved."""
    moved = []
    nodes = "、".join(f"{node} {count} 家" for node, count in sorted(dispatched.items())) or "无"
    for task_id in task_ids:
        if ctx.repo.task_status(task_id) is not TaskStatus.FROZEN:
            continue
        task, revision = ctx.repo.load_task(task_id, for_update=True)
        drawn = follow_facts(ctx, task, revision, TaskStatus.DRAWN, f"抽取 {draw_id} 完成，抽中 {picks} 家检查对象")
        follow_facts(ctx, drawn, revision + 1, TaskStatus.DISPATCHED, f"已派发：{nodes}")
        moved.append(task_id)
    return moved
