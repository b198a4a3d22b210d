"""The fake publication repository and the SQLAlchemy one keep the same promises: each test runs on both (the real
one on PostgreSQL, in a transaction rolled back afterwards), so the handler tests on the fake say what production
does."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from publication.adapters.repository import PublicationRepository, SqlPublicationRepository
from publication.domain.deadlines import TaskDeadline
from publication.domain.records import Kind, Receipt, RecordVersion, content_sha256, next_receipt
from publication_fakes import FakePublicationRepository
from publication_testkit import COUNTY_A, COUNTY_B, PROVINCE, migrate, uscc
from sqlalchemy.orm import Session

from hrss.testing.databases import migrated_database

AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
CITY_OF_A = "330100"


@pytest.fixture(scope="module")
def publication_engine(pg_dsn: str) -> Iterator[sa.Engine]:
    with migrated_database(pg_dsn, "pubrepo", migrate) as engine:
        yield engine


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[PublicationRepository]:
    if request.param == "fake":
        yield FakePublicationRepository()
        return
    session = Session(request.getfixturevalue("publication_engine"))
    try:
        yield SqlPublicationRepository(session)
    finally:
        session.rollback()
        session.close()


def an_id() -> str:
    return str(uuid.uuid4())


def version(kind: Kind, record_id: str, n: int, node: str = COUNTY_A, *, entity: str | None = None, year: int = 2026,
            minutes: int = 0, note: str = "") -> RecordVersion:  # fmt: skip
    content: dict[str, Any] = {"kind": kind, "id": record_id, "version": n, "note": note}
    content["items"] = [{"item": "工资支付"}]
    at = AT + timedelta(minutes=minutes)
    return RecordVersion(kind, record_id, n, node, entity, year, content, content_sha256(content), at, an_id())


def published(repo: PublicationRepository, *records: RecordVersion) -> list[Receipt]:
    """Each record appended with its node's next receipt, as `publishing.publish` does."""
    receipts = []
    for record in records:
        repo.lock_chain(record.node)
        receipt = next_receipt(repo.last_receipt(record.node), record, record.published_at)
        repo.add_record(record)
        repo.add_receipt(receipt)
        receipts.append(receipt)
    return receipts


def test_an_approved_version_is_kept_once_and_the_latest_is_answered(repo: PublicationRepository) -> None:
    result = an_id()
    assert repo.approved(result) is None
    assert repo.add_approved(result, 1, COUNTY_A, {"version": 1, "overall": "no_problem"}, an_id(), AT) is True
    assert repo.add_approved(result, 1, COUNTY_A, {"version": 1, "overall": "changed"}, an_id(), AT) is False
    assert repo.approved(result) == {"version": 1, "overall": "no_problem"}  # the redelivery changed nothing
    assert repo.add_approved(result, 2, COUNTY_A, {"version": 2, "overall": "corrected"}, an_id(), AT) is True
    assert repo.approved(result) == {"version": 2, "overall": "corrected"}


def test_a_decision_is_kept_once(repo: PublicationRepository) -> None:
    result = an_id()
    assert repo.decision(result) is None
    assert repo.add_decision(result, COUNTY_A, True, {"public": True}, an_id(), AT) is True
    assert repo.add_decision(result, COUNTY_A, False, {"public": False}, an_id(), AT) is False
    assert repo.decision(result) == {"public": True}


def test_a_task_answers_its_latest_state_and_unknown_tasks_are_left_out(repo: PublicationRepository) -> None:
    task, other = an_id(), an_id()
    assert repo.tasks([]) == {} and repo.tasks([task]) == {}
    repo.add_task_source(task, PROVINCE, {"title": "第一版"}, an_id())
    repo.add_task_source(task, PROVINCE, {"title": "第二版"}, an_id())
    repo.add_task_source(other, CITY_OF_A, {"title": "另一个"}, an_id())
    assert repo.tasks([task, an_id()]) == {task: {"title": "第二版"}}
    assert repo.tasks([task, other]) == {task: {"title": "第二版"}, other: {"title": "另一个"}}


def test_entity_kinds_keep_the_highest_version_within_a_batch_and_across_batches(repo: PublicationRepository) -> None:
    one, two = uscc(901), uscc(902)
    assert repo.entity_kind(one) is None
    repo.set_entity_kinds([(one, "个体工商户", 3), (one, "企业", 2), (two, "企业", 1)])
    assert (repo.entity_kind(one), repo.entity_kind(two)) == ("个体工商户", "企业")
    repo.set_entity_kinds([(one, "企业", 2), (two, "个体工商户", 4)])  # an older version of one, a newer of two
    assert (repo.entity_kind(one), repo.entity_kind(two)) == ("个体工商户", "个体工商户")
    repo.set_entity_kinds([])


def test_receipts_are_per_node_in_order_from_after_and_the_last_is_the_head(repo: PublicationRepository) -> None:
    assert repo.last_receipt(COUNTY_A) is None and repo.receipts(COUNTY_A) == []
    records = [version("result", an_id(), 1, minutes=n) for n in range(3)] + [version("result", an_id(), 1, COUNTY_B)]
    chain = published(repo, *records)
    assert repo.receipts(COUNTY_A) == chain[:3] and repo.receipts(COUNTY_B) == chain[3:]
    assert repo.last_receipt(COUNTY_A) == chain[2] and repo.last_receipt(COUNTY_B) == chain[3]
    assert repo.receipts(COUNTY_A, after=1) == chain[1:3] and repo.receipts(COUNTY_A, after=1, limit=1) == [chain[1]]
    assert repo.receipts(COUNTY_A, after=3) == []


def test_versions_come_oldest_first_and_every_read_answers_the_latest(repo: PublicationRepository) -> None:
    old, new, other_year = an_id(), an_id(), an_id()
    entity = uscc(903)
    published(
        repo,
        version("result", old, 1, entity=entity, minutes=1),
        version("result", new, 1, entity=entity, minutes=2),
        version("result", old, 2, entity=entity, minutes=3, note="更正"),
        version("result", other_year, 1, COUNTY_B, entity=uscc(904, COUNTY_B), year=2025, minutes=4),
        version("task", an_id(), 1, PROVINCE, minutes=5),
    )
    assert [v.version for v in repo.versions("result", old)] == [1, 2]
    assert repo.versions("task", old) == [] and repo.versions("result", an_id()) == []
    [first, second] = repo.versions("result", old)
    assert second.content["note"] == "更正" and second.published_at == AT + timedelta(minutes=3)
    assert first.content == {"kind": "result", "id": old, "version": 1, "note": "", "items": [{"item": "工资支付"}]}

    page = repo.results_of_entity(entity)  # newest publication first, the latest version of each
    assert [(r.record_id, r.version) for r in page] == [(old, 2), (new, 1)]
    assert repo.results_of_entity(uscc(905)) == []

    everything = repo.records("result", "", None, 50, 0)
    assert [(r.record_id, r.version) for r in everything] == [(other_year, 1), (old, 2), (new, 1)]
    assert [r.record_id for r in repo.records("result", "3301", 2026, 50, 0)] == [old, new]
    assert [r.record_id for r in repo.records("result", "330106", None, 50, 0)] == [other_year]
    assert [r.record_id for r in repo.records("result", "", 2026, 1, 1)] == [new]
    assert [r.kind for r in repo.records("task", "33", 2026, 50, 0)] == ["task"]


def test_contents_of_a_node_are_every_version_it_published(repo: PublicationRepository) -> None:
    record = an_id()
    first, second = version("result", record, 1), version("result", record, 2, note="更正")
    published(repo, first, second, version("result", an_id(), 1, COUNTY_B))
    assert repo.contents_of(COUNTY_A) == {("result", record, 1): first.content, ("result", record, 2): second.content}


def test_a_withheld_result_is_kept_once_and_read_by_subtree_newest_first(repo: PublicationRepository) -> None:
    early, late, elsewhere, task = an_id(), an_id(), an_id(), an_id()
    repo.add_withheld(early, COUNTY_A, [task], "涉及国家秘密", "ab" * 32, AT, an_id())
    repo.add_withheld(early, COUNTY_A, [task], "另一理由", "cd" * 32, AT + timedelta(hours=1), an_id())
    repo.add_withheld(late, COUNTY_A, [], "依法不予公开", "ef" * 32, AT + timedelta(minutes=5), an_id())
    repo.add_withheld(elsewhere, COUNTY_B, [task], "涉及个人隐私", "01" * 32, AT, an_id())
    rows = repo.withheld("330102")
    assert [(r["result_id"], r["reason"]) for r in rows] == [(late, "依法不予公开"), (early, "涉及国家秘密")]
    assert rows[1] == {
        "result_id": early,
        "node": COUNTY_A,
        "task_ids": [task],
        "reason": "涉及国家秘密",
        "source_sha256": "ab" * 32,
        "withheld_at": AT,
    }
    assert {r["result_id"] for r in repo.withheld("3301")} == {early, late, elsewhere}
    assert repo.withheld("3302") == []


def test_a_second_receipt_with_the_same_sequence_is_refused(repo: PublicationRepository) -> None:
    [receipt] = published(repo, version("result", an_id(), 1))
    with pytest.raises((ValueError, sa.exc.IntegrityError)):  # the fake's refusal, PostgreSQL's primary key
        repo.add_receipt(receipt)


def test_a_second_record_with_the_same_version_is_refused(repo: PublicationRepository) -> None:
    record = version("result", an_id(), 1)
    published(repo, record)
    with pytest.raises((ValueError, sa.exc.IntegrityError)):
        repo.add_record(record)


def test_the_results_naming_a_task_are_found_by_it(repo: PublicationRepository) -> None:
    task, other = an_id(), an_id()
    first, second, elsewhere = an_id(), an_id(), an_id()
    repo.add_approved(first, 1, COUNTY_A, {"version": 1, "task_ids": [task]}, an_id(), AT)
    repo.add_approved(first, 2, COUNTY_A, {"version": 2, "task_ids": [task]}, an_id(), AT)  # one id, not two
    repo.add_approved(second, 1, COUNTY_B, {"version": 1, "task_ids": [other, task]}, an_id(), AT)
    repo.add_approved(elsewhere, 1, COUNTY_A, {"version": 1, "task_ids": [other]}, an_id(), AT)
    assert repo.results_naming_task(task) == sorted([first, second])
    assert repo.results_naming_task(an_id()) == []
    repo.lock_task(task)  # held until the transaction ends; taking it again in it does not block
    repo.lock_task(task)


def test_a_task_deadline_is_kept_once_and_answered_for_the_completed_tasks(repo: PublicationRepository) -> None:
    task, other = an_id(), an_id()
    first = TaskDeadline(task, PROVINCE, date(2026, 6, 1), date(2026, 6, 30), False)
    assert repo.task_deadlines([task]) == [] and repo.task_deadlines([]) == []
    assert repo.add_task_deadline(first, an_id(), AT) is True
    later = TaskDeadline(task, PROVINCE, date(2026, 6, 8), date(2026, 7, 7), False)
    assert repo.add_task_deadline(later, an_id(), AT) is False  # the first completion counts
    assert repo.task_deadlines([task, other]) == [first]


def confirmation(result_id: str, node: str = COUNTY_A, **values: Any) -> dict[str, Any]:
    return {
        "result_id": result_id, "visit_id": an_id(), "node": node, "task_ids": [], "public": True, "receipt_seq": 1,
        "content_sha256": "ab" * 32, "due": None, "on_time": True, "confirmed_at": AT, "event_id": an_id(), **values,
    }  # fmt: skip


def test_a_confirmation_is_kept_once(repo: PublicationRepository) -> None:
    result = an_id()
    assert repo.confirmation(result) is None
    first = confirmation(result, due=date(2026, 6, 30))
    assert repo.add_confirmation(first) is True
    assert repo.add_confirmation(confirmation(result, public=False, receipt_seq=None)) is False
    assert repo.confirmation(result) == first


def test_deadline_rows_pair_completed_tasks_with_the_results_naming_them_in_the_subtree(
    repo: PublicationRepository,
) -> None:
    task, open_task = an_id(), an_id()
    met, waiting, elsewhere, unfinished = an_id(), an_id(), an_id(), an_id()
    repo.add_task_deadline(TaskDeadline(task, PROVINCE, date(2026, 6, 1), date(2026, 6, 30), True), an_id(), AT)
    repo.add_approved(met, 1, COUNTY_A, {"task_ids": [task]}, an_id(), AT)
    repo.add_approved(met, 2, COUNTY_A, {"task_ids": [task]}, an_id(), AT)  # one row per result, not per version
    repo.add_approved(waiting, 1, COUNTY_A, {"task_ids": [open_task, task]}, an_id(), AT)
    repo.add_approved(elsewhere, 1, COUNTY_B, {"task_ids": [task]}, an_id(), AT)
    repo.add_approved(unfinished, 1, COUNTY_A, {"task_ids": [open_task]}, an_id(), AT)
    repo.add_confirmation(confirmation(met, confirmed_at=AT + timedelta(days=3)))
    rows = repo.deadline_rows(("330102",))
    assert sorted((r["result_id"], r["confirmed_at"]) for r in rows) == sorted(
        [(met, AT + timedelta(days=3)), (waiting, None)]
    )
    assert {(r["task_id"], r["node"], r["completed_on"], r["due"], r["provisional"]) for r in rows} == {
        (task, COUNTY_A, date(2026, 6, 1), date(2026, 6, 30), True)
    }
    assert {r["result_id"] for r in repo.deadline_rows(("3301",))} == {met, waiting, elsewhere}
    assert repo.deadline_rows(("3302",)) == [] and repo.deadline_rows(()) == []


def test_a_missed_deadline_is_recorded_once(repo: PublicationRepository) -> None:
    task, result = an_id(), an_id()
    assert repo.missed() == set()
    assert repo.flag_missed(task, result, COUNTY_A, date(2026, 6, 30), date(2026, 7, 1), AT) is True
    assert repo.flag_missed(task, result, COUNTY_A, date(2026, 6, 30), date(2026, 7, 2), AT) is False
    assert repo.missed() == {(task, result)}


def test_follow_ups_pair_each_opening_with_its_closing_in_the_order_opened(repo: PublicationRepository) -> None:
    result, early, late = an_id(), an_id(), an_id()
    opened_late = {"follow_up_id": late, "opened_at": "2026-06-02T00:00:00+00:00", "kind": "case"}
    opened_early = {"follow_up_id": early, "opened_at": "2026-06-01T00:00:00+00:00", "kind": "correction"}
    assert repo.follow_ups(result) == []
    assert repo.add_follow_up(late, "closed", result, COUNTY_A, {"outcome": "结案"}, an_id()) is True
    assert repo.follow_ups(result) == []  # a closing without its opening is kept, not shown
    assert repo.add_follow_up(late, "opened", result, COUNTY_A, opened_late, an_id()) is True
    assert repo.add_follow_up(early, "opened", result, COUNTY_A, opened_early, an_id()) is True
    assert repo.add_follow_up(early, "opened", result, COUNTY_A, {"kind": "changed"}, an_id()) is False
    repo.add_follow_up(an_id(), "opened", an_id(), COUNTY_A, opened_early, an_id())  # another result's
    assert repo.follow_ups(result) == [(opened_early, None), (opened_late, {"outcome": "结案"})]


def test_results_are_listed_by_the_category_of_their_latest_version(repo: PublicationRepository) -> None:
    refused, corrected, other = an_id(), an_id(), an_id()
    first = version("result", refused, 1, minutes=1)
    first.content["result_code"] = "refused"
    was = version("result", corrected, 1, minutes=2)
    was.content["result_code"] = "refused"
    now = version("result", corrected, 2, minutes=3)
    now.content["result_code"] = "corrected"
    plain = version("result", other, 1, minutes=4)
    published(
        repo, *(dataclasses.replace(r, content_sha256=content_sha256(r.content)) for r in (first, was, now, plain))
    )
    assert [r.record_id for r in repo.records("result", "", None, 50, 0, "refused")] == [refused]
    assert [r.record_id for r in repo.records("result", "3302", None, 50, 0, "refused")] == []
    assert len(repo.records("result", "", None, 50, 0)) == 3


def test_check_items_answer_the_latest_version_of_each_item_of_the_node_by_number(repo: PublicationRepository) -> None:
    one, two = an_id(), an_id()

    def item(item_id: str, version: int, number: int, status: str = "active") -> dict[str, Any]:
        return {"item_id": item_id, "version": version, "number": str(number), "status": status,
                "spec": {"number": number}}  # fmt: skip

    assert repo.check_items(PROVINCE) == []
    assert repo.add_check_item(two, 1, PROVINCE, item(two, 1, 2), an_id()) is True
    assert repo.add_check_item(one, 1, PROVINCE, item(one, 1, 1), an_id()) is True
    assert repo.add_check_item(one, 1, PROVINCE, item(one, 1, 9), an_id()) is False
    repo.add_check_item(one, 2, PROVINCE, item(one, 2, 1, "withdrawn"), an_id())
    repo.add_check_item(an_id(), 1, COUNTY_A, item(an_id(), 1, 3), an_id())
    assert [(i["item_id"], i["version"]) for i in repo.check_items(PROVINCE)] == [(one, 2), (two, 1)]


def test_draws_and_their_dispatches_are_kept_once_and_found_by_task_and_node(repo: PublicationRepository) -> None:
    draw, task, other = an_id(), an_id(), an_id()
    assert repo.draw(draw) is None and repo.draws_naming_task(task) == []
    assert repo.add_draw(draw, PROVINCE, [task, other], {"draw_id": draw, "dispatched": {COUNTY_A: 2}}, an_id())
    assert repo.add_draw(draw, PROVINCE, [task], {"draw_id": draw}, an_id()) is False
    assert repo.draw(draw) == {"draw_id": draw, "dispatched": {COUNTY_A: 2}}
    assert repo.draws_naming_task(task) == [draw] and repo.draws_naming_task(an_id()) == []
    late, early, elsewhere = an_id(), an_id(), an_id()
    assert repo.add_dispatch(late, draw, COUNTY_A, {"assignment_id": late, "batch": 2, "uscc": "A"}, an_id())
    assert repo.add_dispatch(early, draw, COUNTY_A, {"assignment_id": early, "batch": 1, "uscc": "B"}, an_id())
    assert repo.add_dispatch(early, draw, COUNTY_A, {"assignment_id": early, "batch": 9, "uscc": "B"}, an_id()) is False
    repo.add_dispatch(elsewhere, draw, COUNTY_B, {"assignment_id": elsewhere, "batch": 1, "uscc": "C"}, an_id())
    assert [d["assignment_id"] for d in repo.dispatches(draw, COUNTY_A)] == [early, late]
    assert repo.dispatches(an_id(), COUNTY_A) == []


def test_changes_are_kept_in_order_per_record_and_a_record_s_kind_is_found(repo: PublicationRepository) -> None:
    record, other = an_id(), an_id()
    assert repo.kind_of(record) is None and repo.changes("result", record) == []
    published(repo, version("result", record, 1))
    assert repo.kind_of(record) == "result"

    def change(kind: str, fields: dict[str, Any], minutes: int) -> dict[str, Any]:
        return {"type": kind, "fields": fields, "reason": "理由", "node": COUNTY_A, "account_id": "a@330102",
                "role": "approver", "at": AT + timedelta(minutes=minutes)}  # fmt: skip

    assert repo.add_change("result", record, change("correction", {"note": "更正"}, 1)) == 1
    assert repo.add_change("result", record, change("withdrawal", {}, 2)) == 2
    repo.add_change("result", other, change("correction", {"note": "x"}, 3))
    found = repo.changes("result", record)
    assert [(c["type"], c["fields"]) for c in found] == [("correction", {"note": "更正"}), ("withdrawal", {})]
    assert found[0]["at"] == (AT + timedelta(minutes=1)).isoformat() and found[0]["role"] == "approver"
    assert repo.changes("task", record) == []


def test_the_state_of_results_is_read_at_once_as_the_single_reads_answer_it(repo: PublicationRepository) -> None:
    result, bare, follow_up = an_id(), an_id(), an_id()
    repo.add_approved(result, 1, COUNTY_A, {"version": 1}, an_id(), AT)
    repo.add_approved(result, 2, COUNTY_A, {"version": 2}, an_id(), AT)
    repo.add_decision(result, COUNTY_A, True, {"public": True}, an_id(), AT)
    published(repo, version("result", result, 1), version("result", result, 2, note="更正"))
    change = {"type": "correction", "fields": {"note": "x"}, "reason": "笔误", "node": COUNTY_A, "account_id": "a",
              "role": "county_admin", "at": AT}  # fmt: skip
    repo.add_change("result", result, change)
    repo.add_follow_up(follow_up, "opened", result, COUNTY_A, {"opened_at": AT.isoformat(), "kind": "correction"},
                       an_id())  # fmt: skip
    repo.add_confirmation(confirmation(result))
    state = repo.result_state([result, bare])
    assert state.approved == {result: {1: {"version": 1}, 2: {"version": 2}}}
    assert state.decisions == {result: repo.decision(result)}
    assert state.versions == {result: repo.versions("result", result)}
    assert state.changes == {result: repo.changes("result", result)} and len(state.changes[result]) == 1
    assert state.follow_ups == {result: repo.follow_ups(result)} and len(state.follow_ups[result]) == 1
    assert state.confirmed == {result}
    assert repo.result_state([]).approved == {}


def test_a_batch_of_rows_is_written_as_the_single_adds_would_write_them(repo: PublicationRepository) -> None:
    from publication.adapters.repository import ResultRows

    result, other = an_id(), an_id()
    first, second = version("result", result, 1), version("result", result, 2, note="更正")
    receipt_1 = next_receipt(repo.last_receipt(COUNTY_A), first, AT)
    receipt_2 = next_receipt(receipt_1, second, AT)
    approved = {"result_id": result, "version": 1, "node": COUNTY_A, "event_id": an_id(), "received_at": AT}
    decided = {"result_id": other, "node": COUNTY_A, "public": False, "payload": {"public": False}}
    withheld = {"result_id": other, "node": COUNTY_A, "task_ids": [], "reason": "涉密", "source_sha256": "ab" * 32}
    repo.add_decision(other, COUNTY_A, True, {"public": True}, an_id(), AT)  # kept before: the batch's is not
    rows = ResultRows(
        approved=[{**approved, "payload": {"v": 1}}, {**approved, "payload": {"v": "again"}}],
        decisions=[{**decided, "event_id": an_id(), "received_at": AT}],
        records=[first, second],
        receipts=[receipt_1, receipt_2],
        withheld=[{**withheld, "withheld_at": AT, "event_id": an_id()}],
        confirmations=[confirmation(result), confirmation(result, public=False)],
    )
    assert rows and not ResultRows()
    repo.write_results(rows)
    assert repo.approved(result) == {"v": 1} and repo.decision(other) == {"public": True}
    assert repo.versions("result", result) == [first, second]
    assert repo.receipts(COUNTY_A) == [receipt_1, receipt_2]
    assert [r["reason"] for r in repo.withheld(COUNTY_A)] == ["涉密"]
    assert repo.confirmation(result)["public"] is True  # type: ignore[index]
    with pytest.raises((ValueError, sa.exc.IntegrityError)):  # a version twice fails as add_record does
        repo.write_results(ResultRows(records=[first]))


def test_versions_are_read_by_their_keys_and_those_missing_left_out(repo: PublicationRepository) -> None:
    record, task = an_id(), an_id()
    first, second, announced = version("result", record, 1), version("result", record, 2), version("task", task, 1)
    published(repo, first, second, announced)
    found = repo.record_versions([("result", record, 2), ("task", task, 1), ("result", record, 3), ("plan", task, 1)])
    assert sorted(found, key=lambda r: r.kind) == [second, announced]
    assert repo.record_versions([]) == []


def test_entity_kinds_are_read_for_many_and_unknown_ones_left_out(repo: PublicationRepository) -> None:
    repo.set_entity_kinds([(uscc(911), "个体工商户", 1), (uscc(912), "企业", 1)])
    assert repo.entity_kinds([uscc(911), uscc(912), uscc(913)]) == {uscc(911): "个体工商户", uscc(912): "企业"}
    assert repo.entity_kinds([]) == {}
