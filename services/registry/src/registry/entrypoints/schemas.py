"""Wire formats of the registry's HTTP API (pydantic); the records inside are validated by the domain."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from hrss.web import MAX_BODY, Body, Text, only_fields, parse
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS

RECORD_FIELDS = (
    "检查对象字段："
    + "、".join(f"{k}（{v}）" for k, v in ENTITY_FIELDS.items())
    + "；检查人员字段："
    + "、".join(f"{k}（{v}）" for k, v in INSPECTOR_FIELDS.items())
)


class RecordBody(Body):
    """A new or changed entity or inspector: the record's fields, and why and when the change became known."""

    record: dict[str, Any] = Field(description=RECORD_FIELDS)
    reason: Text | None = Field(default=None, max_length=2000)
    known_at: AwareDatetime | None = None
    source: Literal["manual", "upstream"] = "manual"


class InterestBody(Body):
    uscc: Text = Field(min_length=1, max_length=40)
    reason: Text = Field(min_length=1, max_length=500)


class CheckItemBody(Body):
    node: Text = Field(min_length=6, max_length=6)
    spec: dict[str, Any]
    line: Text | None = Field(default=None, max_length=40)
    # what an inspector of the line must hold to check the item (资格), e.g. ["行政执法资格"]
    qualifications: list[Text] | None = Field(default=None, max_length=10)
    reason: Text | None = Field(default=None, max_length=2000)


class RevisionBody(Body):
    """A revision; `line` and `qualifications` left out stay as they are (null or [] clears them)."""

    spec: dict[str, Any] | None = None
    line: Text | None = Field(default=None, max_length=40)
    qualifications: list[Text] | None = Field(default=None, max_length=10)
    reason: Text = Field(min_length=1, max_length=2000)


class ReasonBody(Body):
    reason: Text = Field(min_length=1, max_length=2000)


__all__ = ["MAX_BODY", "Body", "Text", "only_fields", "parse"]
