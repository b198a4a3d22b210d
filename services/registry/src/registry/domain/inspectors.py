"""The inspector registry (执法检查人员名录库) and the auxiliary expert pool (辅助检查人员库).

An inspector is eligible for a draw only while active and holding an unexpired credential; that is derived
from the record and the day asked about, so an expiring credential takes effect without anyone acting.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from stdnum.cn import ric

from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.lines import LINE_LABELS, Line
from hrss.contracts.uscc import InvalidUscc, check_uscc
from registry.domain import fields
from registry.domain.regions import RegionTable

_CREDENTIAL = re.compile(r"^[0-9A-Za-z\-]{4,40}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class Pool(StrEnum):
    ENFORCEMENT = "enforcement"
    EXPERT = "expert"


POOL_LABELS = {Pool.ENFORCEMENT: "执法检查人员", Pool.EXPERT: "辅助检查人员（专家）"}


class InspectorStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    TRANSFERRED = "transferred"
    RETIRED = "retired"
    CREDENTIAL_EXPIRED = "credential_expired"


STATUS_LABELS = {
    InspectorStatus.ACTIVE: "在岗",
    InspectorStatus.ON_LEAVE: "休假",
    InspectorStatus.TRANSFERRED: "调离",
    InspectorStatus.RETIRED: "退休",
    InspectorStatus.CREDENTIAL_EXPIRED: "执法证过期",
}

INSPECTOR_FIELDS: dict[str, str] = {
    "credential_no": "执法证号",
    "credential_expires": "执法证有效期至",
    "name": "姓名",
    "unit": "工作单位",
    "node": "所属节点",
    "line": "业务条线",
    "position": "职务",
    "qualifications": "资格",
    "expertise": "业务专长",
    "pool": "人员类别",
    "status": "人员状态",
    "station_region": "所在站所区划",
    "former_employers": "曾任职单位",
    "national_id": "身份证号",
    "phone": "手机号码",
}

PERSONAL_FIELDS = ("national_id", "phone")


@dataclass(frozen=True)
class InspectorState:
    """One version of an inspector's record; `national_id` and `phone` are personal data, kept encrypted."""

    credential_no: str
    credential_expires: date
    name: str
    unit: str
    node: str
    line: Line
    position: str | None
    qualifications: tuple[str, ...]
    expertise: tuple[str, ...]
    pool: Pool
    status: InspectorStatus
    station_region: str | None
    former_employers: tuple[str, ...]
    national_id: str | None
    phone: str | None

    def effective_status(self, on: date) -> InspectorStatus:
        """The status on a day: an active inspector whose credential has expired is `credential_expired`."""
        if self.status is InspectorStatus.ACTIVE and self.credential_expires < on:
            return InspectorStatus.CREDENTIAL_EXPIRED
        return self.status

    def eligible(self, on: date) -> bool:
        """May be drawn on `on`: active with a valid credential."""
        return self.effective_status(on) is InspectorStatus.ACTIVE

    def content_hash(self) -> str:
        """SHA-256 of the whole record, personal data included (so a changed phone is a new version)."""
        parts = (
            self.credential_no,
            self.credential_expires.isoformat(),
            self.name,
            self.unit,
            self.node,
            self.line.value,
            self.position or "",
            "\x1e".join(self.qualifications),
            "\x1e".join(self.expertise),
            self.pool.value,
            self.status.value,
            self.station_region or "",
            "\x1e".join(self.former_employers),
            self.national_id or "",
            self.phone or "",
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """Every field in plain JSON types, personal data in clear: only for code that masks or encrypts it."""
        return {
            "credential_no": self.credential_no,
            "credential_expires": self.credential_expires.isoformat(),
            "name": self.name,
            "unit": self.unit,
            "node": self.node,
            "line": self.line.value,
            "position": self.position,
            "qualifications": list(self.qualifications),
            "expertise": list(self.expertise),
            "pool": self.pool.value,
            "status": self.status.value,
            "station_region": self.station_region,
            "former_employers": list(self.former_employers),
            "national_id": self.national_id,
            "phone": self.phone,
        }

    def changed(self, values: Mapping[str, Any], regions: RegionTable) -> InspectorState:
        """A new state with some fields replaced; the credential number identifies the inspector."""
        if values.get("credential_no") not in (None, self.credential_no):
            raise InvalidRecord([FieldError("credential_no", "inspector.credential_immutable", "执法证号不能修改")])
        merged = {**self.to_json(), **{k: v for k, v in values.items() if k in INSPECTOR_FIELDS}}
        return parse_inspector(merged, regions)


def mask_national_id(value: str | None) -> str | None:
    """110105********1234: region and last four only."""
    return None if not value else value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """138****5678."""
    return None if not value else value[:3] + "****" + value[-4:]


def parse_inspector(raw: Mapping[str, Any], regions: RegionTable) -> InspectorState:
    """An inspector from raw values keyed by field name; raises `InvalidRecord` listing every bad field."""
    state, errors = try_parse_inspector(raw, regions)
    if state is None:
        raise InvalidRecord(errors)
    return state


def try_parse_inspector(raw: Mapping[str, Any], regions: RegionTable) -> tuple[InspectorState | None, list[FieldError]]:
    """(state, []) for a good record, (None, errors) for a bad one."""
    record = fields.Collector(raw, INSPECTOR_FIELDS)
    field, fail, errors = record.field, record.fail, record.errors

    credential = field("credential_no", fields.text, max_length=40)
    if credential and not _CREDENTIAL.match(credential):
        fail("credential_no", "inspector.credential_format", "执法证号只能包含字母、数字和连字符（4 到 40 位）")
    expires = field("credential_expires", fields.day, required=True)
    name = field("name", fields.display_text, max_length=50)
    unit = field("unit", fields.text, max_length=100)
    node = field("node", fields.region, regions)
    line = field("line", fields.choice, Line, LINE_LABELS)
    position = field("position", fields.text, max_length=50, required=False)
    qualifications = field("qualifications", fields.text_list)
    expertise = field("expertise", fields.text_list)
    pool = field("pool", fields.choice, Pool, POOL_LABELS, default=Pool.ENFORCEMENT)
    status = field("status", fields.choice, InspectorStatus, STATUS_LABELS, default=InspectorStatus.ACTIVE)
    station = field("station_region", fields.region, regions, required=False)
    employers: list[str] = []
    for item in field("former_employers", fields.text_list, max_length=18) or ():
        try:
            employers.append(check_uscc(item))
        except InvalidUscc as bad:
            fail("former_employers", f"uscc.{bad.reason}", f"曾任职单位 {item}：{bad}")
    national_id = field("national_id", fields.text, max_length=18, required=False)
    if national_id:
        national_id = national_id.upper()
        if not _valid_national_id(national_id):
            fail("national_id", "inspector.national_id", "身份证号无效（18 位，末位校验码须正确）")
    phone = field("phone", fields.text, max_length=11, required=False)
    if phone and not _MOBILE.match(phone):
        fail("phone", "inspector.phone", "手机号码应为 11 位数字，以 1 开头")
    if errors:
        return None, errors
    return (
        InspectorState(
            credential_no=credential,  # type: ignore[arg-type]
            credential_expires=expires,  # type: ignore[arg-type]
            name=name,  # type: ignore[arg-type]
            unit=unit,  # type: ignore[arg-type]
            node=node,  # type: ignore[arg-type]
            line=line,
            position=position,
            qualifications=qualifications,
            expertise=expertise,
            pool=pool,
            status=status,
            station_region=station,
            former_employers=tuple(sorted(set(employers))),
            national_id=national_id,
            phone=phone,
        ),
        [],
    )


def _valid_national_id(value: str) -> bool:
    """GB 11643: 18 characters, a region and birth date that exist, the right check character."""
    try:
        return bool(ric.is_valid(value))
    except (KeyError, ValueError):  # stdnum 2.2 raises KeyError for a region code it does not know
        return False
