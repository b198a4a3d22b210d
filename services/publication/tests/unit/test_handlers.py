"""The publication use cases on the fakes: events handed to `handle_event` as the consumers hand them, asserting
what is kept, what becomes public (masked), what is withheld, the receipts, the events and the audit entries."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from publication.domain.records import verify_chain
from publication.service_layer.handlers import COMMAND_HANDLERS, EVENT_COMMANDS, note_entities
from publication_harness import Publication
from publication_testkit import (
    BODY,
    COUNTY_A,
    COUNTY_B,
    MOBILE,
    NOW,
    PROVINCE,
    RESIDENT_ID,
    approved,
    decision,
    entity,
    plan_published,
    result_id,
    task_published,
    uscc,
)


@pytest.fixture
def s() -> Publication:
    return Publication()


def test_every_event_has_a_command_and_every_command_a_handler() -> None:
    assert len(EVENT_COMMANDS) == 12 and len(COMMAND_HANDLERS) == 14


def test_an_approved_result_is_public_once_its_node_publishes_it_with_body_items_and_category(s: Publication) -> None:
    assert s.receive(approved(1)) is None  # kept privately: nothing public before the node's decision
    assert s.repo.records_kept == [] and s.types() == []
    record = s.receive(decision(1))
    c = record.content
    assert (record.kind, record.version, record.node, record.uscc) == ("result", 1, COUNTY_A, uscc(1))
    assert record.year == 2026
    assert c["inspecting_body"] == {"node": COUNTY_A, "name": BODY} and c["result_category"] == "未发现问题"
    assert c["items"] == [{"item": "工资支付", "result": "未发现问题", "findings": ""}]
    assert c["inspected_on"] == "2026-05-06"
    assert c["inspectors"] == [f"ZJ{COUNTY_A}0001", f"ZJ{COUNTY_A}0002"]  # credential numbers only, no names
    assert "检查员1" not in str(c)
    assert s.types() == ["publication.record_published", "publication.result_confirmed"]
    assert [(a.action, a.object_id) for a in s.audited] == [("publication.publish_result", str(result_id(1)))]


def test_the_decision_may_arrive_before_the_approved_content(s: Publication) -> None:
    assert s.receive(decision(1)) is None
    assert s.receive(approved(1)).version == 1


def test_the_task_announced_before_names_the_result_task(s: Publication) -> None:
    s.receive(task_published())
    record = s.receive(approved(1), decision(1))
    assert record.content["tasks"][0]["number"] == "浙人社抽〔2026〕12号"


def test_a_result_published_before_its_task_arrived_is_republished_naming_the_task() -> None:
    county = Publication(nodes=(COUNTY_B,), delegated=())  # a county replaying the topics: results came first
    first = county.receive(approved(1, COUNTY_B), decision(1, COUNTY_B))
    assert first.version == 1 and first.content["tasks"][0]["title"] is None
    county.receive(task_published())
    versions = county.repo.versions("result", str(result_id(1, COUNTY_B)))
    assert [v.version for v in versions] == [1, 2] and versions[-1].content["tasks"][0]["title"] == "劳动用工专项"
    assert versions[0].content == first.content  # the first version stays as it was
    county.receive(task_published())  # learnt again: nothing new to say
    assert len(county.repo.versions("result", str(result_id(1, COUNTY_B)))) == 2


def test_a_federated_county_publishes_its_own_results_naming_the_province_task_it_does_not_announce() -> None:
    county = Publication(nodes=(COUNTY_B,), delegated=())
    assert county.receive(task_published()) is None  # the province's task: announced by the province, not here
    record = county.receive(approved(1, COUNTY_B), decision(1, COUNTY_B))
    assert record.node == COUNTY_B and record.content["tasks"][0]["number"] == "浙人社抽〔2026〕12号"
    assert county.receive(approved(2), decision(2)) is None  # another county's: not this process's to publish
    assert [r.record_id for r in county.repo.records_kept] == [str(result_id(1, COUNTY_B))]


def test_a_withheld_result_is_recorded_with_its_reason_and_never_public(s: Publication) -> None:
    s.receive(approved(1, public=False), decision(1, public=False, reason="涉及国家秘密"))
    assert s.repo.records_kept == [] and s.repo.receipts_kept == []
    [row] = s.repo.withheld(COUNTY_A)
    assert row["reason"] == "涉及国家秘密" and row["result_id"] == str(result_id(1))
    assert s.types() == ["publication.result_withheld", "publication.result_confirmed"]
    assert [a.action for a in s.audited] == ["publication.withhold"]


def test_a_delegated_county_publishes_for_itself_not_the_centre(s: Publication) -> None:
    assert s.receive(approved(1, COUNTY_B), decision(1, COUNTY_B)) is None
    assert s.repo.approved_rows == {} and s.repo.records_kept == [] and s.types() == []


def test_a_redelivered_decision_publishes_nothing_twice(s: Publication) -> None:
    s.receive(approved(1), decision(1), decision(1))
    assert len(s.repo.records_kept) == 1 and len(s.repo.receipts_kept) == 1


def test_a_new_approved_version_is_a_new_public_version_and_the_first_stays(s: Publication) -> None:
    s.receive(approved(1), decision(1))
    s.receive(approved(1, overall="corrected", version=2))
    first, second = s.repo.versions("result", str(result_id(1)))
    assert first.content["result_category"] == "未发现问题"
    assert second.content["result_category"] == "发现问题已责令改正"
    assert [r.seq for r in s.repo.receipts(COUNTY_A)] == [1, 2]


def test_personal_data_on_the_form_is_masked_before_it_is_hashed_and_kept(s: Publication) -> None:
    s.receive(entity(1, "个体工商户", "王小二"))
    record = s.receive(approved(1, name="王小二"), decision(1))
    text = str(record.content)
    assert record.content["entity_name"] == "王**" and "王小二" not in text
    assert record.content["uscc"] == uscc(1)  # public, kept
    noisy = approved(2, name=f"测试公司（经营者：张三 {MOBILE} 身份证 {RESIDENT_ID}）")
    masked = s.receive(noisy, decision(2)).content["entity_name"]
    assert MOBILE not in masked and RESIDENT_ID not in masked and "张三" not in masked
    findings = f"未按月足额支付工资，联系人手机 {MOBILE}，身份证 {RESIDENT_ID}"
    [item] = s.receive(approved(3, findings=findings), decision(3)).content["items"]
    assert item["findings"].startswith("未按月足额支付工资，联系人手机 138****5678")
    assert MOBILE not in item["findings"] and RESIDENT_ID not in item["findings"]


def test_receipts_chain_per_node_and_the_check_finds_an_altered_content(s: Publication) -> None:
    s.receive(task_published(), plan_published())  # announced before the results, as tasks are
    for n in (1, 2, 3):
        s.receive(approved(n), decision(n))
    chain = s.repo.receipts(COUNTY_A)
    assert [r.seq for r in chain] == [1, 2, 3] and chain[1].previous_sha256 == chain[0].receipt_sha256
    assert [r.seq for r in s.repo.receipts(PROVINCE)] == [1, 2]  # the task and the plan: the province's own chain
    contents = {(r.kind, r.record_id, r.version): r.content_sha256 for r in s.repo.records_kept}
    assert verify_chain(COUNTY_A, chain, contents).valid
    bad = dict(contents)
    bad[("result", str(result_id(2)), 1)] = "0" * 64
    assert verify_chain(COUNTY_A, chain, bad).first_bad_seq == 2
    dropped = [chain[0], chain[2]]
    assert verify_chain(COUNTY_A, dropped, contents).first_bad_seq == 2
    forged = [chain[0], dataclasses.replace(chain[1], issued_at=NOW.replace(year=2025)), chain[2]]
    assert verify_chain(COUNTY_A, forged, contents).problem == "receipt hash does not match its fields"


def test_a_task_is_announced_with_items_scope_ratio_and_period(s: Publication) -> None:
    record = s.receive(task_published())
    c = record.content
    assert c["items"][0]["ratio"] == "5%" and c["items"][0]["methods"] == ["实地核查"]
    assert c["period"] == {"start": "2026-04-01", "end": "2026-06-30"} and c["scope"]["regions"] == [PROVINCE]
    assert s.receive(task_published()) is None  # the same content again is no new version


def test_a_plan_version_is_published_and_an_adjustment_is_its_next_version(s: Publication) -> None:
    s.receive(plan_published(version=1))
    record = s.receive(plan_published(version=2))
    assert record.version == 2 and record.content["adjustment_reason"] == "调整"


def test_entity_kinds_keep_the_latest_version(s: Publication) -> None:
    s._run(lambda ctx: note_entities([entity(1, "个体工商户", "王小二", version=2), entity(1, "企业", "x")], ctx))
    assert s.repo.entity_kind(uscc(1)) == "个体工商户"


class FakeIndex:
    """The public index as Elasticsearch's external versions behave: a version not above the indexed one is stale."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, dict[str, Any]]] = {}

    def write(self, records: Any) -> Any:
        from publication.adapters.search_index import document_of

        from hrss.search import BulkOutcome

        outcome = BulkOutcome()
        for document in map(document_of, records):
            if document.doc_id in self.documents and self.documents[document.doc_id][0] >= document.version:
                outcome.stale += 1
                outcome.stale_ids.append(document.doc_id)
            else:
                self.documents[document.doc_id] = (document.version, dict(document.body))
                outcome.applied += 1
        return outcome


def record_published(record: Any) -> Any:
    from hrss.contracts.events.publication import Receipt, RecordPublished

    return RecordPublished(
        node=record.node, kind=record.kind, record_id=uuid.UUID(record.record_id), version=record.version,
        uscc=record.uscc, content_sha256=record.content_sha256,
        receipt=Receipt(seq=1, previous_sha256="0" * 64, receipt_sha256="1" * 64), published_at=NOW,
    )  # fmt: skip


def test_each_published_version_is_indexed_masked_from_its_own_event_and_an_older_one_is_stale(s: Publication) -> None:
    index = FakeIndex()
    s.components.search = index  # type: ignore[assignment]
    s.receive(approved(1, findings=f"手机{MOBILE}，身份证{RESIDENT_ID}，拖欠工资"), decision(1))
    s.receive(approved(1, findings="复查：已改正", version=2))
    first, second = s.repo.records_kept
    assert s.receive(record_published(second)) == 1  # applied
    assert s.receive(record_published(first)) == 0  # arriving late: Elasticsearch keeps version 2
    [(version, body)] = index.documents.values()
    assert version == 2 and body["source_version"] == 2 and "已改正" in body["text"]
    assert body["node_path"] == [PROVINCE, "330100", COUNTY_A] and body["items"] == ["工资支付"]
    assert body["inspecting_body"] == BODY and body["uscc"] == uscc(1)
    fresh = FakeIndex()
    s.components.search = fresh  # type: ignore[assignment]
    assert s.receive(record_published(first)) == 1
    [(_, masked)] = fresh.documents.values()
    assert "138****5678" in masked["text"] and MOBILE not in str(masked) and RESIDENT_ID not in str(masked)


def test_without_an_index_nothing_is_indexed_and_nothing_fails(s: Publication) -> None:
    s.receive(approved(1), decision(1))
    assert s.receive(record_published(s.repo.records_kept[0])) == 0
