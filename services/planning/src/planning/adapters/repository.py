"""Loading and saving plans and tasks: each save is a new record row and the projection of it, in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session

from planning.adapters.documents import plan_document, plan_from, task_document, task_from
from planning.adapters.orm import plan_current, plan_record, task_current, task_record
from planning.domain.actors import Actor
from planning.domain.errors import PlanNotFound, TaskNotFound
from planning.domain.plans import Plan
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.tasks import Task


def _record(action: str, actor: Actor, at: datetime, reason: str | None, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": action,
        "actor": actor.user_id,
        "actor_node": actor.node.code,
        "at": at,
        "reason": reason,
        "document": document,
    }


# -- plans ---------------------------------------------------------------------------------


def load_plan(session: Session, plan_id: str, *, for_update: bool = False) -> Plan:
    """The plan's latest version; `for_update` locks it until the transaction ends."""
    query = select(plan_current.c.document).where(plan_current.c.plan_id == plan_id)
    document = session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
    if document is None:
        raise PlanNotFound(plan_id=plan_id)
    return plan_from(document)


def plan_of(session: Session, node: str, year: int) -> str | None:
    """The id of `node`'s plan for `year`, if it has one."""
    return session.execute(
        select(plan_current.c.plan_id).where(plan_current.c.node == node, plan_current.c.year == year)
    ).scalar_one_or_none()


def save_plan(session: Session, plan: Plan, action: str, actor: Actor, at: datetime, reason: str | None) -> int:
    """Record the plan as it now is; the projection follows. Returns the record id."""
    document = plan_document(plan)
    record_id = session.execute(
        insert(plan_record)
        .values(
            plan_id=plan.plan_id,
            version=plan.version,
            status=plan.status.value,
            **_record(action, actor, at, reason, document),
        )
        .returning(plan_record.c.id)
    ).scalar_one()
    parent = plan.node.parent
    values = {
        "node": plan.node.code,
        "parent": parent.code if parent else None,
        "year": plan.year,
        "version": plan.version,
        "status": plan.status.value,
        "late": plan.late,
        "record_id": record_id,
        "document": document,
        "updated_at": at,
    }
    session.execute(
        upsert(plan_current)
        .values(plan_id=plan.plan_id, **values)
        .on_conflict_do_update(index_elements=[plan_current.c.plan_id], set_=values)
    )
    return record_id


# -- tasks ---------------------------------------------------------------------------------


def load_task(session: Session, task_id: str, *, for_update: bool = False) -> tuple[Task, int]:
    """The task as it now is and its revision; `for_update` locks it until the transaction ends."""
    query = select(task_current.c.document, task_current.c.revision).where(task_current.c.task_id == task_id)
    row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise TaskNotFound(task_id=task_id)
    return task_from(row.document), row.revision


def save_task(
    session: Session,
    task: Task,
    revision: int,
    action: str,
    actor: Actor,
    at: datetime,
    reason: str | None,
    from_status: TaskStatus | None = None,
) -> None:
    """Record revision `revision` of the task (1 for a new one); the projection follows."""
    document = task_document(task)
    session.execute(
        insert(task_record).values(
            task_id=task.task_id,
            revision=revision,
            status=task.status.value,
            from_status=from_status.value if from_status else None,
            **_record(action, actor, at, reason, document),
        )
    )
    kpi = task.kpi
    values = {
        "node": task.node.code,
        "number": task.number,
        "year": task.year,
        "title": task.title,
        "status": task.status.value,
        "revision": revision,
        "implementing_nodes": [n.code for n in task.implementing_nodes],
        "unified": task.unified,
        "start": task.start,
        "end": task.end,
        "plan_id": task.plan.plan_id if task.plan else None,
        "draw_group": task.draw_group,
        "joint": kpi.joint,
        "credit_differentiated": kpi.credit_differentiated,
        "major_items": kpi.major_items,
        "minor_items": kpi.minor_items,
        "document": document,
        "updated_at": at,
    }
    session.execute(
        upsert(task_current)
        .values(task_id=task.task_id, **values)
        .on_conflict_do_update(index_elements=[task_current.c.task_id], set_=values)
    )
