"""The field API's batches with client ids; follow-ups and their rate; deadlines and overdue flags."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from inspection_testkit import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    assignment,
    envelope,
    form,
    member,
    results_published,
    send,
    task,
    uscc,
    wait_for,
)

from hrss.workdays import default_calendar

pytestmark = pytest.mark.integration

LABOUR = task("劳动用工专项", [("wages", "工资支付")])
A, B = member(1), member(2)
PRESENT = [str(A.inspector_id), str(B.inspector_id)]

CST = timezone(timedelta(hours=8))


def open_visits(s, *numbers: int) -> list[dict]:  # type: ignore[no-untyped-def]
    for n in numbers:
        dispatch = assignment(n, [LABOUR], [A, B])
        send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    return [s.visit_of(uscc(n)) for n in numbers]


def test_a_batch_answers_each_entry_and_a_retry_returns_the_same_answers_without_duplicates(inspection_service):
    s = inspection_service
    one, two = open_visits(s, 1, 2)
    entries = [
        {"client_id": "phone-1:0001", "visit_id": one["visit_id"], "form": form(one, PRESENT)},
        {"client_id": "phone-1:0002", "visit_id": two["visit_id"], "form": form(two, PRESENT[:1])},
        {"client_id": "phone-1:0003", "visit_id": two["visit_id"], "form": {"overall": "no_problem"}},
        {"client_id": "phone-1:0004", "visit_id": "00000000-0000-0000-0000-000000000000", "form": form(two, PRESENT)},
    ]
    first = s.as_inspector(A, "POST", "/field/batches", {"entries": entries})
    assert first.status_code == 200, first.text
    answers = first.json()["answers"]
    assert [a["status"] for a in answers] == ["accepted", "refused", "refused", "refused"]
    assert answers[1]["errors"][0]["code"] == "record.too_few_inspectors"
    assert {e["field"] for e in answers[2]["errors"]} >= {"form.inspected_on", "form.items"}
    assert answers[3]["code"] == "visit.not_found"
    refusals = s.rows(
        "SELECT detail->>'code' AS code FROM inspection.audit_entry "
        "WHERE action = 'inspection.field_entry' AND outcome = 'refused' ORDER BY seq"
    )
    assert [r.code for r in refusals] == ["record.too_few_inspectors", "record.invalid", "visit.not_found"]
    retried = s.as_inspector(A, "POST", "/field/batches", {"entries": entries})
    assert retried.json()["answers"] == answers
    assert len(s.rows("SELECT 1 FROM inspection.result_version")) == 1
    assert len(s.outbox("inspection.result_submitted")) == 1
    fixed = [{**entries[1], "form": form(two, PRESENT)}]  # a refused entry stored nothing: same id, corrected
    assert s.as_inspector(A, "POST", "/field/batches", {"entries": fixed}).json()["answers"][0]["status"] == "accepted"


def test_a_client_id_reused_for_other_content_or_by_another_account_is_refused(inspection_service):
    s = inspection_service
    [one] = open_visits(s, 3)
    entry = {"client_id": "phone-2:0001", "visit_id": one["visit_id"], "form": form(one, PRESENT)}
    assert (
        s.as_inspector(A, "POST", "/field/batches", {"entries": [entry]}).json()["answers"][0]["status"] == "accepted"
    )
    changed = {**entry, "form": form(one, PRESENT, remarks="补充")}
    answer = s.as_inspector(A, "POST", "/field/batches", {"entries": [changed]}).json()["answers"][0]
    assert answer["code"] == "field.client_id_reused"
    other = s.as_inspector(B, "POST", "/field/batches", {"entries": [entry]}).json()["answers"][0]
    assert other["code"] == "field.client_id_reused"


def approve(s, visit: dict, category: str) -> str:  # type: ignore[no-untyped-def]
    body = form(visit, PRESENT, overall=category)
    body["items"][0]["category"] = category
    done = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", body).json()
    ok = s.call("POST", f"/results/{done['result_id']}/approve", {"approver"}, body={"version": 1})
    assert ok.status_code == 200, ok.text
    return str(done["result_id"])


def test_a_correction_is_rechecked_and_closed_and_the_follow_up_rate_counts_it(inspection_service):
    s = inspection_service
    fine, found, handed = open_visits(s, 4, 5, 6)
    approve(s, fine, "no_problem")
    corrected = approve(s, found, "corrected")
    pending = approve(s, handed, "pending_follow_up")
    rate = s.call("GET", "/follow-ups/rate", {"planner"}).json()
    assert (rate["problems"], rate["followed_up"], rate["follow_up_rate"]) == (2, 0, 0.0)
    body = {"kind": "correction", "ordered_on": "2026-05-06", "due": "2026-06-05", "note": "限期补签劳动合同"}
    opened = s.as_inspector(A, "POST", f"/results/{corrected}/follow-ups", body)
    assert opened.status_code == 200, opened.text
    follow_up = opened.json()["follow_up_id"]
    early = s.as_inspector(
        A, "POST", f"/follow-ups/{follow_up}/steps", {"kind": "closed", "on": "2026-06-01", "note": "办结"}
    )
    assert early.status_code == 409 and early.json()["code"] == "follow_up.recheck_required"
    recheck = {"kind": "recheck", "on": "2026-06-04", "passed": True, "note": "已全部补签"}
    assert s.as_inspector(A, "POST", f"/follow-ups/{follow_up}/steps", recheck).status_code == 200
    closed = {"kind": "closed", "on": "2026-06-04", "note": "整改到位，办结"}
    assert s.as_inspector(A, "POST", f"/follow-ups/{follow_up}/steps", closed).status_code == 200
    transfer = {"kind": "transfer", "ordered_on": "2026-05-07", "target": "区市场监管局", "note": "无照经营线索"}
    assert s.call("POST", f"/results/{pending}/follow-ups", {"approver"}, body=transfer).status_code == 200
    rate = s.call("GET", "/follow-ups/rate", {"city_admin"}, node=CITY).json()
    assert (rate["problems"], rate["followed_up"], rate["closed"], rate["follow_up_rate"]) == (2, 2, 1, 1.0)
    assert rate["not_followed_up"] == []
    assert s.call("GET", f"/follow-ups/rate?node={COUNTY_A}", {"planner"}, node=COUNTY_B).status_code == 403
    assert [e.payload["kind"] for e in s.outbox("inspection.follow_up_opened")] == ["correction", "transfer"]
    assert [e.payload["closed_on"] for e in s.outbox("inspection.follow_up_closed")] == ["2026-06-04"]


def test_a_follow_up_needs_an_approved_result(inspection_service):
    s = inspection_service
    [visit] = open_visits(s, 7)
    done = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, PRESENT)).json()
    body = {"kind": "case", "ordered_on": "2026-05-06", "target": "区劳动保障监察大队"}
    answer = s.call("POST", f"/results/{done['result_id']}/follow-ups", {"approver"}, body=body)
    assert answer.status_code == 409 and answer.json()["code"] == "follow_up.not_approved"


def test_reminders_then_overdue_flags_published_once_and_seen_by_the_city(inspection_service):
    s = inspection_service
    late, done = open_visits(s, 8, 9)
    s.as_inspector(A, "POST", f"/visits/{done['visit_id']}/results", form(done, PRESENT))
    soon = s.call("GET", "/deadlines?on=2026-06-24", {"planner"}).json()
    assert [(r["subject_id"], r["kind"], r["workdays_left"]) for r in soon["reminders"]] == [
        (late["visit_id"], "result", 4)
    ]
    assert soon["overdue"] == []
    theirs = s.as_inspector(member(7), "GET", "/deadlines?on=2026-06-24").json()
    assert theirs["reminders"] == [] and s.as_inspector(A, "GET", "/deadlines?on=2026-06-24").json() == soon
    first = s.call("POST", "/deadlines/run?on=2026-07-02", {"county_admin"})
    assert first.status_code == 200, first.text
    assert first.json()["newly_overdue"] == 1
    assert s.call("POST", "/deadlines/run?on=2026-07-03", {"county_admin"}).json()["newly_overdue"] == 0
    [event] = s.outbox("inspection.overdue")
    assert (event.payload["subject_id"], event.payload["kind"], event.payload["supervisor"]) == (
        late["visit_id"],
        "result",
        CITY,
    )
    seen = s.call("GET", "/deadlines?on=2026-07-02", {"city_admin"}, node=CITY).json()
    assert [(o["subject_id"], o["recorded"]) for o in seen["overdue"]] == [(late["visit_id"], True)]
    assert s.call("GET", "/deadlines?on=2026-07-02", {"planner"}, node=COUNTY_B).json()["overdue"] == []
    assert s.call("POST", "/deadlines/run?on=2026-07-02", {"planner"}).status_code == 403


def test_a_date_past_the_official_calendar_is_counted_provisionally_never_refused(inspection_service):
    open_visits(inspection_service, 10)
    answer = inspection_service.call("GET", "/deadlines?on=2031-01-02", {"planner"})
    # issue 16: the official data ends with 2026; a count into 2027–2031 is weekends only, and says so
    assert answer.status_code == 200, answer.text
    [late] = answer.json()["overdue"]
    assert late["provisional"] is True and late["workdays_left"] < 0


def test_publication_is_overdue_20_working_days_after_the_task_unless_planning_says_the_task_is_public(
    inspection_service, monkeypatch, tmp_path, request
):
    s = inspection_service
    asked = datetime.now(CST).date() + timedelta(days=45)  # about 30 working days on, whatever day the test runs
    # the days counted may reach a year the library's official data does not cover yet (late in a year): an
    # overlay, as an operator loads a new State Council notice, declares it covered (test data, not a real notice)
    overlay = tmp_path / "workdays.json"
    overlay.write_text(json.dumps({"years": [asked.year]}), encoding="utf-8")
    monkeypatch.setenv("HRSS_WORKDAYS_FILE", str(overlay))
    default_calendar.cache_clear()  # the process-wide calendar is built once: again with the overlay, and after
    request.addfinalizer(default_calendar.cache_clear)
    quiet = task("社保稽核专项", [("insurance", "社会保险费缴纳")])
    dispatch = assignment(11, [quiet], [A, B])
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    published = s.visit_of(uscc(11))
    [unpublished] = open_visits(s, 12)
    approve(s, published, "no_problem")
    approve(s, unpublished, "no_problem")
    send(s.broker, envelope(results_published(quiet), str(quiet.task_id), None))
    wait_for(lambda: s.rows("SELECT 1 FROM inspection.published_task"), 60, "the publication")
    # the task ended on 2026-06-30: due 20 working days after it (2026-07-28); asked 45 calendar days from today
    answer = s.call("GET", f"/deadlines?on={asked.isoformat()}", {"planner"})
    assert answer.status_code == 200, answer.text
    late = answer.json()["overdue"]
    publication = [o for o in late if o["kind"] == "publication"]
    result_of = {
        v["visit_id"]: v["result"]["result_id"] for v in s.call("GET", "/visits", {"planner"}).json()["visits"]
    }
    assert [o["subject_id"] for o in publication] == [result_of[unpublished["visit_id"]]]
    assert result_of[published["visit_id"]] is not None


def test_the_deadlines_command_records_overdue_once_through_the_api(inspection_service, monkeypatch, capsys):
    import json

    from inspection import cli

    s = inspection_service
    open_visits(s, 13)
    monkeypatch.setenv("HRSS_INSPECTION_URL", s.url)
    monkeypatch.setenv("HRSS_TOKEN", s.token({"county_admin"}, COUNTY_A))
    assert cli.main(["deadlines", "--on", "2026-07-02"]) == 0
    assert json.loads(capsys.readouterr().out)["newly_overdue"] == 1
    assert cli.main(["deadlines", "--on", "2026-07-02"]) == 0
    assert json.loads(capsys.readouterr().out)["newly_overdue"] == 0
    assert cli.main(["deadlines", "--on", "2026-07-02", "--list"]) == 0
    assert [o["recorded"] for o in json.loads(capsys.readouterr().out)["overdue"]] == [True]
    monkeypatch.setenv("HRSS_TOKEN", s.token({"planner"}, COUNTY_A))
    with pytest.raises(SystemExit, match=r"access\.role_required"):
        cli.main(["deadlines", "--on", "2026-07-02"])
