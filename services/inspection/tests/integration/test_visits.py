"""Assignments from the draw over real Kafka become one visit per entity and period, in PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from inspection_testkit import COUNTY_A, COUNTY_B, NOW, assignment, envelope, form, member, send, task, uscc, wait_for

from hrss.contracts.events.draw import TeamChanged

pytestmark = pytest.mark.integration

LABOUR = task("劳动用工专项", [("wages", "工资支付"), ("contracts", "劳动合同")])
INSURANCE = task("社保稽核专项", [("insurance", "社会保险费缴纳")], end=date(2026, 9, 30))
SECRET = task("欠薪线索暗访", [("arrears", "拖欠工资")], notice=False)


def test_an_entity_drawn_by_two_draws_is_visited_once_with_every_item_and_both_teams(inspection_service):
    s = inspection_service
    a, b, c = member(1), member(2), member(3)
    first = assignment(1, [LABOUR], [a, b], draw="labour")
    second = assignment(1, [INSURANCE], [b, c], draw="insurance")
    send(s.broker, envelope(first, str(first.assignment_id), COUNTY_A))
    visit = s.visit_of(uscc(1))
    assert [t["title"] for t in visit["tasks"]] == ["劳动用工专项"]
    send(s.broker, envelope(second, str(second.assignment_id), COUNTY_A))
    wait_for(lambda: len(s.call("GET", f"/visits/{visit['visit_id']}", {"planner"}).json()["tasks"]) == 2, 60, "merge")
    merged = s.call("GET", f"/visits/{visit['visit_id']}", {"planner"}).json()
    assert sorted(merged["assignments"]) == sorted([str(first.assignment_id), str(second.assignment_id)])
    assert [(t["title"], [i["item_id"] for i in t["items"]]) for t in merged["tasks"]] == [
        ("劳动用工专项", ["wages", "contracts"]),
        ("社保稽核专项", ["insurance"]),
    ]
    assert [m["credential_no"] for m in merged["team"]] == [a.credential_no, b.credential_no, c.credential_no]
    assert merged["due"] == "2026-06-30"  # the earliest task end
    assert len(s.rows("SELECT 1 FROM inspection.visit WHERE uscc = :u", u=uscc(1))) == 1
    assert [e.payload["visit_id"] for e in s.outbox("inspection.visit_opened")] == [visit["visit_id"]]
    extended = s.outbox("inspection.visit_extended")
    assert len(extended) == 1 and len(extended[0].payload["inspectors"]) == 3
    audited = s.rows(
        "SELECT action, actor_kind, detail->>'assignment_id' AS assignment, event_id FROM inspection.audit_entry "
        "WHERE object_id = :v ORDER BY seq",
        v=visit["visit_id"],
    )
    assert [(a.action, a.actor_kind, a.assignment) for a in audited] == [
        ("inspection.visit_open", "service", str(first.assignment_id)),
        ("inspection.visit_merge", "service", str(second.assignment_id)),
    ]
    assert all(a.event_id for a in audited)


def test_a_redelivered_dispatch_and_a_dispatch_repeated_under_a_new_event_change_nothing(inspection_service):
    s = inspection_service
    dispatch = assignment(2, [LABOUR], [member(1), member(2)])
    once = envelope(dispatch, str(dispatch.assignment_id), COUNTY_A)
    again = envelope(dispatch, str(dispatch.assignment_id), COUNTY_A)  # same assignment, another event id
    send(s.broker, once, once, again)
    marker = assignment(3, [LABOUR], [member(1), member(2)])
    # Under the same key, so on the same partition as the three before it: once it is consumed, so are they.
    send(s.broker, envelope(marker, str(dispatch.assignment_id), COUNTY_A))
    s.visit_of(uscc(3))
    assert len(s.rows("SELECT 1 FROM inspection.visit WHERE uscc = :u", u=uscc(2))) == 1
    assert len(s.rows("SELECT 1 FROM inspection.visit_assignment")) == 2
    assert len(s.outbox("inspection.visit_opened")) == 2


def test_another_countys_dispatch_never_reaches_this_county(inspection_service):
    s = inspection_service
    theirs = assignment(4, [LABOUR], [member(1, COUNTY_B), member(2, COUNTY_B)], region=COUNTY_B)
    ours = assignment(5, [LABOUR], [member(1), member(2)])
    send(
        s.broker,
        envelope(theirs, str(theirs.assignment_id), COUNTY_B),
        envelope(ours, str(ours.assignment_id), COUNTY_A),
    )
    s.visit_of(uscc(5))
    assert s.rows("SELECT 1 FROM inspection.visit WHERE uscc = :u", u=uscc(4, COUNTY_B)) == []


def test_one_unannounced_task_makes_the_visit_unannounced_and_refuses_a_notice(inspection_service):
    s = inspection_service
    dispatch = assignment(6, [LABOUR, SECRET], [member(1), member(2)])
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    visit = s.visit_of(uscc(6))
    assert visit["prior_notice"] is False
    body = {"window_start": "2026-05-06", "window_end": "2026-05-08", "materials": ["工资发放记录"], "contact": "0571"}
    answer = s.call("POST", f"/visits/{visit['visit_id']}/notices", {"planner"}, body=body)
    assert answer.status_code == 409 and answer.json()["code"] == "notice.unannounced"


def test_a_team_change_replaces_the_member_in_the_visit_even_before_its_dispatch_arrives(inspection_service):
    s = inspection_service
    a, b, c = member(1), member(2), member(3)
    dispatch = assignment(7, [LABOUR], [a, b])
    change = TeamChanged(
        assignment_id=dispatch.assignment_id,
        draw_id=dispatch.draw_id,
        uscc=dispatch.uscc,
        target_node=COUNTY_A,
        replaced=b,
        by=c,
        reason="health",
        approver="王队长",
        team=[a, c],
        changed_at=NOW,
    )
    send(s.broker, envelope(change, str(dispatch.assignment_id), COUNTY_A))
    wait_for(lambda: s.rows("SELECT 1 FROM inspection.team_change"), 60, "the team change")
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    visit = s.visit_of(uscc(7))
    assert [m["credential_no"] for m in visit["team"]] == [a.credential_no, c.credential_no]


def test_the_pre_check_shows_the_registry_record_frozen_for_the_draw(inspection_service):
    s = inspection_service
    dispatch = assignment(8, [LABOUR], [member(1), member(2)])
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    visit = s.visit_of(uscc(8))
    found = s.as_inspector(member(1), "GET", f"/visits/{visit['visit_id']}/pre-check").json()
    assert found["registry_record"]["credit_grade"] == "C"
    assert found["records"][0]["draw_id"] == str(dispatch.draw_id)
    assert any("信用等级 C" in n for n in found["notes"])


def test_a_dispatch_after_the_result_was_submitted_opens_the_next_visit_of_the_period(inspection_service):
    s = inspection_service
    a, b = member(1), member(2)
    first = assignment(9, [LABOUR], [a, b], draw="labour")
    send(s.broker, envelope(first, str(first.assignment_id), COUNTY_A))
    visit = s.visit_of(uscc(9))
    done = s.as_inspector(
        a, "POST", f"/visits/{visit['visit_id']}/results", form(visit, [str(a.inspector_id), str(b.inspector_id)])
    )
    assert done.status_code == 200, done.text
    later = assignment(9, [INSURANCE], [a, b], draw="insurance")
    send(s.broker, envelope(later, str(later.assignment_id), COUNTY_A))
    wait_for(
        lambda: len(s.rows("SELECT 1 FROM inspection.visit WHERE uscc = :u", u=uscc(9))) == 2, 60, "the next visit"
    )
    rows = s.rows("SELECT seq, tasks FROM inspection.visit WHERE uscc = :u ORDER BY seq", u=uscc(9))
    assert [(r.seq, [t["title"] for t in r.tasks]) for r in rows] == [(1, ["劳动用工专项"]), (2, ["社保稽核专项"])]
