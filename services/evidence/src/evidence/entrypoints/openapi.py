"""The OpenAPI 3 description of the evidence endpoints (`hrss.observability.openapi`); a test checks that it names
exactly the routes served."""

from __future__ import annotations

from typing import Any

from evidence.entrypoints import schemas
from hrss.observability.openapi import Route, build_openapi, query

_ERRORS = {
    "400": "请求内容有误（request.*, evidence.*, archive.*, access.*；检查不属于 node：evidence.visit_other_node）",
    "401": "未登录或令牌无效（auth.*）",
    "403": (
        "无权操作，或未经批准、批准过期或超出范围（access.*, evidence.node_not_served）；检查人员不是该检查的"
        "检查组成员且无本节点其他角色（access.not_assigned）"
    ),
    "404": (
        "证据、档案、申请或借阅记录不存在；上传时本服务尚未收到该检查（evidence.visit_unknown，检查刚开启时请稍后重试）"
    ),
    "503": "本服务未配置档案检索（search.unavailable）",
    "409": "状态不允许（已审定、已归还、已借出、档案已更新；检查已关闭：evidence.visit_closed）",
    "413": "文件过大（evidence.too_large）",
    "415": "文件类型不允许或扩展名与内容不符（evidence.type_not_allowed, evidence.content_mismatch）",
    "422": (
        "校验值不符（evidence.checksum_mismatch）；文件完整检查未通过（evidence.content_invalid，reason 说明原因），"
        "该文件已隔离，不作为证据"
    ),
}

_UUID = {"type": "string", "format": "uuid"}
_GRANT = [query("grant_id", "查阅批准编号", _UUID)]
_UPLOAD_PARAMS: list[dict[str, Any]] = [
    {
        "name": name,
        "in": "query",
        "required": name in schemas.UploadQuery.model_json_schema().get("required", []),
        "schema": {k: v for k, v in spec.items() if k not in ("title", "default")},
    }
    for name, spec in schemas.UploadQuery.model_json_schema()["properties"].items()
]

ROUTES: list[Route] = [
    (
        "POST",
        "/evidence",
        "上传证据（请求体为文件原始字节，流式计算摘要并以对象锁保存）。检查须已由检查服务开启并已同步到本服务、"
        "属于 node 且未关闭；检查人员须为该检查的检查组成员（按账号关联的执法检查人员），档案管理员、管理员不受此限",
        None,
        201,
        _UPLOAD_PARAMS,
    ),
    (
        "GET",
        "/quarantine",
        "已隔离的上传（完整检查未通过的文件）：上传人、时间、检查、文件名、摘要、原因；仅本节点审批人、档案管理员可看，"
        "文件内容不提供",
        None,
        200,
        [query("node", "节点（行政区划代码）"), query("visit_id", "检查编号（可选）", _UUID)],
    ),
    ("GET", "/evidence/{evidence_id}", "证据登记信息（不含内容；检查人员仅限本人所在检查组的检查）", None, 200, []),
    (
        "GET",
        "/visits/{visit_id}/evidence",
        "一次检查的全部证据登记信息（检查人员仅限本人所在检查组的检查）",
        None,
        200,
        [],
    ),
    (
        "GET",
        "/archives/search",
        "档案全文检索（工作人员）：按实体名称、检查事项、档案文件（PDF、DOCX、文本、扫描件经文字识别）中的词语或语句查找，"
        "高亮片段，next_cursor 翻页。只返回本人可见的档案：本节点及下级节点归档的（检查人员仅限本人所在检查组的检查），"
        "或本人持有且在有效期内的查阅批准所列档案版本；可见范围在检索条件中限定，命中数与片段不含其他档案",
        None,
        200,
        [
            {**query("q", "要查找的词语", {"type": "string", "minLength": 1, "maxLength": 200}), "required": True},
            query("cursor", "上一页返回的 next_cursor", {"type": "string", "maxLength": 1000}),
            query("size", "每页条数（1–100，缺省 10）", {"type": "integer", "minimum": 1, "maximum": 100}),
        ],
    ),
    (
        "GET",
        "/archives/{archive_id}",
        "档案各版本及其更正记录（不含内容；检查人员仅限本人所在检查组的检查）",
        None,
        200,
        [],
    ),
    ("GET", "/visits/{visit_id}/archive", "一次检查的档案（检查人员仅限本人所在检查组的检查）", None, 200, []),
    ("POST", "/archives/{archive_id}/amendments", "提出档案更正（经办人）", schemas.AmendmentBody, 201, []),
    ("POST", "/amendments/{amendment_id}/decisions", "审定档案更正（审定人）", schemas.AmendmentDecisionBody, 200, []),
    ("POST", "/archives/{archive_id}/access-requests", "申请查阅或借阅档案", schemas.AccessRequestBody, 201, []),
    ("GET", "/access-requests/{request_id}", "查阅申请及审批情况", None, 200, []),
    (
        "POST",
        "/access-requests/{request_id}/decisions",
        "审批查阅申请（部门负责人、分管领导）",
        schemas.AccessDecisionBody,
        200,
        [],
    ),
    ("GET", "/archives/{archive_id}/versions/{version}", "查阅档案某一版本（须经批准）", None, 200, _GRANT),
    (
        "GET",
        "/archives/{archive_id}/versions/{version}/evidence/{evidence_id}",
        "读取已归档证据内容（须经批准）",
        None,
        200,
        _GRANT,
    ),
    ("POST", "/grants/{grant_id}/borrowings", "借阅登记（档案管理员）", schemas.BorrowBody, 201, []),
    ("POST", "/borrowings/{borrowing_id}/return", "归还登记与核对（完好、损坏、缺失）", schemas.ReturnBody, 200, []),
    ("GET", "/borrowings", "借阅登记簿", None, 200, [query("node", "节点（行政区划代码）")]),
]

OPENAPI = build_openapi("检查证据与档案服务", ROUTES, _ERRORS)
_version = OPENAPI["paths"]["/archives/{archive_id}/versions/{version}"]["get"]["parameters"]
for _path in (
    "/archives/{archive_id}/versions/{version}",
    "/archives/{archive_id}/versions/{version}/evidence/{evidence_id}",
):
    for _p in OPENAPI["paths"][_path]["get"]["parameters"]:
        if _p["name"] == "version":
            _p["schema"] = {"type": "integer", "minimum": 1, "maximum": 100000}
_upload = OPENAPI["paths"]["/evidence"]["post"]
_upload["responses"]["414"] = {"description": "查询参数过长（由 HTTP 服务器拒绝，URL 上限 8 KB）"}
OPENAPI["paths"]["/archives/search"]["get"]["responses"]["414"] = _upload["responses"]["414"]
_upload["requestBody"] = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
_evidence_read = OPENAPI["paths"]["/archives/{archive_id}/versions/{version}/evidence/{evidence_id}"]["get"]
_evidence_read["responses"]["200"] = {
    "description": (
        "证据原始字节（按归档版本号读取）；始终以附件下载（Content-Disposition: attachment; filename*=UTF-8''…），"
        "X-Content-Type-Options: nosniff，Content-Type 取自检查通过的文件类型"
    ),
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
