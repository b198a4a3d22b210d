"""The OpenAPI 3 description of the identity service's endpoints (written by hand, checked by a test)."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "请求内容有误（code: request.*, roles.*, password.*, node.invalid）",
        401: "未登录、令牌或凭据无效（code: auth.*, login.*, refresh.*, session.*, enrolment.*）",
        403: "无权操作（code: access.*）",
        404: "账号不存在或不在本账号管辖范围内（account.not_found）",
        409: "冲突（account.login_taken, account.already_disabled, enrolment.not_enrolled）",
        429: "登录失败次数过多，账号暂时锁定（login.locked），见 Retry-After",
    }
    return {
        str(s): {"description": text[s], "content": {"application/json": {"schema": _ref("Error")}}} for s in statuses
    }


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _ok(status: int, description: str, schema: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema:
        answer["content"] = {"application/json": {"schema": _ref(schema)}}
    return {str(status): answer}


_ROLES = {"type": "array", "items": {"type": "string"}, "minItems": 1, "example": ["planner"]}
_NODE = {"type": "string", "pattern": "^[1-9][0-9]{5}$", "example": "330102"}
_ACCOUNT_ID = {"name": "account_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "hrss identity",
        "version": "0.1.0",
        "description": "人员账号、登录（密码 + 动态口令）、访问令牌与刷新、账号与角色管理、审计记录查询。",
    },
    "paths": {
        "/auth/login": {
            "post": {
                "summary": "登录：用户名、密码与动态口令（TOTP）",
                "requestBody": _body("LoginRequest"),
                "responses": {**_ok(200, "令牌", "TokenPair"), **_errors(400, 401, 429)},
            }
        },
        "/auth/refresh": {
            "post": {
                "summary": "以刷新令牌换取新的令牌对（旧刷新令牌随即作废）",
                "requestBody": _body("RefreshRequest"),
                "responses": {**_ok(200, "新令牌", "TokenPair"), **_errors(400, 401)},
            }
        },
        "/auth/logout": {
            "post": {
                "summary": "退出登录：结束当前会话",
                "security": _BEARER,
                "responses": {**_ok(204, "已退出", None), **_errors(401)},
            }
        },
        "/auth/password": {
            "post": {
                "summary": "修改本人密码（须当前密码与动态口令）；本账号其他会话随即结束",
                "security": _BEARER,
                "requestBody": _body("ChangePasswordRequest"),
                "responses": {**_ok(200, "已修改", "PasswordChanged"), **_errors(400, 401, 429)},
            }
        },
        "/auth/enrol": {
            "post": {
                "summary": "激活第一步：凭激活码设置密码，获得动态口令绑定地址（仅显示一次）",
                "requestBody": _body("EnrolRequest"),
                "responses": {**_ok(200, "动态口令绑定地址", "Provisioning"), **_errors(400, 401)},
            }
        },
        "/auth/enrol/confirm": {
            "post": {
                "summary": "激活第二步：输入验证器中的动态口令；成功后激活码作废，账号可登录",
                "requestBody": _body("ConfirmEnrolmentRequest"),
                "responses": {**_ok(200, "已激活的账号", "Account"), **_errors(400, 401, 409)},
            }
        },
        "/accounts": {
            "get": {
                "summary": "本节点及下级节点的账号（管理员、审计人员）",
                "security": _BEARER,
                "parameters": [{"name": "node", "in": "query", "required": False, "schema": _NODE}],
                "responses": {**_ok(200, "账号列表", "AccountList"), **_errors(400, 401, 403)},
            },
            "post": {
                "summary": "创建账号（管理员，本节点及下级节点，仅可授予本人有权授予的角色）",
                "security": _BEARER,
                "requestBody": _body("CreateAccountRequest"),
                "responses": {
                    **_ok(201, "已创建（待激活），附一次性激活码", "CreatedAccount"),
                    **_errors(400, 401, 403, 409),
                },
            },
        },
        "/accounts/{account_id}/roles": {
            "post": {
                "summary": "修改账号角色（新版本）",
                "security": _BEARER,
                "parameters": [_ACCOUNT_ID],
                "requestBody": _body("RolesRequest"),
                "responses": {**_ok(200, "新版本", "Account"), **_errors(400, 401, 403, 404)},
            }
        },
        "/accounts/{account_id}/inspector": {
            "post": {
                "summary": "关联或解除关联账号所代表的检查人员（本节点名录库中在岗者的执法证号；会话随即结束）",
                "security": _BEARER,
                "parameters": [_ACCOUNT_ID],
                "requestBody": _body("InspectorLinkRequest"),
                "responses": {**_ok(200, "新版本", "Account"), **_errors(400, 401, 403, 404, 409)},
            }
        },
        "/accounts/{account_id}/disable": {
            "post": {
                "summary": "停用账号（新版本）",
                "security": _BEARER,
                "parameters": [_ACCOUNT_ID],
                "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("DisableRequest")}}},
                "responses": {**_ok(200, "新版本", "Account"), **_errors(400, 401, 403, 404, 409)},
            }
        },
        "/accounts/{account_id}/enrolment": {
            "post": {
                "summary": "重新签发激活码（管理员；旧激活码、密码、动态口令与会话随即失效，账号待重新激活）",
                "security": _BEARER,
                "parameters": [_ACCOUNT_ID],
                "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("DisableRequest")}}},
                "responses": {**_ok(200, "新版本与新激活码", "CreatedAccount"), **_errors(400, 401, 403, 404, 409)},
            }
        },
        "/audit": {
            "get": {
                "summary": "身份服务审计链中关于某节点的记录（审计人员、管理员）",
                "security": _BEARER,
                "parameters": [
                    {"name": "node", "in": "query", "required": False, "schema": _NODE},
                    {"name": "after_seq", "in": "query", "required": False, "schema": {"type": "integer"}},
                ],
                "responses": {**_ok(200, "审计记录", "AuditPage"), **_errors(400, 401, 403)},
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA)"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
            "LoginRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["login", "password", "totp"],
                "properties": {
                    "login": {"type": "string", "maxLength": 64},
                    "password": {"type": "string", "format": "password"},
                    "totp": {"type": "string", "pattern": "^[0-9]{6}$"},
                },
            },
            "RefreshRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["refresh_token"],
                "properties": {"refresh_token": {"type": "string"}},
            },
            "TokenPair": {
                "type": "object",
                "required": ["access_token", "refresh_token", "expires_in"],
                "properties": {
                    "access_token": {"type": "string"},
                    "refresh_token": {"type": "string"},
                    "token_type": {"type": "string", "enum": ["Bearer"]},
                    "expires_in": {"type": "integer"},
                },
            },
            "CreateAccountRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["login", "name", "node", "roles", "password"],
                "properties": {
                    "login": {"type": "string", "maxLength": 64},
                    "name": {"type": "string", "maxLength": 100},
                    "node": _NODE,
                    "roles": _ROLES,
                    "password": {
                        "type": "string",
                        "format": "password",
                        "minLength": 12,
                        "description": "可选；账号在激活时由本人设置密码",
                    },
                    "credential_no": {
                        "type": "string",
                        "maxLength": 64,
                        "description": "可选；检查人员的执法证号，账号即代表本节点名录库中的该检查人员",
                    },
                },
            },
            "Enrolment": {
                "type": "object",
                "required": ["code", "expires_at"],
                "properties": {
                    "code": {"type": "string", "example": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX", "description": "仅显示一次"},
                    "expires_at": {"type": "string", "format": "date-time"},
                },
            },
            "CreatedAccount": {
                "allOf": [
                    _ref("Account"),
                    {"type": "object", "required": ["enrolment"], "properties": {"enrolment": _ref("Enrolment")}},
                ]
            },
            "EnrolRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["login", "enrolment_code", "new_password"],
                "properties": {
                    "login": {"type": "string", "maxLength": 64},
                    "enrolment_code": {"type": "string", "maxLength": 64},
                    "new_password": {"type": "string", "format": "password", "minLength": 12},
                },
            },
            "Provisioning": {
                "type": "object",
                "required": ["provisioning_uri"],
                "properties": {"provisioning_uri": {"type": "string", "example": "otpauth://totp/HRSS:li?secret=..."}},
            },
            "ConfirmEnrolmentRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["login", "enrolment_code", "totp"],
                "properties": {
                    "login": {"type": "string", "maxLength": 64},
                    "enrolment_code": {"type": "string", "maxLength": 64},
                    "totp": {"type": "string", "pattern": "^[0-9]{6}$"},
                },
            },
            "ChangePasswordRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["current_password", "new_password", "totp"],
                "properties": {
                    "current_password": {"type": "string", "format": "password"},
                    "new_password": {"type": "string", "format": "password", "minLength": 12},
                    "totp": {"type": "string", "pattern": "^[0-9]{6}$"},
                },
            },
            "PasswordChanged": {
                "type": "object",
                "properties": {"sessions_ended": {"type": "integer"}},
            },
            "RolesRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["roles"],
                "properties": {"roles": _ROLES, "reason": {"type": "string"}},
            },
            "InspectorLinkRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["credential_no"],
                "properties": {
                    "credential_no": {"type": "string", "nullable": True, "maxLength": 64},
                    "reason": {"type": "string"},
                },
            },
            "DisableRequest": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"reason": {"type": "string"}},
            },
            "Account": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "login": {"type": "string"},
                    "name": {"type": "string"},
                    "node": _NODE,
                    "roles": _ROLES,
                    "status": {"type": "string", "enum": ["pending", "active", "disabled"]},
                    "inspector_id": {"type": "string", "nullable": True, "format": "uuid"},
                    "credential_no": {"type": "string", "nullable": True},
                    "version": {"type": "integer"},
                    "changed_at": {"type": "string", "format": "date-time"},
                    "changed_by": {"type": "string"},
                },
            },
            "AccountList": {
                "type": "object",
                "properties": {"accounts": {"type": "array", "items": _ref("Account")}},
            },
            "AuditPage": {
                "type": "object",
                "properties": {
                    "node": _NODE,
                    "next_after_seq": {"type": "integer"},
                    "entries": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
}
