"""The envelope every event travels in, and its wire format."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from hrss.contracts.errors import PlatformError
from hrss.contracts.nodes import NodeCode

_TYPE_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


class ContractError(PlatformError, ValueError):
    """An event that does not satisfy its contract; `code` is stable for programs."""


class Producer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    node: NodeCode


class Envelope(BaseModel):
    """Who produced what, when, about which aggregate, carrying a versioned payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID
    type: str = Field(pattern=_TYPE_PATTERN, max_length=100)
    schema_version: int = Field(ge=1, le=999)
    occurred_at: AwareDatetime
    producer: Producer
    subject: str = Field(min_length=1, max_length=200)
    trace_id: str = Field(min_length=1, max_length=64)
    target_node: NodeCode | None = None
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def to_bytes(self) -> bytes:
        """Serialise to the UTF-8 JSON carried on the wire."""
        return self.model_dump_json().encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Envelope:
        """Parse wire bytes, raising ContractError for anything malformed."""
        if raw is None:
            raise ContractError("envelope.empty", "消息体为空")
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in err["loc"]) or "<root>" for err in exc.errors())
            raise ContractError("envelope.invalid", f"事件信封格式错误，字段：{fields}") from exc


def new_trace_id() -> str:
    """A fresh trace id (32 hex digits)."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)
