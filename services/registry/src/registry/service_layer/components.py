"""What the registry's use cases are handed besides the database: built and injected by `registry.bootstrap`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar
from registry.domain.regions import RegionTable

if TYPE_CHECKING:
    from registry.adapters.repository import RegistryRepository

FRESHNESS_WORKING_DAYS = 5  # 004 §7.2.2, §7.3.2: a change is applied within 5 working days of becoming known


@dataclass
class Components:
    """Everything the use cases need besides the database; `repository(uow)` is the registry's repository in a
    unit of work (the SQLAlchemy one that `bootstrap` injects, a fake in the handler tests)."""

    regions: RegionTable
    calendar: WorkdayCalendar
    cipher: AesGcmSecretCipher
    repository: Callable[[Any], RegistryRepository] | None = None
    freshness_days: int = FRESHNESS_WORKING_DAYS
    clock: Callable[[], datetime] = field(default=utcnow)
