"""Corrections and withdrawals on the fakes: staff of the node that published a record change it only by a new
version that says what changed and why; a withdrawn record's last version says so and nothing follows it."""

from __future__ import annotations

import pytest
from publication import views
from publication.domain.errors import NotPublishingNode, RecordNotFound, RecordWithdrawn
from publication.domain.records import content_sha256, verify_chain
from publication.service_layer.commands import CorrectRecord, WithdrawRecord
from publication_harness import Publication
from publication_testkit import COUNTY_A, MOBILE, approved, decision, follow_up_opened, result_id

from hrss.auth import Principal, Role
from hrss.auth.errors import AccessDenied
from hrss.contracts.errors import InvalidRecord

RESULT = str(result_id(1))


def staff(node: str = COUNTY_A, *roles: Role) -> Principal:
    return Principal(f"staff@{node}", "测试", node, frozenset(roles or {Role.APPROVER}))


@pytest.fixture
def s() -> Publication:
    publication = Publication()
    publication.receive(approved(1, findings="工资按月足额支付"), decision(1))
    return publication


def versions(s: Publication) -> list:
    return s.repo.versions("result", RESULT)


def test_a_correction_is_a_new_version_naming_the_fields_and_the_reason(s: Publication) -> None:
    answer = s.command(CorrectRecord(RESULT, {"entity_name": "杭州测试一号有限公司"}, "企业名称录入有误"), staff())
    first, second = versions(s)
    assert answer["version"] == 2 and second.content["entity_name"] == "杭州测试一号有限公司"
    assert first.content["entity_name"] == "杭州测试1号有限公司"  # the first version stays as it was
    [change] = second.content["changes"]
    assert (change["type"], change["fields"], change["reason"]) == ("correction", ["entity_name"], "企业名称录入有误")
    assert second.content_sha256 == content_sha256(second.content)
    assert verify_chain(COUNTY_A, s.repo.receipts(COUNTY_A), {
        (v.kind, v.record_id, v.version): content_sha256(v.content) for v in s.repo.records_kept
    }).valid  # fmt: skip
    assert [a.action for a in s.audited][-2:] == ["publication.publish_result", "publication.correct"]
    assert s.audited[-1].actor_role == "approver" and s.audited[-1].reason == "企业名称录入有误"
    page = views.record(s.repo, "result", RESULT)
    assert page["version"] == 2 and len(page["versions"]) == 2


def test_a_correction_sticks_when_the_result_is_republished_from_its_sources(s: Publication) -> None:
    s.command(CorrectRecord(RESULT, {"result_category": "发现问题已责令改正"}, "类别选择错误"), staff())
    s.receive(follow_up_opened(1))
    latest = versions(s)[-1]
    assert latest.version == 3 and latest.content["result_category"] == "发现问题已责令改正"
    assert latest.content["follow_ups"] and len(latest.content["changes"]) == 1


def test_corrected_values_and_reasons_are_masked(s: Publication) -> None:
    s.command(CorrectRecord(RESULT, {"inspected_on": "2026-05-07"}, f"经办人电话{MOBILE}"), staff())
    assert MOBILE not in str(versions(s)[-1].content)
    items = versions(s)[-1].content["items"]
    s.command(CorrectRecord(RESULT, {"items": [{**items[0], "findings": f"联系人{MOBILE}"}]}, "补充"), staff())
    assert MOBILE not in str(versions(s)[-1].content)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "correction.empty"),
        ({"uscc": "91330102000000001X"}, "correction.protected"),
        ({"result_id": "x"}, "correction.protected"),
        ({"nickname": "x"}, "correction.unknown_field"),
        ({"entity_name": ["a"]}, "correction.type"),
        ({"entity_name": "杭州测试1号有限公司"}, "correction.no_change"),
    ],
)
def test_a_correction_that_cannot_apply_is_refused_naming_the_field(s: Publication, fields: dict, code: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        s.command(CorrectRecord(RESULT, fields, "理由"), staff())
    assert refused.value.errors[0].code == code
    assert len(versions(s)) == 1


def test_only_the_publishing_node_s_publishers_may_correct(s: Publication) -> None:
    with pytest.raises(NotPublishingNode):
        s.command(CorrectRecord(RESULT, {"entity_name": "x"}, "理由"), staff("330100", Role.CITY_ADMIN))
    with pytest.raises(AccessDenied):
        s.command(CorrectRecord(RESULT, {"entity_name": "x"}, "理由"), staff(COUNTY_A, Role.INSPECTOR))
    with pytest.raises(AccessDenied):
        s.command(CorrectRecord(RESULT, {"entity_name": "x"}, "理由"), staff("330108", Role.COUNTY_ADMIN))
    with pytest.raises(RecordNotFound):
        s.command(CorrectRecord(str(result_id(9)), {"entity_name": "x"}, "理由"), staff())
    assert len(versions(s)) == 1


def test_a_withdrawn_record_says_why_and_nothing_follows_it(s: Publication) -> None:
    s.command(WithdrawRecord(RESULT, "检查结果经复核撤销"), staff(COUNTY_A, Role.COUNTY_ADMIN))
    last = versions(s)[-1]
    assert last.version == 2 and last.content["withdrawn"]["reason"] == "检查结果经复核撤销"
    assert last.content["changes"][-1]["type"] == "withdrawal"
    assert [e.type for e in s.published][-1] == "publication.record_published"
    s.receive(follow_up_opened(1))  # a later source event: no version after the withdrawal
    assert len(versions(s)) == 2
    with pytest.raises(RecordWithdrawn):
        s.command(WithdrawRecord(RESULT, "再次撤回"), staff())
    with pytest.raises(RecordWithdrawn):
        s.command(CorrectRecord(RESULT, {"entity_name": "x"}, "理由"), staff())
