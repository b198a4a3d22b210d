"""The in-memory evidence store for unit tests (`integration/test_store_contract.py` holds it to the real one), the
in-memory visit read model, and the in-memory repository (`integration/test_repository_contract.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, BinaryIO

from evidence.adapters.quarantine import QUARANTINE_LIMIT
from evidence.adapters.repository import REGISTER_LIMIT, EvidenceRepository
from evidence.adapters.s3_store import PART_SIZE
from evidence.adapters.store import (
    AbstractEvidenceStore,
    BucketState,
    ObjectLocked,
    ObjectMissing,
    Stored,
    Version,
)
from evidence.adapters.visits import AbstractVisitReadModel
from evidence.domain.access import Decision, Grant
from evidence.domain.records import (
    AccessRequest,
    Amendment,
    AmendmentDecision,
    ArchiveHead,
    Borrowing,
    EvidenceRecord,
    Filed,
    FiledVersion,
    Filing,
    QuarantinedUpload,
)
from evidence.domain.search import DocumentText
from evidence.domain.visits import VisitFact

from hrss.search import BulkOutcome
from hrss.search.archive_search import ArchiveAccess, ArchiveHit, ArchivePage


class InMemoryEvidenceStore(AbstractEvidenceStore):
    def __init__(self, bucket: str = "memory") -> None:
        self.bucket = bucket
        self.objects: dict[tuple[str, str], bytes] = {}
        self.order: list[tuple[str, str]] = []
        self.locks: dict[tuple[str, str], tuple[str, datetime]] = {}

    def ensure_bucket(self) -> BucketState:
        return self.bucket_state()

    def bucket_state(self) -> BucketState:
        return BucketState("Enabled", True)

    def put(self, key: str, stream: BinaryIO, length: int, content_type: str, metadata: dict[str, str]) -> Stored:
        if length >= 0:
            data = b""
            while len(data) < length:  # as the SDK does: exactly `length` bytes
                more = stream.read(length - len(data))
                if not more:
                    break
                data += more
        else:
            parts = []
            while more := stream.read(PART_SIZE):
                parts.append(more)
            data = b"".join(parts)
        version = str(uuid.uuid4())
        self.objects[(key, version)] = data
        self.order.append((key, version))
        return Stored(key, version, len(data))

    def copy(self, key: str, version_id: str, to_key: str) -> Stored:
        data = self._get(key, version_id)
        version = str(uuid.uuid4())
        self.objects[(to_key, version)] = data
        self.order.append((to_key, version))
        return Stored(to_key, version, len(data))

    def lock(self, key: str, version_id: str, mode: str, until: datetime) -> None:
        self._get(key, version_id)
        self.locks[(key, version_id)] = (mode, until)

    def retention(self, key: str, version_id: str) -> tuple[str, datetime] | None:
        self._get(key, version_id)
        return self.locks.get((key, version_id))

    def _get(self, key: str, version_id: str) -> bytes:
        try:
            return self.objects[(key, version_id)]
        except KeyError:
            raise ObjectMissing(f"{key}@{version_id}") from None

    def chunks(self, key: str, version_id: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        data = self._get(key, version_id)
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def read_range(self, key: str, version_id: str, offset: int, length: int) -> bytes:
        return self._get(key, version_id)[offset : offset + length] if length > 0 else b""

    def delete_version(self, key: str, version_id: str) -> None:
        self._get(key, version_id)
        held = self.locks.get((key, version_id))
        if held is not None and held[1] > datetime.now(UTC):
            raise ObjectLocked(f"{key}: Object is WORM protected and cannot be overwritten")
        del self.objects[(key, version_id)]
        self.order.remove((key, version_id))

    def versions(self, prefix: str) -> Iterator[Version]:
        for key, version in list(self.order):
            if key.startswith(prefix):
                yield Version(key, version, len(self.objects[(key, version)]), None)

    def tamper(self, key: str, version_id: str) -> None:
        """Change a stored version behind the platform's back (what only a disk or an operator could do)."""
        data = bytearray(self._get(key, version_id))
        data[len(data) // 2] ^= 0xFF
        self.objects[(key, version_id)] = bytes(data)


class InMemoryVisitReadModel(AbstractVisitReadModel):
    """The visit read model in a dict: each fact once by event id, in the order added."""

    def __init__(self) -> None:
        self.kept: dict[str, VisitFact] = {}

    def add(self, facts: Iterable[VisitFact], received_at: datetime) -> None:
        for fact in facts:
            self.kept.setdefault(fact.event_id, fact)

    def facts(self, visit_id: str) -> list[VisitFact]:
        return [f for f in self.kept.values() if f.visit_id == visit_id]


class FakeEvidenceRepository(EvidenceRepository):
    """The repository in dicts, keyed as the tables are; nothing added is changed, as in PostgreSQL. It is not rolled
    back with a unit of work: the use cases refuse before they add, and the tests hold them to that."""

    def __init__(self) -> None:
        self.archives: dict[str, ArchiveHead] = {}
        self.filed: dict[tuple[str, int], FiledVersion] = {}
        self.items: dict[tuple[str, int], dict[str, str]] = {}
        self.records: dict[str, EvidenceRecord] = {}
        self.requests: dict[str, AccessRequest] = {}
        self.decided: dict[str, list[Decision]] = {}
        self.grants: dict[str, tuple[Grant, str]] = {}  # grant id -> (grant, request id)
        self.lent: dict[str, Borrowing] = {}
        self.amendments: dict[str, Amendment] = {}
        self.amendment_decisions: dict[str, AmendmentDecision] = {}
        self.intents: dict[str, tuple[str, str, str, str, datetime]] = {}  # node, visit, key, actor, at
        self.rejections: dict[str, tuple[str, str, datetime]] = {}  # code, object removed, at
        self.fixity_checks: list[tuple[str, Filed, str, str | None, datetime]] = []
        self.quarantine: dict[str, QuarantinedUpload] = {}
        self.document_texts: dict[str, DocumentText] = {}  # extraction id -> extraction

    @staticmethod
    def _new(table: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
        if key in table:
            raise KeyError(f"duplicate key {key!r}")  # the primary key PostgreSQL would refuse
        table[key] = value

    def add_archive(self, head: ArchiveHead) -> None:
        self._new(self.archives, head.archive_id, head)

    def archive(self, archive_id: str) -> ArchiveHead | None:
        return self.archives.get(archive_id)

    def archive_of_visit(self, visit_id: str) -> ArchiveHead | None:
        return next((a for a in self.archives.values() if a.visit_id == visit_id), None)

    def add_version(self, version: FiledVersion, items: Iterable[tuple[str, str]]) -> None:
        key = (version.archive_id, version.version)
        self._new(self.filed, key, version)
        self.items[key] = dict(items)

    def filed_version(self, archive_id: str, version: int) -> FiledVersion | None:
        return self.filed.get((archive_id, version))

    def version_numbers(self, archive_id: str) -> set[int]:
        return {n for a, n in self.filed if a == archive_id}

    def versions(self, archive_id: str) -> list[FiledVersion]:
        return sorted((v for v in self.filed.values() if v.archive_id == archive_id), key=lambda v: v.version)

    def version_holds(self, archive_id: str, version: int, evidence_id: str) -> bool:
        return evidence_id in self.items.get((archive_id, version), {})

    def add_evidence(self, record: EvidenceRecord) -> None:
        self._new(self.records, record.evidence_id, record)

    def evidence(self, evidence_id: str) -> EvidenceRecord | None:
        return self.records.get(evidence_id)

    def evidence_of_visit(self, visit_id: str, node: str | None = None) -> list[EvidenceRecord]:
        found = [r for r in self.records.values() if r.visit_id == visit_id and node in (None, r.node)]
        return sorted(found, key=lambda r: r.uploaded_at)

    def filings(self, evidence_id: str) -> list[Filing]:
        found = [Filing(a, v, held[evidence_id]) for (a, v), held in self.items.items() if evidence_id in held]
        return sorted(found, key=lambda f: f.version)

    def evidence_after_filing(self, archive_id: str, visit_id: str) -> list[str]:
        filed = {e for (a, _), held in self.items.items() if a == archive_id for e in held}
        return [r.evidence_id for r in self.records.values() if r.visit_id == visit_id and r.evidence_id not in filed]

    def record_intent(
        self, evidence_id: str, node: str, visit_id: str, object_key: str, actor: str, at: datetime
    ) -> None:
        self._new(self.intents, evidence_id, (node, visit_id, object_key, actor, at))

    def record_rejection(self, evidence_id: str, code: str, object_removed: str, at: datetime) -> None:
        self._new(self.rejections, evidence_id, (code, object_removed, at))

    def record_quarantine(self, entry: QuarantinedUpload) -> None:
        self._new(self.quarantine, entry.evidence_id, entry)

    def quarantined(self, prefix: str, visit_id: str | None = None) -> list[QuarantinedUpload]:
        found = [q for q in self.quarantine.values() if q.node.startswith(prefix) and visit_id in (None, q.visit_id)]
        return sorted(found, key=lambda q: (q.uploaded_at, q.evidence_id), reverse=True)[:QUARANTINE_LIMIT]

    def add_text(self, text: DocumentText) -> None:
        self._new(self.document_texts, text.extraction_id, text)

    def texts(self, evidence_ids: Collection[str]) -> dict[str, DocumentText]:
        ordered = sorted(self.document_texts.values(), key=lambda t: t.extracted_at)
        return {t.evidence_id: t for t in ordered if t.evidence_id in evidence_ids}

    def grants_in_force(self, grantee: str, at: datetime) -> dict[str, tuple[int, ...]]:
        held: dict[str, set[int]] = {}
        for grant, _ in self.grants.values():
            if grant.grantee == grantee and grant.valid_from <= at < grant.valid_until:
                held.setdefault(grant.archive_id, set()).update(grant.versions)
        return {a: tuple(sorted(v)) for a, v in held.items()}

    def archive_ids(self, prefixes: Collection[str]) -> Iterator[str]:
        for prefix in prefixes:
            found = [h for h in self.archives.values() if h.node.startswith(prefix)]
            yield from (h.archive_id for h in sorted(found, key=lambda h: (h.filed_at, h.archive_id)))

    def filed_objects(self) -> Iterator[Filed]:
        for r in self.records.values():
            yield Filed("evidence", r.evidence_id, r.object_key, r.version_id, r.algorithm, r.digest)
        for v in self.filed.values():
            object_id = f"{v.archive_id}/v{v.version}"
            yield Filed("manifest", object_id, v.manifest_key, v.manifest_version_id, v.algorithm, v.manifest_digest)

    def upload_intents(self) -> set[str]:
        return set(self.intents)

    def upload_rejections(self) -> set[str]:
        return set(self.rejections)

    def add_fixity_check(self, run_id: str, item: Filed, status: str, actual: str | None, at: datetime) -> None:
        self.fixity_checks.append((run_id, item, status, actual, at))

    def add_amendment(self, amendment: Amendment) -> None:
        self._new(self.amendments, amendment.amendment_id, amendment)

    def amendment(self, amendment_id: str) -> Amendment | None:
        return self.amendments.get(amendment_id)

    def amendment_count(self, archive_id: str) -> int:
        return sum(1 for a in self.amendments.values() if a.archive_id == archive_id)

    def add_amendment_decision(self, decision: AmendmentDecision) -> None:
        self._new(self.amendment_decisions, decision.amendment_id, decision)

    def amendment_decision(self, amendment_id: str) -> AmendmentDecision | None:
        return self.amendment_decisions.get(amendment_id)

    def add_access_request(self, request: AccessRequest) -> None:
        self._new(self.requests, request.request_id, request)

    def access_request(self, request_id: str) -> AccessRequest | None:
        return self.requests.get(request_id)

    def add_decision(self, request_id: str, decision: Decision) -> None:
        self.decided.setdefault(request_id, []).append(decision)

    def decisions(self, request_id: str) -> list[Decision]:
        return sorted(self.decided.get(request_id, []), key=lambda d: d.at or datetime.min.replace(tzinfo=UTC))

    def add_grant(self, grant: Grant, request: AccessRequest) -> None:
        if any(r == request.request_id for _, r in self.grants.values()):
            raise KeyError(f"request {request.request_id} already granted")  # unique in PostgreSQL
        self._new(self.grants, grant.grant_id, (grant, request.request_id))

    def grant(self, grant_id: str) -> Grant | None:
        found = self.grants.get(grant_id)
        return None if found is None else found[0]

    def grant_of_request(self, request_id: str) -> str | None:
        return next((g.grant_id for g, r in self.grants.values() if r == request_id), None)

    def add_borrowing(self, borrowing: Borrowing) -> None:
        self._new(
            self.lent,
            borrowing.borrowing_id,
            replace(borrowing, returned_at=None, condition=None, return_note=None, return_keeper=None),
        )

    def add_return(self, borrowing_id: str, keeper: str, condition: str, note: str, at: datetime) -> None:
        lent = self.lent[borrowing_id]  # a return of a borrowing never registered is a bug in the caller
        if lent.returned_at is not None:
            raise KeyError(f"borrowing {borrowing_id} already returned")
        self.lent[borrowing_id] = replace(
            lent, returned_at=at, condition=condition, return_note=note, return_keeper=keeper
        )

    def borrowing(self, borrowing_id: str) -> Borrowing | None:
        return self.lent.get(borrowing_id)

    def borrowing_open(self, grant_id: str, version: int) -> bool:
        return any(
            b.grant_id == grant_id and b.version == version and b.returned_at is None for b in self.lent.values()
        )

    def borrowings_under(self, prefix: str) -> list[Borrowing]:
        under = [b for b in self.lent.values() if b.node.startswith(prefix)]
        return sorted(under, key=lambda b: b.borrowed_at)[:REGISTER_LIMIT]


class FakeArchiveSearch:
    """The staff search of the fake index: keeps each caller's words and access, answers the documents the access
    lets through (subtree, team, granted versions) whose text holds the words, as the query's filter would."""

    def __init__(self, index: FakeArchiveIndex) -> None:
        self.index = index
        self.asked: list[tuple[str, ArchiveAccess]] = []

    def search(self, words: str, access: ArchiveAccess, *, cursor: str | None = None, size: int = 10) -> ArchivePage:
        self.asked.append((words, access))
        hits = [
            ArchiveHit(body["archive_id"], body["archive_version"], 1.0, dict(body), {})
            for body in self.index.documents.values()
            if words in body["text"] and _visible(body, access)
        ]
        return ArchivePage(len(hits), True, hits[:size], None, 0)


def _visible(body: dict[str, Any], access: ArchiveAccess) -> bool:
    in_scope = access.subtree is not None and access.subtree in body["node_path"]
    if in_scope and access.team_member is not None:
        in_scope = access.team_member in body["team"]
    return in_scope or body["archive_version"] in access.grants.get(body["archive_id"], ())


class FakeArchiveIndex:
    """The archive index in a dict: a body is kept at its archive version unless the same or a newer one is held
    (Elasticsearch's external versioning); `tests/integration/test_archive_search.py` holds it to the real one."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.search = FakeArchiveSearch(self)
        self.generations = 0

    def start(self) -> None:
        pass

    def write(self, bodies: Iterable[Mapping[str, Any]], refresh: bool = False) -> BulkOutcome:
        outcome = BulkOutcome()
        for body in bodies:
            held = self.documents.get(str(body["archive_id"]))
            if held is not None and held["archive_version"] >= body["archive_version"]:
                outcome.stale += 1
                outcome.stale_ids.append(str(body["archive_id"]))
                continue
            self.documents[str(body["archive_id"])] = dict(body)
            outcome.applied += 1
        return outcome

    def rebuild(self, bodies: Iterable[Mapping[str, Any]]) -> str:
        self.generations += 1
        self.documents = {}
        self.write(bodies)
        return f"fake-{self.generations}"
