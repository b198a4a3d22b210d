"""The fake notification repository and queue and the SQLAlchemy ones keep the same promises: each test runs on both
(the real ones on PostgreSQL), so the handler and sender tests on the fakes say what production does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from notification.adapters.queue import DeliveryQueue, SqlDeliveryQueue
from notification.adapters.repository import NotificationRepository, SqlNotificationRepository
from notification.domain import model
from notification.domain.model import Channel, Contact, Notification
from notification_fakes import FakeDeliveryQueue, FakeNotificationRepository
from notification_testkit import migrate
from sqlalchemy.orm import Session

from hrss.testing.databases import migrated_database

AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def notification_engine(pg_dsn: str) -> Iterator[sa.Engine]:
    with migrated_database(pg_dsn, "notirepo", migrate, search_path="notification") as engine:
        yield engine


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def both(request: pytest.FixtureRequest) -> Iterator[tuple[NotificationRepository, Any]]:
    """(repository, commit): the SQL one commits its session, so that the queue (its own connections) sees it."""
    if request.param == "fake":
        yield FakeNotificationRepository(), lambda: None
        return
    engine = request.getfixturevalue("notification_engine")
    with engine.begin() as connection:
        for table in ("pending", "contact_current", "visit_team", "deadline_watch"):
            connection.execute(sa.text(f"DELETE FROM notification.{table}"))
    session = Session(engine)
    try:
        yield SqlNotificationRepository(session), session.commit
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def repo(both: tuple[NotificationRepository, Any]) -> NotificationRepository:
    return both[0]


OPEN: list[DeliveryQueue] = []


@pytest.fixture(autouse=True)
def _close_queues() -> Iterator[None]:
    """The SQL queue keeps a connection between steps: give it back after each test."""
    yield
    while OPEN:
        OPEN.pop().close()


def queue_of(repo: NotificationRepository) -> DeliveryQueue:
    if isinstance(repo, FakeNotificationRepository):
        return FakeDeliveryQueue(repo)
    OPEN.append(SqlDeliveryQueue(repo.session.get_bind()))  # type: ignore[attr-defined]
    return OPEN[-1]


def made(event: str, recipient: str, channel: Channel, address: str | None = None, node: str = "330102",
         minutes: int = 0) -> Notification:  # fmt: skip
    return Notification(
        id=model.notification_id(event, recipient, channel), event_id=event, kind="assignment",
        template_id="assignment", template_version=1, seed_section="004 §9.2.1", node=node, recipient=recipient,
        channel=channel, address=address, subject="主题", body="正文", mandatory=True,
        created_at=AT + timedelta(minutes=minutes),
    )  # fmt: skip


def test_a_notification_is_kept_once_per_event_recipient_and_channel(repo: NotificationRepository) -> None:
    event = str(uuid.uuid4())
    first = [made(event, "inspector:1", Channel.INBOX), made(event, "account:1", Channel.EMAIL, "a@b.cn")]
    assert repo.add(first, AT) == 2
    assert repo.add([*first, made(event, "account:1", Channel.SMS, "13800000000")], AT) == 1


def test_one_without_an_address_is_failed_at_once_and_visible_in_its_subtree(repo: NotificationRepository) -> None:
    event = str(uuid.uuid4())
    repo.add([made(event, "entity:X", Channel.EMAIL, None, node="330102")], AT)
    [failed] = [f for f in repo.failed("3301", 50) if f["recipient"] == "entity:X"]
    assert failed["error"].startswith("未登记联系方式") and failed["attempt"] == 0 and str(failed["channel"]) == "email"
    assert not [f for f in repo.failed("3302", 50) if f["recipient"] == "entity:X"]


def test_contacts_are_versioned_and_found_by_holder_inspector_and_role(repo: NotificationRepository) -> None:
    holder = f"account:{uuid.uuid4()}"
    assert repo.put_contact(Contact(holder, "330102", "a@b.cn", None, ("inspector",), "insp-1"), "me", AT) == 1
    assert repo.put_contact(Contact(holder, "330102", "c@d.cn", "13800000000", ("approver",), "insp-1"), "me", AT) == 2
    found = repo.contact(holder)
    assert found is not None and (found.email, found.mobile, found.version) == ("c@d.cn", "13800000000", 2)
    assert [c.holder for c in repo.contacts_of_inspector("insp-1")] == [holder]
    assert [c.holder for c in repo.contacts_with_role("330102", "approver")] == [holder]
    assert repo.contacts_with_role("330102", "inspector") == [] and repo.contacts_with_role("330106", "approver") == []
    assert repo.contact("account:nobody") is None


def test_a_team_is_kept_and_replaced_keeping_the_entity(repo: NotificationRepository) -> None:
    key = str(uuid.uuid4())
    repo.keep_visit(key, "330102", "U1", "甲公司", [{"inspector_id": "1", "name": "一"}], AT.date())
    repo.keep_visit(key, "330102", "U1", "甲公司（新）", [{"inspector_id": "2", "name": "二"}], AT.date())
    found = repo.visit(key)
    assert found is not None and found["entity_name"] == "甲公司" and found["inspectors"][0]["inspector_id"] == "2"
    assert repo.visit(str(uuid.uuid4())) is None


def test_the_inbox_is_its_recipients_newest_first_and_reading_is_recorded_once(repo: NotificationRepository) -> None:
    me, other = f"inspector:{uuid.uuid4()}", f"inspector:{uuid.uuid4()}"
    old, new, theirs = (made(str(uuid.uuid4()), r, Channel.INBOX, minutes=m) for r, m in ((me, 0), (me, 5), (other, 9)))
    repo.add([old, new, theirs], AT)
    assert [r["id"] for r in repo.inbox([me], "acc-1", 50, False)] == [new.id, old.id]
    assert repo.unread([me], "acc-1") == 2
    assert repo.mark_read(theirs.id, [me], "acc-1", AT) is None
    assert repo.mark_read(old.id, [me], "acc-1", AT) is True
    assert repo.mark_read(old.id, [me], "acc-1", AT) is False
    assert [r["id"] for r in repo.inbox([me], "acc-1", 50, True)] == [new.id]
    assert repo.unread([me], "acc-1") == 1 and repo.unread([me], "acc-2") == 2  # read is per reader


def test_the_queue_claims_due_records_each_step_and_retakes_an_ended_lease(
    both: tuple[NotificationRepository, Any],
) -> None:
    repo, commit = both
    event = str(uuid.uuid4())
    one, two = made(event, "account:1", Channel.EMAIL, "a@b.cn"), made(event, "account:2", Channel.EMAIL, "c@d.cn")
    repo.add([one, two, made(event, "account:1", Channel.SMS, "13800000000")], AT)
    commit()
    queue = queue_of(repo)
    claimed = queue.claim(Channel.EMAIL, 10, AT, timedelta(seconds=30))
    assert sorted(c.notification_id for c in claimed) == sorted([one.id, two.id]) and {c.attempt for c in claimed} == {
        1
    }
    assert queue.claim(Channel.EMAIL, 10, AT + timedelta(seconds=29), timedelta(seconds=30)) == []  # leased
    assert queue.oldest(Channel.EMAIL) == AT
    first = next(c for c in claimed if c.notification_id == one.id)
    second = next(c for c in claimed if c.notification_id == two.id)
    queue.sent([first], AT)
    queue.retry(second, "连接被拒绝", AT + timedelta(seconds=5), AT)
    [again] = queue.claim(Channel.EMAIL, 10, AT + timedelta(seconds=5), timedelta(seconds=30))
    assert again.notification_id == two.id and again.attempt == 2 and again.address == "c@d.cn"
    queue.fail(again, "连接被拒绝", AT + timedelta(seconds=5))
    assert queue.claim(Channel.EMAIL, 10, AT + timedelta(hours=1), timedelta(seconds=30)) == []
    assert queue.oldest(Channel.EMAIL) is None and queue.oldest(Channel.SMS) == AT
    [failed] = [f for f in repo.failed("33", 50) if f["id"] == two.id]
    assert failed["attempt"] == 2 and failed["error"] == "连接被拒绝"


def test_preferences_are_versioned_and_the_latest_read_back(repo: NotificationRepository) -> None:
    from datetime import time

    from notification.domain.preferences import Preferences

    holder = f"account:{uuid.uuid4()}"
    assert repo.preference(holder) is None
    assert repo.put_preference(Preferences(holder, {"result_returned": (Channel.EMAIL,)}), AT) == 1
    quiet = (time(22, 0), time(7, 0))
    assert repo.put_preference(Preferences(holder, {"result_submitted": ()}, quiet), AT) == 2
    found = repo.preference(holder)
    assert found is not None and found.version == 2 and found.quiet == quiet
    assert found.channels == {"result_submitted": ()}


def test_a_notification_queued_for_later_is_not_due_before(both: tuple[NotificationRepository, Any]) -> None:
    repo, commit = both
    event = str(uuid.uuid4())
    now, later = (
        made(event, "account:1", Channel.SMS, "13800000001"),
        made(event, "account:2", Channel.SMS, "13800000002"),
    )
    repo.add([now, later], AT, {later.id: AT + timedelta(hours=8)})
    commit()
    queue = queue_of(repo)
    claimed = queue.claim(Channel.SMS, 10, AT, timedelta(seconds=30))
    assert [c.notification_id for c in claimed] == [now.id]
    queue.sent(claimed, AT)
    [waited] = queue.claim(Channel.SMS, 10, AT + timedelta(hours=8), timedelta(seconds=30))
    assert waited.notification_id == later.id


def test_watched_visits_without_a_result_in_are_found_by_due_date(repo: NotificationRepository) -> None:
    team = [{"inspector_id": "i1", "name": "甲"}]
    for n, due in ((1, date(2026, 6, 29)), (2, date(2026, 6, 30)), (3, date(2026, 7, 1)), (4, date(2026, 6, 30))):
        visit = str(uuid.uuid5(uuid.NAMESPACE_URL, f"w{n}"))
        repo.keep_visit(visit, "330106", f"91330106MA2{n:07d}", f"对象{n}", team, due)
        repo.watch(visit, "330106", due)
    v1, v2, v3, v4 = (str(uuid.uuid5(uuid.NAMESPACE_URL, f"w{n}")) for n in (1, 2, 3, 4))
    repo.result_in(v4, "330106", True)
    early = str(uuid.uuid5(uuid.NAMESPACE_URL, "w5"))  # its result read before the visit's own event
    repo.result_in(early, "330106", True)
    repo.keep_visit(early, "330106", "91330106MA20000005", "对象5", team, date(2026, 6, 29))
    repo.watch(early, "330106", date(2026, 6, 29))
    found = repo.due_between(date(2026, 6, 29), date(2026, 6, 30))
    assert [(r["visit_id"], r["due"], r["entity_name"]) for r in found] == [
        (v1, date(2026, 6, 29), "对象1"),
        (v2, date(2026, 6, 30), "对象2"),
    ]
    assert found[0]["inspectors"] == team and found[0]["node"] == "330106"
    repo.result_in(v4, "330106", False)  # returned: due again
    repo.watch(v1, "330106", date(2026, 7, 1))  # extended: the new due date
    expected = sorted([v2, v4]) + sorted([v1, v3])  # by due date, then visit id
    assert [r["visit_id"] for r in repo.due_between(date(2026, 6, 30), date(2026, 7, 1))] == expected


def test_a_batch_finds_its_inspectors_contacts_and_their_preferences_at_once(repo: NotificationRepository) -> None:
    from notification.domain.preferences import Preferences

    one, two, nobody = (str(uuid.uuid4()) for _ in range(3))
    holders = [f"account:{uuid.uuid4()}" for _ in range(3)]
    repo.put_contact(Contact(holders[0], "330102", "a@b.cn", None, ("inspector",), one), "me", AT)
    repo.put_contact(Contact(holders[1], "330102", "c@d.cn", None, ("inspector",), one), "me", AT)
    repo.put_contact(Contact(holders[2], "330102", "e@f.cn", "13800000000", ("inspector",), two), "me", AT)
    repo.put_contact(Contact(holders[2], "330102", "g@h.cn", "13800000000", ("inspector",), two), "me", AT)
    found = repo.contacts_of_inspectors([one, two, nobody, one])
    assert set(found) == {one, two}  # an inspector nobody registered for is absent
    assert [c.holder for c in found[one]] == sorted(holders[:2]) == [c.holder for c in repo.contacts_of_inspector(one)]
    assert [(c.email, c.version) for c in found[two]] == [("g@h.cn", 2)]  # the latest version
    repo.put_preference(Preferences(holders[0], {"result_returned": (Channel.EMAIL,)}), AT)
    repo.put_preference(Preferences(holders[0], {"result_returned": (Channel.SMS,)}), AT)
    wishes = repo.preferences_of(holders)
    assert list(wishes) == [holders[0]] and wishes[holders[0]] == repo.preference(holders[0])
    assert wishes[holders[0]].version == 2 and repo.contacts_of_inspectors([]) == {} == repo.preferences_of([])


def test_teams_kept_for_a_batch_are_kept_as_if_one_after_another(repo: NotificationRepository) -> None:
    first, second, known = (str(uuid.uuid4()) for _ in range(3))
    repo.keep_visit(known, "330102", "U0", "旧名", [{"inspector_id": "0", "name": "零"}], date(2026, 6, 1))

    def team(visit: str, uscc: str, name: str, who: str | None, due: date, node: str = "330102") -> dict[str, Any]:
        team = [{"inspector_id": who, "name": "某"}] if who else []
        return {"visit_id": visit, "node": node, "uscc": uscc, "entity_name": name, "inspectors": team, "due": due}

    repo.keep_visits(
        [
            team(first, "U1", "甲", None, AT.date()),
            team(known, "U0", "新名", "9", date(2026, 6, 30)),
            team(first, "U1", "甲（改）", "2", date(2026, 7, 1)),
            team(second, "U2", "乙", "3", date(2026, 7, 2), node="330106"),
        ]
    )
    kept = {v: repo.visit(v) for v in (first, second, known)}
    assert {v: (k or {}).get("entity_name") for v, k in kept.items()} == {first: "甲", second: "乙", known: "旧名"}
    assert kept[first] is not None and kept[first]["inspectors"] == [{"inspector_id": "2", "name": "某"}]
    assert kept[first]["due"] == date(2026, 7, 1) and kept[second] is not None and kept[second]["node"] == "330106"
    assert kept[known] is not None and kept[known]["inspectors"][0]["inspector_id"] == "9"
    repo.keep_visits([])


def test_a_batch_keeps_what_is_new_once_queues_the_addressed_and_fails_the_unreachable(
    both: tuple[NotificationRepository, Any],
) -> None:
    repo, commit = both
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    repo.add([made(old, "account:1", Channel.EMAIL, "a@b.cn")], AT)
    batch = [
        made(old, "account:1", Channel.EMAIL, "a@b.cn"),  # kept before (a replay)
        made(new, "inspector:1", Channel.INBOX),
        made(new, "account:1", Channel.EMAIL, "a@b.cn"),
        made(new, "account:1", Channel.EMAIL, "a@b.cn"),  # twice in the batch
        made(new, "account:1", Channel.SMS, "13800000001"),
        made(new, "entity:U1", Channel.EMAIL, None),  # nobody to reach
    ]
    assert repo.add(batch, AT, {batch[4].id: AT + timedelta(hours=8)}) == 4
    assert repo.add(batch, AT) == 0
    commit()
    queue = queue_of(repo)
    assert [c.notification_id for c in queue.claim(Channel.EMAIL, 10, AT, timedelta(seconds=30))] == sorted(
        [batch[0].id, batch[2].id]
    )
    assert queue.claim(Channel.SMS, 10, AT, timedelta(seconds=30)) == []  # after its holder's quiet hours
    [later] = queue.claim(Channel.SMS, 10, AT + timedelta(hours=8), timedelta(seconds=30))
    assert later.notification_id == batch[4].id and later.address == "13800000001" and later.body == "正文"
    [failed] = [f for f in repo.failed("3301", 50) if f["id"] == batch[5].id]
    assert failed["attempt"] == 0 and failed["error"].startswith("未登记联系方式")


def test_a_lease_ending_on_part_of_a_batch_gives_back_only_what_was_not_sent(
    both: tuple[NotificationRepository, Any],
) -> None:
    repo, commit = both
    event = str(uuid.uuid4())
    batch = [made(event, f"account:{k}", Channel.EMAIL, f"a{k}@b.cn", minutes=k) for k in range(4)]
    repo.add(batch, AT)
    commit()
    queue = queue_of(repo)
    claimed = queue.claim(Channel.EMAIL, 10, AT, timedelta(seconds=30))
    assert [c.notification_id for c in claimed] == sorted(b.id for b in batch)  # due together: by id
    queue.sent(claimed[:2], AT)  # then its sender died
    assert queue.claim(Channel.EMAIL, 10, AT + timedelta(seconds=29), timedelta(seconds=30)) == []
    again = queue.claim(Channel.EMAIL, 10, AT + timedelta(seconds=30), timedelta(seconds=30))
    assert [(c.notification_id, c.attempt) for c in again] == [(c.notification_id, 2) for c in claimed[2:]]
    queue.sent(again, AT + timedelta(seconds=31))
    assert queue.claim(Channel.EMAIL, 10, AT + timedelta(hours=1), timedelta(seconds=30)) == []
    assert queue.oldest(Channel.EMAIL) is None
