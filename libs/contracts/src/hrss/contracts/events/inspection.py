"""The inspection service's events, published by the node that inspects (属地实施): a visit opened for a dispatched
entity, its result submitted, returned or approved, follow-ups opened and closed, deadlines overdue.

`inspection.result_approved` carries the whole result and record form, so that the evidence service files the
archive (立卷归档) and the publication service publishes the result without calling back.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inspector(_Part):
    inspector_id: uuid.UUID
    credential_no: str = Field(min_length=1)
    name: str = ""


class ItemResult(_Part):
    """The result of one checklist item of one task (检查要点 recorded on the form)."""

    task_id: uuid.UUID
    item_id: str = Field(min_length=1, max_length=64)
    item_version: int = Field(ge=1)
    item_name: str
    category: str = Field(min_length=1)  # a code of the configurable result categories, e.g. "no_problem"
    findings: str = ""
    methods: list[str]


class RecordForm(_Part):
    """The inspection record (检查记录): who was present, how the entity acknowledged it, the printed form's hash."""

    inspected_on: date
    inspectors: list[Inspector] = Field(min_length=2)
    entity_signed: bool
    refusal_note: str | None = None
    methods: list[str]
    record_sha256: str = Field(min_length=64, max_length=64)


@event_contract("inspection.visit_opened", 1)
class VisitOpened(_Part):
    """One visit per entity and period covering every task and item it was drawn for (进一次门、查多项事)."""

    visit_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    task_ids: list[uuid.UUID] = Field(min_length=1)
    assignment_ids: list[uuid.UUID] = Field(min_length=1)
    inspectors: list[Inspector]
    due: date
    opened_at: AwareDatetime


@event_contract("inspection.visit_extended", 1)
class VisitExtended(_Part):
    """A visit took in another assignment of the same entity and period, or its team changed; the whole state."""

    visit_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    task_ids: list[uuid.UUID] = Field(min_length=1)
    assignment_ids: list[uuid.UUID] = Field(min_length=1)
    inspectors: list[Inspector]
    due: date
    extended_at: AwareDatetime


@event_contract("inspection.notice_issued", 1)
class NoticeIssued(_Part):
    """The prior notice (事先告知书) was issued; the notification service delivers it to the entity."""

    notice_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    window_start: date
    window_end: date
    items: list[str] = Field(min_length=1)  # the items' names as printed
    materials: list[str]
    inspectors: list[Inspector]
    pdf_sha256: str = Field(min_length=64, max_length=64)
    issued_at: AwareDatetime


@event_contract("inspection.result_submitted", 1)
class ResultSubmitted(_Part):
    result_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    version: int = Field(ge=1)
    submitted_by: str
    submitted_at: AwareDatetime


@event_contract("inspection.result_returned", 1)
class ResultReturned(_Part):
    result_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    version: int = Field(ge=1)
    opinion: str = Field(min_length=1)
    reviewer: str
    returned_at: AwareDatetime


@event_contract("inspection.result_approved", 1, addressed=True)
class ResultApproved(_Part):
    """An approved result (结果审核通过): everything needed to file the archive and to publish it. Addressed to the
    inspecting node, whose own evidence service files it (a federated county never receives another's results)."""

    result_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    version: int = Field(ge=1)
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    region_code: NodeCode
    task_ids: list[uuid.UUID] = Field(min_length=1)
    overall: str = Field(min_length=1)
    items: list[ItemResult] = Field(min_length=1)
    record: RecordForm
    public: bool  # False where the law says the result must not be public
    reviewer: str
    approved_at: AwareDatetime


@event_contract("inspection.follow_up_opened", 1)
class FollowUpOpened(_Part):
    follow_up_id: uuid.UUID
    result_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    kind: Literal["correction", "case", "transfer", "judicial"]
    due: date | None
    target: str | None  # the department or body handed over to
    opened_at: AwareDatetime


@event_contract("inspection.follow_up_closed", 1)
class FollowUpClosed(_Part):
    follow_up_id: uuid.UUID
    result_id: uuid.UUID
    node: NodeCode
    outcome: str = Field(min_length=1)
    closed_on: date
    closed_at: AwareDatetime


@event_contract("inspection.overdue", 1)
class Overdue(_Part):
    """A deadline passed (results before the task's end, publication within 20 working days, a correction's due
    date); the supervising level sees it."""

    subject_id: uuid.UUID
    node: NodeCode
    supervisor: NodeCode | None
    kind: Literal["result", "publication", "correction"]
    due: date
    detected_on: date


@event_contract("inspection.visit_status_changed", 1)
class VisitStatusChanged(_Part):
    """A step in one visit's life, for the levels above: planning counts task progress per node from it, the
    registry records the entity's last inspection from `approved`. `closed` ends a visit without a result (a voided
    draw withdraws it, or it is closed with a recorded reason); nothing is ever deleted."""

    visit_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    region_code: NodeCode
    task_ids: list[uuid.UUID] = Field(min_length=1)
    status: Literal["opened", "started", "submitted", "returned", "approved", "closed"]
    inspected_on: date | None = None  # with `approved`: the day of the inspection
    reason: str | None = None  # with `closed`: why
    at: AwareDatetime


@event_contract("inspection.result_published", 1)
class ResultPublished(_Part):
    """The inspecting node's publication record of one approved result (谁检查、谁公开): published, or withheld where
    the law says it must not be public (with the reason, for auditors). Planning marks a task's results published
    only when every visit of the task has one."""

    result_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    task_ids: list[uuid.UUID] = Field(min_length=1)
    public: bool
    withheld_reason: str | None = None
    content_sha256: str = Field(min_length=64, max_length=64)  # what was published, as a receipt (001 §三(六))
    published_at: AwareDatetime


__all__ = [
    "FollowUpClosed",
    "FollowUpOpened",
    "Inspector",
    "ItemResult",
    "NoticeIssued",
    "Overdue",
    "RecordForm",
    "ResultApproved",
    "ResultPublished",
    "ResultReturned",
    "ResultSubmitted",
    "VisitExtended",
    "VisitOpened",
    "VisitStatusChanged",
]
