"""The OpenAPI 3 description of the identity endpoints: request bodies from the pydantic models that parse them,
so the description cannot drift from what is accepted (`hrss.observability.openapi`); a test checks that it
names every route."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from identity.entrypoints import schemas

_ERRORS = {
    "400": "请求内容有误（request.*, roles.*, password.*, node.invalid, account.login_invalid, account.name_invalid, "
    "account.credential_no_invalid, account.not_inspector, account.inspector_unknown, "
    "account.inspector_inactive, account.contact_required, contact.email_invalid, contact.mobile_invalid, "
    "audit.after_seq_invalid）",
    "401": "未登录、令牌或凭据无效（auth.*, login.*, refresh.*, session.*, enrolment.*）",
    "403": "无权操作（access.*）",
    "404": "账号不存在或不在本账号管辖范围内（account.not_found）",
    "409": "冲突（account.login_taken, account.already_disabled, account.inspector_taken, account.node_not_empty, "
    "enrolment.not_enrolled, enrolment.no_reset_request, enrolment.no_contact）",
    "429": "本地址登录失败次数过多（auth.throttled）或修改密码时账号暂时锁定（login.locked），见 Retry-After",
}

_AFTER_SEQ = query("after_seq", "只返回序号大于此值的记录", {"type": "integer"})

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    ("POST", "/auth/login", "登录：用户名、密码与动态口令（TOTP）", schemas.LoginBody, 200, []),
    ("POST", "/auth/refresh", "以刷新令牌换取新的令牌对（旧刷新令牌随即作废）", schemas.RefreshBody, 200, []),
    ("POST", "/auth/logout", "退出登录：结束当前会话", None, 204, []),
    (
        "POST",
        "/auth/password",
        "修改本人密码（须当前密码与动态口令）；本账号其他会话随即结束",
        schemas.ChangePasswordBody,
        200,
        [],
    ),
    (
        "POST",
        "/auth/enrol",
        "激活第一步：凭激活码设置密码，获得动态口令绑定地址（仅显示一次）",
        schemas.EnrolBody,
        200,
        [],
    ),
    (
        "POST",
        "/auth/enrol/confirm",
        "激活第二步：输入验证器中的动态口令；成功后激活码作废，账号可登录",
        schemas.ConfirmEnrolmentBody,
        200,
        [],
    ),
    (
        "GET",
        "/accounts",
        "本节点及下级节点的账号（管理员、审计人员）",
        None,
        200,
        [query("node", "只列出该节点的账号")],
    ),
    (
        "POST",
        "/accounts",
        "创建账号（管理员，本节点及下级节点，仅可授予本人有权授予的角色）；待激活，"
        "一次性激活码加密发送至持有人本人的邮箱或手机（email/mobile 至少一项），答复只显示打码后的地址",
        schemas.CreateAccountBody,
        201,
        [],
    ),
    ("POST", "/accounts/{account_id}/roles", "修改账号角色（新版本）", schemas.RolesBody, 200, []),
    (
        "POST",
        "/accounts/{account_id}/inspector",
        "关联或解除关联账号所代表的检查人员（本节点名录库中在岗者的执法证号；会话随即结束）",
        schemas.InspectorLinkBody,
        200,
        [],
    ),
    ("POST", "/accounts/{account_id}/disable", "停用账号（新版本）", schemas.DisableBody, 200, []),
    (
        "POST",
        "/accounts/{account_id}/enrolment",
        "重新签发激活码（管理员；旧激活码、密码、动态口令与会话随即失效，账号待重新激活；新激活码发送至持有人本人）；"
        "管理员账号的重置仅登记申请（202，不返回激活码），须另一位管理员批准",
        schemas.ResetEnrolmentBody,
        200,
        [],
    ),
    (
        "POST",
        "/accounts/{account_id}/enrolment/approve",
        "批准另一位管理员提出的管理员账号激活码重置：随即重置，新激活码发送至持有人本人（任何管理员都看不到）",
        schemas.ResetEnrolmentBody,
        200,
        [],
    ),
    (
        "POST",
        "/accounts/{account_id}/unlock",
        "解除账号的登录锁定（本节点或上级管理员，须填写原因；记入登录记录与审计）",
        schemas.UnlockBody,
        200,
        [],
    ),
    (
        "GET",
        "/audit",
        "身份服务审计链中关于某节点的记录（审计人员、管理员）",
        None,
        200,
        [query("node", "记录所涉节点（默认本人节点）"), _AFTER_SEQ],
    ),
]

OPENAPI = build_openapi("身份服务（identity）：账号、登录（密码 + 动态口令）、令牌、角色与审计记录", ROUTES, _ERRORS)
