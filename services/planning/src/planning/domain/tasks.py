"""Inspection tasks (抽查任务): items with their versions, scope, ratios, team, dates, origin; and the KPI facts.

Validation is `planning.domain.task_rules`; the state machine is `planning.domain.task_lifecycle`.
The KPI facts the province counts later (003 attachment) are derived here, at the source:
- `joint`: more than one line of business, or another department taking part (进一次门、查多项事);
- `credit_differentiated`: the task sets per-grade ratios (信用风险差异化抽查);
- `major_items` / `minor_items`: key items (重点检查事项) count as major, general items (一般检查事项) as minor.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from hrss.contracts import Level, Node
from hrss.contracts.checklist import Category, CheckItemSpec, Method, Ratio
from hrss.contracts.credit import CreditGrade
from hrss.contracts.lines import Line
from planning.domain.errors import TaskAlreadyNumbered, TaskNotEditable
from planning.domain.settings import NodeSettings
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.task_rules import check_task


@dataclass(frozen=True)
class TaskItem:
    """A checklist item at the version the task uses, with the item's ratio and the task's own, if raised."""

    item_id: str
    item_version: int
    name: str
    category: Category
    methods: tuple[Method, ...]
    object_type: str
    item_ratio: Ratio
    line: Line | None = None
    ratio_override: Ratio | None = None
    levels: tuple[Level, ...] = ()  # the item's implementing levels (实施层级); empty in records older than them

    @classmethod
    def from_spec(
        cls,
        item_id: str,
        item_version: int,
        spec: CheckItemSpec,
        *,
        line: Line | None = None,
        ratio: Ratio | None = None,
    ) -> TaskItem:
        """The task item for a registry item version; `ratio` overrides the item's ratio."""
        return cls(
            item_id,
            item_version,
            spec.name,
            spec.category,
            spec.methods,
            spec.object_type,
            spec.ratio,
            line,
            ratio,
            spec.levels,
        )

    @property
    def ratio(self) -> Ratio:
        """The ratio the draw uses: the task's override, else the item's."""
        return self.ratio_override or self.item_ratio

    @property
    def major(self) -> bool:
        """Key items count as major in the monthly report, general items as minor."""
        return self.category is Category.KEY


@dataclass(frozen=True)
class Scope:
    """Which entities may be drawn; an empty field does not narrow the scope."""

    region_codes: tuple[str, ...] = ()  # roots of region subtrees; empty: the whole territory of the node
    object_types: tuple[str, ...] = ()  # empty: the object types of the items
    tags: tuple[str, ...] = ()
    grades: tuple[CreditGrade, ...] = ()  # empty: every grade, and entities without one


@dataclass(frozen=True)
class GradeRatio:
    """The ratio for entities of one credit grade (e.g. C at 20%, D at 50%)."""

    grade: CreditGrade
    fraction: Fraction


@dataclass(frozen=True)
class PlanRef:
    """The plan version a task comes from."""

    plan_id: str
    plan_version: int


@dataclass(frozen=True)
class KpiFacts:
    """The facts the KPIs count, fixed when the task is recorded."""

    joint: bool
    credit_differentiated: bool
    major_items: int
    minor_items: int


@dataclass(frozen=True)
class Task:
    """One sampling exercise of a node; built through `new_task`, which validates it."""

    task_id: str
    node: Node
    title: str
    year: int
    items: tuple[TaskItem, ...]
    lines: tuple[Line, ...]
    start: date
    end: date
    implementing_nodes: tuple[Node, ...]
    scope: Scope = field(default_factory=Scope)
    departments: tuple[str, ...] = ()  # other departments taking part (部门联合), besides this HRSS department
    grade_ratios: tuple[GradeRatio, ...] = ()
    exclude_inspected_within_months: int = 0  # 0: no exclusion (无事不扰 asks for one, 000 §二(二))
    team_size: int = 2
    publish_drawn_list: bool = True
    prior_notice: bool = True
    plan: PlanRef | None = None
    ad_hoc_reason: str | None = None
    unified: bool = False  # upper-level unified draw: this node draws, territorial nodes receive
    draw_group: str | None = None  # tasks with the same group are drawn together: an entity is visited once
    number: str | None = None
    status: TaskStatus = TaskStatus.DRAFT

    @property
    def joint(self) -> bool:
        """More than one line of business, or another department besides this one."""
        return len(set(self.lines)) > 1 or bool(self.departments)

    @property
    def credit_differentiated(self) -> bool:
        """True if the task draws at per-grade ratios."""
        return bool(self.grade_ratios)

    @property
    def major_items(self) -> int:
        """How many key items (重点检查事项) the task covers."""
        return sum(1 for item in self.items if item.major)

    @property
    def minor_items(self) -> int:
        """How many general items (一般检查事项) the task covers."""
        return sum(1 for item in self.items if not item.major)

    @property
    def kpi(self) -> KpiFacts:
        """The KPI facts, for the task's events."""
        return KpiFacts(self.joint, self.credit_differentiated, self.major_items, self.minor_items)

    @property
    def methods(self) -> frozenset[Method]:
        """Every method of every item."""
        return frozenset(method for item in self.items for method in item.methods)

    @property
    def object_types(self) -> frozenset[str]:
        """The scope's object types, else the items' object types."""
        return frozenset(self.scope.object_types or (item.object_type for item in self.items))

    @property
    def draw_regions(self) -> tuple[str, ...]:
        """Roots of the region subtrees the draw takes entities from: the scope's; else, for a unified task, the
        implementing nodes' territories; else the node's own territory."""
        if self.scope.region_codes:
            return self.scope.region_codes
        if self.unified:
            return tuple(node.code for node in self.implementing_nodes)
        return (self.node.code,)

    def grade_ratio(self, grade: CreditGrade) -> Fraction | None:
        """The ratio set for `grade`, if any."""
        return next((g.fraction for g in self.grade_ratios if g.grade is grade), None)


def new_task(settings: NodeSettings, **fields: Any) -> Task:
    """A draft task of the settings' node, refused with every field error at once if invalid."""
    fields.pop("status", None)
    return check_task(Task(node=settings.node, **fields), settings)


_FIXED = frozenset({"task_id", "node", "status", "number"})


def revise_task(task: Task, settings: NodeSettings, **changes: Any) -> Task:
    """The draft with `changes` applied and validated again; a published task is no longer edited."""
    if task.status is not TaskStatus.DRAFT:
        raise TaskNotEditable(status=task.status.label)
    if fixed := _FIXED.intersection(changes):
        raise ValueError(f"these fields are not revised: {', '.join(sorted(fixed))}")
    return check_task(replace(task, **changes), settings)


def with_number(task: Task, number: str) -> Task:
    """The task with its document number (文号), given once."""
    if task.number is not None:
        raise TaskAlreadyNumbered(number=task.number)
    return replace(task, number=number)


@dataclass(frozen=True)
class GroupMember:
    """A task of a draw group (合并抽取组) as the group's rules need it."""

    task_id: str
    status: TaskStatus
    title: str
