"""The OpenAPI 3 description of the planning endpoints: request bodies from the pydantic models that parse them,
so the description cannot drift from what is accepted (`hrss.observability.openapi`); a test checks that it
names every route."""

from __future__ import annotations

from hrss.observability.openapi import Route, build_openapi, query
from planning.entrypoints import schemas

_ERRORS = {
    "400": "请求内容有误，errors 逐项列出字段、代码与说明（request.*, field.*, plan.*, task.*, settings.*）",
    "401": "未登录或令牌无效（auth.*）",
    "403": "无权操作（access.*, plan.wrong_node, plan.not_parent）或本实例不服务该节点（planning.node_not_served）",
    "404": "计划或任务不存在（plan.not_found, task.not_found）",
    "409": "状态不允许（plan.illegal_transition, task.illegal_transition, plan.not_editable, plan.exists）",
}


_YEAR = query("year", "年度", {"type": "integer", "minimum": 2000, "maximum": 2100})
_LIMIT = query("limit", "最多返回条数（1–500，默认 100）", {"type": "integer", "minimum": 1, "maximum": 500})

# (method, path, summary, body model, success status, query parameters)
ROUTES: list[Route] = [
    ("GET", "/settings/{node}", "节点设置（本节点、最近上级或平台默认）", None, 200, []),
    (
        "PUT",
        "/settings/{node}",
        "设置本节点的计划截止日期、最低比例、编号模板、检查组人数",
        schemas.SettingsBody,
        200,
        [],
    ),
    ("GET", "/checklist", "本节点现行适用的抽查事项清单", None, 200, [query("node", "节点（必填）")]),
    (
        "GET",
        "/plans",
        "年度抽查计划列表（parent=上级节点：待其审核的下级计划）",
        None,
        200,
        [
            query("node", "计划所属节点"),
            query("parent", "报备的上级节点"),
            _YEAR,
            query("status", "状态", {"type": "string"}),
            _LIMIT,
        ],
    ),
    ("POST", "/plans", "新建年度抽查计划（草稿，第 1 版）", schemas.PlanBody, 201, []),
    ("GET", "/plans/{plan_id}", "计划现行版本、清单覆盖情况与报送截止日期", None, 200, []),
    ("GET", "/plans/{plan_id}/history", "计划的全部记录（各版本、各状态，谁、何时、为何）", None, 200, []),
    ("PUT", "/plans/{plan_id}/draft", "修改草稿：计划事项与未纳入事项的理由", schemas.PlanDraftBody, 200, []),
    ("POST", "/plans/{plan_id}/file", "向上级报备（省级计划报备即备案）", schemas.NoteBody, 200, []),
    ("POST", "/plans/{plan_id}/accept", "上级备案", schemas.CommentBody, 200, []),
    ("POST", "/plans/{plan_id}/return", "上级退回（须填写意见）", schemas.CommentBody, 200, []),
    ("POST", "/plans/{plan_id}/publish", "公示已备案的计划", schemas.NoteBody, 200, []),
    ("POST", "/plans/{plan_id}/adjust", "调整计划：生成新版本草稿（须填写理由）", schemas.AdjustBody, 200, []),
    (
        "GET",
        "/tasks",
        "抽查任务列表（含上级统一抽取、由本辖区实施的任务）",
        None,
        200,
        [
            query("node", "发起节点"),
            query("implementing", "实施节点"),
            _YEAR,
            query("status", "状态", {"type": "string"}),
            _LIMIT,
        ],
    ),
    ("POST", "/tasks", "新建抽查任务（草稿）", schemas.TaskBody, 201, []),
    ("GET", "/tasks/{task_id}", "抽查任务", None, 200, []),
    ("PUT", "/tasks/{task_id}", "修改草稿任务", schemas.TaskBody, 200, []),
    ("GET", "/tasks/{task_id}/history", "任务的全部记录（各修订与状态变更）", None, 200, []),
    ("POST", "/tasks/{task_id}/publish", "公示任务（同时按本节点文号模板编号）", schemas.ReasonBody, 200, []),
    (
        "POST",
        "/tasks/{task_id}/freeze",
        "冻结任务，待随机抽取（发布 planning.task_ready_for_draw）",
        schemas.ReasonBody,
        200,
        [],
    ),
    ("POST", "/tasks/{task_id}/cancel", "取消草稿或已公示的任务（须填写理由）", schemas.ReasonBody, 200, []),
    (
        "POST",
        "/tasks/{task_id}/status",
        "人工变更抽取后的进度（仅管理员，须填写理由，记为人工变更）；正常情况下这些状态由抽取与检查事实自动推进",
        schemas.StatusBody,
        200,
        [],
    ),
    (
        "GET",
        "/tasks/{task_id}/progress",
        "任务进度：各实施节点的派发、已开始、已提交结果、审核通过、关闭、逾期与公示户数及合计（县级只见本节点）",
        None,
        200,
        [],
    ),
    ("GET", "/merge-candidates", "建议合并安排的任务", None, 200, [query("node", "节点（必填）"), _YEAR]),
]

OPENAPI = build_openapi("抽查计划与任务服务（planning）", ROUTES, _ERRORS)
