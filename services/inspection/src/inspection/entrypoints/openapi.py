"""The OpenAPI 3 description of the inspection endpoints (request bodies from the pydantic models that parse
them); a test checks that it names every route."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from inspection.entrypoints import schemas

_ERRORS = {
    "400": "请求内容有误（request.*, record.*, follow_up.*, notice.*, publication.*, calendar.*）",
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权操作（access.*）或本实例不服务该节点（inspection.node_not_served）",
    "404": "检查、结果、后续处理或节点设置不存在（visit.not_found, result.not_found, follow_up.not_found, settings.*）",
    "409": (
        "步骤不允许（result.under_review, result.approved, result.own_review, notice.unannounced, follow_up.*, "
        "visit.closed, visit.approved, publication.*, settings.missing, calendar.store_not_configured）"
    ),
}

_ON = query("on", "日期（北京时间），默认今天", {"type": "string", "format": "date"})
_NODE = query("node", "节点（行政区划代码），默认本账号的全部下级")

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    ("POST", "/visits/{visit_id}/notices", "发放事先告知书（PDF）并通知", schemas.NoticeBody, 200, []),
    ("POST", "/visits/{visit_id}/results", "提交检查记录与结果", schemas.FormBody, 200, []),
    ("POST", "/field/batches", "移动端批量提交（每条带客户端编号，重试不重复）", schemas.BatchBody, 200, []),
    ("POST", "/results/{result_id}/return", "退回检查结果（须写审核意见）", schemas.DecisionBody, 200, []),
    ("POST", "/results/{result_id}/approve", "审核通过检查结果", schemas.DecisionBody, 200, []),
    ("POST", "/results/{result_id}/follow-ups", "后续处理：责令改正、移交、移送司法", schemas.FollowUpBody, 200, []),
    ("POST", "/follow-ups/{follow_up_id}/steps", "后续处理的复查或办结", schemas.StepBody, 200, []),
    ("POST", "/visits/{visit_id}/closure", "关闭无法检查的检查（须写明原因）", schemas.CloseBody, 200, []),
    ("POST", "/results/{result_id}/publication", "公示记录：公示或依法不予公示", schemas.PublicationBody, 200, []),
    ("PUT", "/nodes/{node}/settings", "设置本节点文书的发文机关、文号前缀、电话", schemas.NodeSettingsBody, 200, []),
    ("POST", "/calendar/years/{year}", "载入一年的国务院节假日安排（工作日历）", schemas.CalendarYearBody, 200, []),
    ("POST", "/deadlines/run", "期限检查：记录逾期并通知上级（幂等）", None, 200, [_ON]),
    ("GET", "/visits", "本节点及下级的检查（检查人员只见本人的）", None, 200, []),
    ("GET", "/visits/{visit_id}", "检查详情", None, 200, []),
    ("GET", "/visits/{visit_id}/pre-check", "预查比对：抽取时冻结的名录记录", None, 200, []),
    ("GET", "/visits/{visit_id}/notices/{notice_id}.pdf", "告知书 PDF", None, 200, []),
    ("GET", "/results/{result_id}", "检查结果及全部版本与审核意见", None, 200, []),
    ("GET", "/results/{result_id}/versions/{version}/record.pdf", "检查记录表 PDF", None, 200, []),
    ("GET", "/calendar/years", "工作日历：官方数据年份与载入记录", None, 200, []),
    ("GET", "/nodes/{node}/settings", "本节点文书设置及其全部版本", None, 200, []),
    ("GET", "/follow-ups/rate", "后续处理率", None, 200, [_NODE]),
    ("GET", "/deadlines", "期限提醒与逾期（上级可见下级）", None, 200, [_ON, _NODE]),
    ("GET", "/categories", "检查结果类别与检查方式", None, 200, []),
    ("GET", "/openapi.json", "接口说明", None, 200, []),
]

OPENAPI = build_openapi("抽查检查服务（inspection）", ROUTES, _ERRORS)
