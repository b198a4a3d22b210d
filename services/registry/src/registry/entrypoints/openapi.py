"""The OpenAPI 3 description of the registry's endpoints (written by hand, checked against the routes by a test)."""

from __future__ import annotations

from typing import Any

from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS

_ERRORS = {
    400: "请求内容有误，errors 逐项列出字段、代码与说明（record.*, request.*, field.*, uscc.*, region.*）",
    401: "未登录或令牌无效（auth.*）",
    403: "无权操作（access.*）或本实例不服务该节点（registry.node_not_served）",
    404: "对象不存在或不在本账号管辖范围内",
    409: "冲突：已登记（entity.exists, inspector.exists, interest.exists）",
}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    return {
        str(s): {"description": _ERRORS[s], "content": {"application/json": {"schema": _ref("Error")}}}
        for s in statuses
    }


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(schema)}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _read(summary: str, schema: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "security": _BEARER,
            "parameters": parameters,
            "responses": {"200": {"description": "成功", "content": _json(schema)}, **_errors(400, 401, 403, 404)},
        }
    }


def _write(summary: str, body: str, status: int, parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": _BEARER,
        "parameters": parameters or [],
        "requestBody": {"required": True, "content": _json(body)},
        "responses": {
            str(status): {"description": "成功", "content": _json("Written")},
            **_errors(400, 401, 403, 404, 409),
        },
    }


_PAGE = [
    _query("limit", "每页条数（1–500，默认 50）", type="integer", minimum=1, maximum=500),
    _query("after", "上一页最后一条的 id", type="string", format="uuid"),
]
_NODE = {"type": "string", "pattern": "^[1-9][0-9]{5}$", "example": "410402"}
_QUALIFICATIONS = {
    "type": "array",
    "maxItems": 10,
    "items": {"type": "string", "minLength": 1, "maxLength": 40},
    "description": "检查该事项须具备的资格（如 行政执法资格）；修订时不提供则保持不变",
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "hrss registry",
        "version": "0.1.0",
        "description": (
            "一单两库：抽查事项清单、检查对象名录库、执法检查人员名录库。每次变更形成新版本，按节点授权访问。"
        ),
    },
    "paths": {
        "/entities": {
            **_read(
                "检查对象列表：按区划子树、对象类型、行业、标注、信用等级、状态筛选，按 id 翻页",
                "EntityPage",
                [
                    _query("region", "行政区划代码（默认本账号节点），含下级"),
                    _query("object_type", "对象类型代码或中文名"),
                    _query("industry", "行业"),
                    _query("tag", "分类标注（可重复，须全部具备）"),
                    _query("credit_grade", "信用等级 A–D"),
                    _query("status", "登记状态代码或中文名"),
                    *_PAGE,
                ],
            ),
            "post": _write("登记检查对象（第 1 版）", "RecordBody", 201),
        },
        "/entities/{entity_id}": {
            **_read("检查对象及其全部版本", "Entity", [_path("entity_id")]),
            "patch": _write("变更检查对象：形成新版本（内容不变则不形成）", "RecordBody", 200, [_path("entity_id")]),
        },
        "/entities/by-uscc/{uscc}": _read(
            "按统一社会信用代码查询检查对象",
            "Entity",
            [{"name": "uscc", "in": "path", "required": True, "schema": {"type": "string"}}],
        ),
        "/late-changes": _read(
            "超过 5 个工作日才更新的检查对象变更", "LateChanges", [_query("region", "行政区划代码"), *_PAGE[:1]]
        ),
        "/inspectors": {
            **_read(
                "检查人员列表：按节点子树、业务条线、人员类别、状态、资格、专长及某日是否可抽取筛选",
                "InspectorPage",
                [
                    _query("node", "节点代码（默认本账号节点），含下级"),
                    _query("line", "业务条线"),
                    _query("pool", "enforcement（执法检查人员）或 expert（辅助检查人员）"),
                    _query("status", "人员状态"),
                    _query("qualification", "资格（可重复）"),
                    _query("expertise", "业务专长（可重复）"),
                    _query("eligible_on", "只列出该日在岗且执法证有效的人员", type="string", format="date"),
                    *_PAGE,
                ],
            ),
            "post": _write("登记检查人员（第 1 版）", "RecordBody", 201),
        },
        "/inspectors/{inspector_id}": {
            **_read(
                "检查人员、全部版本与利害关系申报（身份证号、手机号仅对管理员显示）",
                "Inspector",
                [_path("inspector_id")],
            ),
            "patch": _write("变更检查人员：形成新版本", "RecordBody", 200, [_path("inspector_id")]),
        },
        "/inspectors/{inspector_id}/interests": {
            "post": _write("申报利害关系（回避）", "InterestBody", 201, [_path("inspector_id")])
        },
        "/inspectors/{inspector_id}/interests/withdraw": {
            "post": _write("撤回利害关系申报", "InterestBody", 200, [_path("inspector_id")])
        },
        "/checklist": {
            **_read(
                "节点适用的抽查事项清单：本节点及上级节点的事项",
                "Checklist",
                [
                    _query("node", "节点代码"),
                    _query("children", "1：同时列出下级节点自设事项"),
                    _query("status", "all：含已撤销"),
                ],
            ),
            "post": _write("新增抽查事项（第 1 版）", "CheckItemBody", 201),
        },
        "/checklist/{item_id}": _read("抽查事项及其全部版本", "CheckItem", [_path("item_id")]),
        "/checklist/{item_id}/versions/{version}": _read(
            "抽查事项的某一版本（任务引用的版本）",
            "CheckItem",
            [
                _path("item_id"),
                {"name": "version", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
            ],
        ),
        "/checklist/{item_id}/revisions": {
            "post": _write("调整抽查事项：形成新版本", "RevisionBody", 200, [_path("item_id")])
        },
        "/checklist/{item_id}/withdraw": {
            "post": _write("撤销抽查事项：形成新版本", "ReasonBody", 200, [_path("item_id")])
        },
        "/regions/{code}": _read(
            "GB/T 2260 行政区划及其下级", "Region", [{"name": "code", "in": "path", "required": True, "schema": _NODE}]
        ),
        "/imports/{import_id}": _read(
            "导入批次结果与逐行拒绝明细",
            "ImportReport",
            [_path("import_id"), _query("after_row", "从该行之后列出", type="integer"), *_PAGE[:1]],
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "field": {"type": "string"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "RecordBody": {
                "type": "object",
                "required": ["record"],
                "additionalProperties": False,
                "properties": {
                    "record": {
                        "type": "object",
                        "description": "检查对象字段："
                        + "、".join(f"{k}（{v}）" for k, v in ENTITY_FIELDS.items())
                        + "；检查人员字段："
                        + "、".join(f"{k}（{v}）" for k, v in INSPECTOR_FIELDS.items()),
                    },
                    "reason": {"type": "string", "maxLength": 2000},
                    "known_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "变更知悉时间（用于 5 个工作日时限）",
                    },
                    "source": {"type": "string", "enum": ["manual", "upstream"]},
                },
            },
            "InterestBody": {
                "type": "object",
                "required": ["uscc", "reason"],
                "additionalProperties": False,
                "properties": {
                    "uscc": {"type": "string", "maxLength": 40},
                    "reason": {"type": "string", "maxLength": 500},
                },
            },
            "CheckItemBody": {
                "type": "object",
                "required": ["node", "spec"],
                "additionalProperties": False,
                "properties": {
                    "node": _NODE,
                    "spec": {"type": "object", "description": "CheckItemSpec 的 JSON 形式（number、name、ratio 等）"},
                    "line": {"type": "string", "description": "业务条线：检查该事项的人员须属此条线"},
                    "qualifications": _QUALIFICATIONS,
                    "reason": {"type": "string"},
                },
            },
            "RevisionBody": {
                "type": "object",
                "required": ["reason"],
                "additionalProperties": False,
                "properties": {
                    "spec": {"type": "object"},
                    "line": {"type": ["string", "null"], "description": "不提供则保持不变"},
                    "qualifications": _QUALIFICATIONS,
                    "reason": {"type": "string", "minLength": 1},
                },
            },
            "ReasonBody": {
                "type": "object",
                "required": ["reason"],
                "additionalProperties": False,
                "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 2000}},
            },
            "Written": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "version": {"type": "integer"},
                    "created": {"type": "boolean"},
                    "changed": {"type": "boolean"},
                },
            },
            **{
                name: {"type": "object", "additionalProperties": True}
                for name in (
                    "EntityPage",
                    "Entity",
                    "LateChanges",
                    "InspectorPage",
                    "Inspector",
                    "Checklist",
                    "CheckItem",
                    "Region",
                    "ImportReport",
                )
            },
        },
    },
}
