"""The access, read and borrowing use cases on the fakes (repository, unit of work, object store): what is kept, the
events published, the audit entries, and the refusals with their codes."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from evidence.adapters.sniffing import detect, zip_entries
from evidence.adapters.validation import ContentValidator
from evidence.domain.archives import canonical
from evidence.domain.hashing import digest_of
from evidence.domain.records import ArchiveHead, EvidenceRecord, FiledVersion
from evidence.service_layer.commands import (
    DecideAccess,
    LendArchive,
    ReadEvidence,
    ReadVersion,
    RequestAccess,
    ReturnArchive,
)
from evidence.service_layer.components import Components
from evidence.service_layer.context import Context
from evidence.service_layer.handlers import handle
from evidence.service_layer.reads import Corrupt
from evidence_fakes import FakeEvidenceRepository, InMemoryEvidenceStore, InMemoryVisitReadModel
from evidence_testkit import PDF

from hrss.audit import AuditRecord
from hrss.auth import Principal, Role
from hrss.contracts import Envelope, PlatformError
from hrss.contracts.uscc import uscc_with_check
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)
PROVINCE, COUNTY = "130000", "130102"
USCC = uscc_with_check("91130102MA0000001")
KEEPER, REQUESTER, HEAD, LEADER = "keeper@130102", "reader@130102", "head@130102", "leader@130102"


class World:
    """One filed archive (version 1 with one piece of evidence) in the fakes; each call runs in its own unit of work,
    committed when the handler returns and rolled back when it refuses, as the HTTP entrypoint does."""

    def __init__(self) -> None:
        self.repo = FakeEvidenceRepository()
        self.store = InMemoryEvidenceStore()
        self.events: list[Envelope] = []
        self.audited: list[AuditRecord] = []
        visits = InMemoryVisitReadModel()
        self.components = Components(
            store=self.store,
            visits=lambda uow: visits,
            repository=lambda uow: self.repo,
            detect=detect,
            zip_entries=zip_entries,
            validate=ContentValidator(),
            clock=lambda: NOW,
        )
        self.archive = ArchiveHead(str(uuid.uuid4()), COUNTY, str(uuid.uuid4()), str(uuid.uuid4()), USCC, "某公司", NOW)
        self.repo.add_archive(self.archive)
        evidence_id = str(uuid.uuid4())
        stored = self.store.put(f"evidence/{COUNTY}/x/{evidence_id}", io.BytesIO(PDF), len(PDF), "application/pdf", {})
        self.evidence = EvidenceRecord(
            evidence_id, COUNTY, self.archive.visit_id, None, None, "documentary", "账簿.pdf", "application/pdf",
            len(PDF), "sha256", digest_of("sha256", PDF), stored.key, stored.version_id, "GOVERNANCE", NOW, "", "i1",
            NOW,
        )  # fmt: skip
        self.repo.add_evidence(self.evidence)
        document = {"format": "hrss-archive/v1", "version": 1, "evidence": [{"evidence_id": evidence_id}]}
        data = canonical(document)
        key = f"archives/{COUNTY}/{self.archive.archive_id}/v1.json"
        manifest = self.store.put(key, io.BytesIO(data), len(data), "application/json", {})
        self.version = FiledVersion(
            self.archive.archive_id, 1, 1, "filed", key, manifest.version_id, "sha256", digest_of("sha256", data),
            document, "service", "reviewer", NOW,
        )  # fmt: skip
        self.repo.add_version(self.version, [(evidence_id, "included")])

    def call(self, account: str, role: Role, command: object) -> Any:
        """`command` handled as `account` (one role, at the county) in a unit of work of its own."""
        uow = FakeUnitOfWork(service="evidence", nodes=(PROVINCE,))
        principal = Principal(account, "测试人员", COUNTY, frozenset({role}))  # type: ignore[arg-type]
        try:
            result = handle(command, Context(uow, self.components, principal, "trace-1"))
        except Exception:
            uow.rollback()
            raise
        uow.commit()
        self.events += uow.committed
        self.audited += [record for _, record in uow.audited]
        return result

    def request(self, mode: str = "read", versions: tuple[int, ...] = (1,)) -> str:
        command = RequestAccess(self.archive.archive_id, versions, mode, "复查", NOW + timedelta(days=7))
        return str(self.call(REQUESTER, Role.AUDITOR, command)["request_id"])

    def grant(self, mode: str = "read") -> str:
        request_id = self.request(mode)
        self.call(HEAD, Role.APPROVER, DecideAccess(request_id, "department_head", "approve"))
        view = self.call(LEADER, Role.APPROVER, DecideAccess(request_id, "leader_in_charge", "approve"))
        return str(view["grant_id"])

    def actions(self) -> list[tuple[str, str, str | None]]:
        return [(r.action, r.actor, r.approval_id) for r in self.audited]

    def refusal(self, account: str, role: Role, command: object) -> str:
        """The code `command` is refused with (the test fails if it is not)."""
        with pytest.raises(PlatformError) as refused:
            self.call(account, role, command)
        return refused.value.code


@pytest.fixture
def world() -> World:
    return World()


def test_two_approvers_in_two_positions_grant_the_request_and_the_grant_is_published(world: World) -> None:
    request_id = world.request()
    first = world.call(HEAD, Role.APPROVER, DecideAccess(request_id, "department_head", "approve", "同意", "张三"))
    assert (first["status"], first["grant_id"]) == ("pending", None)
    assert [e.type for e in world.events] == ["evidence.access_requested"]

    view = world.call(LEADER, Role.APPROVER, DecideAccess(request_id, "leader_in_charge", "approve"))

    grant = world.repo.grant(view["grant_id"])
    assert view["status"] == "granted" and grant is not None
    assert (grant.grantee, grant.versions, grant.mode, grant.valid_from) == (REQUESTER, (1,), "read", NOW)
    assert [e.type for e in world.events] == ["evidence.access_requested", "evidence.access_granted"]
    assert [d["approver_name"] for d in view["decisions"]] == ["张三", "测试人员"]
    assert world.actions() == [
        ("access.request", REQUESTER, request_id),
        ("access.approve", HEAD, request_id),
        ("access.approve", LEADER, view["grant_id"]),
    ]


def test_a_refusal_ends_the_request_and_is_published(world: World) -> None:
    request_id = world.request()
    view = world.call(HEAD, Role.APPROVER, DecideAccess(request_id, "department_head", "refuse", "用途不明"))
    assert view["status"] == "refused"
    assert [e.type for e in world.events] == ["evidence.access_requested", "evidence.access_refused"]
    later = DecideAccess(request_id, "leader_in_charge", "approve")
    assert world.refusal(LEADER, Role.APPROVER, later) == "access.request_refused"
    assert world.repo.grant_of_request(request_id) is None


def test_the_requester_cannot_approve_and_one_person_cannot_approve_twice(world: World) -> None:
    request_id = world.request()
    own = DecideAccess(request_id, "department_head", "approve")
    assert world.refusal(REQUESTER, Role.APPROVER, own) == "access.self_approval"
    world.call(HEAD, Role.APPROVER, own)
    again = DecideAccess(request_id, "leader_in_charge", "approve")
    assert world.refusal(HEAD, Role.APPROVER, again) == "access.same_approver"
    assert world.refusal(LEADER, Role.APPROVER, own) == "access.position_decided"
    assert world.repo.grant_of_request(request_id) is None
    assert len(world.repo.decisions(request_id)) == 1


def test_a_request_for_a_version_that_does_not_exist_or_for_too_long_is_refused(world: World) -> None:
    archive_id = world.archive.archive_id
    unknown = RequestAccess(archive_id, (1, 3), "read", "复查", NOW + timedelta(days=1))
    assert world.refusal(REQUESTER, Role.AUDITOR, unknown) == "access.version_unknown"
    too_long = RequestAccess(archive_id, (1,), "read", "复查", NOW + timedelta(days=31))
    assert world.refusal(REQUESTER, Role.AUDITOR, too_long) == "access.validity_invalid"
    assert world.repo.requests == {}
    assert world.audited == []


def test_a_filed_version_is_read_under_a_grant_and_the_read_is_audited_with_it(world: World) -> None:
    grant_id = world.grant()
    read = world.call(REQUESTER, Role.AUDITOR, ReadVersion(world.archive.archive_id, 1, grant_id))
    assert read["manifest"] == world.version.manifest
    assert read["manifest_digest"] == world.version.manifest_digest
    assert world.actions()[-1] == ("archive.read", REQUESTER, grant_id)


def test_a_read_without_a_grant_with_someone_elses_or_of_another_version_is_refused(world: World) -> None:
    grant_id = world.grant()
    archive_id = world.archive.archive_id
    assert world.refusal(REQUESTER, Role.AUDITOR, ReadVersion(archive_id, 1, None)) == "access.grant_required"
    assert world.refusal(KEEPER, Role.AUDITOR, ReadVersion(archive_id, 1, grant_id)) == "access.grant_not_yours"
    assert world.refusal(REQUESTER, Role.AUDITOR, ReadVersion(archive_id, 2, grant_id)) == "archive.version_not_found"
    assert "archive.read" not in [a for a, _, _ in world.actions()]


def test_a_manifest_altered_in_the_store_is_never_answered(world: World) -> None:
    grant_id = world.grant()
    world.store.tamper(world.version.manifest_key, world.version.manifest_version_id)
    with pytest.raises(Corrupt):
        world.call(REQUESTER, Role.AUDITOR, ReadVersion(world.archive.archive_id, 1, grant_id))
    assert "archive.read" not in [a for a, _, _ in world.actions()]


def test_filed_evidence_streams_back_and_altered_bytes_break_the_stream(world: World) -> None:
    grant_id = world.grant()
    command = ReadEvidence(world.archive.archive_id, 1, world.evidence.evidence_id, grant_id)
    record, chunks = world.call(REQUESTER, Role.AUDITOR, command)
    assert (record, b"".join(chunks)) == (world.evidence, PDF)
    assert world.actions()[-1] == ("evidence.read", REQUESTER, grant_id)

    world.store.tamper(world.evidence.object_key, world.evidence.version_id)
    _, chunks = world.call(REQUESTER, Role.AUDITOR, command)
    with pytest.raises(Corrupt):
        b"".join(chunks)
    other = ReadEvidence(world.archive.archive_id, 1, str(uuid.uuid4()), grant_id)
    assert world.refusal(REQUESTER, Role.AUDITOR, other) == "archive.evidence_not_in_version"


def test_a_version_is_lent_once_until_it_comes_back_and_a_damaged_return_needs_a_note(world: World) -> None:
    grant_id = world.grant("borrow")
    lent = world.call(KEEPER, Role.ARCHIVE_KEEPER, LendArchive(grant_id, 1, date(2027, 4, 10), "当面交接"))
    assert (lent["borrower"], lent["keeper"], lent["returned"]) == (REQUESTER, KEEPER, False)
    again = LendArchive(grant_id, 1, date(2027, 4, 10))
    assert world.refusal(KEEPER, Role.ARCHIVE_KEEPER, again) == "borrowing.open"

    borrowing_id = lent["borrowing_id"]
    damaged = ReturnArchive(borrowing_id, "damaged")
    assert world.refusal(KEEPER, Role.ARCHIVE_KEEPER, damaged) == "borrowing.note_required"
    back = world.call(KEEPER, Role.ARCHIVE_KEEPER, ReturnArchive(borrowing_id, "damaged", "封皮破损"))
    assert (back["returned"], back["condition_label"], back["return_note"]) == (True, "损坏", "封皮破损")
    assert world.refusal(KEEPER, Role.ARCHIVE_KEEPER, ReturnArchive(borrowing_id, "intact")) == "borrowing.returned"
    assert [a for a, _, _ in world.actions()][-2:] == ["borrowing.lend", "borrowing.return"]
    assert world.repo.borrowings_under("1301") == [world.repo.borrowing(borrowing_id)]
    assert [e.type for e in world.events][-2:] == ["evidence.archive_lent", "evidence.archive_returned"]


def test_a_request_a_loan_and_a_return_are_published_for_the_keepers_and_the_borrower(world: World) -> None:
    request_id = world.request("borrow")
    [asked] = world.events
    assert (asked.type, asked.subject) == ("evidence.access_requested", world.archive.archive_id)
    assert asked.payload["requester"] == REQUESTER and str(asked.payload["request_id"]) == request_id
    assert (asked.payload["node"], asked.payload["mode"], asked.payload["versions"]) == (
        world.archive.node, "borrow", [1],
    )  # fmt: skip
    assert (asked.payload["uscc"], asked.payload["entity_name"]) == (world.archive.uscc, world.archive.entity_name)
    world.call(HEAD, Role.APPROVER, DecideAccess(request_id, "department_head", "approve"))
    view = world.call(LEADER, Role.APPROVER, DecideAccess(request_id, "leader_in_charge", "approve"))
    lent = world.call(KEEPER, Role.ARCHIVE_KEEPER, LendArchive(view["grant_id"], 1, date(2027, 4, 10)))
    world.call(KEEPER, Role.ARCHIVE_KEEPER, ReturnArchive(lent["borrowing_id"], "missing", "缺第 3 页"))
    out, back = world.events[-2:]
    assert (out.type, back.type) == ("evidence.archive_lent", "evidence.archive_returned")
    assert (out.payload["borrower"], out.payload["keeper"], out.payload["due_back"]) == (
        REQUESTER, KEEPER, "2027-04-10",
    )  # fmt: skip
    assert str(out.payload["borrowing_id"]) == str(back.payload["borrowing_id"]) == lent["borrowing_id"]
    assert (back.payload["condition"], back.payload["note"], back.payload["borrower"]) == (
        "missing", "缺第 3 页", REQUESTER,
    )  # fmt: skip


def test_a_read_grant_does_not_lend_and_a_due_date_in_the_past_is_refused(world: World) -> None:
    read_only = LendArchive(world.grant("read"), 1, date(2027, 4, 10))
    assert world.refusal(KEEPER, Role.ARCHIVE_KEEPER, read_only) == "access.grant_read_only"
    past = LendArchive(world.grant("borrow"), 1, date(2027, 3, 31))
    assert world.refusal(KEEPER, Role.ARCHIVE_KEEPER, past) == "borrowing.due_back_past"
    assert world.refusal(REQUESTER, Role.AUDITOR, LendArchive(str(uuid.uuid4()), 1, date(2027, 4, 10))) == (
        "access.grant_not_found"
    )
    assert world.repo.lent == {}
