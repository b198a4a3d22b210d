"""Evidence is bound to a visit that exists and that the uploader works on (issue 16, defect 8), against the real
PostgreSQL, Kafka and MinIO: the visits come from the inspection service's events, and every refusal leaves no
object and no record, and is audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from evidence_testkit import (
    INSPECTOR_1,
    INSPECTOR_2,
    OTHER_COUNTY,
    PROVINCE,
    STRANGER,
    Running,
    pdf,
    visit_closed,
    visit_events_kept,
    visit_extended,
    visit_opened,
    wait_for,
)

pytestmark = pytest.mark.integration


def _nothing_written(service: Running, s3_client: Any) -> None:  # type: ignore[no-untyped-def]
    assert service.count("evidence") == 0 and service.count("upload_intent") == 0
    assert list(s3_client.list_objects(service.bucket, prefix="evidence/", recursive=True, include_version=True)) == []


def _refusals(service: Running) -> list[str]:
    return [a["detail"]["code"] for a in service.audits("evidence.upload") if a["outcome"] == "refused"]


def test_an_upload_to_a_visit_the_service_does_not_know_is_refused_saying_to_retry_and_nothing_is_written(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    visit = str(uuid.uuid4())
    answer = evidence_service.upload(visit, pdf(1000, "unknown"))
    assert answer.status_code == 404, answer.text
    body = answer.json()
    assert body["code"] == "evidence.visit_unknown" and body["errors"][0]["field"] == "visit_id"
    assert visit in body["message"] and "稍后重试" in body["message"]
    _nothing_written(evidence_service, s3_client)
    assert _refusals(evidence_service) == ["evidence.visit_unknown"]

    evidence_service.visit_event(visit_opened(visit))  # the opening arrives: the same upload now succeeds
    assert evidence_service.upload(visit, pdf(1000, "unknown")).status_code == 201


def test_an_upload_naming_another_node_than_the_visits_is_refused_and_the_file_never_enters_its_archive(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    other = evidence_service.open_visit(node=OTHER_COUNTY)
    answer = evidence_service.upload(other, pdf(1000, "foreign"), roles={"archive_keeper"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "evidence.visit_other_node" and answer.json()["errors"][0]["field"] == "node"
    # a province administrator, in scope of both, naming the province for a county's visit
    upward = evidence_service.upload(other, pdf(1000, "up"), roles={"province_admin"}, node=PROVINCE, as_node=PROVINCE)
    assert upward.status_code == 400 and upward.json()["code"] == "evidence.visit_other_node", upward.text
    assert _refusals(evidence_service) == ["evidence.visit_other_node"] * 2
    _nothing_written(evidence_service, s3_client)


def test_an_inspector_not_on_the_visits_team_is_refused_unless_a_wider_role_of_the_node_allows_it(
    evidence_service: Running, s3_client
) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    for inspector in (STRANGER, None):  # on another team; linked to no registry inspector at all
        refused = evidence_service.upload(visit, pdf(1000, "x"), inspector=inspector)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "access.not_assigned"
    # the account id is not the link: an account named like a team member's inspector id is on no team
    named = evidence_service.upload(visit, pdf(1000, "y"), inspector=None, user=INSPECTOR_1)
    assert named.status_code == 403 and named.json()["code"] == "access.not_assigned"
    _nothing_written(evidence_service, s3_client)
    assert _refusals(evidence_service) == ["access.not_assigned"] * 3

    member = evidence_service.upload(visit, pdf(1000, "member"), inspector=INSPECTOR_2)
    assert member.status_code == 201, member.text
    keeper = evidence_service.upload(visit, pdf(1000, "keeper"), roles={"archive_keeper"})
    assert keeper.status_code == 201, keeper.text
    both = evidence_service.upload(visit, pdf(1000, "both"), roles={"inspector", "archive_keeper"}, inspector=STRANGER)
    assert both.status_code == 201, both.text
    roles = [a["actor_role"] for a in evidence_service.audits("evidence.upload") if a["outcome"] == "ok"]
    assert roles == ["inspector", "archive_keeper", "archive_keeper"]


def test_a_changed_team_takes_effect_from_the_visit_extended_event(evidence_service: Running) -> None:
    visit = evidence_service.open_visit()
    evidence_service.visit_event(visit_extended(visit, (INSPECTOR_2, STRANGER)))
    assert evidence_service.upload(visit, pdf(1000, "new"), inspector=STRANGER).status_code == 201
    left = evidence_service.upload(visit, pdf(1000, "old"), inspector=INSPECTOR_1)
    assert left.status_code == 403 and left.json()["code"] == "access.not_assigned"


def test_a_closed_visit_takes_no_more_evidence(evidence_service: Running, s3_client) -> None:  # type: ignore[no-untyped-def]
    visit = evidence_service.open_visit()
    evidence_service.visit_event(visit_closed(visit, "抽取结果作废，检查撤回"))
    answer = evidence_service.upload(visit, pdf(1000, "late"))
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "evidence.visit_closed" and "抽取结果作废" in answer.json()["message"]
    _nothing_written(evidence_service, s3_client)
    assert _refusals(evidence_service) == ["evidence.visit_closed"]


def test_visits_of_nodes_the_process_does_not_serve_are_never_kept(evidence_service: Running) -> None:
    foreign = str(uuid.uuid4())
    evidence_service.visit_event(visit_opened(foreign, node="140102"), wait=False)  # 山西: not served here
    received = "event_type = 'inspection.visit_opened'"
    wait_for(lambda: evidence_service.count("inbox", received) == 1, 60, "the event's receipt")
    assert visit_events_kept(evidence_service.engine, foreign) == 0
    answer = evidence_service.upload(foreign, pdf(1000, "far"), roles={"archive_keeper"})
    assert answer.status_code == 404 and answer.json()["code"] == "evidence.visit_unknown"


def test_an_inspectors_reads_are_limited_to_the_visits_of_their_team(evidence_service: Running) -> None:
    visit = evidence_service.open_visit()
    record = evidence_service.upload(visit, pdf(1000, "read")).json()
    archive = evidence_service.file(visit)

    def read(path: str, inspector: str) -> Any:  # type: ignore[no-untyped-def]
        return evidence_service.call("GET", path, {"inspector"}, inspector=inspector)

    paths = (f"/visits/{visit}/evidence", f"/evidence/{record['evidence_id']}", f"/archives/{archive['archive_id']}")
    for path in paths:
        assert read(path, INSPECTOR_2).status_code == 200, path
        stranger = read(path, STRANGER)
        assert stranger.status_code == 403 and stranger.json()["code"] == "access.not_assigned", path
        assert evidence_service.call("GET", path, {"archive_keeper"}).status_code == 200, path
    listed = read(f"/visits/{visit}/evidence", INSPECTOR_1).json()
    assert [e["evidence_id"] for e in listed["evidence"]] == [record["evidence_id"]]
    unknown = read(f"/visits/{uuid.uuid4()}/evidence", INSPECTOR_1)
    assert unknown.status_code == 403 and unknown.json()["code"] == "access.not_assigned"


def test_a_later_team_event_does_not_reopen_a_closed_visit(evidence_service: Running) -> None:
    visit = str(uuid.uuid4())
    evidence_service.visit_event(visit_opened(visit))
    evidence_service.visit_event(visit_closed(visit, "关闭"))
    evidence_service.visit_event(visit_extended(visit, (INSPECTOR_1,)))
    assert visit_events_kept(evidence_service.engine, visit) == 3
    assert evidence_service.upload(visit, pdf(1000, "z")).status_code == 409
