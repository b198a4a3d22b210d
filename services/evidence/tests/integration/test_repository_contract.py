"""The evidence repository's contract, run over the in-memory fake and the PostgreSQL adapter alike: what is added
reads back as it was added, found by its keys, and the register and decisions come back in time order."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from evidence.adapters.repository import EvidenceRepository, SqlEvidenceRepository
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
from evidence_fakes import FakeEvidenceRepository
from evidence_testkit import migrate
from sqlalchemy.orm import Session

T0 = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)
COUNTY, OTHER_COUNTY = "130102", "130104"


@pytest.fixture(params=["memory", pytest.param("postgresql", marks=pytest.mark.integration)])
def repo(request) -> Iterator[EvidenceRepository]:  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield FakeEvidenceRepository()
        return
    dsn = request.getfixturevalue("fresh_database")
    migrate(dsn)
    engine = sa.create_engine(dsn)
    with Session(engine) as session, session.begin():
        yield SqlEvidenceRepository(session)
    engine.dispose()


def _id() -> str:
    return str(uuid.uuid4())


def head(node: str = COUNTY) -> ArchiveHead:
    return ArchiveHead(_id(), node, _id(), _id(), "91130102MA0000001X", "某某公司", T0)


def version(archive_id: str, number: int) -> FiledVersion:
    return FiledVersion(
        archive_id, number, 1, "filed" if number == 1 else "amended", f"archives/{COUNTY}/{archive_id}/v{number}.json",
        f"vid-{number}", "sha256", "ab" * 32, {"format": "hrss-archive/v1", "version": number, "evidence": []},
        "keeper-1", "approver-1", T0 + timedelta(hours=number), reason=None if number == 1 else "补充证据",
    )  # fmt: skip


def record(node: str = COUNTY, visit_id: str | None = None, minutes: int = 0) -> EvidenceRecord:
    evidence_id, visit_id = _id(), visit_id or _id()
    return EvidenceRecord(
        evidence_id, node, visit_id, None, "item-1", "photo", "现场.png", "image/png", 1234, "sha256", "cd" * 32,
        f"evidence/{node}/{visit_id}/{evidence_id}", "vid-e", "GOVERNANCE", T0 + timedelta(days=1), "门口照片",
        "inspector-1", T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def test_an_archive_its_versions_and_their_evidence_read_back_as_added(repo: EvidenceRepository) -> None:
    archive = head()
    kept, withdrawn, elsewhere = record(), record(), record()
    repo.add_archive(archive)
    for evidence in (kept, withdrawn, elsewhere):
        repo.add_evidence(evidence)
    repo.add_version(version(archive.archive_id, 1), [(kept.evidence_id, "included")])
    second = version(archive.archive_id, 2)
    repo.add_version(second, [(kept.evidence_id, "included"), (withdrawn.evidence_id, "withdrawn")])

    assert repo.archive(archive.archive_id) == archive
    assert repo.archive(_id()) is None
    assert repo.version_numbers(archive.archive_id) == {1, 2}
    assert repo.version_numbers(_id()) == set()
    assert repo.filed_version(archive.archive_id, 2) == second
    assert repo.filed_version(archive.archive_id, 3) is None
    assert repo.version_holds(archive.archive_id, 2, withdrawn.evidence_id)
    assert not repo.version_holds(archive.archive_id, 1, withdrawn.evidence_id)
    assert not repo.version_holds(archive.archive_id, 2, elsewhere.evidence_id)
    assert repo.evidence(kept.evidence_id) == kept
    assert repo.evidence(_id()) is None


def test_an_archive_is_found_by_its_visit_with_its_versions_in_order(repo: EvidenceRepository) -> None:
    archive = head()
    repo.add_archive(archive)
    second, first = version(archive.archive_id, 2), version(archive.archive_id, 1)
    repo.add_version(second, [])
    repo.add_version(first, [])
    assert repo.archive_of_visit(archive.visit_id) == archive
    assert repo.archive_of_visit(_id()) is None
    assert repo.versions(archive.archive_id) == [first, second]
    assert repo.latest_version(archive.archive_id) == second
    assert repo.latest_version(_id()) is None


def test_a_visits_evidence_its_filings_and_what_came_after_filing(repo: EvidenceRepository) -> None:
    archive = head()
    repo.add_archive(archive)
    late = record(visit_id=archive.visit_id, minutes=5)
    early = record(visit_id=archive.visit_id, minutes=1)
    elsewhere = record(OTHER_COUNTY, visit_id=archive.visit_id, minutes=3)
    after = record(visit_id=archive.visit_id, minutes=9)
    for evidence in (late, early, elsewhere, after, record()):
        repo.add_evidence(evidence)
    repo.add_version(version(archive.archive_id, 2), [(early.evidence_id, "withdrawn"), (late.evidence_id, "included")])
    repo.add_version(version(archive.archive_id, 1), [(early.evidence_id, "included")])

    assert repo.evidence_of_visit(archive.visit_id) == [early, elsewhere, late, after]
    assert repo.evidence_of_visit(archive.visit_id, COUNTY) == [early, late, after]
    assert repo.filings(early.evidence_id) == [
        Filing(archive.archive_id, 1, "included"),
        Filing(archive.archive_id, 2, "withdrawn"),
    ]
    assert repo.filings(after.evidence_id) == []
    assert sorted(repo.evidence_after_filing(archive.archive_id, archive.visit_id)) == sorted(
        [elsewhere.evidence_id, after.evidence_id]
    )


def test_an_amendment_and_its_decision_read_back(repo: EvidenceRepository) -> None:
    archive_id, amendment_id = _id(), _id()
    proposal = Amendment(amendment_id, archive_id, 1, "补充", "增补照片", (_id(),), (), "keeper-1", T0)
    repo.add_amendment(proposal)
    repo.add_amendment(Amendment(_id(), archive_id, 1, "撤出", "撤出重复证据", (), (_id(),), "keeper-2", T0))
    assert repo.amendment(amendment_id) == proposal
    assert repo.amendment(_id()) is None
    assert repo.amendment_count(archive_id) == 2
    assert repo.amendment_count(_id()) == 0
    assert repo.amendment_decision(amendment_id) is None

    decided = AmendmentDecision(amendment_id, "approve", "approver-1", "同意", 2, T0 + timedelta(hours=1))
    repo.add_amendment_decision(decided)
    assert repo.amendment_decision(amendment_id) == decided


def test_a_request_its_decisions_in_time_order_and_its_grant_read_back(repo: EvidenceRepository) -> None:
    archive_id, request_id, grant_id = _id(), _id(), _id()
    request = AccessRequest(request_id, archive_id, COUNTY, (1, 2), "borrow", "复查", T0 + timedelta(days=3), "u1", T0)
    repo.add_access_request(request)
    later = Decision("leader_in_charge", "approve", "a2", "李四", "", T0 + timedelta(hours=2))
    earlier = Decision("department_head", "approve", "a1", "张三", "同意", T0 + timedelta(hours=1))
    repo.add_decision(request_id, later)
    repo.add_decision(request_id, earlier)
    assert repo.access_request(request_id) == request
    assert repo.access_request(_id()) is None
    assert repo.decisions(request_id) == [earlier, later]
    assert repo.decisions(_id()) == []
    assert repo.grant_of_request(request_id) is None

    grant = Grant(grant_id, archive_id, (1, 2), "borrow", "u1", T0 + timedelta(hours=2), request.valid_until)
    repo.add_grant(grant, request)
    assert repo.grant(grant_id) == grant
    assert repo.grant(_id()) is None
    assert repo.grant_of_request(request_id) == grant_id


def test_a_borrowing_is_open_until_its_return_is_registered(repo: EvidenceRepository) -> None:
    grant_id, archive_id, borrowing_id = _id(), _id(), _id()
    lent = Borrowing(borrowing_id, grant_id, archive_id, COUNTY, 1, "u1", "k1", date(2027, 4, 10), "", T0)
    repo.add_borrowing(lent)
    assert repo.borrowing(borrowing_id) == lent
    assert repo.borrowing(_id()) is None
    assert repo.borrowing_open(grant_id, 1)
    assert not repo.borrowing_open(grant_id, 2)

    back = T0 + timedelta(days=2)
    repo.add_return(borrowing_id, "k2", "damaged", "封皮破损", back)
    returned = repo.borrowing(borrowing_id)
    assert returned is not None
    assert (returned.returned_at, returned.condition, returned.return_note, returned.return_keeper) == (
        back, "damaged", "封皮破损", "k2",
    )  # fmt: skip
    assert not repo.borrowing_open(grant_id, 1)


def test_the_register_of_a_node_holds_its_subtree_oldest_first(repo: EvidenceRepository) -> None:
    def lend(node: str, hours: int) -> Borrowing:
        entry = Borrowing(_id(), _id(), _id(), node, 1, "u1", "k1", date(2027, 5, 1), "", T0 + timedelta(hours=hours))
        repo.add_borrowing(entry)
        return entry

    late, early, other_city = lend(COUNTY, 5), lend(OTHER_COUNTY, 1), lend("130200", 3)
    assert repo.borrowings_under("1301") == [early, late]
    assert repo.borrowings_under("130102") == [late]
    assert repo.borrowings_under("13") == [early, other_city, late]
    assert repo.borrowings_under("31") == []


def test_the_objects_recorded_and_the_uploads_begun_and_refused_are_listed(repo: EvidenceRepository) -> None:
    archive, evidence = head(), record()
    repo.add_archive(archive)
    repo.add_evidence(evidence)
    manifest = version(archive.archive_id, 1)
    repo.add_version(manifest, [])
    assert set(repo.filed_objects()) == {
        Filed("evidence", evidence.evidence_id, evidence.object_key, evidence.version_id, "sha256", evidence.digest),
        Filed(
            "manifest", f"{archive.archive_id}/v1", manifest.manifest_key, manifest.manifest_version_id, "sha256",
            manifest.manifest_digest,
        ),
    }  # fmt: skip
    begun, refused = _id(), _id()
    repo.record_intent(begun, COUNTY, _id(), f"evidence/{COUNTY}/v/{begun}", "inspector-1", T0)
    repo.record_intent(refused, COUNTY, _id(), f"evidence/{COUNTY}/v/{refused}", "inspector-1", T0)
    repo.record_rejection(refused, "evidence.checksum_mismatch", "yes", T0)
    assert (repo.upload_intents(), repo.upload_rejections()) == ({begun, refused}, {refused})
    for item in repo.filed_objects():
        repo.add_fixity_check(_id(), item, "ok", item.digest, T0)


def quarantined(node: str, visit_id: str, minutes: int) -> QuarantinedUpload:
    evidence_id = _id()
    return QuarantinedUpload(
        evidence_id, node, visit_id, "documentary", "现场照片.png", 2048, "sha256", "ef" * 32,
        "evidence.content_invalid", "image.trailing_data", "文件内容未通过检查", "inspector-1",
        T0 + timedelta(minutes=minutes), f"quarantine/{node}/{visit_id}/{evidence_id}", "vid-q",
        T0 + timedelta(days=365),
    )  # fmt: skip


def test_quarantined_uploads_read_back_newest_first_by_subtree_and_visit(repo: EvidenceRepository) -> None:
    visit = _id()
    first, second = quarantined(COUNTY, visit, 1), quarantined(COUNTY, _id(), 2)
    elsewhere = quarantined("140105", visit, 3)
    for entry in (first, second, elsewhere):
        repo.record_quarantine(entry)
    assert repo.quarantined("1301") == [second, first]
    assert repo.quarantined(COUNTY, visit) == [first]
    assert repo.quarantined("14") == [elsewhere]
    with pytest.raises(Exception):  # noqa: B017 — the primary key (KeyError in the fake, IntegrityError in SQL)
        repo.record_quarantine(first)


# -- the archive search's records (adapters/search_records.py) ----------------------------------------------------


def extraction(evidence_id: str, minutes: int, text: str, status: str = "ok") -> DocumentText:
    failures = ("第1页：识别超时（60 秒）",) if status == "failed" else ()
    return DocumentText(
        _id(), evidence_id, "vid-e", "ocr", status, 1, failures, text, 1.5, T0 + timedelta(minutes=minutes)
    )


def test_the_latest_extraction_of_each_document_is_read_back(repo: EvidenceRepository) -> None:
    first, other = _id(), _id()
    repo.add_text(extraction(first, 1, "", "failed"))
    repo.add_text(extraction(first, 5, "用人单位未按时足额支付劳动者工资"))
    repo.add_text(extraction(other, 2, "工资台账"))
    found = repo.texts([first, other, _id()])
    assert set(found) == {first, other}
    assert (found[first].status, found[first].text, found[first].failures) == (
        "ok",
        "用人单位未按时足额支付劳动者工资",
        (),
    )
    assert repo.texts([]) == {}
    assert repo.texts([other])[other].seconds == 1.5


def test_grants_in_force_are_those_of_the_grantee_valid_now(repo: EvidenceRepository) -> None:
    archive, later = _id(), _id()

    def grant(archive_id: str, grantee: str, versions: tuple[int, ...], hours: int) -> None:
        request = AccessRequest(_id(), archive_id, COUNTY, versions, "read", "复查", T0, grantee, T0)
        until = T0 + timedelta(hours=hours)
        repo.add_grant(Grant(_id(), archive_id, versions, "read", grantee, T0, until), request)

    grant(archive, "reader", (1,), 2)
    grant(archive, "reader", (2,), 2)
    grant(later, "reader", (1,), 1)  # expires first
    grant(archive, "someone-else", (3,), 2)
    assert repo.grants_in_force("reader", T0 + timedelta(minutes=30)) == {archive: (1, 2), later: (1,)}
    assert repo.grants_in_force("reader", T0 + timedelta(minutes=90)) == {archive: (1, 2)}
    assert repo.grants_in_force("reader", T0 - timedelta(minutes=1)) == {}


def test_archive_ids_are_those_under_the_prefixes_oldest_first(repo: EvidenceRepository) -> None:
    mine, sibling = head(COUNTY), head(OTHER_COUNTY)
    repo.add_archive(mine)
    repo.add_archive(sibling)
    assert list(repo.archive_ids([COUNTY])) == [mine.archive_id]
    assert set(repo.archive_ids(["1301"])) >= {mine.archive_id, sibling.archive_id}
