"""The OpenAPI 3 description of the reporting endpoints; a test checks that it names every route."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from reporting.entrypoints.schemas import EntriesBody, SubmitBody

_ERRORS = {
    "400": "请求有误（request.*，reporting.reason_required）",
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权查看或报送该节点（access.*，reporting.node_not_served）",
    "404": "没有这项指标或这一版月报（reporting.unknown_kpi，reporting.version_not_found）",
    "409": "月报自上次报送后没有变化（reporting.nothing_to_submit）",
}
_NODE = query("node", "节点（行政区划代码）及其下级，默认本账号的节点")
_FROM = query("from", "起始日期（含，YYYY-MM-DD，北京时间；默认当年 1 月 1 日）", {"type": "string", "format": "date"})
_TO = query("to", "截止日期（含，默认今天）", {"type": "string", "format": "date"})
_ONLY = query(
    "only", "只列计入的（counted）或未计入的（missing）记录", {"type": "string", "enum": ["counted", "missing"]}
)
_VERSION = query("version", "已报送的第几版（默认：当前草稿）", {"type": "integer", "minimum": 1})

ROUTES: list[Route] = [
    (
        "GET",
        "/kpis",
        "003 考核指标（分子、分母、比例、目标、是否达标），本节点及下级合计",
        None,
        200,
        [_NODE, _FROM, _TO],
    ),
    ("GET", "/kpis/below-target", "未达标的下级节点（市、县）及未达标的指标", None, 200, [_NODE, _FROM, _TO]),
    (
        "GET",
        "/kpis/{kpi}/records",
        "指标背后的记录（哪些任务是联合抽查、哪些结果未公示……）",
        None,
        200,
        [_NODE, _FROM, _TO, _ONLY],
    ),
    ("GET", "/reports/{node}/{month}", "月报（003 附件格式）：平台统计部分与本节点录入部分，当前草稿", None, 200, []),
    ("GET", "/reports/{node}/{month}/report.xlsx", "月报 XLSX（当前草稿或已报送的某一版）", None, 200, [_VERSION]),
    ("GET", "/reports/{node}/{month}/report.pdf", "月报 PDF（当前草稿或已报送的某一版）", None, 200, [_VERSION]),
    ("PUT", "/reports/{node}/{month}/entries", "录入本月会议、文件、培训及联系人（新版本）", EntriesBody, 200, []),
    ("POST", "/reports/{node}/{month}/submit", "报送月报：冻结为新版本，不可修改；更正须说明原因", SubmitBody, 200, []),
    ("GET", "/reports/{node}/{month}/versions", "已报送的各版月报", None, 200, []),
    ("GET", "/reports/{node}/{month}/versions/{version}", "已报送的某一版月报（报送时的全部单元格）", None, 200, []),
    ("GET", "/openapi.json", "接口说明", None, 200, []),
]

OPENAPI = build_openapi("统计报表服务（reporting）", ROUTES, _ERRORS)
