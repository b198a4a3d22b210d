"""The planning service's errors: each refusal it raises, with its stable code and Chinese message defined once.

Field errors (`InvalidRecord` listing `FieldError`s) name the field of the request they refuse; the helpers here
make the ones several places raise.
"""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import Conflict, FieldError, InvalidRecord, NotFound

__all__ = [
    "Conflict",
    "FieldError",
    "GroupMemberNotPublished",
    "IllegalTransition",
    "InvalidRecord",
    "NotAllowed",
    "NotFound",
    "NotPlanParent",
    "PlanExists",
    "PlanNotEditable",
    "PlanNotFound",
    "PlanTransitionRefused",
    "SettingsOutOfScope",
    "TaskAlreadyNumbered",
    "TaskNotEditable",
    "TaskNotFound",
    "TaskNumberRequired",
    "TaskTransitionRefused",
    "WrongPlanNode",
    "invalid_node",
    "reason_required",
    "required",
]


class NotAllowed(PlatformError):
    """The actor's node may not take this step (HTTP 403): not the plan's node, or not its parent."""

    status = 403


class WrongPlanNode(NotAllowed):
    code = "plan.wrong_node"
    template = "只有计划所属节点（{node}）可以{what}，节点 {actor_node} 不能"


class NotPlanParent(NotAllowed):
    code = "plan.not_parent"
    template = "只有{who}可以审核节点 {node} 的计划，节点 {actor_node} 不能"


class SettingsOutOfScope(PlatformError):
    """A caller reading the settings of a node neither in its scope nor above the nodes it serves (HTTP 403)."""

    status = 403
    code = "access.out_of_scope"
    template = "无权查看节点 {node} 的设置"


class IllegalTransition(PlatformError):
    """A state change the lifecycle does not allow (HTTP 409); the message names both states in Chinese."""

    status = 409
    template = "当前状态为“{current}”，不能变更为“{target}”"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(current=current, target=target)
        self.current = current
        self.target = target


class PlanTransitionRefused(IllegalTransition):
    code = "plan.illegal_transition"


class TaskTransitionRefused(IllegalTransition):
    code = "task.illegal_transition"


class PlanNotFound(NotFound):
    code = "plan.not_found"
    template = "年度抽查计划 {plan_id} 不存在"


class PlanExists(Conflict):
    code = "plan.exists"
    template = "节点 {node} 已有 {year} 年度抽查计划（{plan_id}），请调整该计划"


class PlanNotEditable(Conflict):
    code = "plan.not_editable"
    template = "计划当前状态为“{status}”，只有草稿可以修改；请先调整计划生成新版本"


class TaskNotFound(NotFound):
    code = "task.not_found"
    template = "抽查任务 {task_id} 不存在"


class TaskNotEditable(Conflict):
    code = "task.not_editable"
    template = "任务当前状态为“{status}”，只有草稿可以修改"


class TaskAlreadyNumbered(Conflict):
    code = "task.already_numbered"
    template = "任务已编号为 {number}"


class TaskNumberRequired(Conflict):
    code = "task.number_required"
    template = "任务尚未编号，不能公示"


class GroupMemberNotPublished(Conflict):
    code = "task.group_member_not_published"
    template = "合并抽取组“{group}”中的任务“{titles}”尚未公示：组内任务须全部公示后一并冻结"


def reason_required(field: str, code: str, what: str) -> InvalidRecord:
    """The error for a step that needs a written reason and got none."""
    return InvalidRecord([FieldError(field, code, f"{what}必须填写理由")])


def required(name: str) -> InvalidRecord:
    """The error for a missing parameter or field."""
    return InvalidRecord([FieldError(name, "field.required", f"{name} 不能为空")])


def invalid_node(field: str, problem: object) -> InvalidRecord:
    """The error for a node code that is not a region code (`problem` says why, in Chinese)."""
    return InvalidRecord([FieldError(field, "node.invalid", str(problem))])
