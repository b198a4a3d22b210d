"""The planning repository: the port the use cases talk to, and its SQLAlchemy implementation.

Plans and tasks are kept as records (every save is a new record row) and a projection of the latest one, in the
caller's transaction; node settings as versions; the registry's checklist as the item versions its events carried;
the facts after the draw as received (`planning.adapters.progress`). Locks are transaction-scoped: they serialize
read-then-write steps between processes and end with the transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session

from hrss.contracts import Node
from hrss.contracts.events.registry import CheckItemChanged
from planning.adapters import checklist
from planning.adapters import progress as facts
from planning.adapters.orm import (
    plan_current,
    plan_record,
    settings_record,
    task_current,
    task_number,
    task_record,
)
from planning.domain.actors import Actor
from planning.domain.checklist import ItemInForce
from planning.domain.documents import (
    plan_document,
    plan_from,
    settings_document,
    settings_from,
    task_document,
    task_from,
)
from planning.domain.errors import PlanNotFound, TaskNotFound
from planning.domain.plans import Plan
from planning.domain.settings import NodeSettings
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.task_progress import TaskFacts
from planning.domain.tasks import GroupMember, Task

PLANNING_STAGE = (TaskStatus.DRAFT, TaskStatus.PUBLISHED)


class PlanningRepository(ABC):
    """What the planning use cases read and write, in the unit of work's transaction."""

    @abstractmethod
    def lock(self, key: str) -> None:
        """Wait for, then hold until the transaction ends, the lock named `key`."""

    # -- plans --

    @abstractmethod
    def load_plan(self, plan_id: str, *, for_update: bool = False) -> Plan:
        """The plan's latest version, else `PlanNotFound`; `for_update` locks it until the transaction ends."""

    @abstractmethod
    def plan_of(self, node: str, year: int) -> str | None:
        """The id of `node`'s plan for `year`, if it has one."""

    @abstractmethod
    def save_plan(self, plan: Plan, action: str, actor: Actor, at: datetime, reason: str | None) -> None:
        """Record the plan as it now is, by `actor` taking `action`."""

    # -- tasks --

    @abstractmethod
    def load_task(self, task_id: str, *, for_update: bool = False) -> tuple[Task, int]:
        """The task as it now is and its revision, else `TaskNotFound`; `for_update` locks it."""

    @abstractmethod
    def task_status(self, task_id: str) -> TaskStatus | None:
        """The task's status; None if this process does not keep the task."""

    @abstractmethod
    def save_task(
        self,
        task: Task,
        revision: int,
        action: str,
        actor: Actor,
        at: datetime,
        reason: str | None,
        from_status: TaskStatus | None = None,
    ) -> None:
        """Record revision `revision` of the task (1 for a new one)."""

    @abstractmethod
    def group_members(self, node: Node, group: str) -> list[GroupMember]:
        """The tasks of `node`'s draw group that are not cancelled, by task id."""

    @abstractmethod
    def planning_stage_tasks(self, node: Node, year: int) -> list[Task]:
        """The node's draft and published tasks of `year`, by start date then task id."""

    @abstractmethod
    def numbers_given(self, node: str, year: int) -> list[str]:
        """The task numbers given at `node` for `year`."""

    @abstractmethod
    def give_number(self, node: str, year: int, number: str, task_id: str, at: datetime) -> None:
        """Record that `number` is given to the task (never to be given again)."""

    # -- node settings --

    @abstractmethod
    def own_settings(self, holder: Node, node: Node) -> tuple[NodeSettings, int] | None:
        """The latest settings `holder` set itself and their version, as they apply to `node`; None if none."""

    @abstractmethod
    def add_settings(self, settings: NodeSettings, actor: Actor, at: datetime, reason: str | None) -> int:
        """Version n+1 of the node's own settings; returns n+1 (the caller holds the node's settings lock)."""

    # -- the registry's checklist --

    @abstractmethod
    def add_check_items(self, changes: list[CheckItemChanged]) -> int:
        """Keep the item versions not yet known; returns how many were new."""

    @abstractmethod
    def items_in_force(self, nodes: list[str]) -> list[ItemInForce]:
        """The items kept by `nodes`, each at its latest version, leaving out those withdrawn there."""

    @abstractmethod
    def latest_item_name(self, item_id: str) -> str | None:
        """The name of the item's latest version known, at any node; None if unknown."""

    # -- the facts after the draw --

    @abstractmethod
    def add_draw(self, **values: Any) -> None:
        """A draw completed or voided (draw_id, kind, node, task_ids, at, event_id, picks, dispatched, reason)."""

    @abstractmethod
    def add_visit_step(self, **values: Any) -> None:
        """One step of a visit (event_id, visit_id, node, uscc, region_code, task_ids, status, inspected_on, …)."""

    @abstractmethod
    def add_publication(self, **values: Any) -> None:
        """The publication record of one approved result (result_id, visit_id, node, task_ids, public, …)."""

    @abstractmethod
    def add_overdue(self, **values: Any) -> None:
        """A deadline passed (subject_id, kind, node, supervisor, due, detected_on, event_id)."""

    @abstractmethod
    def related_tasks(self, task_ids: Iterable[object]) -> list[str]:
        """The tasks given and every task drawn with one of them, sorted."""

    @abstractmethod
    def task_facts(self, task_id: str) -> TaskFacts:
        """What is known after the draw of `task_id`: its draws, and the visits of the tasks drawn with it."""


def _record(action: str, actor: Actor, at: datetime, reason: str | None, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": action,
        "actor": actor.user_id,
        "actor_node": actor.node.code,
        "at": at,
        "reason": reason,
        "document": document,
    }


class SqlPlanningRepository(PlanningRepository):
    """The repository on PostgreSQL, in `session`'s transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, key: str) -> None:
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))

    def load_plan(self, plan_id: str, *, for_update: bool = False) -> Plan:
        query = select(plan_current.c.document).where(plan_current.c.plan_id == plan_id)
        document = self.session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
        if document is None:
            raise PlanNotFound(plan_id=plan_id)
        return plan_from(document)

    def plan_of(self, node: str, year: int) -> str | None:
        return self.session.execute(
            select(plan_current.c.plan_id).where(plan_current.c.node == node, plan_current.c.year == year)
        ).scalar_one_or_none()

    def save_plan(self, plan: Plan, action: str, actor: Actor, at: datetime, reason: str | None) -> None:
        document = plan_document(plan)
        record_id = self.session.execute(
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
        self.session.execute(
            upsert(plan_current)
            .values(plan_id=plan.plan_id, **values)
            .on_conflict_do_update(index_elements=[plan_current.c.plan_id], set_=values)
        )

    def load_task(self, task_id: str, *, for_update: bool = False) -> tuple[Task, int]:
        query = select(task_current.c.document, task_current.c.revision).where(task_current.c.task_id == task_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise TaskNotFound(task_id=task_id)
        return task_from(row.document), row.revision

    def task_status(self, task_id: str) -> TaskStatus | None:
        status = self.session.execute(
            select(task_current.c.status).where(task_current.c.task_id == task_id)
        ).scalar_one_or_none()
        return None if status is None else TaskStatus(status)

    def save_task(
        self,
        task: Task,
        revision: int,
        action: str,
        actor: Actor,
        at: datetime,
        reason: str | None,
        from_status: TaskStatus | None = None,
    ) -> None:
        document = task_document(task)
        self.session.execute(
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
        self.session.execute(
            upsert(task_current)
            .values(task_id=task.task_id, **values)
            .on_conflict_do_update(index_elements=[task_current.c.task_id], set_=values)
        )

    def group_members(self, node: Node, group: str) -> list[GroupMember]:
        rows = self.session.execute(
            select(task_current.c.task_id, task_current.c.status, task_current.c.title)
            .where(
                task_current.c.node == node.code,
                task_current.c.draw_group == group,
                task_current.c.status != TaskStatus.CANCELLED.value,
            )
            .order_by(task_current.c.task_id)
        ).all()
        return [GroupMember(str(r.task_id), TaskStatus(r.status), r.title) for r in rows]

    def planning_stage_tasks(self, node: Node, year: int) -> list[Task]:
        rows = self.session.execute(
            select(task_current.c.document)
            .where(
                task_current.c.node == node.code,
                task_current.c.year == year,
                task_current.c.status.in_([s.value for s in PLANNING_STAGE]),
            )
            .order_by(task_current.c.start, task_current.c.task_id)
        ).scalars()
        return [task_from(document) for document in rows]

    def numbers_given(self, node: str, year: int) -> list[str]:
        return list(
            self.session.execute(
                select(task_number.c.number).where(task_number.c.node == node, task_number.c.year == year)
            ).scalars()
        )

    def give_number(self, node: str, year: int, number: str, task_id: str, at: datetime) -> None:
        self.session.execute(
            insert(task_number).values(node=node, year=year, number=number, task_id=task_id, given_at=at)
        )

    def own_settings(self, holder: Node, node: Node) -> tuple[NodeSettings, int] | None:
        row = self.session.execute(
            select(settings_record.c.document, settings_record.c.version)
            .where(settings_record.c.node == holder.code)
            .order_by(settings_record.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else (settings_from(row.document, node), row.version)

    def add_settings(self, settings: NodeSettings, actor: Actor, at: datetime, reason: str | None) -> int:
        node = settings.node.code
        latest = self.session.execute(
            select(func.max(settings_record.c.version)).where(settings_record.c.node == node)
        ).scalar_one()
        version = (latest or 0) + 1
        self.session.execute(
            insert(settings_record).values(
                node=node,
                version=version,
                **_record("settings.set", actor, at, reason, settings_document(settings)),
            )
        )
        return version

    def add_check_items(self, changes: list[CheckItemChanged]) -> int:
        return checklist.add_item_versions(self.session, changes)

    def items_in_force(self, nodes: list[str]) -> list[ItemInForce]:
        return checklist.latest_active(self.session, nodes)

    def latest_item_name(self, item_id: str) -> str | None:
        return checklist.latest_name(self.session, item_id)

    def add_draw(self, **values: Any) -> None:
        facts.add_draw(self.session, **values)

    def add_visit_step(self, **values: Any) -> None:
        facts.add_visit_step(self.session, **values)

    def add_publication(self, **values: Any) -> None:
        facts.add_publication(self.session, **values)

    def add_overdue(self, **values: Any) -> None:
        facts.add_overdue(self.session, **values)

    def related_tasks(self, task_ids: Iterable[object]) -> list[str]:
        return facts.related_tasks(self.session, task_ids)

    def task_facts(self, task_id: str) -> TaskFacts:
        return facts.task_facts(self.session, task_id)
