"""The OpenAPI 3 description of the draw endpoints: request bodies from the pydantic models that parse them,
so the description cannot drift from what is accepted (`hrss.observability.openapi`); a test checks that it
names every route."""

from __future__ import annotations

from draw.entrypoints import schemas
from hrss.observability.openapi import Route, build_openapi

_ERRORS = {
    "400": "请求内容有误（request.*, draw.replacement_reason）",
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权操作（access.*）或本实例不服务该节点（draw.node_not_served）",
    "404": "抽取或任务不存在（draw.not_found, draw.task_not_ready, draw.not_in_frame）",
    "409": "步骤不允许（draw.exists, draw.cannot_draw, draw.not_drawn, draw.voided, draw.group_incomplete, "
    "draw.item_not_known）",
}


# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    ("POST", "/draws", "冻结名单快照并公布承诺（T0，任何随机数产生之前）", schemas.FreezeBody, 200, []),
    ("POST", "/draws/{draw_id}/contributions", "见证人公开提交随机数", schemas.ContributionBody, 200, []),
    ("POST", "/draws/{draw_id}/draw", "生成种子、抽取并派发", None, 200, []),
    (
        "POST",
        "/draws/{draw_id}/replacements",
        "替换无效检查对象（按层内票号顺序递补）",
        schemas.ReplacementBody,
        200,
        [],
    ),
    (
        "POST",
        "/draws/{draw_id}/expansions",
        "扩大抽取：提高事项比例，按票号顺序递补，原抽中对象不变",
        schemas.ExpansionBody,
        200,
        [],
    ),
    (
        "POST",
        "/draws/{draw_id}/team-replacements",
        "更换检查人员（工作调动、工作冲突、身体原因；实施机构负责人批准）",
        schemas.MemberReplacementBody,
        200,
        [],
    ),
    ("POST", "/draws/{draw_id}/void", "作废本次抽取（须说明理由）", schemas.ReasonBody, 200, []),
    ("GET", "/draws/{draw_id}", "抽取概况与日志", None, 200, []),
    ("GET", "/draws/{draw_id}/public", "公开记录（任务公开抽取名单时无需登录）", None, 200, []),
    (
        "GET",
        "/draws/{draw_id}/auditor",
        "审计包（含名单快照，仅管理员与审计人员；frame=none 时不含名单，名单另取快照文件）",
        None,
        200,
        [{"name": "frame", "in": "query", "required": False, "schema": {"type": "string", "enum": ["none"]}}],
    ),
    (
        "GET",
        "/draws/{draw_id}/auditor/frame.tsv",
        "名单快照文件（每个叶子一行，制表符分隔，供大名单流式核验；仅管理员与审计人员）",
        None,
        200,
        [],
    ),
    ("GET", "/draws/{draw_id}/proofs/{uscc}", "某一检查对象的叶子、包含证明、票号与层截止值", None, 200, []),
    ("GET", "/tasks/{task_id}/draws", "任务的全部抽取", None, 200, []),
]

OPENAPI = build_openapi("随机抽取服务（draw）", ROUTES, _ERRORS)
