"""The draw service's refusals, each with its stable code (for programs) and Chinese message (for people) defined
once, here; raised with the values their message names."""

from __future__ import annotations

from hrss.contracts.errors import Conflict, NotFound, PlatformError


class Invalid(PlatformError):
    status = 400


# -- finding a draw and its tasks ---------------------------------------------------------------


class DrawNotFound(NotFound):
    code = "draw.not_found"
    template = "抽取 {draw_id} 不存在"


class TaskNotReady(NotFound):
    code = "draw.task_not_ready"
    template = "任务 {task_id} 尚未冻结待抽取（未收到 planning.task_ready_for_draw）"


class GroupIncomplete(Conflict):
    code = "draw.group_incomplete"
    template = "合并抽取组内任务 {missing} 尚未冻结待抽取"


class ItemNotKnown(Conflict):
    code = "draw.item_not_known"
    template = "抽查事项 {items} 尚未从名录库同步到抽取服务，无法确定检查人员所需的业务条线和资格，请稍后再冻结"


class DrawExists(Conflict):
    code = "draw.exists"
    template = "任务已有抽取 {draw_id}：一次抽取不能重复进行；如需重抽，须先作废并说明理由"


# -- the ceremony and the draw ------------------------------------------------------------------

VOIDED = "本次抽取已作废"
DRAWN = "本次抽取已完成，不能再提交随机数或重复抽取"


class ContributionToVoidedDraw(Conflict):
    code = "draw.not_accepting_contributions"
    template = VOIDED


class ContributionAfterDraw(Conflict):
    code = "draw.not_accepting_contributions"
    template = DRAWN


class DrawOfVoidedDraw(Conflict):
    code = "draw.cannot_draw"
    template = VOIDED


class DrawnTwice(Conflict):
    code = "draw.cannot_draw"
    template = "本次抽取已完成：一次抽取不能重复进行；如需重抽，须先作废并重新冻结"


class NoContribution(Conflict):
    code = "draw.cannot_draw"
    template = "至少需要一位见证人提交随机数后才能抽取"


class AlreadyVoided(Conflict):
    code = "draw.voided"
    template = VOIDED


# -- after the draw: replacement, expansion, team changes ---------------------------------------


class NotDrawn(Conflict):
    code = "draw.not_drawn"
    template = "只有已完成且未作废的抽取可以{step}"


class ReplacementReason(Invalid):
    code = "draw.replacement_reason"
    template = "替换理由只能是：{allowed}"


class AlreadyReplaced(Conflict):
    code = "draw.already_replaced"
    template = "检查对象 {uscc} 已被替换"


class NoReplacement(Conflict):
    code = "draw.no_replacement"
    template = "检查对象 {uscc} 不在本次抽取结果中，或其所在层已无可替换对象"


class ExpansionItem(Invalid):
    code = "draw.expansion_item"
    template = "本次抽取没有抽查事项 {item}"


class ExpansionRatio(Invalid):
    """The ratio as `hrss.contracts.checklist.parse_ratio` refused it, with its message."""

    code = "draw.expansion_ratio"
    template = "{refusal}"


class ExpansionNotLarger(Invalid):
    code = "draw.expansion_not_larger"
    template = "扩大抽取须提高抽查比例（{item} 现为 {current}，申请 {requested}）"


class NoTeam(NotFound):
    code = "draw.no_team"
    template = "检查对象 {uscc} 不在本次抽取结果中，或尚未分配检查组"


class MemberReplacementReason(Invalid):
    code = "draw.team_replacement_invalid"
    template = "更换检查人员的理由须为：{allowed}；收到 {reason!r}"


class ApproverMissing(Invalid):
    code = "draw.team_replacement_invalid"
    template = "更换检查人员须经实施机构负责人批准：approver 不能为空"


class NoTeamReplacement(Conflict):
    code = "draw.no_team_replacement"
    template = "该检查人员不在此检查组中，或已无符合条件的检查人员可替换"


# -- the records --------------------------------------------------------------------------------


class NotInFrame(NotFound):
    code = "draw.not_in_frame"
    template = "检查对象 {uscc} 不在本次抽取的名单快照中"


class InvalidFrameParameter(Invalid):
    code = "request.invalid_frame"
    template = "frame 参数只能为 none（不含名单快照）"
