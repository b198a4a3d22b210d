"""Result events published in batches (service_layer/batches.py over adapters/buffered.py) do exactly what the
same events do one by one: the same versions, receipts, withheld rows, confirmations, events and audit entries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from publication.domain.records import verify_chain
from publication.service_layer.commands import CorrectRecord, WithdrawRecord
from publication.service_layer.handlers import handle_event
from publication_fakes import FakePublicationRepository
from publication_harness import Publication
from publication_testkit import COUNTY_A, COUNTY_B, approved, decision, follow_up_opened, result_id, task_published

from hrss.auth import Principal, Role

OTHER = "330105"  # a second county the province process keeps
STAFF = Principal(f"staff@{COUNTY_A}", "测试", COUNTY_A, frozenset({Role.APPROVER}))


def ids(n: int) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"event-{k}")) for k in range(n)]


def one_by_one(s: Publication, payloads: list[Any], event_ids: list[str]) -> None:
    for payload, event_id in zip(payloads, event_ids, strict=True):
        s._run(lambda ctx, p=payload, i=event_id: handle_event(p, i, ctx))


def outcome(s: Publication, since: tuple[int, ...] = (0, 0, 0, 0)) -> tuple[Any, ...]:
    """What the process kept, sent and audited (the lists: after `since`, a `mark`)."""
    r = s.repo
    events = [(e.type, e.subject, e.payload) for e in s.published[since[2] :]]
    audits = [(a.action, a.object_id, a.object_version, a.after_hash, a.reason, a.event_id) for a in s.audited]
    return (r.records_kept[since[0] :], r.receipts_kept[since[1] :], events, audits[since[3] :], r.withheld_rows,
            r.confirmations, r.approved_rows, r.decisions)  # fmt: skip


def mark(s: Publication) -> tuple[int, ...]:
    """Where the lists of `outcome` end now (a staff command's version has an event id of its own)."""
    return (len(s.repo.records_kept), len(s.repo.receipts_kept), len(s.published), len(s.audited))


def results(s: Publication) -> list[Any]:
    return [r for r in s.repo.records_kept if r.kind == "result"]


def chain_verifies(s: Publication, node: str) -> bool:
    contents = {(r.kind, r.record_id, r.version): r.content_sha256 for r in s.repo.records_kept}
    return verify_chain(node, s.repo.receipts(node), contents).valid


def both(*batches: list[Any]) -> tuple[Publication, Publication]:
    """The same batches of events through a batched process and a one-by-one process, with the same event ids."""
    batched, single = Publication(), Publication()
    for publication in (batched, single):
        one_by_one(publication, [task_published()], ids(1))
    for batch in batches:
        event_ids = [str(uuid.uuid4()) for _ in batch]
        batched.receive_batch(*batch, event_ids=event_ids)
        one_by_one(single, batch, event_ids)
    return batched, single


def test_two_nodes_interleaved_in_a_batch_publish_as_one_by_one_each_on_its_own_chain() -> None:
    approvals = [approved(1), approved(1, OTHER), approved(2), approved(3, OTHER), approved(9, COUNTY_B)]
    decisions = [decision(1, OTHER), decision(2), decision(1), decision(3, OTHER), decision(9, COUNTY_B)]
    batched, single = both(approvals, decisions)
    assert outcome(batched) == outcome(single)
    assert [r.seq for r in batched.repo.receipts(COUNTY_A)] == [1, 2]
    assert [r.seq for r in batched.repo.receipts(OTHER)] == [1, 2]
    assert chain_verifies(batched, COUNTY_A) and chain_verifies(batched, OTHER)
    assert str(result_id(9, COUNTY_B)) not in {r.record_id for r in batched.repo.records_kept}  # delegated
    assert batched.types().count("publication.record_published") == 1 + 4  # the task, then four results


def test_decisions_before_their_approvals_publish_when_the_approvals_come_in_a_batch() -> None:
    batched, single = both([decision(1), decision(2)], [approved(2), approved(1)])
    assert outcome(batched) == outcome(single) and len(results(batched)) == 2


def test_the_same_record_twice_in_a_batch_makes_two_versions_chained_in_order() -> None:
    batched, single = both(
        [approved(1)], [decision(1)], [approved(1, version=2, overall="corrected"), approved(1), approved(2)]
    )
    assert outcome(batched) == outcome(single)
    versions = batched.repo.versions("result", str(result_id(1)))
    assert [v.version for v in versions] == [1, 2] and versions[1].content["result_code"] == "corrected"
    assert [r.seq for r in batched.repo.receipts(COUNTY_A)] == [1, 2] and chain_verifies(batched, COUNTY_A)


def test_a_decision_twice_in_a_batch_publishes_once() -> None:
    batched, single = both([approved(1)], [decision(1), decision(1)])
    assert outcome(batched) == outcome(single) and len(results(batched)) == 1


def test_a_withheld_result_in_a_batch_is_recorded_with_its_reason_and_the_others_published() -> None:
    approvals = [approved(1), approved(2), approved(3)]
    decisions = [decision(1), decision(2, public=False, reason="涉及国家秘密"), decision(3)]
    batched, single = both(approvals, decisions)
    assert outcome(batched) == outcome(single)
    [row] = batched.repo.withheld(COUNTY_A)
    assert (row["result_id"], row["reason"]) == (str(result_id(2)), "涉及国家秘密")
    assert len(results(batched)) == 2 and chain_verifies(batched, COUNTY_A)
    confirmed = {r: c["public"] for r, c in batched.repo.confirmations.items()}
    assert confirmed == {str(result_id(1)): True, str(result_id(2)): False, str(result_id(3)): True}
    assert batched.types().count("publication.result_withheld") == 1


def test_follow_ups_and_a_correction_kept_before_a_batch_are_in_what_it_publishes() -> None:
    batched, single = Publication(), Publication()
    before, batch = [approved(1), decision(1), follow_up_opened(1)], [approved(1, version=2, overall="corrected")]
    for s in (batched, single):
        one_by_one(s, before, ids(3))
        s.command(CorrectRecord(str(result_id(1)), {"entity_name": "杭州测试一号有限公司"}, "名称有误"), STAFF)
    event_ids, since = ids(4)[3:], mark(batched)
    batched.receive_batch(*batch, event_ids=event_ids)
    one_by_one(single, batch, event_ids)
    assert outcome(batched, since) == outcome(single, since)
    latest = batched.repo.versions("result", str(result_id(1)))[-1]
    assert latest.version == 4 and latest.content["result_code"] == "corrected" and "follow_ups" in latest.content
    assert latest.content["entity_name"] == "杭州测试一号有限公司" and len(latest.content["changes"]) == 1


def test_a_withdrawn_result_gets_no_version_from_a_batch() -> None:
    before, batch = [approved(1), decision(1), decision(2)], [approved(1, version=2, overall="corrected"), approved(2)]
    batched, single = Publication(), Publication()
    for s in (batched, single):
        one_by_one(s, before, ids(3))
        s.command(WithdrawRecord(str(result_id(1)), "误发布"), STAFF)
    since = mark(batched)
    batched.receive_batch(*batch, event_ids=ids(5)[3:])
    one_by_one(single, batch, ids(5)[3:])
    assert outcome(batched, since) == outcome(single, since) and len(results(batched)) == 3  # and result 2
    assert [v.version for v in batched.repo.versions("result", str(result_id(1)))] == [1, 2]  # 2: the withdrawal


def test_a_batch_that_fails_midway_writes_nothing_and_its_redelivery_publishes_each_once() -> None:
    s = Publication()
    s.receive(*[approved(n) for n in range(1, 5)])
    decisions = [decision(n) for n in range(1, 5)]
    event_ids = ids(4)
    calls = {"n": 0}
    clock = s.components.clock

    def failing_clock() -> Any:
        calls["n"] += 1
        if calls["n"] > 5:  # the process dies halfway through the batch
            raise RuntimeError("killed")
        return clock()

    s.components.clock = failing_clock
    with pytest.raises(RuntimeError):
        s.receive_batch(*decisions, event_ids=event_ids)
    assert s.repo.records_kept == [] and s.repo.decisions == {} and s.repo.confirmations == {}
    s.components.clock = clock
    s.receive_batch(*decisions, event_ids=event_ids)  # the inbox holds none of them: the transaction rolled back
    s.receive_batch(*decisions)  # and again under other event ids (a producer's retry): nothing new
    assert sorted(r.record_id for r in s.repo.records_kept) == sorted(str(result_id(n)) for n in range(1, 5))
    assert [r.seq for r in s.repo.receipts(COUNTY_A)] == [1, 2, 3, 4] and chain_verifies(s, COUNTY_A)
    assert len(s.repo.confirmations) == 4 and s.types().count("publication.result_confirmed") == 4


def test_a_batch_view_goes_through_after_writing_what_it_kept_for_anything_it_does_not_serve() -> None:
    fake = FakePublicationRepository()
    view = fake.buffered()
    result, task = str(result_id(1)), str(uuid.uuid4())
    view.load([result])
    assert view.add_approved(result, 1, COUNTY_A, {"task_ids": [task]}, "e1", approved(1).approved_at) is True
    assert fake.approved_rows == {}  # kept in the view
    assert view.add_approved(result, 1, COUNTY_A, {"task_ids": []}, "e2", approved(1).approved_at) is False
    assert view.results_naming_task(task) == [result]  # not served: written first, then read beneath
    assert fake.approved(result) == {"task_ids": [task]}
    assert view.approved(str(result_id(2))) is None  # not loaded: read beneath
