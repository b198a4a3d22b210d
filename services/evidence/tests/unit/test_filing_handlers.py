"""Uploads, filing from an approved result and amendments, on the fakes (repository, unit of work, object store,
visit read model): what is kept and locked, the events published, the audit entries, the refusals and their codes."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from evidence.adapters.sniffing import detect, zip_entries
from evidence.domain.archives import canonical
from evidence.domain.content import ZipLimits
from evidence.domain.hashing import digest_of
from evidence.service_layer.commands import DecideAmendment, ProposeAmendment, UploadEvidence
from evidence.service_layer.components import Components, Settings
from evidence.service_layer.context import Context
from evidence.service_layer.handlers import handle
from evidence.service_layer.uploads import Upload
from evidence_fakes import FakeEvidenceRepository, InMemoryEvidenceStore, InMemoryVisitReadModel
from evidence_testkit import COUNTY, INSPECTOR_1, INSPECTOR_2, PROVINCE, approved_result, pdf

from hrss.auth import Principal, Role
from hrss.contracts import PlatformError
from hrss.contracts.events.inspection import VisitOpened
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 4, 12, 3, 0, tzinfo=UTC)
SERVICE = Principal.for_service("evidence", [PROVINCE])
INSPECTOR = Principal(
    "inspector@130102", "检查员", COUNTY, frozenset({Role.INSPECTOR}), inspector_id=INSPECTOR_1, credential_no="c1"
)  # type: ignore[arg-type]
KEEPER = Principal("keeper@130102", "档案员", COUNTY, frozenset({Role.ARCHIVE_KEEPER}))  # type: ignore[arg-type]
PROPOSER_AS_APPROVER = Principal("keeper@130102", "档案员", COUNTY, frozenset({Role.APPROVER}))  # type: ignore[arg-type]
TEAM = tuple(enumerate((INSPECTOR_1, INSPECTOR_2)))
APPROVER = Principal("approver@130102", "审定人", COUNTY, frozenset({Role.APPROVER}))  # type: ignore[arg-type]


class Office:
    """The evidence service on fakes, one visit opened at the county; each call in a unit of work of its own."""

    def __init__(self) -> None:
        self.repo = FakeEvidenceRepository()
        self.store = InMemoryEvidenceStore()
        self.visits = InMemoryVisitReadModel()
        settings = Settings("GOVERNANCE", 1, "sha256", 1 << 20, ZipLimits(1 << 22, 100, 100), 30)
        self.components = Components(
            self.store, lambda uow: self.visits, lambda uow: self.repo, detect, zip_entries, settings, clock=lambda: NOW
        )
        self.events: list[str] = []
        self.actions: list[str] = []
        self.visit_id = str(uuid.uuid4())
        opened = VisitOpened(
            visit_id=uuid.UUID(self.visit_id), node=COUNTY, uscc="91130102MA0000001X", entity_name="测试公司",
            task_ids=[uuid.uuid4()], assignment_ids=[uuid.uuid4()], due=date(2027, 6, 30), opened_at=NOW,
            inspectors=[{"inspector_id": i, "credential_no": f"c{n}", "name": "检查员"} for n, i in TEAM],
        )  # type: ignore[arg-type]  # fmt: skip
        assert self.call(SERVICE, opened, event_id=str(uuid.uuid4())) == 1

    def call(self, principal: Principal, message: object, **extra: Any) -> Any:
        uow = FakeUnitOfWork(service="evidence", nodes=(PROVINCE,))
        try:
            result = handle(message, Context(uow, self.components, principal, "trace-1"), **extra)
        except Exception:
            uow.rollback()
            raise
        uow.commit()
        self.events += [e.type for e in uow.committed]
        self.actions += [record.action for _, record in uow.audited]
        return result

    def refusal(self, principal: Principal, message: object) -> str:
        with pytest.raises(PlatformError) as refused:
            self.call(principal, message)
        return refused.value.code

    def upload(self, data: bytes, checksum: str | None = None, filename: str = "账簿.pdf") -> UploadEvidence:
        spec = Upload(COUNTY, self.visit_id, "documentary", filename, checksum=checksum)
        return UploadEvidence(spec, io.BytesIO(data), len(data))

    def file(self, version: int = 1) -> str | None:
        return self.call(SERVICE, approved_result(self.visit_id, version), event_id=str(uuid.uuid4()))  # type: ignore[no-any-return]


@pytest.fixture
def office() -> Office:
    return Office()


def test_an_upload_is_stored_locked_recorded_and_published(office: Office) -> None:
    data = pdf(salt="a")
    kept = office.call(INSPECTOR, office.upload(data, checksum=digest_of("sha256", data)))
    record = office.repo.evidence(kept["evidence_id"])
    assert record is not None and record.digest == digest_of("sha256", data)
    assert office.store.read(record.object_key, record.version_id) == data
    assert office.store.retention(record.object_key, record.version_id) is not None
    assert (kept["after_filing"], office.events, office.actions) == (
        False,
        ["evidence.evidence_filed"],
        ["evidence.upload"],
    )


def test_an_upload_whose_checksum_does_not_match_leaves_no_record_and_no_object(office: Office) -> None:
    refused = office.upload(pdf(salt="b"), checksum="0" * 64)
    assert office.refusal(INSPECTOR, refused) == "evidence.checksum_mismatch"
    assert office.repo.records == {}
    assert [code for code, removed, _ in office.repo.rejections.values()] == ["evidence.checksum_mismatch"]
    assert [removed for _, removed, _ in office.repo.rejections.values()] == ["yes"]
    assert office.store.objects == {}
    assert office.events == []


def test_an_upload_to_a_visit_not_yet_received_is_refused_before_anything_is_written(office: Office) -> None:
    unknown = UploadEvidence(Upload(COUNTY, str(uuid.uuid4()), "documentary", "账簿.pdf"), io.BytesIO(b"%PDF"), 4)
    assert office.refusal(INSPECTOR, unknown) == "evidence.visit_unknown"
    assert (office.repo.intents, office.store.objects) == ({}, {})


def test_an_approved_result_files_version_one_once_and_a_newer_result_amends_it(office: Office) -> None:
    uploaded = office.call(INSPECTOR, office.upload(pdf(salt="c")))
    archive_id = office.file()
    assert archive_id is not None
    first = office.repo.filed_version(archive_id, 1)
    assert first is not None
    assert [e["evidence_id"] for e in first.manifest["evidence"]] == [uploaded["evidence_id"]]
    stored = office.store.read(first.manifest_key, first.manifest_version_id)
    assert stored == canonical(first.manifest) and digest_of("sha256", stored) == first.manifest_digest
    assert office.events[-1] == "evidence.archive_filed"

    assert office.file() == archive_id  # delivered again: nothing new
    assert office.repo.version_numbers(archive_id) == {1}
    office.file(version=2)
    second = office.repo.filed_version(archive_id, 2)
    assert second is not None and second.change == "amended" and second.result_version == 2
    assert second.manifest["previous"]["manifest_digest"] == first.manifest_digest
    assert office.events[-1] == "evidence.archive_amended"
    assert office.actions == ["evidence.upload", "archive.file", "archive.amend"]


def test_an_amendment_takes_effect_only_when_someone_else_approves_it(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    later = office.call(INSPECTOR, office.upload(pdf(salt="d")))
    assert (later["after_filing"], later["archive_id"]) == (True, archive_id)

    proposed = office.call(KEEPER, ProposeAmendment(archive_id, "补充证据", "增补账簿", (later["evidence_id"],)))
    assert (proposed["status"], office.repo.version_numbers(archive_id)) == ("pending", {1})
    own = DecideAmendment(proposed["amendment_id"], "approve")
    assert office.refusal(PROPOSER_AS_APPROVER, own) == "amendment.self_approval"

    decided = office.call(APPROVER, own)
    amended = office.repo.filed_version(archive_id, 2)
    assert decided["version"] == 2 and amended is not None
    assert [e["evidence_id"] for e in amended.manifest["evidence"]] == [later["evidence_id"]]
    assert (amended.handler, amended.approver) == (KEEPER.account_id, APPROVER.account_id)
    assert office.events[-1] == "evidence.archive_amended"
    assert office.refusal(APPROVER, own) == "amendment.decided"
    assert office.repo.evidence_after_filing(archive_id, office.visit_id) == []


def test_an_amendment_based_on_an_older_version_is_refused(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    first = office.call(INSPECTOR, office.upload(pdf(salt="e")))
    second = office.call(INSPECTOR, office.upload(pdf(salt="f")))
    one = office.call(KEEPER, ProposeAmendment(archive_id, "补充", "增补一", (first["evidence_id"],)))
    two = office.call(KEEPER, ProposeAmendment(archive_id, "补充", "增补二", (second["evidence_id"],)))
    office.call(APPROVER, DecideAmendment(one["amendment_id"], "approve"))
    assert office.refusal(APPROVER, DecideAmendment(two["amendment_id"], "approve")) == "amendment.stale"
    unknown = ProposeAmendment(archive_id, "补充", "增补", (str(uuid.uuid4()),))
    assert office.refusal(KEEPER, unknown) == "archive.evidence_unknown"


def test_a_file_name_with_a_bidi_override_or_control_character_is_refused_before_anything_is_written(
    office: Office,
) -> None:
    for name in ("invoice\u202egnp.pdf.png", "账簿\u200b.pdf", "账簿\x07.pdf"):
        assert office.refusal(INSPECTOR, office.upload(pdf(salt="d"), filename=name)) == "text.control_character"
    assert (office.repo.intents, office.store.objects, office.events) == ({}, {}, [])
    assert office.call(INSPECTOR, office.upload(pdf(salt="d"), filename="账簿　2026.pdf"))["evidence_id"]
