"""The OpenAPI 3 description of the notification endpoints; a test checks that it names every route."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from notification.entrypoints.schemas import ContactBody, EntityContactBody, PreferencesBody

_ERRORS = {
    "400": (
        "请求有误（request.*，contact.*，preference.*，reminders.future_date：如 preference.mandatory "
        "依规必须送达的通知不能关闭）"
    ),
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权操作（access.*，notification.staff_only，notification.node_not_served）",
    "404": "收件箱中没有这条通知（notification.not_found）",
}
_LIMIT = query("limit", "条数（1–200，默认 50）", {"type": "integer", "minimum": 1, "maximum": 200})
_UNREAD = query("unread", "只列未读（true/false）", {"type": "boolean"})
_ON = query("on", "按哪一天（YYYY-MM-DD，北京时间；默认今天，不能晚于今天）", {"type": "string", "format": "date"})
_NODE = query("node", "节点（行政区划代码）及其下级，默认本账号的节点")

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    (
        "GET",
        "/inbox",
        "我的收件箱（本人账号、所关联检查人员、本节点各角色的通知），最新在前",
        None,
        200,
        [_LIMIT, _UNREAD],
    ),
    ("GET", "/inbox/unread-count", "我的未读通知数", None, 200, []),
    ("POST", "/inbox/{notification_id}/read", "标记为已读（新增一条已读记录，不修改历史）", None, 200, []),
    ("GET", "/contacts/me", "我登记的联系方式", None, 200, []),
    ("PUT", "/contacts/me", "登记本人的电子邮件和手机号码（新版本）", ContactBody, 200, []),
    ("PUT", "/entities/{uscc}/contact", "登记检查对象接收检查告知书的联系方式（管理员）", EntityContactBody, 200, []),
    ("GET", "/preferences/me", "我的通知偏好（各类通知的渠道、免打扰时段）", None, 200, []),
    ("PUT", "/preferences/me", "设置通知偏好（新版本；依规必须送达的通知不能关闭）", PreferencesBody, 200, []),
    ("GET", "/deliveries/failed", "发送失败的通知及错误（管理员）", None, 200, [_NODE, _LIMIT]),
    (
        "POST",
        "/reminders/run",
        "期限提醒：检查结果即将到期提醒检查组和计划人员，借阅档案到期、逾期提醒借阅人和档案管理员（管理员、服务账号；幂等）",
        None,
        200,
        [_ON],
    ),
    (
        "POST",
        "/escalations/run",
        "逾期提级督办：逾期满若干工作日仍未办结的，告知再上一级管理员（管理员、服务账号；幂等）",
        None,
        200,
        [_ON],
    ),
    ("GET", "/templates", "通知模板（编号、版本、所依据的来源文件条款）", None, 200, []),
    ("GET", "/openapi.json", "接口说明", None, 200, []),
]

OPENAPI = build_openapi("通知服务（notification）", ROUTES, _ERRORS)
