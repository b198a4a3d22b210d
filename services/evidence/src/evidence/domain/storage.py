"""What the evidence store answers with, as the use cases see it: what was stored, the store's versions and the
ways it can refuse or fail (the port itself, `AbstractEvidenceStore`, is in adapters/store.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class StoreError(RuntimeError):
    """The store refused or failed an operation."""


class ObjectMissing(StoreError):
    """No such object version."""


class ObjectLocked(StoreError):
    """The version is under retention: it can be neither deleted nor changed (WORM)."""


class ObjectUnreadable(StoreError):
    """The store has the version but will not serve its bytes (e.g. MinIO's bitrot check failed)."""


class BucketNotCompliant(StoreError):
    """The bucket lacks versioning or object lock."""


@dataclass(frozen=True)
class Stored:
    key: str
    version_id: str
    size: int


@dataclass(frozen=True)
class Version:
    key: str
    version_id: str
    size: int
    last_modified: datetime | None
    delete_marker: bool = False


@dataclass(frozen=True)
class BucketState:
    versioning: str  # "Enabled", "Suspended" or "Off"
    object_lock: bool
