"""Annual plans (年度抽查计划): coverage of the checklist, filing with the level above, review, versions, publication.

Lifecycle of one version: draft → filed → accepted | returned; accepted → published. A returned, accepted or
published plan is changed only by adjusting it, which makes version n+1 as a draft; earlier versions are never
altered (every function returns a new `Plan`). Each transition also returns its event-like record.

Decisions:
- A province has nobody above it on the platform (its plans go to the ministry, outside it). Filing a province plan
  is therefore *self-filing*: the same checks (coverage, deadline) run and are recorded, and the plan goes straight
  to accepted; `PlanFiled.filed_with` is None. Refusing would leave the province without a deadline record.
- Lateness is decided by the first filing of the year's plan and carried by later versions: a plan filed on time,
  returned or adjusted in July, is not late (adjustments are allowed all year, 000 §三(五), 004 §8.2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from hrss.contracts import Node
from planning.domain.actors import Actor, blank, china_date, require_aware
from planning.domain.errors import (
    FieldError,
    InvalidRecord,
    NotPlanParent,
    PlanNotEditable,
    PlanTransitionRefused,
    WrongPlanNode,
    reason_required,
)
from planning.domain.plan_coverage import LEVEL_LABELS, ChecklistEntry, Coverage, coverage
from planning.domain.plan_events import (
    PlanAccepted,
    PlanAdjusted,
    PlanEvent,
    PlanFiled,
    PlanPublished,
    PlanReturned,
    Review,
    clean,
    plan_event,
)
from planning.domain.settings import NodeSettings

__all__ = [
    "ChecklistEntry",
    "Coverage",
    "Omission",
    "Plan",
    "PlanAccepted",
    "PlanAdjusted",
    "PlanEvent",
    "PlanFiled",
    "PlanPublished",
    "PlanReturned",
    "PlanStatus",
    "PlannedItem",
    "Review",
    "accept_plan",
    "adjust_plan",
    "coverage",
    "file_plan",
    "new_plan",
    "publish_plan",
    "record_omission",
    "return_plan",
    "set_items",
]


class PlanStatus(StrEnum):
    DRAFT = "draft"
    FILED = "filed"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return _PLAN_LABELS[self]


_PLAN_LABELS = {
    PlanStatus.DRAFT: "草稿",
    PlanStatus.FILED: "已报备",
    PlanStatus.ACCEPTED: "已备案",
    PlanStatus.RETURNED: "已退回",
    PlanStatus.PUBLISHED: "已公示",
}


@dataclass(frozen=True)
class PlannedItem:
    """A checklist item the plan covers, at the version planned, with how many tasks are planned for it."""

    item_id: str
    item_version: int
    planned_tasks: int = 1
    note: str = ""


@dataclass(frozen=True)
class Omission:
    """Why an applicable item is left out of the plan (recorded by the planner, shown to the reviewer)."""

    item_id: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """One version of a node's plan for a year; the repository keeps every version under the same plan_id."""

    plan_id: str
    node: Node
    year: int
    version: int = 1
    status: PlanStatus = PlanStatus.DRAFT
    items: tuple[PlannedItem, ...] = ()
    omissions: tuple[Omission, ...] = ()
    first_filed_at: datetime | None = None
    filed_at: datetime | None = None
    late: bool | None = None
    reviews: tuple[Review, ...] = ()
    adjustment_reason: str | None = None

    def omission_for(self, item_id: str) -> Omission | None:
        """The recorded reason for leaving `item_id` out, if any."""
        return next((o for o in self.omissions if o.item_id == item_id), None)


def new_plan(plan_id: str, node: Node, year: int) -> Plan:
    """Version 1 of a node's plan for `year`, as an empty draft."""
    if not 2000 <= year <= 2100:
        raise InvalidRecord([FieldError("year", "plan.year_invalid", f"计划年度应在 2000–2100 之间（现为 {year}）")])
    return Plan(plan_id=plan_id, node=node, year=year)


def _editable(plan: Plan) -> None:
    if plan.status is not PlanStatus.DRAFT:
        raise PlanNotEditable(status=plan.status.label)


def set_items(plan: Plan, items: Iterable[PlannedItem], names: Mapping[str, str] | None = None) -> Plan:
    """The draft with its covered items replaced; refuses duplicates and non-positive counts, all at once.
    `names` (item id → name, from the checklist) lets the messages name the items."""
    _editable(plan)
    chosen = tuple(items)
    names = names or {}
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, item in enumerate(chosen):
        if item.item_id in seen:
            message = f"{_named(names.get(item.item_id), item.item_id)}重复列入计划"
            errors.append(FieldError(f"items[{index}]", "plan.item_duplicate", message))
        seen.add(item.item_id)
        if item.item_version < 1:
            errors.append(FieldError(f"items[{index}].item_version", "plan.item_version_invalid", "事项版本应为正整数"))
        if item.planned_tasks < 1:
            errors.append(
                FieldError(f"items[{index}].planned_tasks", "plan.planned_tasks_invalid", "计划任务数应至少为 1")
            )
    if errors:
        raise InvalidRecord(errors)
    return replace(plan, items=chosen)


def record_omission(plan: Plan, item_id: str, reason: str, name: str | None = None) -> Plan:
    """The draft with the reason why `item_id` (called `name`) is not covered (replacing an earlier reason for it)."""
    _editable(plan)
    if blank(reason):
        what = f"未将{_named(name, item_id)}纳入计划"
        raise reason_required("omissions.reason", "plan.omission_reason_required", what)
    kept = tuple(o for o in plan.omissions if o.item_id != item_id)
    return replace(plan, omissions=(*kept, Omission(item_id, reason.strip())))


def _require(plan: Plan, target: PlanStatus, *allowed: PlanStatus) -> None:
    if plan.status not in allowed:
        raise PlanTransitionRefused(plan.status.label, target.label)


def _own_node(plan: Plan, actor: Actor, what: str) -> None:
    if actor.node != plan.node:
        raise WrongPlanNode(node=plan.node.code, what=what, actor_node=actor.node.code)


def _parent_node(plan: Plan, actor: Actor) -> None:
    parent = plan.node.parent
    if parent is None or actor.node != parent:
        who = f"上级节点（{parent.code}）" if parent else "上级节点"
        raise NotPlanParent(who=who, node=plan.node.code, actor_node=actor.node.code)


def _named(name: str | None, item_id: str) -> str:
    """How a message names an item: by its name; an id only when no checklist holds it (it names nothing)."""
    return f"抽查事项“{name}”" if name else f"清单中没有的抽查事项（{item_id[:64]}）"


def _filing_errors(plan: Plan, report: Coverage) -> list[FieldError]:
    errors = [
        FieldError(
            f"items.{entry.item_id}",
            "plan.item_missing",
            f"计划未覆盖抽查事项“{entry.name}”：请纳入计划，或填写未纳入的理由",
        )
        for entry in report.unexplained(plan)
    ]
    errors += [
        FieldError(
            f"items.{item.item_id}",
            "plan.item_not_applicable",
            f"{_named(report.name_of(item.item_id), item.item_id)}不由本级（{LEVEL_LABELS[plan.node.level]}）"
            "或其下级实施，不在本级适用的抽查事项清单内，不能列入计划",
        )
        for item in report.not_applicable
    ]
    errors += [
        FieldError(
            f"items.{item.item_id}",
            "plan.item_version_unknown",
            f"抽查事项“{entry.name}”没有第 {item.item_version} 版（现行为第 {entry.item_version} 版）",
        )
        for item, entry in report.unknown_version
    ]
    return errors


def file_plan(
    plan: Plan,
    checklist: Iterable[ChecklistEntry],
    settings: NodeSettings,
    actor: Actor,
    at: datetime,
    note: str | None = None,
) -> tuple[Plan, PlanFiled]:
    """File the draft with the parent node; refused while an applicable item is missing without a reason."""
    _require(plan, PlanStatus.FILED, PlanStatus.DRAFT)
    _own_node(plan, actor, "报备计划")
    if settings.node != plan.node:
        raise ValueError(f"settings of {settings.node.code} used for a plan of {plan.node.code}")
    require_aware(at)
    report = coverage(plan, checklist)
    if errors := _filing_errors(plan, report):
        raise InvalidRecord(errors)
    first = plan.first_filed_at or at
    deadline = settings.plan_due(plan.year)
    late = china_date(first) > deadline
    parent = plan.node.parent
    status = PlanStatus.FILED if parent is not None else PlanStatus.ACCEPTED
    filed = replace(plan, status=status, first_filed_at=first, filed_at=at, late=late)
    missing = {entry.item_id for entry in report.missing}
    omitted = tuple(o for o in plan.omissions if o.item_id in missing)
    event = plan_event(
        PlanFiled, plan, actor, at, note, filed_with=parent, deadline=deadline, late=late, omitted=omitted
    )
    return filed, event


def accept_plan(plan: Plan, actor: Actor, at: datetime, comment: str | None = None) -> tuple[Plan, PlanAccepted]:
    """The parent accepts the filed version; its comment is kept."""
    _require(plan, PlanStatus.ACCEPTED, PlanStatus.FILED)
    _parent_node(plan, actor)
    event = plan_event(PlanAccepted, plan, actor, at, comment)
    review = Review(plan.version, True, actor, event.at, event.reason)
    return replace(plan, status=PlanStatus.ACCEPTED, reviews=(*plan.reviews, review)), event


def return_plan(plan: Plan, actor: Actor, at: datetime, comment: str) -> tuple[Plan, PlanReturned]:
    """The parent returns the filed version with a required comment; the planner then adjusts it."""
    _require(plan, PlanStatus.RETURNED, PlanStatus.FILED)
    _parent_node(plan, actor)
    if blank(comment):
        raise reason_required("comment", "plan.return_comment_required", "退回计划")
    event = plan_event(PlanReturned, plan, actor, at, comment)
    review = Review(plan.version, False, actor, event.at, event.reason)
    return replace(plan, status=PlanStatus.RETURNED, reviews=(*plan.reviews, review)), event


def publish_plan(plan: Plan, actor: Actor, at: datetime, note: str | None = None) -> tuple[Plan, PlanPublished]:
    """Make the accepted version public (公示): an explicit step, by the plan's own node."""
    _require(plan, PlanStatus.PUBLISHED, PlanStatus.ACCEPTED)
    _own_node(plan, actor, "公示计划")
    return replace(plan, status=PlanStatus.PUBLISHED), plan_event(PlanPublished, plan, actor, at, note)


def adjust_plan(plan: Plan, actor: Actor, at: datetime, reason: str) -> tuple[Plan, PlanAdjusted]:
    """Version n+1 as a draft, copied from a returned, accepted or published version n; the reason is required."""
    _require(plan, PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.ACCEPTED, PlanStatus.PUBLISHED)
    _own_node(plan, actor, "调整计划")
    if blank(reason):
        raise reason_required("reason", "plan.adjustment_reason_required", "调整计划")
    following = replace(
        plan, version=plan.version + 1, status=PlanStatus.DRAFT, filed_at=None, adjustment_reason=clean(reason)
    )
    return following, plan_event(PlanAdjusted, following, actor, at, reason, from_version=plan.version)
