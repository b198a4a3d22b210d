"""The inspection service's refusals: each with its stable code for programs and its Chinese message for people,
defined once here and raised with the values the message names (`VisitClosed(reason=...)`)."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import FieldError, InvalidRecord


class Conflict(PlatformError):
    status = 409


class NotFound(PlatformError):
    status = 404


class Invalid(PlatformError):
    status = 400


# -- not found ------------------------------------------------------------------------------------------------


class VisitNotFound(NotFound):
    code = "visit.not_found"
    template = "检查不存在"


class ResultNotFound(NotFound):
    code = "result.not_found"
    template = "检查结果不存在"


class ResultVersionNotFound(NotFound):
    code = "result.version_not_found"
    template = "该版本的检查结果不存在"


class NoticeNotFound(NotFound):
    code = "notice.not_found"
    template = "告知书不存在"


class FollowUpNotFound(NotFound):
    code = "follow_up.not_found"
    template = "后续处理不存在"


class SettingsNotFound(NotFound):
    code = "settings.not_found"
    template = "节点 {node} 尚未设置发文机关等文书信息"


# -- steps not allowed ----------------------------------------------------------------------------------------


class VisitClosed(Conflict):
    code = "visit.closed"
    template = "本次检查已关闭（{reason}），不能再进行该操作"


class VisitApproved(Conflict):
    code = "visit.approved"
    template = "检查结果已审核通过，不能关闭本次检查"


class NoticeUnannounced(Conflict):
    code = "notice.unannounced"
    template = "本次检查含不宜事先告知的任务，不得向检查对象发放告知文书"


class SettingsMissing(Conflict):
    code = "settings.missing"
    template = "节点 {node} 尚未设置发文机关，请由本节点管理员先设置（PUT /nodes/{node}/settings）"


class ResultUnderReview(Conflict):
    code = "result.under_review"
    template = "检查结果正在审核中，退回后才能重新提交"


class ResultAlreadyApproved(Conflict):
    code = "result.approved"
    template = "检查结果已审核通过，不能再修改"


class StaleVersion(Conflict):
    code = "result.stale_version"
    template = "只能审核最新版本（第 {latest} 版）"


class ResultNotSubmitted(Conflict):
    code = "result.not_submitted"
    template = "检查结果当前为「{status}」，不能审核"


class OwnReview(Conflict):
    code = "result.own_review"
    template = "检查组成员不能审核本组录入的检查结果"


class FollowUpNotApproved(Conflict):
    code = "follow_up.not_approved"
    template = "检查结果审核通过后才能进行后续处理"


class FollowUpAlreadyClosed(Conflict):
    code = "follow_up.closed"
    template = "该后续处理已办结"


class NoRecheck(Conflict):
    code = "follow_up.no_recheck"
    template = "只有责令改正需要复查"


class RecheckRequired(Conflict):
    code = "follow_up.recheck_required"
    template = "责令改正须经复查合格后才能办结"


class PublicationNotApproved(Conflict):
    code = "publication.not_approved"
    template = "检查结果尚未审核通过，不能公示"


class PublicationExists(Conflict):
    code = "publication.exists"
    template = "该检查结果已有公示记录，不能重复公示"


class PublicationNotPublic(Conflict):
    code = "publication.not_public"
    template = "该结果审核时已标明依法不予公开，只能记录不予公示"


class ClientIdReused(Conflict):
    code = "field.client_id_reused"
    template = "该客户端编号已用于另一份不同内容的提交，请生成新的编号"


class CalendarStoreNotConfigured(Conflict):
    code = "calendar.store_not_configured"
    template = "本实例未配置节假日安排的存放目录（{variable}），无法载入"


# -- invalid requests -----------------------------------------------------------------------------------------


class CalendarInvalid(Invalid):
    """The holiday schedule refused by the working-day store; `problem` is the store's own Chinese account."""

    code = "calendar.invalid"
    template = "{problem}"


class UncoveredCalendar(Invalid):
    """A deadline counted on a year the calendar lacks; `problem` is the calendar's own Chinese account."""

    code = "calendar.not_covered"
    template = "{problem}"


class InvalidNode(Invalid):
    """A node code that is not one; `problem` is the code check's own Chinese account."""

    code = "request.invalid_node"
    template = "{problem}"


class InvalidYear(Invalid):
    code = "request.invalid_year"
    template = "year 应为 2000–2100 之间的年份"


class InvalidDate(Invalid):
    code = "request.invalid_date"
    template = "{name} 应为 YYYY-MM-DD 格式的日期"


class FutureRunDate(Invalid):
    """Overdue flags and `inspection.overdue` events are facts of a day that has come: never recorded ahead."""

    code = "deadlines.future_date"
    template = "on 不能晚于今天（北京时间 {today}）：逾期只能在当日或之后记录"


class InvalidVersion(Invalid):
    code = "request.invalid_version"
    template = "version 应为整数"


__all__ = [
    "CalendarInvalid",
    "CalendarStoreNotConfigured",
    "ClientIdReused",
    "Conflict",
    "FieldError",
    "FollowUpAlreadyClosed",
    "FollowUpNotApproved",
    "FollowUpNotFound",
    "Invalid",
    "InvalidDate",
    "InvalidNode",
    "InvalidRecord",
    "InvalidVersion",
    "InvalidYear",
    "NoRecheck",
    "NotFound",
    "NoticeNotFound",
    "NoticeUnannounced",
    "OwnReview",
    "PublicationExists",
    "PublicationNotApproved",
    "PublicationNotPublic",
    "RecheckRequired",
    "ResultAlreadyApproved",
    "ResultNotFound",
    "ResultNotSubmitted",
    "ResultUnderReview",
    "ResultVersionNotFound",
    "SettingsMissing",
    "SettingsNotFound",
    "StaleVersion",
    "UncoveredCalendar",
    "VisitApproved",
    "VisitClosed",
    "VisitNotFound",
]
