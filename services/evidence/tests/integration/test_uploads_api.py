"""Uploads against the real PostgreSQL and MinIO: hashes computed while streaming and checked on read, every
rejection clear and leaving no record, filed versions WORM-protected."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from evidence_files import HOSTILE
from evidence_testkit import COUNTY, PNG, Running, pdf, sha256, zip_bytes
from minio.error import S3Error

pytestmark = pytest.mark.integration


def _versions(s3_client, bucket: str) -> list[object]:  # type: ignore[no-untyped-def]
    return list(s3_client.list_objects(bucket, prefix="evidence/", recursive=True, include_version=True))


def test_an_upload_is_recorded_with_its_version_id_and_the_stored_bytes_rehash_to_its_digest(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    data = pdf(300_000, "a")
    answer = evidence_service.upload(evidence_service.open_visit(), data, checksum=sha256(data))
    assert answer.status_code == 201, answer.text
    record = answer.json()
    assert record["digest"] == sha256(data) and record["size"] == len(data)
    assert record["content_type"] == "application/pdf" and record["kind_label"] == "书证"
    stored = s3_client.get_object(evidence_service.bucket, record["object_key"], version_id=record["version_id"])
    assert sha256(stored.read()) == record["digest"]
    retention = s3_client.get_object_retention(evidence_service.bucket, record["object_key"], record["version_id"])
    assert retention.mode == "GOVERNANCE"
    assert evidence_service.count("evidence") == 1
    assert [a["outcome"] for a in evidence_service.audits("evidence.upload")] == ["ok"]


def test_sm3_can_be_chosen_and_is_checked_against_the_declared_value(evidence_service: Running) -> None:
    import hashlib

    data = pdf(5000, "sm3")
    digest = hashlib.new("sm3", data).hexdigest()
    answer = evidence_service.upload(evidence_service.open_visit(), data, algorithm="sm3", checksum=digest)
    assert answer.status_code == 201, answer.text
    assert answer.json()["algorithm"] == "sm3" and answer.json()["digest"] == digest


def test_a_wrong_checksum_is_rejected_and_no_record_or_object_is_left(evidence_service: Running, s3_client) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    answer = evidence_service.upload(visit, pdf(1000, "b"), checksum="0" * 64)
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "evidence.checksum_mismatch" and body["errors"][0]["field"] == "checksum"
    assert "校验值不符" in body["message"]
    assert evidence_service.count("evidence") == 0
    assert evidence_service.rows("SELECT code, object_removed FROM evidence.upload_rejection") == [
        ("evidence.checksum_mismatch", "yes")
    ]
    left = list(
        s3_client.list_objects(evidence_service.bucket, prefix="evidence/", recursive=True, include_version=True)
    )
    assert left == []
    assert [a["outcome"] for a in evidence_service.audits("evidence.upload")] == ["refused"]


@pytest.mark.parametrize(
    ("data", "filename", "code", "status"),
    [
        (PNG, "工资表.pdf", "evidence.content_mismatch", 415),
        (pdf(2000, "c"), "现场照片.jpg", "evidence.content_mismatch", 415),
        (b"MZ\x90\x00" + b"\x00" * 200, "说明.txt", "evidence.content_mismatch", 415),
        (pdf(2000, "d"), "程序.exe", "evidence.type_not_allowed", 415),
        (pdf(2000, "e"), "没有扩展名", "evidence.extension_missing", 400),
        (b"", "空.pdf", "evidence.empty", 400),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused_before_anything_is_written(
    evidence_service: Running, data: bytes, filename: str, code: str, status: int
) -> None:
    answer = evidence_service.upload(evidence_service.open_visit(), data, filename=filename)
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code and answer.json()["message"]
    assert evidence_service.count("evidence") == 0 and evidence_service.count("upload_intent") == 0


def test_an_oversized_file_is_refused_by_its_declared_length(evidence_service: Running) -> None:
    answer = evidence_service.upload(evidence_service.open_visit(), pdf(2 * 1024 * 1024 + 10, "f"))
    assert answer.status_code == 413 and answer.json()["code"] == "evidence.too_large"
    assert evidence_service.count("evidence") == 0 and evidence_service.count("upload_intent") == 0


def test_an_oversized_file_of_unknown_length_is_refused_while_streaming(evidence_service: Running, s3_client) -> None:  # type: ignore[no-untyped-def]
    data = pdf(3 * 1024 * 1024, "g")

    def chunked():  # type: ignore[no-untyped-def]
        for start in range(0, len(data), 65536):
            yield data[start : start + 65536]

    answer = evidence_service.upload(evidence_service.open_visit(), chunked())
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "evidence.too_large"
    assert evidence_service.count("evidence") == 0
    assert evidence_service.rows("SELECT code FROM evidence.upload_rejection") == [("evidence.too_large",)]
    left = list(
        s3_client.list_objects(evidence_service.bucket, prefix="evidence/", recursive=True, include_version=True)
    )
    assert left == []


def test_a_chunked_upload_within_the_limit_is_hashed_whole(evidence_service: Running) -> None:
    data = pdf(1024 * 1024, "h")
    visit = evidence_service.open_visit()
    answer = evidence_service.upload(visit, iter([data[:100_000], data[100_000:]]), checksum=sha256(data))
    assert answer.status_code == 201, answer.text
    assert answer.json()["size"] == len(data)


def test_a_zip_that_expands_too_far_is_refused(evidence_service: Running) -> None:
    bomb = zip_bytes({"a.txt": b"\x00" * (6 * 1024 * 1024)})
    answer = evidence_service.upload(evidence_service.open_visit(), bomb, filename="数据.zip", kind="audio_visual")
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "evidence.zip_expands_too_far" and "超过上限" in answer.json()["message"]
    assert evidence_service.count("evidence") == 0


def test_a_zip_with_a_high_ratio_or_a_nested_zip_is_refused_and_a_plain_one_accepted(evidence_service: Running) -> None:
    ratio = zip_bytes({"z.txt": b"\x00" * (1024 * 1024)})  # ~1000:1
    visit = evidence_service.open_visit()
    assert evidence_service.upload(visit, ratio, filename="a.zip").json()["code"] == "evidence.zip_expands_too_far"
    nested = zip_bytes({"inner.zip": zip_bytes({"x.txt": b"x"})})
    assert evidence_service.upload(visit, nested, filename="b.zip").json()["code"] == "evidence.zip_nested"
    plain = zip_bytes({"记录.txt": "现场检查记录".encode() * 100, "照片.png": PNG})
    answer = evidence_service.upload(visit, plain, filename="c.zip", kind="audio_visual")
    assert answer.status_code == 201, answer.text


def test_the_filed_version_cannot_be_deleted_and_an_overwrite_only_adds_a_version(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    data = pdf(4000, "i")
    record = evidence_service.upload(evidence_service.open_visit(), data).json()
    bucket, key, version = evidence_service.bucket, record["object_key"], record["version_id"]
    with pytest.raises(S3Error) as refused:
        s3_client.remove_object(bucket, key, version_id=version)
    assert "WORM" in refused.value.message
    overwrite = s3_client.put_object(bucket, key, io.BytesIO(b"forged"), 6)
    assert overwrite.version_id != version
    assert sha256(s3_client.get_object(bucket, key, version_id=version).read()) == record["digest"]
    s3_client.remove_object(bucket, key)  # without a version: only a delete marker on top
    assert sha256(s3_client.get_object(bucket, key, version_id=version).read()) == record["digest"]


def test_uploads_need_an_uploading_role_in_scope(evidence_service: Running) -> None:
    refused = evidence_service.upload(evidence_service.open_visit(), pdf(100, "j"), roles={"auditor"})
    assert refused.status_code == 403 and refused.json()["code"].startswith("access.")
    assert evidence_service.upload(evidence_service.open_visit(), pdf(100, "k"), node="140000").status_code == 403
    bad = evidence_service.upload("not-a-uuid", pdf(100, "l"), kind="rumour")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"visit_id", "kind"}
    # six digits, but not a region code (a county under city digits 00): named, not a server error
    malformed = evidence_service.upload(evidence_service.open_visit(), pdf(100, "m"), node="580021")
    assert malformed.status_code == 400 and [e["field"] for e in malformed.json()["errors"]] == ["node"]
    assert evidence_service.count("evidence") == 0


def test_a_hostile_file_is_quarantined_under_lock_recorded_and_listed_for_the_nodes_keepers_and_approvers(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    filename, data = HOSTILE["png_with_pe_appended"]
    answer = evidence_service.upload(visit, data, filename=filename, checksum=sha256(data))
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (body["code"], body["reason"], body["errors"][0]["field"]) == (
        "evidence.content_invalid",
        "image.trailing_data",
        "file",
    )
    assert "隔离" in body["message"] and evidence_service.count("evidence") == 0
    [(code, reason, name, by, digest, key, version)] = evidence_service.rows(
        "SELECT code, reason, filename, uploaded_by, digest, object_key, version_id FROM evidence.quarantined_upload"
    )
    assert (code, reason, name, by, digest) == (
        body["code"],
        body["reason"],
        filename,
        "inspector@130102",
        sha256(data),
    )
    assert key.startswith(f"quarantine/{COUNTY}/{visit}/")
    assert s3_client.get_object(evidence_service.bucket, key, version_id=version).read() == data
    assert s3_client.get_object_retention(evidence_service.bucket, key, version).mode == "GOVERNANCE"
    assert _versions(s3_client, evidence_service.bucket) == []  # nothing left under evidence/
    assert evidence_service.rows("SELECT code, object_removed FROM evidence.upload_rejection") == [(code, "yes")]
    assert [a["outcome"] for a in evidence_service.audits("evidence.upload")] == ["refused"]

    for role in ("archive_keeper", "approver"):
        listed = evidence_service.call("GET", "/quarantine", {role}, params={"node": COUNTY, "visit_id": visit})
        assert listed.status_code == 200, listed.text
        [entry] = listed.json()["quarantined"]
        assert (entry["filename"], entry["reason"], entry["digest"]) == (filename, reason, digest)
        assert "object_key" not in entry and "version_id" not in entry
    for role in ("inspector", "auditor"):
        refused = evidence_service.call("GET", "/quarantine", {role}, params={"node": COUNTY})
        assert refused.status_code == 403, refused.text
    other = evidence_service.call("GET", "/quarantine", {"archive_keeper"}, node="130104", params={"node": COUNTY})
    assert other.status_code == 403
    with evidence_service.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError):
        connection.execute(sa.text("UPDATE evidence.quarantined_upload SET reason = 'ok'"))
