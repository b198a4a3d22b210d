"""The OpenAPI 3 description of the registry endpoints: request bodies from the pydantic models that parse them,
so the description cannot drift from what is accepted (`hrss.observability.openapi`); a test checks that it
names every route."""

from __future__ import annotations

from typing import Any

from hrss.observability.openapi import Route, build_openapi, query
from registry.entrypoints import schemas

_ERRORS = {
    "400": "请求内容有误，errors 逐项列出字段、代码与说明（record.*, request.*, field.*, uscc.*, region.*）",
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权操作（access.*）或本实例不服务该节点（registry.node_not_served）",
    "404": "对象不存在或不在本账号管辖范围内（entity.not_found, inspector.not_found, checklist.not_found, "
    "import.not_found, region.unknown）",
    "409": "冲突：已登记（entity.exists, inspector.exists, interest.exists）",
}

_TEXT: dict[str, Any] = {"type": "string"}
_LIMIT = query("limit", "每页条数（1–500，默认 50）", {"type": "integer", "minimum": 1, "maximum": 500})
_AFTER = query("after", "上一页最后一条的 id", {"type": "string", "format": "uuid"})

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    (
        "GET",
        "/entities",
        "检查对象列表：按区划子树、对象类型、行业、标注、信用等级、状态筛选，按 id 翻页",
        None,
        200,
        [
            query("region", "行政区划代码（默认本账号节点），含下级"),
            query("object_type", "对象类型代码或中文名", _TEXT),
            query("industry", "行业", _TEXT),
            query("tag", "分类标注（可重复，须全部具备）", _TEXT),
            query("credit_grade", "信用等级 A–D", _TEXT),
            query("status", "登记状态代码或中文名", _TEXT),
            _LIMIT,
            _AFTER,
        ],
    ),
    ("POST", "/entities", "登记检查对象（第 1 版）", schemas.RecordBody, 201, []),
    ("GET", "/entities/{entity_id}", "检查对象及其全部版本", None, 200, []),
    ("PATCH", "/entities/{entity_id}", "变更检查对象：形成新版本（内容不变则不形成）", schemas.RecordBody, 200, []),
    ("GET", "/entities/by-uscc/{uscc}", "按统一社会信用代码查询检查对象", None, 200, []),
    (
        "GET",
        "/late-changes",
        "超过 5 个工作日才更新的检查对象变更",
        None,
        200,
        [query("region", "行政区划代码（默认本账号节点），含下级"), _LIMIT],
    ),
    (
        "GET",
        "/inspectors",
        "检查人员列表：按节点子树、业务条线、人员类别、状态、资格、专长及某日是否可抽取筛选",
        None,
        200,
        [
            query("node", "节点代码（默认本账号节点），含下级"),
            query("line", "业务条线", _TEXT),
            query("pool", "enforcement（执法检查人员）或 expert（辅助检查人员）", _TEXT),
            query("status", "人员状态", _TEXT),
            query("qualification", "资格（可重复）", _TEXT),
            query("expertise", "业务专长（可重复）", _TEXT),
            query("eligible_on", "只列出该日在岗且执法证有效的人员", {"type": "string", "format": "date"}),
            _LIMIT,
            _AFTER,
        ],
    ),
    ("POST", "/inspectors", "登记检查人员（第 1 版）", schemas.RecordBody, 201, []),
    (
        "GET",
        "/inspectors/{inspector_id}",
        "检查人员、全部版本与利害关系申报（身份证号、手机号仅对管理员显示）",
        None,
        200,
        [],
    ),
    ("PATCH", "/inspectors/{inspector_id}", "变更检查人员：形成新版本", schemas.RecordBody, 200, []),
    ("POST", "/inspectors/{inspector_id}/interests", "申报利害关系（回避）", schemas.InterestBody, 201, []),
    ("POST", "/inspectors/{inspector_id}/interests/withdraw", "撤回利害关系申报", schemas.InterestBody, 200, []),
    (
        "GET",
        "/checklist",
        "节点适用的抽查事项清单：本节点及上级节点的事项",
        None,
        200,
        [
            query("node", "节点代码（默认本账号节点）"),
            query("children", "1：同时列出下级节点自设事项", _TEXT),
            query("status", "all：含已撤销", _TEXT),
        ],
    ),
    ("POST", "/checklist", "新增抽查事项（第 1 版）", schemas.CheckItemBody, 201, []),
    ("GET", "/checklist/{item_id}", "抽查事项及其全部版本", None, 200, []),
    ("GET", "/checklist/{item_id}/versions/{version}", "抽查事项的某一版本（任务引用的版本）", None, 200, []),
    ("POST", "/checklist/{item_id}/revisions", "调整抽查事项：形成新版本", schemas.RevisionBody, 200, []),
    ("POST", "/checklist/{item_id}/withdraw", "撤销抽查事项：形成新版本", schemas.ReasonBody, 200, []),
    ("GET", "/regions/{code}", "GB/T 2260 行政区划及其下级", None, 200, []),
    (
        "GET",
        "/imports/{import_id}",
        "导入批次结果与逐行拒绝明细",
        None,
        200,
        [query("after_row", "从该行之后列出", {"type": "integer", "minimum": 0}), _LIMIT],
    ),
]

OPENAPI = build_openapi("一单两库服务（registry）：抽查事项清单、检查对象名录库、执法检查人员名录库", ROUTES, _ERRORS)
