"""Uploads, filing from an approved result and amendments, on the fakes (repository, unit of work, object store,
visit read model): what is kept and locked, the events published, the audit entries, the refusals and their codes."""

from __future__ import annotations

import io
import uuid

import pytest
from evidence.domain.archives import canonical
from evidence.domain.hashing import digest_of
from evidence.service_layer.commands import DecideAmendment, ProposeAmendment, UploadEvidence
from evidence.service_layer.uploads import Upload
from evidence_office import APPROVER, INSPECTOR, KEEPER, PROPOSER_AS_APPROVER, Office
from evidence_testkit import COUNTY, pdf


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
