"""Filing from `inspection.result_approved` over the real Kafka, and amendments: version n+1 with who, when, why
and the approver, version n unchanged and still readable by its version id."""

from __future__ import annotations

import json
import uuid

import pytest
from evidence_testkit import Running, approved_result, pdf, sha256

from hrss.bus.broker import TopicSpec

pytestmark = pytest.mark.integration


def _manifest(service: Running, s3_client, version: dict) -> bytes:  # type: ignore[no-untyped-def,type-arg]
    return s3_client.get_object(
        service.bucket, version["manifest_key"], version_id=version["manifest_version_id"]
    ).read()


def test_an_approved_result_files_version_1_with_the_result_the_record_and_every_evidence(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    uploaded = [evidence_service.upload(visit, pdf(2000, f"e{n}")).json() for n in range(2)]
    archive = evidence_service.file(visit)
    [v1] = archive["versions"]
    assert v1["version"] == 1 and v1["change"] == "filed" and v1["approver"] == "reviewer@130102"
    data = _manifest(evidence_service, s3_client, v1)
    assert sha256(data) == v1["manifest_digest"]
    manifest = json.loads(data)
    assert manifest["record"]["record_sha256"] == approved_result(visit).record.record_sha256
    assert manifest["result"]["overall"] == "no_problem" and manifest["previous"] is None
    assert {(e["evidence_id"], e["version_id"], e["digest"]) for e in manifest["evidence"]} == {
        (u["evidence_id"], u["version_id"], u["digest"]) for u in uploaded
    }
    retention = s3_client.get_object_retention(evidence_service.bucket, v1["manifest_key"], v1["manifest_version_id"])
    assert retention.mode == "GOVERNANCE"
    assert evidence_service.count("outbox", "topic = 'evidence.archive_filed.v1'") == 1


def test_a_redelivered_or_older_result_files_nothing_new(evidence_service: Running) -> None:
    visit = str(uuid.uuid4())
    evidence_service.file(visit)
    evidence_service.publish_result(approved_result(visit))  # a new event id, the same result version
    evidence_service.file(str(uuid.uuid4()))  # a later event on the topic: once it is filed, ours was processed
    archive = evidence_service.call("GET", f"/visits/{visit}/archive", {"archive_keeper"}).json()
    assert [v["version"] for v in archive["versions"]] == [1]


def test_amendment_makes_version_2_with_who_when_why_and_approver_and_version_1_reads_back_unchanged(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    first = evidence_service.upload(visit, pdf(2000, "first")).json()
    archive = evidence_service.file(visit)
    v1 = archive["versions"][0]
    v1_bytes = _manifest(evidence_service, s3_client, v1)

    late = evidence_service.upload(visit, pdf(2000, "late"), kind="third_party").json()
    assert late["after_filing"] is True and late["archive_id"] == archive["archive_id"]
    assert evidence_service.call("GET", f"/archives/{archive['archive_id']}", {"auditor"}).json()[
        "evidence_after_filing"
    ] == [late["evidence_id"]]

    proposal = evidence_service.call(
        "POST",
        f"/archives/{archive['archive_id']}/amendments",
        {"archive_keeper"},
        body={
            "reason": "街道办出具的实地核查表于归档后送达",
            "content": "增补第三方证明一份，撤出重复的账簿复印件",
            "add_evidence": [late["evidence_id"]],
            "withdraw_evidence": [first["evidence_id"]],
        },
        user="keeper-wang",
    )
    assert proposal.status_code == 201, proposal.text
    amendment = proposal.json()["amendment_id"]
    assert evidence_service.call("GET", f"/archives/{archive['archive_id']}", {"auditor"}).json()["versions"] == [v1]

    by_self = evidence_service.call(
        "POST", f"/amendments/{amendment}/decisions", {"approver", "archive_keeper"}, body={"decision": "approve"},
        user="keeper-wang",
    )  # fmt: skip
    assert by_self.status_code == 403 and by_self.json()["code"] == "amendment.self_approval"
    not_approver = evidence_service.call(
        "POST", f"/amendments/{amendment}/decisions", {"archive_keeper"}, body={"decision": "approve"}, user="k2"
    )
    assert not_approver.status_code == 403

    approved = evidence_service.call(
        "POST", f"/amendments/{amendment}/decisions", {"approver"}, body={"decision": "approve", "comment": "同意"},
        user="head-li",
    )  # fmt: skip
    assert approved.status_code == 200, approved.text
    assert approved.json()["version"] == 2
    again = evidence_service.call(
        "POST", f"/amendments/{amendment}/decisions", {"approver"}, body={"decision": "approve"}, user="head-zhao"
    )
    assert again.status_code == 409

    versions = evidence_service.call("GET", f"/archives/{archive['archive_id']}", {"auditor"}).json()["versions"]
    assert versions[0] == v1
    v2 = versions[1]
    assert (v2["change"], v2["handler"], v2["approver"]) == ("amended", "keeper-wang", "head-li")
    assert v2["reason"] == "街道办出具的实地核查表于归档后送达" and v2["at"]
    manifest = json.loads(_manifest(evidence_service, s3_client, v2))
    assert manifest["previous"] == {"version": 1, "algorithm": "sha256", "manifest_digest": v1["manifest_digest"]}
    assert {e["evidence_id"]: e["status"] for e in manifest["evidence"]} == {
        first["evidence_id"]: "withdrawn",
        late["evidence_id"]: "included",
    }
    assert _manifest(evidence_service, s3_client, v1) == v1_bytes and sha256(v1_bytes) == v1["manifest_digest"]
    assert evidence_service.count("outbox", "topic = 'evidence.archive_amended.v1'") == 1


def test_a_corrected_result_version_makes_a_new_archive_version_approved_by_its_reviewer(
    evidence_service: Running,
) -> None:
    visit = str(uuid.uuid4())
    evidence_service.file(visit)
    archive = evidence_service.file(visit, version=2)
    assert [(v["version"], v["result_version"], v["change"]) for v in archive["versions"]] == [
        (1, 1, "filed"),
        (2, 2, "amended"),
    ]
    assert archive["versions"][1]["approver"] == "reviewer@130102"


def test_history_rows_cannot_be_changed_in_the_database(evidence_service: Running) -> None:
    import sqlalchemy as sa

    visit = evidence_service.open_visit()
    evidence_service.upload(visit, pdf(500, "h"))
    evidence_service.file(visit)
    for statement in (
        "UPDATE evidence.evidence SET digest = repeat('0', 64)",
        "DELETE FROM evidence.archive_version",
        "UPDATE evidence.archive_version SET approver = 'someone'",
    ):
        with pytest.raises(sa.exc.DBAPIError), evidence_service.engine.begin() as connection:
            connection.execute(sa.text(statement))


def test_a_proposal_for_unknown_evidence_or_an_empty_change_is_refused(evidence_service: Running) -> None:
    visit = str(uuid.uuid4())
    archive = evidence_service.file(visit)
    path = f"/archives/{archive['archive_id']}/amendments"
    unknown = evidence_service.call(
        "POST", path, {"archive_keeper"}, body={"reason": "r", "content": "c", "add_evidence": [str(uuid.uuid4())]}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "archive.evidence_unknown"
    empty = evidence_service.call("POST", path, {"archive_keeper"}, body={"reason": "r", "content": "c"})
    assert empty.status_code == 400 and empty.json()["code"] == "archive.amendment_empty"
    other = evidence_service.call("POST", path, {"archive_keeper"}, node="130104", body={"reason": "r", "content": "c"})
    assert other.status_code == 403
    assert evidence_service.count("audit_entry", "outcome = 'refused' AND action = 'archive.propose_amendment'") == 3
    assert evidence_service.count("amendment") == 0


def test_a_result_of_a_node_this_process_does_not_serve_never_reaches_it(evidence_service: Running) -> None:
    foreign, ours = str(uuid.uuid4()), str(uuid.uuid4())
    evidence_service.broker.ensure_topics([TopicSpec("inspection.result_approved.v1.140102")])
    evidence_service.publish_result(approved_result(foreign, node="140102"))  # on 140102's own topic
    evidence_service.file(ours)
    assert evidence_service.count("archive", f"visit_id = '{foreign}'") == 0
    assert evidence_service.count("inbox") == 1  # not even received: the process subscribes to its nodes' topics


def test_a_filed_archive_is_found_by_a_phrase_of_its_scanned_page_and_reindexed_by_the_cli(
    evidence_service: Running,
) -> None:
    """Through the real consumer of our own archive_filed event (Kafka), OCR, Elasticsearch and GET /archives/search;
    then `evidence.cli reindex` swaps in a new generation holding the same document."""
    import time

    from evidence.bootstrap import archive_index
    from evidence.cli import reindex

    from hrss.testing.scans import scanned_page

    phrase = "用人单位未按时足额支付劳动者工资"
    visit = evidence_service.open_visit()
    scan = evidence_service.upload(visit, scanned_page(("检查记录", f"检查发现：{phrase}")), "检查记录扫描件.png")
    assert scan.status_code == 201, scan.text
    archive = evidence_service.file(visit)
    # the outbox relay (a process of its own in a deployment) sends our archive_filed event to Kafka
    from evidence.adapters.orm import outbox

    from hrss.bus.relay import OutboxRelay

    relay = OutboxRelay(evidence_service.engine, outbox, evidence_service.broker, service="evidence")
    while relay.publish_batch():
        pass

    def found(roles: set[str], node: str) -> list[str]:
        answer = evidence_service.call("GET", "/archives/search", roles, node, params={"q": phrase})
        assert answer.status_code == 200, answer.text
        return [h["archive_id"] for h in answer.json()["hits"]]

    deadline = time.monotonic() + 90
    while archive["archive_id"] not in found({"archive_keeper"}, "130102") and time.monotonic() < deadline:
        time.sleep(1)  # indexed after the filing committed, by the consumer of our own event
    assert found({"archive_keeper"}, "130102") == [archive["archive_id"]]
    assert found({"archive_keeper"}, "130104") == []  # the sibling county
    assert evidence_service.call("GET", "/archives/search", None, params={"q": phrase}).status_code == 401
    refused = evidence_service.call("GET", "/archives/search", {"archive_keeper"}, params={"q": ""})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "q"

    index = archive_index(evidence_service.config)
    assert index is not None
    before = index.index.current_generation()
    report = reindex(evidence_service.config)
    assert report["generation"] != before and index.index.current_generation() == report["generation"]
    index.close()
    assert found({"archive_keeper"}, "130102") == [archive["archive_id"]]
