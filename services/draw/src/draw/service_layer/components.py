"""What the draw's use cases are given besides the database: chosen by `draw.bootstrap`, which nothing imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hrss.contracts import utcnow
from hrss.drawkit import SHA256, Profile

if TYPE_CHECKING:
    from draw.adapters.repository import DrawRepository
    from draw.adapters.snapshots import SnapshotStore
    from hrss.db.unit_of_work import UnitOfWork


@dataclass
class Components:
    snapshots: SnapshotStore
    # the repository in a unit of work's transaction: SqlDrawRepository(uow.session), a fake in unit tests
    repository: Callable[[UnitOfWork], DrawRepository]
    profile: Profile = SHA256
    # every team member holds these (DRAW.required_qualifications, none by default), whatever the items, besides
    # what the checklist says each item needs; frozen into the committed task at freeze
    required_qualifications: tuple[str, ...] = ()
    clock: Callable[[], datetime] = field(default=utcnow)
