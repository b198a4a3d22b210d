"""A task's fields from the API's body: items resolved on the node's list in force, lines, ratios, credit grades
and the plan the task comes from, each refusal naming the field."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hrss.auth import in_scope
from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.checklist import ChecklistError, parse_ratio
from hrss.contracts.credit import CreditGrade
from hrss.contracts.lines import LINE_LABELS, Line
from planning.domain.errors import FieldError, InvalidRecord, PlanNotFound, invalid_node
from planning.domain.plans import PlanStatus
from planning.domain.tasks import GradeRatio, PlanRef, Scope, TaskItem
from planning.service_layer.checklist import item_for_task, items_in_force, known_name
from planning.service_layer.context import Context

PLANS_IN_FORCE = (PlanStatus.ACCEPTED, PlanStatus.PUBLISHED)


def node_of(code: str, field: str) -> Node:
    try:
        return Node(code)
    except InvalidNodeCode as bad:
        raise invalid_node(field, bad) from None


def _line(value: str, field: str) -> Line:
    for line in Line:
        if value in (line.value, LINE_LABELS[line]):
            return line
    allowed = "、".join(LINE_LABELS.values())
    raise InvalidRecord([FieldError(field, "field.choice", f"业务条线取值无效：{value[:20]!r}（可选：{allowed}）")])


def _ratio(text: str, field: str):  # type: ignore[no-untyped-def]
    try:
        return parse_ratio(text)
    except ChecklistError as bad:
        raise InvalidRecord([FieldError(field, "task.ratio_invalid", bad.message)]) from None


def _grade_ratios(raw: dict[str, str]) -> tuple[GradeRatio, ...]:
    found = []
    for grade, text in raw.items():
        try:
            credit = CreditGrade(grade)
        except ValueError:
            message = f"信用等级只能是 A、B、C、D（现为 {grade[:4]!r}）"
            raise InvalidRecord([FieldError("grade_ratios", "task.grade_invalid", message)]) from None
        ratio = _ratio(text, f"grade_ratios.{grade}")
        if ratio.fraction is None:
            message = f"信用等级 {grade} 的抽查比例应为百分比"
            raise InvalidRecord([FieldError(f"grade_ratios.{grade}", "task.grade_ratio_kind", message)])
        found.append(GradeRatio(credit, Fraction(ratio.fraction)))
    return tuple(found)


def task_fields(ctx: Context, node: Node, body: Any) -> dict[str, Any]:
    """The domain fields of a task from the API's body: items resolved on the node's list in force."""
    in_force = {item.item_id: item for item in items_in_force(ctx, node)}
    items = []
    for index, raw in enumerate(body.items):
        where = f"items[{index}]"
        name = None if raw.item_id in in_force else known_name(ctx, raw.item_id)
        found = item_for_task(in_force, where, raw.item_id, raw.item_version, name)
        line = _line(raw.line, f"{where}.line") if raw.line else found.line
        ratio = _ratio(raw.ratio, f"{where}.ratio") if raw.ratio else None
        items.append(TaskItem.from_spec(found.item_id, found.version, found.spec, line=line, ratio=ratio))
    plan = None
    if body.plan_id is not None:
        plan = _plan_ref(ctx, node, body.year, str(body.plan_id), items)
    scope = body.scope
    return {
        "title": body.title.strip(),
        "year": body.year,
        "items": tuple(items),
        "lines": tuple(_line(v, f"lines[{i}]") for i, v in enumerate(body.lines)),
        "departments": tuple(d.strip() for d in body.departments if d.strip()),
        "start": body.start,
        "end": body.end,
        "implementing_nodes": tuple(
            node_of(code, f"implementing_nodes[{i}]") for i, code in enumerate(body.implementing_nodes or [node.code])
        ),
        "unified": body.unified,
        "scope": Scope(
            tuple(scope.region_codes),
            tuple(scope.object_types),
            tuple(scope.tags),
            tuple(CreditGrade(g) for g in scope.grades),
        ),
        "grade_ratios": _grade_ratios(body.grade_ratios),
        "exclude_inspected_within_months": body.exclude_inspected_within_months,
        "team_size": body.team_size,
        "publish_drawn_list": body.publish_drawn_list,
        "prior_notice": body.prior_notice,
        "plan": plan,
        "ad_hoc_reason": body.ad_hoc_reason,
        "draw_group": body.draw_group,
    }


def _plan_ref(ctx: Context, node: Node, year: int, plan_id: str, items: list[TaskItem]) -> PlanRef:
    """The plan a task comes from: the node's own plan of the task's year, in force, covering every item. A plan
    outside the caller's scope is answered as no plan, as `GET /plans/{id}` answers it."""
    plan = ctx.repo.load_plan(plan_id)
    if not in_scope(ctx.principal, plan.node):
        raise PlanNotFound(plan_id=plan_id)
    if plan.node != node or plan.year != year:
        message = f"任务只能依据本节点（{node.code}）{year} 年度的抽查计划"
        raise InvalidRecord([FieldError("plan_id", "task.plan_mismatch", message)])
    if plan.status not in PLANS_IN_FORCE:
        message = f"年度抽查计划当前状态为“{plan.status.label}”，备案后才能据以制定任务"
        raise InvalidRecord([FieldError("plan_id", "task.plan_not_in_force", message)])
    planned = {item.item_id for item in plan.items}
    outside = [item.name for item in items if item.item_id not in planned]
    if outside:
        message = f"抽查事项“{'、'.join(outside)}”未列入年度计划：请先调整计划，或作为临时任务并说明理由"
        raise InvalidRecord([FieldError("items", "task.item_not_in_plan", message)])
    return PlanRef(plan.plan_id, plan.version)
