"""Wire formats of the evidence service's HTTP API (pydantic), parsed as every service parses them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import AwareDatetime, Field, ValidationError

from hrss.contracts import field_path
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.nodes import NodeCode
from hrss.web import Body, Text, parse

__all__ = [
    "AccessDecisionBody",
    "AccessRequestBody",
    "AmendmentBody",
    "AmendmentDecisionBody",
    "BorrowBody",
    "ReturnBody",
    "SearchQuery",
    "UploadQuery",
    "parse",
    "parse_query",
]

Q = TypeVar("Q", bound=Body)
Kind = Literal["documentary", "physical", "audio_visual", "third_party", "statement", "other"]


class UploadQuery(Body):
    """The upload's description, as query parameters; the body is the file's raw bytes."""

    node: NodeCode = Field(description="检查所属节点（行政区划代码），须与检查的节点一致")
    visit_id: uuid.UUID = Field(description="检查（走访）编号：须为检查服务已开启、本服务已收到且未关闭的检查")
    kind: Kind = Field(description="证据种类：书证、物证、视听资料电子数据、第三方证明、陈述材料、其他")
    filename: Text = Field(min_length=1, max_length=255, description="原文件名（含扩展名）")
    task_id: uuid.UUID | None = None
    item_id: Text | None = Field(default=None, min_length=1, max_length=64)
    checksum: Text | None = Field(default=None, max_length=64, description="客户端计算的校验值（十六进制）")
    algorithm: Literal["sha256", "sm3"] | None = Field(default=None, description="摘要算法，缺省 sha256")
    description: Text = Field(default="", max_length=500)


class SearchQuery(Body):
    """Staff archive search, as query parameters."""

    q: Text = Field(min_length=1, max_length=200, description="要查找的词语（实体名称、检查事项、档案文件中的语句）")
    cursor: Text | None = Field(default=None, max_length=1000, description="上一页返回的 next_cursor")
    size: int = Field(default=10, ge=1, le=100, description="每页条数（1–100）")


class AmendmentBody(Body):
    reason: Text = Field(min_length=1, max_length=2000, description="修改原因")
    content: Text = Field(min_length=1, max_length=4000, description="修改内容")
    add_evidence: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    withdraw_evidence: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class AmendmentDecisionBody(Body):
    decision: Literal["approve", "refuse"]
    comment: Text = Field(default="", max_length=2000)


class AccessRequestBody(Body):
    versions: list[int] = Field(min_length=1, max_length=100)
    mode: Literal["read", "borrow"] = "read"
    purpose: Text = Field(min_length=1, max_length=2000, description="查阅或借阅目的")
    valid_until: AwareDatetime = Field(description="批准有效期截止时间")


class AccessDecisionBody(Body):
    position: Literal["department_head", "leader_in_charge"] = Field(description="审批人职务：部门负责人或分管领导")
    decision: Literal["approve", "refuse"]
    approver_name: Text = Field(default="", max_length=100)
    comment: Text = Field(default="", max_length=2000)


class BorrowBody(Body):
    version: int = Field(ge=1, le=100000)
    due_back: date
    note: Text = Field(default="", max_length=2000)


class ReturnBody(Body):
    condition: Literal["intact", "damaged", "missing"] = Field(description="归还核对：完好、损坏、缺失")
    note: Text = Field(default="", max_length=2000)


def parse_query(model: type[Q], args: dict[str, str]) -> Q:
    """Query parameters as `model`, or `InvalidRecord` naming every wrong one."""
    try:
        return model.model_validate(args)
    except ValidationError as error:
        raise InvalidRecord(
            [FieldError(field_path(e["loc"], "<query>"), "request.invalid", _message(e)) for e in error.errors()]
        ) from None


def _message(error: Any) -> str:
    field = field_path(error["loc"], "查询参数")  # type: ignore[attr-defined]
    if error["type"] == "missing":
        return f"{field} 不能为空"
    if error["type"] == "extra_forbidden":
        return f"{field} 不是可接受的参数"
    return f"{field} 取值有误"
