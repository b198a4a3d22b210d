"""Wire formats of the inspection service's HTTP API (pydantic)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import Field, ValidationError

from hrss.contracts import field_path
from hrss.web import Body, Text, message_of, parse
from inspection.domain.errors import FieldError, InvalidRecord
from inspection.domain.follow_ups import Kind
from inspection.domain.records import Form, ItemLine

__all__ = [
    "BatchBody",
    "CalendarYearBody",
    "CloseBody",
    "DecisionBody",
    "EntryBody",
    "FollowUpBody",
    "FormBody",
    "NodeSettingsBody",
    "NoticeBody",
    "PublicationBody",
    "StepBody",
    "parse",
    "parse_entry",
]

Code = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")


class ItemLineBody(Body):
    task_id: uuid.UUID
    item_id: Text = Field(min_length=1, max_length=64)
    category: Text = Code
    findings: Text = Field(default="", max_length=4000, description="检查情况")
    methods: list[Text] = Field(min_length=1, max_length=10, description="该事项采用的检查方式")


class FormBody(Body):
    """The record form (检查记录表) as the inspectors filled it in."""

    inspected_on: date
    present: list[uuid.UUID] = Field(min_length=1, max_length=20, description="到场检查人员（检查组成员）")
    items: list[ItemLineBody] = Field(min_length=1, max_length=200, description="每个抽查事项的检查结果")
    overall: Text = Code
    methods: list[Text] = Field(min_length=1, max_length=10)
    entity_signed: bool = Field(description="检查对象是否签字或盖章")
    refusal_note: Text | None = Field(default=None, max_length=2000, description="拒签时检查组的说明")
    public: bool = Field(default=True, description="依法不予公示的结果为 false")
    remarks: Text = Field(default="", max_length=4000)

    def to_form(self) -> Form:
        return Form(
            inspected_on=self.inspected_on,
            present=tuple(str(p) for p in self.present),
            items=tuple(
                ItemLine(str(i.task_id), i.item_id, i.category, i.findings, tuple(i.methods)) for i in self.items
            ),
            overall=self.overall,
            methods=tuple(self.methods),
            entity_signed=self.entity_signed,
            refusal_note=self.refusal_note,
            public=self.public,
            remarks=self.remarks,
        )


class EntryBody(Body):
    client_id: Text = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", description="客户端生成的唯一编号"
    )
    visit_id: uuid.UUID
    form: FormBody


class BatchBody(Body):
    """A batch from the mobile client; each entry is checked and answered on its own."""

    entries: list[dict[str, Any]] = Field(min_length=1, max_length=100)


class DecisionBody(Body):
    version: int = Field(ge=1)
    opinion: Text = Field(default="", max_length=4000, description="审核意见；退回时必填")


class NoticeBody(Body):
    window_start: date
    window_end: date
    materials: list[Text] = Field(min_length=1, max_length=50, description="请检查对象准备的材料")
    contact: Text = Field(min_length=1, max_length=200, description="联系人及电话（机关）")


class FollowUpBody(Body):
    kind: Kind
    ordered_on: date
    due: date | None = Field(default=None, description="整改期限（责令改正时必填）")
    target: Text | None = Field(default=None, max_length=200, description="接收的机构或部门")
    note: Text = Field(default="", max_length=4000)


class StepBody(Body):
    kind: str = Field(pattern=r"^(recheck|closed)$", description="recheck 复查 | closed 办结")
    on: date
    passed: bool | None = Field(default=None, description="复查是否合格")
    note: Text = Field(min_length=1, max_length=4000, description="复查情况或办结结果")


class CloseBody(Body):
    reason: Text = Field(min_length=1, max_length=2000, description="无法检查、关闭本次检查的原因")


class PublicationBody(Body):
    """The publication record of an approved result: published, or withheld with the reason."""

    public: bool = Field(description="true 公示；false 依法不予公示")
    withheld_reason: Text | None = Field(default=None, max_length=2000, description="不予公示的依据或理由")


class NodeSettingsBody(Body):
    """What the node's documents print: the issuing body, the prefix of its document numbers, its phone."""

    issuing_body: Text = Field(min_length=2, max_length=100, description="发文机关，如 某区人力资源和社会保障局")
    document_prefix: Text = Field(min_length=1, max_length=30, description="文号前缀（文号：前缀〔年〕第N号）")
    contact_phone: Text = Field(default="", max_length=40, description="机关联系电话")


class CalendarYearBody(Body):
    """A year's official schedule from the State Council's notice: every day off, every make-up working day."""

    holidays: dict[str, Text] = Field(
        min_length=1, max_length=60, description="放假日期 → 节日名称，如 2027-01-01: 元旦"
    )
    workdays: dict[str, Text] = Field(default_factory=dict, max_length=30, description="调休上班日期 → 说明")
    source: Text = Field(min_length=1, max_length=200, description="依据的通知（文号或标题）")


def parse_entry(raw: Any) -> EntryBody:
    """One batch entry, or InvalidRecord naming its fields."""
    try:
        return EntryBody.model_validate(raw)
    except ValidationError as error:
        raise InvalidRecord(
            [FieldError(field_path(e["loc"], "<entry>"), "request.invalid", message_of(e)) for e in error.errors()]
        ) from None
