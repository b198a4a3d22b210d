"""What a use case works with: the repository, the components, and where its audit entry goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hrss.audit import AuditRecord
from identity.adapters.repository import SqlAlchemyAccountRepository
from identity.bootstrap import Components


@dataclass
class Context:
    repo: SqlAlchemyAccountRepository
    components: Components
    audit: Callable[[AuditRecord], None]
    request_id: str | None = None
