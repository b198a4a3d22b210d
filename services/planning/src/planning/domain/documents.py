"""Plans, tasks and node settings as JSON documents: what the record tables store and the events carry (pure
functions of the domain objects; the adapters store them, the use cases publish them).

Round trips are exact: fractions travel as numerator and denominator, instants as ISO 8601 with their offset.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from hrss.contracts import Level, Node
from hrss.contracts.checklist import Category, Method, Ratio
from hrss.contracts.credit import CreditGrade
from hrss.contracts.lines import Line
from planning.domain.actors import Actor
from planning.domain.plan_events import Review
from planning.domain.plans import Omission, Plan, PlannedItem, PlanStatus
from planning.domain.settings import MonthDay, NodeSettings
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.tasks import GradeRatio, PlanRef, Scope, Task, TaskItem


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def actor_document(actor: Actor) -> dict[str, str]:
    return {"user_id": actor.user_id, "node": actor.node.code}


def actor_from(data: dict[str, str]) -> Actor:
    return Actor(data["user_id"], Node(data["node"]))


# -- plans ---------------------------------------------------------------------------------


def plan_document(plan: Plan) -> dict[str, Any]:
    """Everything a plan version holds."""
    return {
        "plan_id": plan.plan_id,
        "node": plan.node.code,
        "year": plan.year,
        "version": plan.version,
        "status": plan.status.value,
        "items": [
            {"item_id": i.item_id, "item_version": i.item_version, "planned_tasks": i.planned_tasks, "note": i.note}
            for i in plan.items
        ],
        "omissions": [{"item_id": o.item_id, "reason": o.reason} for o in plan.omissions],
        "first_filed_at": _instant(plan.first_filed_at),
        "filed_at": _instant(plan.filed_at),
        "late": plan.late,
        "reviews": [
            {
                "version": r.version,
                "accepted": r.accepted,
                "actor": actor_document(r.actor),
                "at": _instant(r.at),
                "comment": r.comment,
            }
            for r in plan.reviews
        ],
        "adjustment_reason": plan.adjustment_reason,
    }


def plan_from(data: dict[str, Any]) -> Plan:
    """The inverse of plan_document."""
    return Plan(
        plan_id=data["plan_id"],
        node=Node(data["node"]),
        year=data["year"],
        version=data["version"],
        status=PlanStatus(data["status"]),
        items=tuple(PlannedItem(i["item_id"], i["item_version"], i["planned_tasks"], i["note"]) for i in data["items"]),
        omissions=tuple(Omission(o["item_id"], o["reason"]) for o in data["omissions"]),
        first_filed_at=_parse_instant(data["first_filed_at"]),
        filed_at=_parse_instant(data["filed_at"]),
        late=data["late"],
        reviews=tuple(
            Review(r["version"], r["accepted"], actor_from(r["actor"]), _parse_instant(r["at"]), r["comment"])  # type: ignore[arg-type]
            for r in data["reviews"]
        ),
        adjustment_reason=data["adjustment_reason"],
    )


def plan_state(plan: Plan) -> dict[str, Any]:
    """The `PlanState` of the planning events."""
    return {
        "plan_id": plan.plan_id,
        "node": plan.node.code,
        "year": plan.year,
        "version": plan.version,
        "status": plan.status.value,
        "items": [
            {"item_id": i.item_id, "item_version": i.item_version, "planned_tasks": i.planned_tasks, "note": i.note}
            for i in plan.items
        ],
        "omissions": [{"item_id": o.item_id, "reason": o.reason} for o in plan.omissions],
        "late": plan.late,
        "adjustment_reason": plan.adjustment_reason,
    }


# -- tasks ---------------------------------------------------------------------------------


def ratio_document(ratio: Ratio) -> dict[str, Any]:
    return ratio.to_json()


def _item_document(item: TaskItem) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "item_version": item.item_version,
        "name": item.name,
        "category": item.category.value,
        "methods": [m.value for m in item.methods],
        "object_type": item.object_type,
        "line": item.line.value if item.line else None,
        "ratio": ratio_document(item.ratio),
        "item_ratio": ratio_document(item.item_ratio),
        "ratio_override": ratio_document(item.ratio_override) if item.ratio_override else None,
        "levels": [level.value for level in item.levels],
    }


def _item_from(data: dict[str, Any]) -> TaskItem:
    override = data.get("ratio_override")
    return TaskItem(
        item_id=data["item_id"],
        item_version=data["item_version"],
        name=data["name"],
        category=Category(data["category"]),
        methods=tuple(Method(m) for m in data["methods"]),
        object_type=data["object_type"],
        item_ratio=Ratio.from_json(data["item_ratio"]),
        line=Line(data["line"]) if data["line"] else None,
        ratio_override=Ratio.from_json(override) if override else None,
        levels=tuple(Level(value) for value in data.get("levels", ())),
    )


def task_document(task: Task) -> dict[str, Any]:
    """Everything a task holds, with its KPI facts (derived, stored for the reports)."""
    kpi = task.kpi
    return {
        "task_id": task.task_id,
        "node": task.node.code,
        "number": task.number,
        "title": task.title,
        "year": task.year,
        "status": task.status.value,
        "items": [_item_document(i) for i in task.items],
        "lines": [line.value for line in task.lines],
        "departments": list(task.departments),
        "implementing_nodes": [n.code for n in task.implementing_nodes],
        "unified": task.unified,
        "scope": {
            "region_codes": list(task.scope.region_codes),
            "object_types": list(task.scope.object_types),
            "tags": list(task.scope.tags),
            "grades": [g.value for g in task.scope.grades],
        },
        "draw_regions": list(task.draw_regions),
        "grade_ratios": [
            {"grade": g.grade.value, "numerator": g.fraction.numerator, "denominator": g.fraction.denominator}
            for g in task.grade_ratios
        ],
        "exclude_inspected_within_months": task.exclude_inspected_within_months,
        "team_size": task.team_size,
        "publish_drawn_list": task.publish_drawn_list,
        "prior_notice": task.prior_notice,
        "start": task.start.isoformat(),
        "end": task.end.isoformat(),
        "plan_id": task.plan.plan_id if task.plan else None,
        "plan_version": task.plan.plan_version if task.plan else None,
        "ad_hoc_reason": task.ad_hoc_reason,
        "draw_group": task.draw_group,
        "kpi": {
            "joint": kpi.joint,
            "credit_differentiated": kpi.credit_differentiated,
            "major_items": kpi.major_items,
            "minor_items": kpi.minor_items,
        },
    }


def task_from(data: dict[str, Any]) -> Task:
    """The inverse of task_document (the KPI facts are derived again)."""
    scope = data["scope"]
    plan = PlanRef(data["plan_id"], data["plan_version"]) if data["plan_id"] else None
    return Task(
        task_id=data["task_id"],
        node=Node(data["node"]),
        number=data["number"],
        title=data["title"],
        year=data["year"],
        status=TaskStatus(data["status"]),
        items=tuple(_item_from(i) for i in data["items"]),
        lines=tuple(Line(v) for v in data["lines"]),
        departments=tuple(data["departments"]),
        implementing_nodes=tuple(Node(c) for c in data["implementing_nodes"]),
        unified=data["unified"],
        scope=Scope(
            tuple(scope["region_codes"]),
            tuple(scope["object_types"]),
            tuple(scope["tags"]),
            tuple(CreditGrade(g) for g in scope["grades"]),
        ),
        grade_ratios=tuple(
            GradeRatio(CreditGrade(g["grade"]), Fraction(g["numerator"], g["denominator"]))
            for g in data["grade_ratios"]
        ),
        exclude_inspected_within_months=data["exclude_inspected_within_months"],
        team_size=data["team_size"],
        publish_drawn_list=data["publish_drawn_list"],
        prior_notice=data["prior_notice"],
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        plan=plan,
        ad_hoc_reason=data["ad_hoc_reason"],
        draw_group=data["draw_group"],
    )


def task_state(task: Task) -> dict[str, Any]:
    """The `TaskState` of the task events: the document without the override bookkeeping."""
    document = task_document(task)
    for item in document["items"]:
        item.pop("ratio_override")
        item.pop("levels")  # not in the TaskItemSpec contract (v1); the task's implementing nodes say where
    return document


# -- settings ------------------------------------------------------------------------------


def settings_document(settings: NodeSettings) -> dict[str, Any]:
    return {
        "node": settings.node.code,
        "plan_deadline": {"month": settings.plan_deadline.month, "day": settings.plan_deadline.day},
        "general_minimum": {
            "numerator": settings.general_minimum.numerator,
            "denominator": settings.general_minimum.denominator,
        },
        "task_number_template": settings.task_number_template,
        "minimum_team_size": settings.minimum_team_size,
    }


def settings_from(data: dict[str, Any], node: Node | None = None) -> NodeSettings:
    """The settings stored for a node; `node` re-targets inherited settings to the node asking."""
    minimum = data["general_minimum"]
    return NodeSettings(
        node=node or Node(data["node"]),
        plan_deadline=MonthDay(data["plan_deadline"]["month"], data["plan_deadline"]["day"]),
        general_minimum=Fraction(minimum["numerator"], minimum["denominator"]),
        task_number_template=data["task_number_template"],
        minimum_team_size=data["minimum_team_size"],
    )
