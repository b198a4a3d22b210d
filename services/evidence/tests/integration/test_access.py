"""Access to archives (004 §12.4): no read without the approval of the department head and the leader in charge;
a grant is time-limited and scoped; every read and every refusal is audited, naming the grant; the borrowing
register with its return check."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from evidence_testkit import Running, pdf, sha256

pytestmark = pytest.mark.integration

REQUESTER = "reader-zhang"


def _until(seconds: float = 3600) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def _filed(service: Running) -> tuple[dict[str, Any], dict[str, Any]]:
    visit = service.open_visit()
    evidence = service.upload(visit, pdf(50_000, visit)).json()
    return service.file(visit), evidence


def _request(service: Running, archive_id: str, versions: list[int], mode: str = "read", until: str | None = None):  # type: ignore[no-untyped-def]
    body = {"versions": versions, "mode": mode, "purpose": "办理投诉需调阅检查档案", "valid_until": until or _until()}
    return service.call("POST", f"/archives/{archive_id}/access-requests", {"inspector"}, body=body, user=REQUESTER)


def _decide(service: Running, request_id: str, position: str, user: str, decision: str = "approve"):  # type: ignore[no-untyped-def]
    body = {"position": position, "decision": decision, "approver_name": user, "comment": "同意"}
    return service.call("POST", f"/access-requests/{request_id}/decisions", {"approver"}, body=body, user=user)


def _grant(service: Running, archive_id: str, versions: list[int], mode: str = "read", until: str | None = None) -> str:
    request = _request(service, archive_id, versions, mode, until)
    assert request.status_code == 201, request.text
    request_id = request.json()["request_id"]
    assert _decide(service, request_id, "department_head", "head-li").json()["status"] == "pending"
    decided = _decide(service, request_id, "leader_in_charge", "leader-wang").json()
    assert decided["status"] == "granted"
    return str(decided["grant_id"])


def _read(service: Running, archive_id: str, version: int, grant: str | None, user: str = REQUESTER):  # type: ignore[no-untyped-def]
    params = {"grant_id": grant} if grant else {}
    path = f"/archives/{archive_id}/versions/{version}"
    return service.call("GET", path, {"inspector"}, params=params, user=user)


def test_reading_without_an_approval_is_refused_and_audited(evidence_service: Running) -> None:
    archive, _ = _filed(evidence_service)
    refused = _read(evidence_service, archive["archive_id"], 1, None)
    assert refused.status_code == 403 and refused.json()["code"] == "access.grant_required"
    [entry] = evidence_service.audits("archive.read")
    assert (entry["outcome"], entry["actor"], entry["object_id"]) == ("refused", REQUESTER, archive["archive_id"])
    assert entry["detail"]["code"] == "access.grant_required"


def test_with_both_approvals_the_read_is_allowed_and_audited_with_the_grant(evidence_service: Running) -> None:
    archive, evidence = _filed(evidence_service)
    grant = _grant(evidence_service, archive["archive_id"], [1])
    answer = _read(evidence_service, archive["archive_id"], 1, grant)
    assert answer.status_code == 200, answer.text
    assert answer.json()["manifest_digest"] == archive["versions"][0]["manifest_digest"]
    [entry] = evidence_service.audits("archive.read")
    assert (entry["outcome"], entry["approval_id"], entry["object_version"]) == ("ok", grant, 1)

    path = f"/archives/{archive['archive_id']}/versions/1/evidence/{evidence['evidence_id']}"
    content = evidence_service.call("GET", path, {"inspector"}, params={"grant_id": grant}, user=REQUESTER)
    assert content.status_code == 200
    assert sha256(content.content) == evidence["digest"] == content.headers["X-Evidence-Digest"]
    assert content.headers["X-Object-Version-Id"] == evidence["version_id"]
    # stored bytes are a download, never rendered or sniffed, typed from the checked kind (账簿.pdf)
    assert content.headers["Content-Disposition"] == "attachment; filename*=UTF-8''%E8%B4%A6%E7%B0%BF.pdf"
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert content.headers["Content-Type"] == "application/pdf"
    [read] = evidence_service.audits("evidence.read")
    assert (read["outcome"], read["approval_id"], read["object_id"]) == ("ok", grant, evidence["evidence_id"])


def test_an_expired_out_of_scope_or_someone_elses_grant_is_refused(evidence_service: Running) -> None:
    archive, _ = _filed(evidence_service)
    other, _ = _filed(evidence_service)
    grant = _grant(evidence_service, archive["archive_id"], [1], until=_until(3))
    out_of_scope = _read(evidence_service, other["archive_id"], 1, grant)
    assert out_of_scope.status_code == 403 and out_of_scope.json()["code"] == "access.grant_out_of_scope"
    missing_version = _read(evidence_service, archive["archive_id"], 2, grant)
    assert missing_version.status_code == 404
    someone_else = _read(evidence_service, archive["archive_id"], 1, grant, user="another-reader")
    assert someone_else.status_code == 403 and someone_else.json()["code"] == "access.grant_not_yours"
    time.sleep(3.5)  # let the grant run out; what is checked is the refusal, not the time it takes
    expired = _read(evidence_service, archive["archive_id"], 1, grant)
    assert expired.status_code == 403 and expired.json()["code"] == "access.grant_expired"
    refusals = [e for e in evidence_service.audits("archive.read") if e["outcome"] == "refused"]
    assert [e["detail"]["code"] for e in refusals] == [
        "access.grant_out_of_scope",
        "archive.version_not_found",
        "access.grant_not_yours",
        "access.grant_expired",
    ]
    assert all(e["approval_id"] == grant for e in refusals)


def test_approvals_need_two_different_approvers_neither_the_requester(evidence_service: Running) -> None:
    archive, _ = _filed(evidence_service)
    request_id = _request(evidence_service, archive["archive_id"], [1]).json()["request_id"]
    own = evidence_service.call(
        "POST", f"/access-requests/{request_id}/decisions", {"approver", "inspector"},
        body={"position": "department_head", "decision": "approve"}, user=REQUESTER,
    )  # fmt: skip
    assert own.status_code == 403 and own.json()["code"] == "access.self_approval"
    assert _decide(evidence_service, request_id, "department_head", "head-li").status_code == 200
    twice = _decide(evidence_service, request_id, "leader_in_charge", "head-li")
    assert twice.status_code == 403 and twice.json()["code"] == "access.same_approver"
    position_again = _decide(evidence_service, request_id, "department_head", "head-zhao")
    assert position_again.status_code == 409
    not_an_approver = evidence_service.call(
        "POST", f"/access-requests/{request_id}/decisions", {"archive_keeper"},
        body={"position": "leader_in_charge", "decision": "approve"}, user="keeper-x",
    )  # fmt: skip
    assert not_an_approver.status_code == 403
    view = evidence_service.call("GET", f"/access-requests/{request_id}", {"auditor"}).json()
    assert view["status"] == "pending" and view["grant_id"] is None
    refused = _decide(evidence_service, request_id, "leader_in_charge", "leader-wang", "refuse").json()
    assert refused["status"] == "refused" and refused["grant_id"] is None
    assert evidence_service.count("outbox", "topic = 'evidence.access_refused.v1'") == 1
    assert evidence_service.count("outbox", "topic = 'evidence.access_requested.v1'") == 1  # for the keepers
    assert evidence_service.count("access_grant") == 0


def test_a_request_for_an_unknown_version_or_too_long_is_refused(evidence_service: Running) -> None:
    archive, _ = _filed(evidence_service)
    unknown = _request(evidence_service, archive["archive_id"], [3])
    assert unknown.status_code == 400 and unknown.json()["code"] == "access.version_unknown"
    too_long = _request(evidence_service, archive["archive_id"], [1], until=_until(86400 * 40))
    assert too_long.status_code == 400 and too_long.json()["code"] == "access.validity_invalid"
    other_county = evidence_service.call(
        "POST", f"/archives/{archive['archive_id']}/access-requests", {"inspector"}, node="130104",
        body={"versions": [1], "purpose": "x", "valid_until": _until()},
    )  # fmt: skip
    assert other_county.status_code == 403


def test_the_borrowing_register_records_lending_and_the_return_check(evidence_service: Running) -> None:
    archive, _ = _filed(evidence_service)
    read_only = _grant(evidence_service, archive["archive_id"], [1])
    due = (date.today() + timedelta(days=7)).isoformat()
    lend = {"version": 1, "due_back": due, "note": "纸质卷宗一册"}
    refused = evidence_service.call("POST", f"/grants/{read_only}/borrowings", {"archive_keeper"}, body=lend)
    assert refused.status_code == 403 and refused.json()["code"] == "access.grant_read_only"
    grant = _grant(evidence_service, archive["archive_id"], [1], mode="borrow")
    lent = evidence_service.call("POST", f"/grants/{grant}/borrowings", {"archive_keeper"}, body=lend, user="keeper-a")
    assert lent.status_code == 201, lent.text
    borrowing = lent.json()
    assert (borrowing["borrower"], borrowing["keeper"], borrowing["returned"]) == (REQUESTER, "keeper-a", False)
    twice = evidence_service.call("POST", f"/grants/{grant}/borrowings", {"archive_keeper"}, body=lend)
    assert twice.status_code == 409

    path = f"/borrowings/{borrowing['borrowing_id']}/return"
    no_note = evidence_service.call("POST", path, {"archive_keeper"}, body={"condition": "damaged"})
    assert no_note.status_code == 400 and no_note.json()["code"] == "borrowing.note_required"
    back = evidence_service.call(
        "POST", path, {"archive_keeper"}, body={"condition": "damaged", "note": "第3页有水渍，已报告"}
    )
    assert back.status_code == 200, back.text
    assert (back.json()["condition"], back.json()["condition_label"]) == ("damaged", "损坏")
    again = evidence_service.call("POST", path, {"archive_keeper"}, body={"condition": "intact"})
    assert again.status_code == 409
    register = evidence_service.call("GET", "/borrowings", {"auditor"}, params={"node": "130102"}).json()
    assert [(b["borrowing_id"], b["returned"]) for b in register["borrowings"]] == [(borrowing["borrowing_id"], True)]
    assert [e["outcome"] for e in evidence_service.audits("borrowing.return")] == ["refused", "ok", "refused"]
    # the loan and the return went out with them (the notification service tells the borrower and the keepers);
    # the refused second loan and second return sent nothing
    assert evidence_service.count("outbox", "topic = 'evidence.archive_lent.v1'") == 1
    assert evidence_service.count("outbox", "topic = 'evidence.archive_returned.v1'") == 1
