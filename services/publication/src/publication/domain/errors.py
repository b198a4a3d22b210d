"""The publication service's refusals: each with its stable code for programs, its Chinese message for people
(defined once, here) and its HTTP status."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import FieldError, InvalidRecord, invalid


class NotFound(PlatformError):
    status = 404


class RecordNotFound(NotFound):
    code = "public.not_found"
    template = "没有已公开的{what}：{record_id}"


class RecordWithdrawn(PlatformError):
    status = 409
    code = "public.withdrawn"
    template = "记录 {record_id} 已撤回，不能再更正或撤回"


class NotPublishingNode(PlatformError):
    status = 403
    code = "access.not_publishing_node"
    template = "只有公开该记录的节点 {node} 可以更正或撤回（谁公开、谁更正）"


class RateLimited(PlatformError):
    status = 429
    code = "public.rate_limited"
    template = "请求过于频繁，请 {seconds} 秒后再试"

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds=seconds)
        self.retry_after = seconds


class UncoveredCalendar(PlatformError):
    """A deadline counted on a year the working-day calendar lacks; `problem` is the calendar's own account."""

    status = 400
    code = "calendar.not_covered"
    template = "{problem}"


class FutureRunDate(PlatformError):
    """Missed deadlines are facts of a day that has come: never recorded ahead."""

    status = 400
    code = "deadlines.future_date"
    template = "on 不能晚于今天（北京时间 {today}）：逾期只能在当日或之后记录"


class SearchUnavailable(PlatformError):
    status = 503
    code = "search.unavailable"
    template = "本服务未配置检索"


__all__ = [
    "FieldError",
    "FutureRunDate",
    "InvalidRecord",
    "NotFound",
    "NotPublishingNode",
    "RateLimited",
    "RecordNotFound",
    "RecordWithdrawn",
    "SearchUnavailable",
    "UncoveredCalendar",
    "invalid",
]
