"""The entity registry (检查对象名录库): what an inspectable employer is, and how a record is validated."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from hrss.contracts.credit import GRADE_LABELS, CreditGrade
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.uscc import InvalidUscc, check_uscc
from registry.domain import fields
from registry.domain.regions import RegionTable


class ObjectType(StrEnum):
    """The kinds of employer that may be inspected (004 §3.3)."""

    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise"
    PARTNERSHIP = "partnership"
    FOUNDATION = "foundation"
    STATE_ORGAN = "state_organ"
    PUBLIC_INSTITUTION = "public_institution"
    SOCIAL_GROUP = "social_group"


OBJECT_TYPE_LABELS = {
    ObjectType.ENTERPRISE: "企业",
    ObjectType.INDIVIDUAL_BUSINESS: "个体经济组织",
    ObjectType.PRIVATE_NON_ENTERPRISE: "民办非企业单位",
    ObjectType.PARTNERSHIP: "合伙组织",
    ObjectType.FOUNDATION: "基金会",
    ObjectType.STATE_ORGAN: "国家机关",
    ObjectType.PUBLIC_INSTITUTION: "事业单位",
    ObjectType.SOCIAL_GROUP: "社会团体",
}


class EntityStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEREGISTERED = "deregistered"
    REVOKED = "revoked"
    MOVED_OUT = "moved_out"


STATUS_LABELS = {
    EntityStatus.ACTIVE: "存续",
    EntityStatus.SUSPENDED: "停业",
    EntityStatus.DEREGISTERED: "注销",
    EntityStatus.REVOKED: "吊销",
    EntityStatus.MOVED_OUT: "迁出",
}


# field → Chinese label; the label is also accepted as a CSV/XLSX column header
ENTITY_FIELDS: dict[str, str] = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "object_type": "对象类型",
    "region_code": "行政区划代码",
    "industry": "行业",
    "address": "注册地址",
    "status": "登记状态",
    "tags": "分类标注",
    "credit_grade": "信用等级",
    "complaint_count": "投诉次数",
    "serious_violation": "严重违法记录",
    "last_inspected": "最近检查日期",
}


@dataclass(frozen=True)
class EntityState:
    """One version of an entity's registry record."""

    uscc: str
    name: str
    object_type: ObjectType
    region_code: str
    industry: str | None
    address: str | None
    status: EntityStatus
    tags: tuple[str, ...]
    credit_grade: CreditGrade | None
    complaint_count: int
    serious_violation: bool
    last_inspected: date | None

    def content_hash(self) -> str:
        """SHA-256 of the record's content: equal records (whatever their source) hash equal."""
        parts = (
            self.uscc,
            self.name,
            self.object_type.value,
            self.region_code,
            self.industry or "",
            self.address or "",
            self.status.value,
            "\x1e".join(self.tags),
            self.credit_grade.value if self.credit_grade else "",
            str(self.complaint_count),
            "1" if self.serious_violation else "0",
            self.last_inspected.isoformat() if self.last_inspected else "",
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, as the API and the events show it."""
        return {
            "uscc": self.uscc,
            "name": self.name,
            "object_type": self.object_type.value,
            "region_code": self.region_code,
            "industry": self.industry,
            "address": self.address,
            "status": self.status.value,
            "tags": list(self.tags),
            "credit_grade": self.credit_grade.value if self.credit_grade else None,
            "complaint_count": self.complaint_count,
            "serious_violation": self.serious_violation,
            "last_inspected": self.last_inspected.isoformat() if self.last_inspected else None,
        }

    def changed(self, values: Mapping[str, Any], regions: RegionTable) -> EntityState:
        """A new state with some fields replaced (the USCC never changes: it identifies the entity)."""
        if "uscc" in values and values["uscc"] is not None and check_uscc_or_none(values["uscc"]) != self.uscc:
            raise InvalidRecord([FieldError("uscc", "entity.uscc_immutable", "统一社会信用代码不能修改")])
        merged = {**self.to_json(), **{k: v for k, v in values.items() if k in ENTITY_FIELDS}}
        return parse_entity(merged, regions)


def check_uscc_or_none(value: Any) -> str | None:
    try:
        return check_uscc(str(value))
    except InvalidUscc:
        return None


def parse_entity(raw: Mapping[str, Any], regions: RegionTable) -> EntityState:
    """An entity from raw values keyed by field name; raises `InvalidRecord` listing every bad field."""
    state, errors = try_parse_entity(raw, regions)
    if state is None:
        raise InvalidRecord(errors)
    return state


def try_parse_entity(raw: Mapping[str, Any], regions: RegionTable) -> tuple[EntityState | None, list[FieldError]]:
    """(state, []) for a good record, (None, errors) for a bad one: imports report errors, not raise them."""
    record = fields.Collector(raw, ENTITY_FIELDS)
    field, errors = record.field, record.errors
    uscc = field("uscc", fields.uscc)
    name = field("name", fields.display_text, max_length=200)
    object_type = field("object_type", fields.choice, ObjectType, OBJECT_TYPE_LABELS, default=ObjectType.ENTERPRISE)
    region_code = field("region_code", fields.region, regions)
    industry = field("industry", fields.text, max_length=100, required=False)
    address = field("address", fields.text, max_length=300, required=False)
    status = field("status", fields.choice, EntityStatus, STATUS_LABELS, default=EntityStatus.ACTIVE)
    tags = field("tags", fields.text_list)
    grade_raw = raw.get("credit_grade")
    grade = None if fields.blank(grade_raw) else field("credit_grade", fields.choice, CreditGrade, GRADE_LABELS)
    complaints = field("complaint_count", fields.count)
    serious = field("serious_violation", fields.flag)
    last = field("last_inspected", fields.day)
    if errors:
        return None, errors
    return (
        EntityState(
            uscc=uscc,  # type: ignore[arg-type]
            name=name,
            object_type=object_type,
            region_code=region_code,  # type: ignore[arg-type]
            industry=industry,
            address=address,
            status=status,
            tags=tags,
            credit_grade=grade,
            complaint_count=complaints,
            serious_violation=serious,
            last_inspected=last,
        ),
        [],
    )


__all__ = [
    "ENTITY_FIELDS",
    "GRADE_LABELS",
    "CreditGrade",
    "EntityState",
    "EntityStatus",
    "ObjectType",
    "parse_entity",
    "try_parse_entity",
]
