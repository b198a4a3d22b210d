"""Table rows and event payloads of a registry version: one definition for the API path and the bulk import."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts.lines import Line
from registry.domain.entities import CreditGrade, EntityState, EntityStatus, ObjectType
from registry.domain.inspectors import InspectorState, InspectorStatus, Pool
from registry.domain.versions import Change

ENTITY_COLUMNS = (
    "uscc",
    "name",
    "object_type",
    "region_code",
    "industry",
    "address",
    "status",
    "tags",
    "credit_grade",
    "complaint_count",
    "serious_violation",
    "last_inspected",
)
CHANGE_COLUMNS = ("source", "reason", "changed_by", "known_at", "applied_at", "late", "import_id", "content_hash")


def entity_values(state: EntityState) -> tuple[Any, ...]:
    """The entity columns of a state, in `ENTITY_COLUMNS` order."""
    return (
        state.uscc,
        state.name,
        state.object_type.value,
        state.region_code,
        state.industry,
        state.address,
        state.status.value,
        list(state.tags),
        state.credit_grade.value if state.credit_grade else None,
        state.complaint_count,
        state.serious_violation,
        state.last_inspected,
    )


def entity_version_row(entity_id: str, version: int, state: EntityState, change: Change, digest: str) -> dict:
    return {
        "entity_id": entity_id,
        "version": version,
        **dict(zip(ENTITY_COLUMNS, entity_values(state), strict=True)),
        **change.columns(),
        "content_hash": digest,
    }


def entity_current_row(entity_id: str, version: int, state: EntityState, digest: str, at: datetime) -> dict:
    return {
        "id": entity_id,
        "version": version,
        **dict(zip(ENTITY_COLUMNS, entity_values(state), strict=True)),
        "content_hash": digest,
        "updated_at": at,
    }


def entity_from_row(row: Any) -> EntityState:
    """The state a current or version row holds."""
    return EntityState(
        uscc=row.uscc,
        name=row.name,
        object_type=ObjectType(row.object_type),
        region_code=row.region_code,
        industry=row.industry,
        address=row.address,
        status=EntityStatus(row.status),
        tags=tuple(row.tags),
        credit_grade=CreditGrade(row.credit_grade) if row.credit_grade else None,
        complaint_count=row.complaint_count,
        serious_violation=row.serious_violation,
        last_inspected=row.last_inspected,
    )


INSPECTOR_COLUMNS = (
    "credential_no",
    "credential_expires",
    "name",
    "unit",
    "node",
    "line",
    "position",
    "qualifications",
    "expertise",
    "pool",
    "status",
    "station_region",
    "former_employers",
    "national_id_enc",
    "phone_enc",
)


def inspector_values(inspector_id: str, state: InspectorState, cipher: AesGcmSecretCipher) -> tuple[Any, ...]:
    """The inspector columns of a state, personal data encrypted (bound to the inspector's id)."""
    return (
        state.credential_no,
        state.credential_expires,
        state.name,
        state.unit,
        state.node,
        state.line.value,
        state.position,
        list(state.qualifications),
        list(state.expertise),
        state.pool.value,
        state.status.value,
        state.station_region,
        list(state.former_employers),
        cipher.encrypt(state.national_id, f"{inspector_id}:national_id") if state.national_id else None,
        cipher.encrypt(state.phone, f"{inspector_id}:phone") if state.phone else None,
    )


def inspector_version_row(
    inspector_id: str, version: int, state: InspectorState, change: Change, digest: str, cipher: AesGcmSecretCipher
) -> dict:
    return {
        "inspector_id": inspector_id,
        "version": version,
        **dict(zip(INSPECTOR_COLUMNS, inspector_values(inspector_id, state, cipher), strict=True)),
        **change.columns(),
        "content_hash": digest,
    }


def inspector_current_row(version_row: dict, at: datetime) -> dict:
    """The projection row showing a version row."""
    return {
        "id": version_row["inspector_id"],
        "version": version_row["version"],
        **{c: version_row[c] for c in INSPECTOR_COLUMNS},
        "content_hash": version_row["content_hash"],
        "updated_at": at,
    }


def inspector_from_row(row: Any, cipher: AesGcmSecretCipher, inspector_id: str) -> InspectorState:
    """The state a current or version row holds, personal data decrypted."""
    return InspectorState(
        credential_no=row.credential_no,
        credential_expires=row.credential_expires,
        name=row.name,
        unit=row.unit,
        node=row.node,
        line=Line(row.line),
        position=row.position,
        qualifications=tuple(row.qualifications),
        expertise=tuple(row.expertise),
        pool=Pool(row.pool),
        status=InspectorStatus(row.status),
        station_region=row.station_region,
        former_employers=tuple(row.former_employers),
        national_id=cipher.decrypt(row.national_id_enc, f"{inspector_id}:national_id") if row.national_id_enc else None,
        phone=cipher.decrypt(row.phone_enc, f"{inspector_id}:phone") if row.phone_enc else None,
    )
