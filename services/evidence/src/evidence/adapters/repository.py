"""The evidence repository: its port (what the use cases ask of what is kept) and the PostgreSQL adapter.

Fake: `tests/fakes.py:FakeEvidenceRepository`; both pass `tests/integration/test_repository_contract.py`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from evidence.adapters import orm
from evidence.adapters.integrity import IntegrityRecords, SqlIntegrityRecords
from evidence.adapters.quarantine import QuarantineRecords, SqlQuarantineRecords
from evidence.adapters.search_records import SearchRecords, SqlSearchRecords
from evidence.domain.access import Decision, Grant
from evidence.domain.records import (
    AccessRequest,
    Amendment,
    AmendmentDecision,
    ArchiveHead,
    Borrowing,
    EvidenceRecord,
    FiledVersion,
    Filing,
)

REGISTER_LIMIT = 1000  # entries of the borrowing register answered at once


class EvidenceRepository(IntegrityRecords, QuarantineRecords, SearchRecords):
    """What the evidence use cases read and add; nothing kept is ever changed (history is added to)."""

    # -- archives and evidence -------------------------------------------------------------------

    @abstractmethod
    def add_archive(self, head: ArchiveHead) -> None: ...

    @abstractmethod
    def archive(self, archive_id: str) -> ArchiveHead | None: ...

    @abstractmethod
    def archive_of_visit(self, visit_id: str) -> ArchiveHead | None: ...

    @abstractmethod
    def add_version(self, version: FiledVersion, items: Iterable[tuple[str, str]]) -> None:
        """Record a filed version and its items (evidence id, `included` | `withdrawn`)."""

    @abstractmethod
    def filed_version(self, archive_id: str, version: int) -> FiledVersion | None: ...

    @abstractmethod
    def version_numbers(self, archive_id: str) -> set[int]: ...

    @abstractmethod
    def versions(self, archive_id: str) -> list[FiledVersion]:
        """Every version of the archive, oldest first."""

    def latest_version(self, archive_id: str) -> FiledVersion | None:
        """The archive's current version."""
        versions = self.versions(archive_id)
        return versions[-1] if versions else None

    @abstractmethod
    def version_holds(self, archive_id: str, version: int, evidence_id: str) -> bool:
        """True if the version names the evidence (included or withdrawn)."""

    @abstractmethod
    def add_evidence(self, record: EvidenceRecord) -> None: ...

    @abstractmethod
    def evidence(self, evidence_id: str) -> EvidenceRecord | None: ...

    @abstractmethod
    def evidence_of_visit(self, visit_id: str, node: str | None = None) -> list[EvidenceRecord]:
        """A visit's evidence (only that uploaded at `node`, if given), oldest upload first."""

    @abstractmethod
    def filings(self, evidence_id: str) -> list[Filing]:
        """The archive versions that name the evidence, by version."""

    @abstractmethod
    def evidence_after_filing(self, archive_id: str, visit_id: str) -> list[str]:
        """The ids of the visit's evidence that no version of the archive names."""

    @abstractmethod
    def record_intent(
        self, evidence_id: str, node: str, visit_id: str, object_key: str, actor: str, at: datetime
    ) -> None:
        """Keep an upload's intent at once, in a transaction of its own (it outlives a rollback or a crash)."""

    @abstractmethod
    def record_rejection(self, evidence_id: str, code: str, object_removed: str, at: datetime) -> None:
        """Keep why an upload was refused at once, in a transaction of its own."""

    # -- amendments ------------------------------------------------------------------------------

    @abstractmethod
    def add_amendment(self, amendment: Amendment) -> None: ...

    @abstractmethod
    def amendment(self, amendment_id: str) -> Amendment | None: ...

    @abstractmethod
    def amendment_count(self, archive_id: str) -> int: ...

    @abstractmethod
    def add_amendment_decision(self, decision: AmendmentDecision) -> None: ...

    @abstractmethod
    def amendment_decision(self, amendment_id: str) -> AmendmentDecision | None: ...

    # -- access requests, decisions and grants ---------------------------------------------------

    @abstractmethod
    def add_access_request(self, request: AccessRequest) -> None: ...

    @abstractmethod
    def access_request(self, request_id: str) -> AccessRequest | None: ...

    @abstractmethod
    def add_decision(self, request_id: str, decision: Decision) -> None: ...

    @abstractmethod
    def decisions(self, request_id: str) -> list[Decision]:
        """The request's decisions, oldest first."""

    @abstractmethod
    def add_grant(self, grant: Grant, request: AccessRequest) -> None: ...

    @abstractmethod
    def grant(self, grant_id: str) -> Grant | None: ...

    @abstractmethod
    def grant_of_request(self, request_id: str) -> str | None:
        """The id of the grant the request led to, if any."""

    # -- the borrowing register ------------------------------------------------------------------

    @abstractmethod
    def add_borrowing(self, borrowing: Borrowing) -> None: ...

    @abstractmethod
    def add_return(self, borrowing_id: str, keeper: str, condition: str, note: str, at: datetime) -> None: ...

    @abstractmethod
    def borrowing(self, borrowing_id: str) -> Borrowing | None:
        """The register entry with its return, if registered."""

    @abstractmethod
    def borrowing_open(self, grant_id: str, version: int) -> bool:
        """True if the version lent under the grant is not yet back."""

    @abstractmethod
    def borrowings_under(self, prefix: str) -> list[Borrowing]:
        """The register of the nodes whose code starts with `prefix`, oldest first (at most `REGISTER_LIMIT`)."""


class SqlEvidenceRepository(SqlIntegrityRecords, SqlQuarantineRecords, SqlSearchRecords, EvidenceRepository):
    """The repository on the service's PostgreSQL schema, in the request's session (the unit of work commits)."""

    def _first(self, query: Any) -> Any:
        return self.session.execute(query).first()

    def add_archive(self, head: ArchiveHead) -> None:
        self.session.execute(insert(orm.archive).values(**head.__dict__))

    def archive(self, archive_id: str) -> ArchiveHead | None:
        row = self._first(select(orm.archive).where(orm.archive.c.archive_id == archive_id))
        return None if row is None else ArchiveHead(**row._mapping)

    def archive_of_visit(self, visit_id: str) -> ArchiveHead | None:
        row = self._first(select(orm.archive).where(orm.archive.c.visit_id == visit_id))
        return None if row is None else ArchiveHead(**row._mapping)

    def add_version(self, version: FiledVersion, items: Iterable[tuple[str, str]]) -> None:
        self.session.execute(insert(orm.archive_version).values(**version.__dict__))
        rows = [
            {"archive_id": version.archive_id, "version": version.version, "evidence_id": e, "status": s}
            for e, s in items
        ]
        if rows:
            self.session.execute(insert(orm.archive_item), rows)

    def filed_version(self, archive_id: str, version: int) -> FiledVersion | None:
        v = orm.archive_version
        row = self._first(select(v).where(v.c.archive_id == archive_id, v.c.version == version))
        return None if row is None else FiledVersion(**row._mapping)

    def version_numbers(self, archive_id: str) -> set[int]:
        v = orm.archive_version
        return set(self.session.execute(select(v.c.version).where(v.c.archive_id == archive_id)).scalars())

    def versions(self, archive_id: str) -> list[FiledVersion]:
        v = orm.archive_version
        rows = self.session.execute(select(v).where(v.c.archive_id == archive_id).order_by(v.c.version))
        return [FiledVersion(**row._mapping) for row in rows]

    def latest_version(self, archive_id: str) -> FiledVersion | None:
        v = orm.archive_version
        query = select(v).where(v.c.archive_id == archive_id).order_by(v.c.version.desc()).limit(1)
        row = self._first(query)
        return None if row is None else FiledVersion(**row._mapping)

    def version_holds(self, archive_id: str, version: int, evidence_id: str) -> bool:
        i = orm.archive_item
        query = select(i.c.status).where(
            i.c.archive_id == archive_id, i.c.version == version, i.c.evidence_id == evidence_id
        )
        return self._first(query) is not None

    def add_evidence(self, record: EvidenceRecord) -> None:
        self.session.execute(insert(orm.evidence).values(**record.__dict__))

    def evidence(self, evidence_id: str) -> EvidenceRecord | None:
        row = self._first(select(orm.evidence).where(orm.evidence.c.evidence_id == evidence_id))
        return None if row is None else EvidenceRecord(**row._mapping)

    def evidence_of_visit(self, visit_id: str, node: str | None = None) -> list[EvidenceRecord]:
        e = orm.evidence
        query = select(e).where(e.c.visit_id == visit_id)
        if node is not None:
            query = query.where(e.c.node == node)
        return [EvidenceRecord(**row._mapping) for row in self.session.execute(query.order_by(e.c.uploaded_at))]

    def filings(self, evidence_id: str) -> list[Filing]:
        i = orm.archive_item
        query = select(i.c.archive_id, i.c.version, i.c.status).where(i.c.evidence_id == evidence_id)
        return [
            Filing(str(r.archive_id), r.version, r.status) for r in self.session.execute(query.order_by(i.c.version))
        ]

    def evidence_after_filing(self, archive_id: str, visit_id: str) -> list[str]:
        e, i = orm.evidence, orm.archive_item
        filed = select(i.c.evidence_id).where(i.c.archive_id == archive_id)
        query = select(e.c.evidence_id).where(e.c.visit_id == visit_id, e.c.evidence_id.not_in(filed))
        return [str(found) for found in self.session.execute(query).scalars()]

    def _at_once(self, statement: Any) -> None:
        engine: Any = self.session.get_bind()
        with engine.begin() as connection:
            connection.execute(statement)

    def record_intent(
        self, evidence_id: str, node: str, visit_id: str, object_key: str, actor: str, at: datetime
    ) -> None:
        self._at_once(
            insert(orm.upload_intent).values(
                evidence_id=evidence_id, node=node, visit_id=visit_id, object_key=object_key, actor=actor, started_at=at
            )
        )

    def record_rejection(self, evidence_id: str, code: str, object_removed: str, at: datetime) -> None:
        self._at_once(
            insert(orm.upload_rejection).values(
                evidence_id=evidence_id, code=code, object_removed=object_removed, at=at
            )
        )

    def add_amendment(self, amendment: Amendment) -> None:
        values = {
            **amendment.__dict__,
            "add_evidence": list(amendment.add_evidence),
            "withdraw_evidence": list(amendment.withdraw_evidence),
        }
        self.session.execute(insert(orm.amendment).values(**values))

    def amendment(self, amendment_id: str) -> Amendment | None:
        m = orm.amendment
        row = self._first(select(m).where(m.c.amendment_id == amendment_id))
        if row is None:
            return None
        add, withdraw = tuple(map(str, row.add_evidence)), tuple(map(str, row.withdraw_evidence))
        return Amendment(**{**row._mapping, "add_evidence": add, "withdraw_evidence": withdraw})

    def amendment_count(self, archive_id: str) -> int:
        m = orm.amendment
        return int(
            self.session.execute(select(func.count()).select_from(m).where(m.c.archive_id == archive_id)).scalar_one()
        )

    def add_amendment_decision(self, decision: AmendmentDecision) -> None:
        self.session.execute(insert(orm.amendment_decision).values(**decision.__dict__))

    def amendment_decision(self, amendment_id: str) -> AmendmentDecision | None:
        d = orm.amendment_decision
        row = self._first(select(d).where(d.c.amendment_id == amendment_id))
        return None if row is None else AmendmentDecision(**row._mapping)

    def add_access_request(self, request: AccessRequest) -> None:
        values = {**request.__dict__, "versions": list(request.versions)}
        self.session.execute(insert(orm.access_request).values(**values))

    def access_request(self, request_id: str) -> AccessRequest | None:
        r = orm.access_request
        row = self._first(select(r).where(r.c.request_id == request_id))
        if row is None:
            return None
        return AccessRequest(**{**row._mapping, "versions": tuple(row.versions)})

    def add_decision(self, request_id: str, decision: Decision) -> None:
        self.session.execute(insert(orm.access_decision).values(request_id=request_id, **decision.__dict__))

    def decisions(self, request_id: str) -> list[Decision]:
        d = orm.access_decision
        rows = self.session.execute(select(d).where(d.c.request_id == request_id).order_by(d.c.at))
        return [Decision(r.position, r.decision, r.approver, r.approver_name, r.comment, r.at) for r in rows]

    def add_grant(self, grant: Grant, request: AccessRequest) -> None:
        values = {**grant.__dict__, "versions": list(grant.versions)}
        self.session.execute(
            insert(orm.access_grant).values(
                **values, request_id=request.request_id, node=request.node, purpose=request.purpose
            )
        )

    def grant(self, grant_id: str) -> Grant | None:
        g = orm.access_grant
        row = self._first(select(g).where(g.c.grant_id == grant_id))
        if row is None:
            return None
        return Grant(
            str(row.grant_id), str(row.archive_id), tuple(row.versions), row.mode, row.grantee, row.valid_from,
            row.valid_until,
        )  # fmt: skip

    def grant_of_request(self, request_id: str) -> str | None:
        g = orm.access_grant
        found = self.session.execute(select(g.c.grant_id).where(g.c.request_id == request_id)).scalar()
        return None if found is None else str(found)

    def add_borrowing(self, borrowing: Borrowing) -> None:
        returned = ("returned_at", "condition", "return_note", "return_keeper")
        values = {k: v for k, v in borrowing.__dict__.items() if k not in returned}
        self.session.execute(insert(orm.borrowing).values(**values))

    def add_return(self, borrowing_id: str, keeper: str, condition: str, note: str, at: datetime) -> None:
        self.session.execute(
            insert(orm.borrowing_return).values(
                borrowing_id=borrowing_id, keeper=keeper, condition=condition, note=note, returned_at=at
            )
        )

    def _register(self) -> Any:
        b, r = orm.borrowing, orm.borrowing_return
        columns = (r.c.condition, r.c.note.label("return_note"), r.c.returned_at, r.c.keeper.label("return_keeper"))
        return select(b, *columns).select_from(b.outerjoin(r, r.c.borrowing_id == b.c.borrowing_id))

    def borrowing(self, borrowing_id: str) -> Borrowing | None:
        row = self._first(self._register().where(orm.borrowing.c.borrowing_id == borrowing_id))
        return None if row is None else Borrowing(**row._mapping)

    def borrowing_open(self, grant_id: str, version: int) -> bool:
        b, r = orm.borrowing, orm.borrowing_return
        query = select(b.c.borrowing_id).where(
            b.c.grant_id == grant_id, b.c.version == version, b.c.borrowing_id.not_in(select(r.c.borrowing_id))
        )
        return self._first(query) is not None

    def borrowings_under(self, prefix: str) -> list[Borrowing]:
        b = orm.borrowing
        query = self._register().where(b.c.node.like(prefix + "%")).order_by(b.c.borrowed_at).limit(REGISTER_LIMIT)
        return [Borrowing(**row._mapping) for row in self.session.execute(query)]
