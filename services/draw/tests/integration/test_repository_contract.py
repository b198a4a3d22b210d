"""One contract, two repositories: the fake the handler tests use behaves as the SQL one on PostgreSQL does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from draw.adapters.repository import DrawRepository
from draw.domain.records import DrawRun, PickRecord, ReplacementOpening
from draw_fakes import FakeDrawRepository
from draw_testkit import COUNTY_A, COUNTY_B, NOW, PROVINCE, task_state, uscc

from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged
from hrss.drawkit.log import LogEntry


def _sql(request: pytest.FixtureRequest) -> Iterator[DrawRepository]:
    import sqlalchemy as sa
    from draw.adapters.repository import SqlDrawRepository
    from draw_testkit import migrate
    from sqlalchemy.orm import Session

    dsn = request.getfixturevalue("fresh_database")
    migrate(dsn)
    engine = sa.create_engine(dsn)
    with Session(engine) as session:
        yield SqlDrawRepository(session)
        session.rollback()
    engine.dispose()


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[DrawRepository]:
    if request.param == "fake":
        yield FakeDrawRepository()
    else:
        yield from _sql(request)


def entity(n: int, region: str = COUNTY_A, version: int = 1, **changes: Any) -> EntityChanged:
    record = {
        "entity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"entity-{region}-{n}")),
        "version": version,
        "uscc": uscc(n, region),
        "name": f"测试{n}号",
        "object_type": "企业",
        "region_code": region,
        "industry": "制造业",
        "address": None,
        "status": "active",
        "tags": [],
        "credit_grade": "B",
        "complaint_count": 0,
        "serious_violation": False,
        "last_inspected": None,
        "node": PROVINCE,
        "changed_at": NOW,
    }
    return EntityChanged(**(record | changes))


def inspector(n: int, node: str = COUNTY_A, version: int = 1, **changes: Any) -> InspectorChanged:
    record = {
        "inspector_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspector-{node}-{n}")),
        "version": version,
        "credential_no": f"{node}{n:04d}",
        "credential_expires": date(2030, 12, 31),
        "name": f"检查员{n}",
        "unit": "大队",
        "node": node,
        "line": "labour_inspection",
        "position": None,
        "qualifications": ["行政执法资格"],
        "expertise": [],
        "pool": "enforcement",
        "status": "active",
        "station_region": node,
        "former_employers": [],
        "changed_at": NOW,
    }
    return InspectorChanged(**(record | changes))


def test_entities_keep_their_highest_version_and_are_found_by_region_and_uscc(repo: DrawRepository) -> None:
    repo.apply_entities([entity(1, version=2, name="新名"), entity(1, version=1, name="旧名"), entity(2, COUNTY_B)])
    repo.apply_entities([entity(1, version=1, name="更旧")])
    assert [e.name for e in repo.entities_in([COUNTY_A])] == ["新名"]
    assert {e.region_code for e in repo.entities_in([COUNTY_A[:4]])} == {COUNTY_A, COUNTY_B}
    assert repo.entities_in([]) == [] and repo.entities([]) == {}
    found = repo.entities([uscc(2, COUNTY_B), "none"])
    assert list(found) == [uscc(2, COUNTY_B)] and found[uscc(2, COUNTY_B)].version == 1


def test_the_enforcement_staff_of_the_nodes_in_id_order_with_their_interests(repo: DrawRepository) -> None:
    staff = [inspector(n) for n in range(4)] + [inspector(9, COUNTY_B), inspector(5, pool="expert")]
    repo.apply_inspectors([*staff, inspector(0, version=2, name="改名")])
    found = repo.enforcement_staff([COUNTY_A])
    assert [r.inspector_id for r in found] == sorted(str(i.inspector_id) for i in staff[:4])
    unknown = str(uuid.uuid4())
    assert repo.inspector_names([str(staff[0].inspector_id), unknown]) == {str(staff[0].inspector_id): "改名"}
    first, second = str(staff[0].inspector_id), str(staff[1].inspector_id)
    interests = [{"uscc": uscc(3, COUNTY_A), "reason": "亲属"}, {"uscc": uscc(1, COUNTY_A), "reason": "曾任职"}]
    repo.apply_interests(
        [
            InterestsChanged(inspector_id=first, revision=2, interests=interests, node=PROVINCE, changed_at=NOW),
            InterestsChanged(inspector_id=first, revision=1, interests=[], node=PROVINCE, changed_at=NOW),
        ]
    )
    assert repo.declared_interests([first, second]) == sorted((first, i["uscc"]) for i in interests)


def test_checklist_item_versions_are_kept_once_each(repo: DrawRepository) -> None:
    item_id = str(uuid.uuid4())

    def item(version: int, name: str) -> CheckItemChanged:
        spec = {"name": name, "content": " 要点 ", "legal_basis": "依据"}
        return CheckItemChanged(
            item_id=item_id,
            version=version,
            node=PROVINCE,
            number="1",
            line="labour_inspection",
            status="active",
            spec=spec,
            content_hash=f"{version:064d}",
            changed_at=NOW,
            qualifications=["乙", "甲", "甲"],
        )

    repo.apply_check_items([item(1, "一"), item(2, "二")])
    repo.apply_check_items([item(1, "改")])
    found = repo.check_items([(item_id, 1), (item_id, 3)])
    assert list(found) == [(item_id, 1)]
    one = found[(item_id, 1)]
    assert (one.name, one.qualifications, one.content, one.legal_basis) == ("一", ["乙", "甲"], "要点", "依据")


def test_a_task_ready_for_draw_is_kept_as_first_frozen_with_its_group(repo: DrawRepository) -> None:
    task_id = str(uuid.uuid4())

    def ready(title: str, members: list[str]) -> TaskReadyForDraw:
        return TaskReadyForDraw(
            task=task_state(task_id, title=title),
            from_status="published",
            to_status="frozen",
            actor={"user_id": "planner@130000", "node": PROVINCE},
            at=NOW,
            reason="公示期满",
            draw_group_members=members,
        )

    repo.apply_ready_tasks([ready("第一", [])])
    repo.apply_ready_tasks([ready("第二", [task_id, str(uuid.uuid4())])])
    found = repo.ready_task(task_id)
    assert found is not None and found.task["title"] == "第一" and found.group_members == [task_id]
    assert found.node == PROVINCE and repo.ready_task(str(uuid.uuid4())) is None
    assert list(repo.ready_tasks([task_id, str(uuid.uuid4())])) == [task_id]


def a_run(task_ids: list[str], at: datetime = NOW) -> DrawRun:
    return DrawRun(
        str(uuid.uuid4()), PROVINCE, task_ids, "sha256", {"items": []}, {"tasks": []}, "k", "0" * 64, 3, "me", at
    )


def entry(seq: int, kind: str) -> LogEntry:
    return LogEntry(seq, kind, "2027-04-01T10:00:00+08:00", {"n": seq}, f"{seq:064x}")


def test_a_draw_is_kept_as_its_run_log_picks_expansions_and_openings(repo: DrawRepository) -> None:
    task = str(uuid.uuid4())
    older, newer = a_run([task], NOW - timedelta(days=1)), a_run([task, str(uuid.uuid4())])
    repo.add_run(newer)
    repo.add_run(older)
    assert repo.run(newer.draw_id) == newer and repo.run(newer.draw_id, lock=True) == newer
    assert repo.run(str(uuid.uuid4())) is None
    assert repo.draws_of_task(task) == [older.draw_id, newer.draw_id]
    repo.add_log(newer.draw_id, [entry(2, "contribution"), entry(1, "committed")], "me")
    repo.add_log(newer.draw_id, [], "me")
    assert [(e.seq, e.kind, dict(e.body)) for e in repo.log(newer.draw_id)] == [
        (1, "committed", {"n": 1}),
        (2, "contribution", {"n": 2}),
    ]
    team = [{"inspector_id": str(uuid.uuid4()), "credential_no": "c", "ticket": "t"}]
    picks = [
        PickRecord(seq, uscc(seq, COUNTY_A), "s", 0, "ab", ["t:i"], 1, None, COUNTY_A, str(uuid.uuid4()), team)
        for seq in (2, 1)
    ]
    repo.add_picks(newer.draw_id, picks)
    assert repo.picks(newer.draw_id) == sorted(picks, key=lambda p: p.seq) and repo.picks(older.draw_id) == []
    assert repo.picks_by_node(newer.draw_id) == {COUNTY_A: 2} and repo.picks_by_node(older.draw_id) == {}
    repo.add_expansion(newer.draw_id, 9, {"plan": 2})
    repo.add_expansion(newer.draw_id, 5, {"plan": 1})
    assert repo.expansion_plans(newer.draw_id) == [{"plan": 1}, {"plan": 2}]
    repo.add_replacement_opening(newer.draw_id, ReplacementOpening(7, "health", "s" * 32))
    assert repo.replacement_openings(newer.draw_id) == {7: ReplacementOpening(7, "health", "s" * 32)}


def test_an_open_draw_of_a_task_is_one_not_voided(repo: DrawRepository) -> None:
    task, other = str(uuid.uuid4()), str(uuid.uuid4())
    voided = a_run([task])
    repo.add_run(voided)
    repo.add_log(voided.draw_id, [entry(1, "committed"), entry(2, "voided")], "me")
    repo.lock_tasks([task])
    assert repo.open_draw_of([task]) is None
    open_one = a_run([other, task])
    repo.add_run(open_one)
    repo.add_log(open_one.draw_id, [entry(1, "committed")], "me")
    assert repo.open_draw_of([task]) == open_one.draw_id and repo.open_draw_of([str(uuid.uuid4())]) is None


def test_a_log_entry_is_never_written_twice(repo: DrawRepository) -> None:
    run = a_run([str(uuid.uuid4())])
    repo.add_run(run)
    repo.add_log(run.draw_id, [entry(1, "committed")], "me")
    with pytest.raises(Exception):  # noqa: B017 - the database's IntegrityError, the fake's DuplicateRow
        repo.add_log(run.draw_id, [entry(1, "contribution")], "me")
