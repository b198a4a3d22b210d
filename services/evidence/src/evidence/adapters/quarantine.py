"""What is kept of quarantined uploads: the port the use cases ask (`QuarantineRecords`, which the evidence
repository extends) and its PostgreSQL adapter. Fake: `tests/fakes.py:FakeEvidenceRepository`; both pass
`tests/integration/test_repository_contract.py`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from evidence.adapters import orm
from evidence.domain.records import QuarantinedUpload

QUARANTINE_LIMIT = 1000  # entries answered at once


class QuarantineRecords(ABC):
    @abstractmethod
    def record_quarantine(self, entry: QuarantinedUpload) -> None:
        """Keep a quarantined upload at once, in a transaction of its own (the refused request rolls back)."""

    @abstractmethod
    def quarantined(self, prefix: str, visit_id: str | None = None) -> list[QuarantinedUpload]:
        """The quarantined uploads of the nodes whose code starts with `prefix` (of one visit, if given), newest
        first, at most `QUARANTINE_LIMIT`."""


class SqlQuarantineRecords(QuarantineRecords):
    session: Session

    def record_quarantine(self, entry: QuarantinedUpload) -> None:
        engine: Any = self.session.get_bind()
        with engine.begin() as connection:
            connection.execute(insert(orm.quarantined_upload).values(**entry.__dict__))

    def quarantined(self, prefix: str, visit_id: str | None = None) -> list[QuarantinedUpload]:
        q = orm.quarantined_upload
        query = select(q).where(q.c.node.like(prefix + "%"))
        if visit_id is not None:
            query = query.where(q.c.visit_id == visit_id)
        query = query.order_by(q.c.uploaded_at.desc(), q.c.evidence_id.desc()).limit(QUARANTINE_LIMIT)
        found = self.session.execute(query)
        return [
            QuarantinedUpload(**{**r._mapping, "evidence_id": str(r.evidence_id), "visit_id": str(r.visit_id)})
            for r in found
        ]
