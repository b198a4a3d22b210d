"""What the draw's use cases are given besides the database: chosen by `draw.bootstrap`, which nothing imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hrss.contracts import utcnow
from hrss.drawkit import SHA256, Profile

if TYPE_CHECKING:
    from draw.adapters.snapshots import SnapshotStore


@dataclass
class Components:
    snapshots: SnapshotStore
    profile: Profile = SHA256
    # every team member holds these (DRAW.required_qualifications, none by default), whatever the items, besides
    # what the checklist says each item needs; frozen into the committed task at freeze
    required_qualifications: tuple[str, ...] = ()
    clock: Callable[[], datetime] = field(default=utcnow)
