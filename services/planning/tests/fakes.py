"""In-memory stand-ins for the planning service's adapters, for use-case tests that run in milliseconds.

`FakePlanningRepository` behaves as `SqlPlanningRepository` does (tests/integration/test_repository_contract.py
runs both through the same tests); locks are no-ops, there being one transaction at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from planning.adapters.repository import PLANNING_STAGE, PlanningRepository
from planning.domain.actors import Actor
from planning.domain.checklist import ACTIVE, ItemInForce
from planning.domain.errors import PlanNotFound, TaskNotFound
from planning.domain.plans import Plan
from planning.domain.settings import NodeSettings
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.task_progress import DrawFacts, TaskFacts, VisitFacts
from planning.domain.tasks import GroupMember, Task

from hrss.contracts import Node
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.events.registry import CheckItemChanged
from hrss.contracts.lines import Line

_STEP_FLAGS = {
    "opened": (),
    "started": ("started",),
    "submitted": ("started", "submitted"),
    "returned": ("started", "submitted"),
    "approved": ("started", "submitted", "approved"),
    "closed": ("closed",),
}


@dataclass(frozen=True)
class Recorded:
    """One record row: what was saved, by whom, when and why."""

    action: str
    actor: Actor
    at: datetime
    reason: str | None
    state: Any
    revision: int | None = None
    from_status: TaskStatus | None = None


@dataclass
class _Visit:
    node: str
    task_ids: set[str]
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(("started", "submitted", "approved"), False))
    closed: bool = False
    closed_reason: str | None = None


class FakePlanningRepository(PlanningRepository):
    """Plans, tasks, settings, the checklist and the facts after the draw, in dictionaries."""

    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}
        self.plan_records: dict[str, list[Recorded]] = {}
        self.tasks: dict[str, tuple[Task, int]] = {}
        self.task_records: dict[str, list[Recorded]] = {}
        self.numbers: list[tuple[str, int, str, str]] = []  # (node, year, number, task id)
        self.settings: dict[str, list[tuple[NodeSettings, Recorded]]] = {}
        self.item_versions: dict[tuple[str, int], CheckItemChanged] = {}
        self.locks: list[str] = []
        self.draws: dict[tuple[str, str], dict[str, Any]] = {}  # (draw id, kind) → the fact
        self.visit_events: set[str] = set()
        self.visits: dict[str, _Visit] = {}
        self.publications: dict[str, str] = {}  # result id → visit id
        self.overdue: set[tuple[str, str]] = set()  # (subject id, kind)

    def lock(self, key: str) -> None:
        self.locks.append(key)

    # -- plans --

    def load_plan(self, plan_id: str, *, for_update: bool = False) -> Plan:
        if plan_id not in self.plans:
            raise PlanNotFound(plan_id=plan_id)
        return self.plans[plan_id]

    def plan_of(self, node: str, year: int) -> str | None:
        return next((p.plan_id for p in self.plans.values() if p.node.code == node and p.year == year), None)

    def save_plan(self, plan: Plan, action: str, actor: Actor, at: datetime, reason: str | None) -> None:
        self.plans[plan.plan_id] = plan
        self.plan_records.setdefault(plan.plan_id, []).append(Recorded(action, actor, at, reason, plan))

    # -- tasks --

    def load_task(self, task_id: str, *, for_update: bool = False) -> tuple[Task, int]:
        if task_id not in self.tasks:
            raise TaskNotFound(task_id=task_id)
        return self.tasks[task_id]

    def task_status(self, task_id: str) -> TaskStatus | None:
        found = self.tasks.get(task_id)
        return None if found is None else found[0].status

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
        records = self.task_records.setdefault(task.task_id, [])
        if any(r.revision == revision for r in records):
            raise AssertionError(f"revision {revision} of task {task.task_id} recorded twice")  # a unique key
        self.tasks[task.task_id] = (task, revision)
        records.append(Recorded(action, actor, at, reason, task, revision, from_status))

    def group_members(self, node: Node, group: str) -> list[GroupMember]:
        return [
            GroupMember(t.task_id, t.status, t.title)
            for t, _ in sorted(self.tasks.values(), key=lambda found: found[0].task_id)
            if t.node == node and t.draw_group == group and t.status is not TaskStatus.CANCELLED
        ]

    def planning_stage_tasks(self, node: Node, year: int) -> list[Task]:
        found = [t for t, _ in self.tasks.values() if t.node == node and t.year == year and t.status in PLANNING_STAGE]
        return sorted(found, key=lambda t: (t.start, t.task_id))

    def numbers_given(self, node: str, year: int) -> list[str]:
        return [number for n, y, number, _ in self.numbers if (n, y) == (node, year)]

    def give_number(self, node: str, year: int, number: str, task_id: str, at: datetime) -> None:
        if any(given == task_id or (n, y, num) == (node, year, number) for n, y, num, given in self.numbers):
            raise AssertionError(f"number {number} or task {task_id} numbered twice")  # unique keys
        self.numbers.append((node, year, number, task_id))

    # -- node settings --

    def own_settings(self, holder: Node, node: Node) -> tuple[NodeSettings, int] | None:
        versions = self.settings.get(holder.code)
        if not versions:
            return None
        return replace(versions[-1][0], node=node), len(versions)

    def add_settings(self, settings: NodeSettings, actor: Actor, at: datetime, reason: str | None) -> int:
        versions = self.settings.setdefault(settings.node.code, [])
        versions.append((settings, Recorded("settings.set", actor, at, reason, settings, len(versions) + 1)))
        return len(versions)

    # -- the registry's checklist --

    def add_check_items(self, changes: list[CheckItemChanged]) -> int:
        new = 0
        for change in changes:
            key = (str(change.item_id), change.version)
            if key not in self.item_versions:
                self.item_versions[key] = change
                new += 1
        return new

    def items_in_force(self, nodes: list[str]) -> list[ItemInForce]:
        latest: dict[str, CheckItemChanged] = {}
        for (item_id, version), change in self.item_versions.items():
            if change.node in nodes and (item_id not in latest or version > latest[item_id].version):
                latest[item_id] = change
        return [
            ItemInForce(
                item_id, c.version, c.node, Line(c.line) if c.line else None, CheckItemSpec.from_json(dict(c.spec))
            )
            for item_id, c in latest.items()
            if c.status == ACTIVE
        ]

    def latest_item_name(self, item_id: str) -> str | None:
        versions = [c for (known, _), c in self.item_versions.items() if known == item_id]
        if not versions:
            return None
        return str(max(versions, key=lambda c: c.version).spec.get("name") or "") or None

    # -- the facts after the draw --

    def add_draw(self, **values: Any) -> None:
        values["task_ids"] = sorted({str(t) for t in values["task_ids"]})
        self.draws.setdefault((values["draw_id"], values["kind"]), values)

    def add_visit_step(self, **values: Any) -> None:
        if values["event_id"] in self.visit_events:
            return
        self.visit_events.add(values["event_id"])
        visit = self.visits.setdefault(values["visit_id"], _Visit(values["node"], set()))
        visit.node = values["node"]
        visit.task_ids |= {str(t) for t in values["task_ids"]}
        for name in _STEP_FLAGS[values["status"]]:
            if name == "closed":
                visit.closed, visit.closed_reason = True, values.get("reason")
            else:
                visit.flags[name] = True

    def add_publication(self, **values: Any) -> None:
        self.publications.setdefault(str(values["result_id"]), str(values["visit_id"]))

    def add_overdue(self, **values: Any) -> None:
        self.overdue.add((str(values["subject_id"]), values["kind"]))

    def related_tasks(self, task_ids: Iterable[object]) -> list[str]:
        given = {str(t) for t in task_ids}
        drawn_with = {t for d in self.draws.values() if given & set(d["task_ids"]) for t in d["task_ids"]}
        return sorted(given | drawn_with)

    def task_facts(self, task_id: str) -> TaskFacts:
        draws: dict[str, dict[str, Any]] = {}
        for (draw_id, kind), fact in sorted(self.draws.items()):
            if task_id not in fact["task_ids"]:
                continue
            found = draws.setdefault(draw_id, {"task_ids": frozenset(fact["task_ids"]), "dispatched": {}})
            if kind == "voided":
                found["voided"] = True
            else:
                found["dispatched"] = dict(fact.get("dispatched") or {})
        draw_facts = tuple(
            DrawFacts(draw_id, d["task_ids"], d["dispatched"], d.get("voided", False))
            for draw_id, d in sorted(draws.items())
        )
        tasks = {task_id, *(t for d in draw_facts if not d.voided for t in d.task_ids)}
        published = set(self.publications.values())
        overdue = {subject for subject, kind in self.overdue if kind == "result"}
        visits = tuple(
            VisitFacts(
                visit_id=visit_id,
                node=v.node,
                task_ids=frozenset(v.task_ids),
                started=v.flags["started"],
                submitted=v.flags["submitted"],
                approved=v.flags["approved"],
                closed=v.closed,
                closed_reason=v.closed_reason,
                published=visit_id in published,
                overdue=visit_id in overdue,
            )
            for visit_id, v in sorted(self.visits.items())
            if v.task_ids & tasks
        )
        return TaskFacts(task_id, draw_facts, visits)
