"""Validation of a task against its node's settings: every field error at once, each naming its field.

Ratio rules (000 §三(二), 002 §二(一), 003 §一(一)):
- the task may raise an item's ratio, never lower it (the checklist ratio is the floor);
- a general item is never drawn below the node's minimum (5% or 3%), whatever the checklist says;
- a key item may go up to 100%; more than 100% cannot be written (`Ratio` refuses it);
- an absolute minimum ("至少200人") is raised as a count in the same unit; it is not compared with fractions;
- per-grade ratios (credit-risk differentiation) are each at least the general minimum and at most 100%.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from hrss.contracts import InvalidNodeCode, Level, Node
from hrss.contracts.checklist import Category, Ratio
from planning.domain.actors import blank
from planning.domain.errors import FieldError, InvalidRecord
from planning.domain.plan_coverage import levels_label
from planning.domain.settings import NodeSettings

if TYPE_CHECKING:
    from planning.domain.tasks import Task, TaskItem

MAX_EXCLUSION_MONTHS = 60
MAX_TITLE = 200


def _percent(fraction: Fraction) -> str:
    return Ratio("fraction", fraction=fraction).label if 0 < fraction <= 1 else f"{float(fraction * 100):g}%"


def ratio_errors(index: int, item: TaskItem, settings: NodeSettings) -> list[FieldError]:
    """The problems with the ratio the task uses for one item."""
    where = f"items[{index}].ratio"
    chosen, floor = item.ratio, item.item_ratio
    if chosen.kind != floor.kind:
        kind = "百分比" if floor.kind == "fraction" else "最少数量"
        message = f"抽查事项“{item.name}”在清单中按{kind}抽查（{floor.label}），任务比例须同样按{kind}填写"
        return [FieldError(where, "task.ratio_kind_mismatch", message)]
    if chosen.kind == "minimum":
        if chosen.unit != floor.unit:
            message = f"抽查事项“{item.name}”的最少数量单位应为“{floor.unit or ''}”"
            return [FieldError(where, "task.ratio_unit_mismatch", message)]
        if (chosen.minimum or 0) < (floor.minimum or 0):
            message = f"抽查事项“{item.name}”的抽查数量{chosen.label}不能低于清单规定的{floor.label}"
            return [FieldError(where, "task.ratio_below_item", message)]
        return []
    errors: list[FieldError] = []
    fraction, item_fraction = chosen.fraction or Fraction(0), floor.fraction or Fraction(0)
    if fraction < item_fraction:
        message = f"抽查事项“{item.name}”的抽查比例{chosen.label}不能低于清单规定的{floor.label}"
        errors.append(FieldError(where, "task.ratio_below_item", message))
    if item.category is Category.GENERAL and fraction < settings.general_minimum:
        message = (
            f"一般检查事项“{item.name}”的抽查比例{chosen.label}低于本节点最低抽查比例"
            f"{_percent(settings.general_minimum)}"
        )
        errors.append(FieldError(where, "task.ratio_below_minimum", message))
    return errors


def _item_errors(task: Task, settings: NodeSettings) -> list[FieldError]:
    if not task.items:
        return [FieldError("items", "task.items_required", "任务至少应包含一个抽查事项")]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, item in enumerate(task.items):
        if item.item_id in seen:
            errors.append(FieldError(f"items[{index}]", "task.item_duplicate", f"抽查事项“{item.name}”重复列入任务"))
        seen.add(item.item_id)
        if item.item_version < 1:
            errors.append(FieldError(f"items[{index}].item_version", "task.item_version_invalid", "事项版本应为正整数"))
        if item.line is not None and item.line not in task.lines:
            message = f"抽查事项“{item.name}”所属业务条线未列入任务的业务条线"
            errors.append(FieldError(f"items[{index}].line", "task.item_line_missing", message))
        errors += ratio_errors(index, item, settings)
    return errors


def _node_errors(task: Task) -> list[FieldError]:
    errors: list[FieldError] = []
    if not task.implementing_nodes:
        errors.append(FieldError("implementing_nodes", "task.implementing_nodes_required", "请指定实施节点"))
    outside = [n.code for n in task.implementing_nodes if not task.node.contains(n)]
    if outside:
        message = f"实施节点 {'、'.join(outside)} 不在本节点（{task.node.code}）辖区内"
        errors.append(FieldError("implementing_nodes", "task.implementing_node_outside", message))
    if task.unified and task.node.level is Level.COUNTY:
        message = "县级节点没有下级节点，不能发起上级统一抽取任务"
        errors.append(FieldError("unified", "task.unified_needs_lower_level", message))
    if not task.unified and task.implementing_nodes and task.implementing_nodes != (task.node,):
        message = "非上级统一抽取的任务只能由本节点实施；派发给下级请设为上级统一抽取"
        errors.append(FieldError("implementing_nodes", "task.implementing_node_not_self", message))
    if task.unified and task.scope.region_codes:
        errors += _dispatch_errors(task)
    return errors + _level_errors(task)


def _level_errors(task: Task) -> list[FieldError]:
    """Each item is inspected by nodes of its implementing levels (实施层级): an upper node deploys an item of the
    levels below as a unified task (上级统一抽取, 004 §9.1.1) whose implementing nodes are of those levels."""
    errors = []
    for index, item in enumerate(task.items):
        if not item.levels:
            continue
        wrong = [n.code for n in task.implementing_nodes if n.level not in item.levels]
        if not wrong:
            continue
        message = f"抽查事项“{item.name}”由{levels_label(item.levels)}实施，实施节点 {'、'.join(wrong)} 不在该层级"
        if not task.unified and task.node.level is not Level.COUNTY:
            message += "：本级可将其列入上级统一抽取任务（unified），由下级节点实施"
        errors.append(FieldError(f"items[{index}]", "task.item_level_not_implementing", message))
    return errors


def _dispatch_errors(task: Task) -> list[FieldError]:
    """A unified task's scope must be covered by its implementing nodes, and each of them must receive something:
    every drawn entity is dispatched to the implementing node whose territory holds it (属地实施)."""
    regions = []
    for code in task.scope.region_codes:
        try:
            regions.append(Node(code))
        except InvalidNodeCode:
            continue  # reported by the scope check
    nodes = task.implementing_nodes
    errors = []
    orphans = [r.code for r in regions if not any(n.contains(r) for n in nodes)]
    if orphans:
        message = f"抽查范围 {'、'.join(orphans)} 不在任何实施节点辖区内，抽中的对象将无人实施检查"
        errors.append(FieldError("scope.region_codes", "task.region_not_implemented", message))
    idle = [n.code for n in nodes if not any(n.contains(r) or r.contains(n) for r in regions)]
    if idle:
        message = f"实施节点 {'、'.join(idle)} 的辖区不在抽查范围内，不会收到派发的检查对象"
        errors.append(FieldError("implementing_nodes", "task.implementing_node_idle", message))
    return errors


def _scope_errors(task: Task, settings: NodeSettings) -> list[FieldError]:
    errors: list[FieldError] = []
    for code in task.scope.region_codes:
        try:
            region = Node(code)
        except InvalidNodeCode:
            errors.append(FieldError("scope.region_codes", "task.region_invalid", f"行政区划代码 {code!r} 无效"))
            continue
        if not task.node.contains(region):
            message = f"抽查范围 {code} 不在本节点（{task.node.code}）辖区内"
            errors.append(FieldError("scope.region_codes", "task.region_outside", message))
    seen = set()
    for rule in task.grade_ratios:
        where = f"grade_ratios.{rule.grade.value}"
        if rule.grade in seen:
            errors.append(FieldError(where, "task.grade_duplicate", f"信用等级 {rule.grade.value} 的比例重复设置"))
        seen.add(rule.grade)
        if task.scope.grades and rule.grade not in task.scope.grades:
            message = f"信用等级 {rule.grade.value} 不在抽查范围的信用等级内"
            errors.append(FieldError(where, "task.grade_out_of_scope", message))
        if not isinstance(rule.fraction, Fraction) or rule.fraction > 1:
            message = f"信用等级 {rule.grade.value} 的抽查比例不能超过 100%"
            errors.append(FieldError(where, "task.grade_ratio_too_high", message))
        elif rule.fraction < settings.general_minimum:
            message = (
                f"信用等级 {rule.grade.value} 的抽查比例{_percent(rule.fraction)}低于本节点最低抽查比例"
                f"{_percent(settings.general_minimum)}"
            )
            errors.append(FieldError(where, "task.grade_ratio_below_minimum", message))
    return errors


def _origin_errors(task: Task) -> list[FieldError]:
    if task.plan is not None and not blank(task.ad_hoc_reason):
        message = "任务不能既依据年度计划又作为临时任务：请只选其一"
        return [FieldError("ad_hoc_reason", "task.origin_ambiguous", message)]
    if task.plan is None and blank(task.ad_hoc_reason):
        message = "不依据年度计划的临时任务必须填写理由"
        return [FieldError("ad_hoc_reason", "task.ad_hoc_reason_required", message)]
    if task.plan is not None and task.plan.plan_version < 1:
        return [FieldError("plan.plan_version", "task.plan_version_invalid", "计划版本应为正整数")]
    return []


def _general_errors(task: Task, settings: NodeSettings) -> list[FieldError]:
    errors: list[FieldError] = []
    if blank(task.title):
        errors.append(FieldError("title", "task.title_required", "任务名称不能为空"))
    elif len(task.title.strip()) > MAX_TITLE:
        errors.append(FieldError("title", "task.title_too_long", f"任务名称不能超过 {MAX_TITLE} 个字符"))
    if not 2000 <= task.year <= 2100:
        errors.append(FieldError("year", "task.year_invalid", f"任务年度应在 2000–2100 之间（现为 {task.year}）"))
    if not task.lines:
        errors.append(FieldError("lines", "task.lines_required", "请至少指定一个业务条线"))
    if task.start > task.end:
        message = f"开始日期 {task.start.isoformat()} 不能晚于结束日期 {task.end.isoformat()}"
        errors.append(FieldError("end", "task.dates_reversed", message))
    months = task.exclude_inspected_within_months
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= MAX_EXCLUSION_MONTHS:
        message = f"排除近期已检查对象的月数应为 0–{MAX_EXCLUSION_MONTHS}（现为 {months}）"
        errors.append(FieldError("exclude_inspected_within_months", "task.exclusion_invalid", message))
    if task.team_size < settings.minimum_team_size:
        message = f"每个检查组至少 {settings.minimum_team_size} 名执法检查人员（现为 {task.team_size} 名）"
        errors.append(FieldError("team_size", "task.team_too_small", message))
    if task.draw_group is not None and blank(task.draw_group):
        errors.append(FieldError("draw_group", "task.draw_group_blank", "合并抽取组编号不能为空白"))
    return errors


def task_errors(task: Task, settings: NodeSettings) -> list[FieldError]:
    """Every problem with the task under its node's settings; empty if it is valid."""
    if settings.node != task.node:
        raise ValueError(f"settings of {settings.node.code} used for a task of {task.node.code}")
    return (
        _general_errors(task, settings)
        + _item_errors(task, settings)
        + _node_errors(task)
        + _scope_errors(task, settings)
        + _origin_errors(task)
    )


def check_task(task: Task, settings: NodeSettings) -> Task:
    """The task itself if valid, else InvalidRecord listing every field error."""
    if errors := task_errors(task, settings):
        raise InvalidRecord(errors)
    return task
