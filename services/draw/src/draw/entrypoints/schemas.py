"""Wire formats of the draw service's HTTP API (pydantic)."""

from __future__ import annotations

import uuid

from pydantic import Field

from hrss.web import Body, Text, parse

__all__ = [
    "ContributionBody",
    "ExpansionBody",
    "FreezeBody",
    "MemberReplacementBody",
    "ReasonBody",
    "ReplacementBody",
    "parse",
]


class FreezeBody(Body):
    task_id: uuid.UUID
    randomness_plan: Text = Field(
        min_length=1, max_length=2000, description="随机数来源计划，如：实施机构、监督机构、见证人各掷骰 20 位"
    )
    batch_size: int = Field(default=0, ge=0, le=100000, description="分批顺序的每批数量；0 为不分批")


class ContributionBody(Body):
    witness: Text = Field(min_length=1, max_length=100, description="见证人姓名与身份")
    value: Text = Field(min_length=1, max_length=200, pattern=r"^[0-9A-Za-z]+$", description="公开掷出的随机数")


class ReplacementBody(Body):
    uscc: Text = Field(min_length=18, max_length=18)
    reason: Text = Field(min_length=1, max_length=40, description="deregistered | closed | unreachable | moved_out")


class ExpansionBody(Body):
    ratios: dict[Text, Text] = Field(
        min_length=1, max_length=200, description="任务编号:事项编号 → 新的抽查比例，如 10%"
    )
    reason: Text = Field(min_length=1, max_length=2000)


class MemberReplacementBody(Body):
    uscc: Text = Field(min_length=18, max_length=18)
    inspector_id: uuid.UUID
    reason: Text = Field(min_length=1, max_length=40, description="job_change | work_conflict | health")
    approver: Text = Field(min_length=1, max_length=100, description="批准更换的实施机构负责人")


class ReasonBody(Body):
    reason: Text = Field(min_length=1, max_length=2000)
