"""What the use cases are given besides the database: the clock, the repository factory, the names of the nodes,
where results are published (the report's part 4 names it) and the problem categories. Bootstrap builds it from
config; the use cases only read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.contracts import utcnow

if TYPE_CHECKING:
    from reporting.adapters.repository import ReportingRepository


def _not_injected(uow: Any) -> ReportingRepository:
    raise RuntimeError("no repository: bootstrap (or a test) injects one")


@dataclass
class Components:
    clock: Callable[[], datetime] = field(default=utcnow)
    repository: Callable[[Any], ReportingRepository] = _not_injected
    node_names: Mapping[str, str] = field(default_factory=dict)  # region code → the unit's name on the form
    publication_site: str = "双随机、一公开监管平台公示系统"
