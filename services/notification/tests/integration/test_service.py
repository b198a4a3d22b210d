"""The notification service over Kafka and HTTP against the real servers: events from draw and inspection become
inboxes, e-mails and SMS queued per channel; the inbox is one's own; a replay sends nothing again; a federated
county's events are its own deployment's."""

from __future__ import annotations

import uuid

import pytest
from notification_testkit import (
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    Running,
    assignment,
    envelope,
    member,
    notice,
    token,
    uscc,
    wait_for,
)

from hrss.bus.broker import Message
from hrss.contracts import registry

pytestmark = pytest.mark.integration


def count(s: Running, query: str, **params: object) -> int:
    return int(s.rows(query, **params)[0][0])


def test_an_assignment_reaches_each_inspectors_inbox_and_their_own_channels(notification_service: Running) -> None:
    s = notification_service
    one = token(s.key, {"inspector"}, COUNTY_A, inspector=1)
    assert (
        s.call("PUT", "/contacts/me", one, json={"email": "one@example.cn", "mobile": "13800000001"}).status_code == 200
    )
    envelopes = [envelope(assignment(1), "a1"), envelope(assignment(2, team=(2, 3)), "a2")]
    topic = registry.contract_of(type(assignment(1))).topic_for(COUNTY_A)
    s.broker.publish_many([Message(topic, e.subject.encode(), e.to_bytes()) for e in envelopes])
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.notification") == 6, what="notifications")
    assert count(s, "SELECT count(*) FROM notification.pending") == 2  # inspector 1's e-mail and SMS
    inbox = s.call("GET", "/inbox", one).json()["notifications"]
    assert len(inbox) == 1 and "杭州测试1号有限公司" in inbox[0]["body"] and inbox[0]["template_version"] == 1
    assert s.call("GET", "/inbox/unread-count", one).json() == {"unread": 1}
    other = token(s.key, {"inspector"}, COUNTY_A, inspector=3)
    their = s.call("GET", "/inbox", other).json()["notifications"][0]["id"]
    assert s.call("POST", f"/inbox/{their}/read", one).status_code == 404  # not one's own
    assert s.call("POST", f"/inbox/{inbox[0]['id']}/read", one).json()["read"] is True
    assert s.call("GET", "/inbox/unread-count", one).json() == {"unread": 0}
    assert s.call("GET", "/inbox").status_code == 401
    # replayed from the start (the same events again): nothing new is made or queued
    s.broker.publish_many([Message(topic, e.subject.encode(), e.to_bytes()) for e in envelopes])
    s.broker.publish_many([Message(topic, b"a3", envelope(assignment(3, team=(4,)), "a3").to_bytes())])
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.notification") == 7, what="the later event")
    assert count(s, "SELECT count(*) FROM notification.pending") == 2
    assert (
        count(s, "SELECT count(*) FROM notification.inbox WHERE consumer LIKE 'notification.receive_assignment%'") == 3
    )


def test_a_prior_notice_goes_to_the_entity_contact_kept_by_an_administrator(notification_service: Running) -> None:
    s = notification_service
    admin = token(s.key, {"county_admin"}, COUNTY_A)
    answer = s.call("PUT", f"/entities/{uscc(1)}/contact", admin, json={"node": COUNTY_A, "email": "hr@company.cn"})
    assert answer.status_code == 200, answer.text
    bad = s.call("PUT", "/entities/91330102XXXXXXXXXX/contact", admin, json={"node": COUNTY_A, "email": "a@b.cn"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "uscc"
    elsewhere = token(s.key, {"county_admin"}, COUNTY_B)
    assert s.call("PUT", f"/entities/{uscc(1)}/contact", elsewhere, json={"node": COUNTY_A}).status_code == 403
    from notification_testkit import send

    send(s.broker, notice(1), notice(2))
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.notification") == 2, what="notices")
    [queued] = s.rows(
        "SELECT n.address FROM notification.pending p JOIN notification.notification n ON n.id = p.notification_id"
    )
    assert queued.address == "hr@company.cn"
    failed = s.call("GET", "/deliveries/failed", admin).json()["failed"]
    assert [f["recipient"] for f in failed] == [f"entity:{uscc(2)}"] and "未登记联系方式" in failed[0]["error"]
    inspector = token(s.key, {"inspector"}, COUNTY_A, inspector=1)
    assert s.call("GET", "/deliveries/failed", inspector).status_code == 403


def test_bad_contacts_are_refused_naming_the_field(notification_service: Running) -> None:
    s = notification_service
    me = token(s.key, {"planner"}, COUNTY_A)
    answer = s.call("PUT", "/contacts/me", me, json={"email": "nope"})
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "email"
    answer = s.call("PUT", "/contacts/me", me, json={"mobile": "123"})
    assert answer.status_code == 400
    assert s.call("PUT", "/contacts/me", me, json={"phone": "13800000000"}).status_code == 400
    assert s.call("PUT", "/contacts/me", me, data=b"\xff").status_code == 400
    assert s.call("GET", "/contacts/me", me).json()["version"] == 0
    assert s.call("POST", "/inbox/not-a-uuid/read", me).status_code == 400
    assert s.call("POST", f"/inbox/{uuid.uuid4()}/read", me).status_code == 404
    assert s.call("GET", "/templates", me).json()["templates"][0]["seed_section"]


def test_a_federated_countys_events_are_its_own_deployments(
    notification_service: Running, county_notification_service: Running
) -> None:
    central, county = notification_service, county_notification_service
    from notification_testkit import send

    send(central.broker, assignment(1, node=COUNTY_B), assignment(2, node=COUNTY_A))
    wait_for(lambda: count(county, "SELECT count(*) FROM notification.notification") == 2, what="the county's")
    wait_for(lambda: count(central, "SELECT count(*) FROM notification.notification") == 2, what="the centre's")
    nodes = {r.node for r in central.rows("SELECT DISTINCT node FROM notification.notification")}
    assert nodes == {COUNTY_A} and {r.node for r in county.rows("SELECT node FROM notification.notification")} == {
        COUNTY_B
    }
    assert PROVINCE and member(1)


def test_preferences_are_ones_own_and_mandatory_kinds_stay_on(notification_service: Running) -> None:
    s = notification_service
    me = token(s.key, {"inspector"}, COUNTY_A, inspector=1)
    body = {"channels": {"result_returned": ["email"]}, "quiet_start": "22:00", "quiet_end": "07:00"}
    assert s.call("PUT", "/preferences/me", me, json=body).json()["version"] == 1
    assert s.call("GET", "/preferences/me", me).json()["channels"] == {"result_returned": ["email"]}
    refused = s.call("PUT", "/preferences/me", me, json={"channels": {"assignment": []}})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "preference.mandatory"
    assert s.call("GET", "/preferences/me").status_code == 401


def test_reminders_reach_the_team_and_planners_once_and_never_ahead(notification_service: Running) -> None:
    s = notification_service
    from notification_testkit import send, submitted, visit_opened

    send(s.broker, visit_opened(1), visit_opened(2), submitted(2))  # both due 2026-06-30; visit 2's result is in
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.deadline_watch WHERE result_in") == 1, what="watch")
    admin = token(s.key, {"province_admin"}, PROVINCE)
    answer = s.call("POST", "/reminders/run?on=2026-06-25", admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["visits"], body["made"], body["due_by"]) == (1, 3, "2026-06-30")  # 2 inspectors', the planners' inbox
    kept = s.rows("SELECT recipient, subject FROM notification.notification WHERE kind = 'deadline_approaching'")
    assert sorted(r.recipient for r in kept) == sorted(
        [f"inspector:{member(1).inspector_id}", f"inspector:{member(2).inspector_id}", f"role:{COUNTY_A}:planner"]
    )
    assert all("杭州测试1号有限公司" in r.subject for r in kept)
    assert s.call("POST", "/reminders/run?on=2026-06-25", admin).json()["made"] == 0  # twice: nothing new
    ahead = s.call("POST", "/reminders/run?on=2999-01-01", admin)
    assert ahead.status_code == 400 and ahead.json()["code"] == "reminders.future_date", ahead.text
    assert s.call("POST", "/reminders/run?on=yesterday", admin).status_code == 400
    inspector = token(s.key, {"inspector"}, COUNTY_A, inspector=1)
    assert s.call("POST", "/reminders/run?on=2026-06-25", inspector).status_code == 403
    planner = token(s.key, {"planner"}, COUNTY_A)
    inbox = s.call("GET", "/inbox", planner).json()["notifications"]
    assert [n["kind"] for n in inbox] == ["deadline_approaching"] and "还有 3 个工作日" in inbox[0]["body"]
