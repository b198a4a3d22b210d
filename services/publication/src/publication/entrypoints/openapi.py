"""The OpenAPI 3 description of the publication endpoints; a test checks that it names every route. Every public
operation takes no credentials (`security: []`); the withheld list is for auditors."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from publication.domain.deadlines import STATES
from publication.entrypoints.staff import CorrectionBody, WithdrawalBody
from publication.search_views import SORTS

_ERRORS = {
    "400": "请求参数有误（request.invalid_*；检索：search.cursor_invalid, search.region_invalid 等）",
    "401": "未登录或令牌无效（auth.*，仅工作人员接口：/withheld、/deadlines）",
    "403": "无权查看（access.*，仅工作人员接口）",
    "404": "没有已公开的记录（public.not_found）",
    "409": "记录已撤回（public.withdrawn，仅更正、撤回）",
    "429": "请求过于频繁（public.rate_limited，见 Retry-After）",
    "503": "本服务未配置检索（search.unavailable，仅 /search、/suggest）",
}

_NODE = query("node", "节点（行政区划代码）及其下级，默认全部")
_YEAR = query("year", "年度", {"type": "integer", "minimum": 2000, "maximum": 2100})
_LIMIT = query("limit", "每页条数（1–200，默认 50）", {"type": "integer", "minimum": 1, "maximum": 200})
_OFFSET = query("offset", "跳过条数", {"type": "integer", "minimum": 0, "maximum": 100000})
_AFTER = query("after", "从该序号之后开始", {"type": "integer", "minimum": 0})
_PAGE = query("limit", "每页条数（1–1000，默认 200）", {"type": "integer", "minimum": 1, "maximum": 1000})
_TEXT = {"type": "string", "maxLength": 200}
_Q = query("q", "检索词（企业名称、统一社会信用代码、检查事项、检查情况等，最多 200 字）", _TEXT)
_SEARCH = [
    _Q,
    query("node", "地区（行政区划代码）：该地区及其下级；地区分面随之下钻一级"),
    _YEAR,
    query("item", "检查事项名称（分面取值）", _TEXT),
    query("category", "检查结果类别（分面取值）", _TEXT),
    query("body", "检查机关名称（分面取值）", _TEXT),
    query("sort", "排序：relevance（默认）、newest、oldest", {"type": "string", "enum": list(SORTS)}),
    query("cursor", "下一页游标（上一页的 next_cursor）", {"type": "string", "maxLength": 2000}),
    query("size", "每页条数（1–50，默认 10）", {"type": "integer", "minimum": 1, "maximum": 50}),
]
_AUDIT_NODE = query("node", "节点（行政区划代码），默认本账号的节点")

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    ("GET", "/entities/{uscc}/results", "企业公示页：该统一社会信用代码的全部已公开检查结果，最新在前", None, 200, []),
    ("GET", "/results", "已公开的检查结果（按节点、年度）", None, 200, [_NODE, _YEAR, _LIMIT, _OFFSET]),
    ("GET", "/results/{result_id}", "一项检查结果的公开内容（含后续处理措施）及其全部版本", None, 200, []),
    (
        "GET",
        "/refusals",
        "严重不配合检查的检查对象（检查结果类别为“不配合检查”，004 §10.1）",
        None,
        200,
        [_NODE, _YEAR, _LIMIT, _OFFSET],
    ),
    ("GET", "/tasks", "抽查任务公示（抽取前：事项、范围、比例、期限）", None, 200, [_NODE, _YEAR, _LIMIT, _OFFSET]),
    ("GET", "/tasks/{task_id}", "一项抽查任务公示及其全部版本", None, 200, []),
    ("GET", "/plans", "已公开的年度抽查计划", None, 200, [_NODE, _YEAR, _LIMIT, _OFFSET]),
    ("GET", "/plans/{plan_id}", "一项年度抽查计划及其全部版本", None, 200, []),
    ("GET", "/checklists", "各节点现行的抽查事项清单", None, 200, [_NODE, _YEAR, _LIMIT, _OFFSET]),
    ("GET", "/checklists/{checklist_id}", "一份抽查事项清单及其全部版本", None, 200, []),
    ("GET", "/nodes/{node}/checklist", "本节点现行的抽查事项清单及其全部版本", None, 200, []),
    (
        "GET",
        "/drawn-lists",
        "抽取结果（检查对象名称、统一社会信用代码、检查组执法证号；附抽取公开核验记录链接）",
        None,
        200,
        [_NODE, _YEAR, _LIMIT, _OFFSET],
    ),
    ("GET", "/drawn-lists/{list_id}", "一次抽取在本节点的抽取结果及其全部版本", None, 200, []),
    (
        "GET",
        "/nodes/{node}/receipts",
        "本节点的公开回执链",
        None,
        200,
        [_AFTER, _PAGE],
    ),
    ("GET", "/nodes/{node}/receipts/verification", "重新计算并核验本节点的回执链", None, 200, []),
    (
        "GET",
        "/search",
        "公开检索：关键词、分面（地区、年度、事项、类别、检查机关）、高亮、翻页、无结果建议",
        None,
        200,
        _SEARCH,
    ),
    ("GET", "/suggest", "输入提示：企业名称与检查事项", None, 200, [_Q]),
    ("GET", "/withheld", "依法不予公开的检查结果及理由（审计人员、管理员）", None, 200, [_AUDIT_NODE]),
    (
        "GET",
        "/deadlines",
        "公开期限（任务办结后 20 个工作日）：待公开、已逾期、按期、逾期后公开（工作人员，本节点及下级）",
        None,
        200,
        [
            _AUDIT_NODE,
            query("state", "状态：due、late、met、met_late", {"type": "string", "enum": list(STATES)}),
            query("on", "按该日（北京时间）计算，默认今天", {"type": "string", "format": "date"}),
        ],
    ),
    (
        "POST",
        "/deadlines/run",
        "记录逾期未公开的检查结果并发送 publication.deadline_missed（管理员、服务账号）",
        None,
        200,
        [query("on", "按该日（北京时间）计算，默认今天，不能晚于今天", {"type": "string", "format": "date"})],
    ),
    (
        "POST",
        "/records/{record_id}/corrections",
        "更正一项公开记录（公开该记录的节点：管理员、计划、审核人员）：生成新版本，注明更正的字段与理由",
        CorrectionBody,
        200,
        [],
    ),
    (
        "POST",
        "/records/{record_id}/withdrawal",
        "撤回一项公开记录（同上）：生成注明撤回理由的新版本，此后不再出现在公开检索中",
        WithdrawalBody,
        200,
        [],
    ),
    ("GET", "/openapi.json", "接口说明", None, 200, []),
]

OPENAPI = build_openapi("公开服务（publication）", ROUTES, _ERRORS)
# the entity page's USCC as GB 32100 shapes it (18 characters, no I, O, S, V, Z; the check character is checked too)
[_USCC] = OPENAPI["paths"]["/entities/{uscc}/results"]["get"]["parameters"]
_USCC["schema"] = {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$", "example": "91330102MA2B3C4D5K"}
# token required
STAFF = (
    "/withheld",
    "/deadlines",
    "/deadlines/run",
    "/records/{record_id}/corrections",
    "/records/{record_id}/withdrawal",
)
for _path, _operations in OPENAPI["paths"].items():
    if _path not in STAFF:
        for _operation in _operations.values():
            _operation["security"] = []
