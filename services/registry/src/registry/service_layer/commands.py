"""What callers ask the registry to do, in the imperative: the entrypoints build these from requests and hand them
to `handlers.handle`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.lines import Line
from registry.service_layer.checklist import ACTIVE, KEEP, Keep


@dataclass(frozen=True)
class RegisterEntity:
    record: Mapping[str, Any]
    reason: str | None = None
    known_at: datetime | None = None
    source: str = "manual"


@dataclass(frozen=True)
class ChangeEntity:
    entity_id: str
    record: Mapping[str, Any]
    reason: str | None = None
    known_at: datetime | None = None
    source: str = "manual"


@dataclass(frozen=True)
class RegisterInspector:
    record: Mapping[str, Any]
    reason: str | None = None
    known_at: datetime | None = None
    source: str = "manual"


@dataclass(frozen=True)
class ChangeInspector:
    inspector_id: str
    record: Mapping[str, Any]
    reason: str | None = None
    known_at: datetime | None = None
    source: str = "manual"


@dataclass(frozen=True)
class DeclareInterest:
    """Declare (or, with `withdraw`, withdraw) an inspector's interest in an entity (回避)."""

    inspector_id: str
    uscc: str
    reason: str
    withdraw: bool = False


@dataclass(frozen=True)
class AddCheckItem:
    node: str
    spec: CheckItemSpec
    line: Line | None
    reason: str | None
    qualifications: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviseCheckItem:
    """Version n+1 of an item; `KEEP` leaves its line or qualifications as they are, `status` withdraws it."""

    item_id: str
    spec: CheckItemSpec | None
    reason: str | None
    line: Line | Keep | None = KEEP
    qualifications: tuple[str, ...] | Keep = KEEP
    status: str = ACTIVE
