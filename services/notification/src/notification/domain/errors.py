"""The notification service's refusals: each with its stable code for programs, its Chinese message for people
(defined once, here) and its HTTP status."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import FieldError, InvalidRecord, invalid


class NotificationNotFound(PlatformError):
    status = 404
    code = "notification.not_found"
    template = "收件箱中没有这条通知：{notification_id}"


class NoStaffAccount(PlatformError):
    status = 403
    code = "notification.staff_only"
    template = "只有人员账号有收件箱和联系方式"


class FutureRunDate(PlatformError):
    """Reminders are made for a day that has come, never ahead of it."""

    status = 400
    code = "reminders.future_date"
    template = "on 不能晚于今天（北京时间 {today}）：提醒只能在当日或之后发出"


__all__ = ["FieldError", "FutureRunDate", "InvalidRecord", "NoStaffAccount", "NotificationNotFound", "invalid"]
