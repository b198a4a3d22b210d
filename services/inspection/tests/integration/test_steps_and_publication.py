"""Issue 16: each step of a visit published for the levels above; a visit closed with a reason; a voided draw
withdraws its visits; the publication record of an approved result; node settings on the documents; publication
deadlines from the end of the task, provisional past the official calendar."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from inspection_testkit import (
    COUNTY_A,
    SETTINGS,
    assignment,
    draw_voided,
    envelope,
    form,
    member,
    send,
    task,
    uscc,
    wait_for,
)
from pypdf import PdfReader

from hrss.workdays import STORE_VAR, WorkdayStore, default_calendar

pytestmark = pytest.mark.integration

LABOUR = task("劳动用工专项", [("wages", "工资支付"), ("contracts", "劳动合同")])
INSURANCE = task("社保稽核专项", [("insurance", "社会保险费缴纳")])
A, B = member(1), member(2)
PRESENT = [str(A.inspector_id), str(B.inspector_id)]


def dispatch(s, n: int, tasks=(LABOUR,), draw: str = "d1") -> dict:  # type: ignore[no-untyped-def]
    sent = assignment(n, list(tasks), [A, B], draw=draw)
    send(s.broker, envelope(sent, str(sent.assignment_id), COUNTY_A))
    return s.visit_of(uscc(n))


def steps(s, visit_id: str) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return [
        (e.payload["status"], e.payload["reason"])
        for e in s.outbox("inspection.visit_status_changed")
        if e.payload["visit_id"] == visit_id
    ]


def settle(s) -> None:  # type: ignore[no-untyped-def]
    assert s.call("PUT", f"/nodes/{COUNTY_A}/settings", {"county_admin"}, body=SETTINGS).status_code == 200


def submit(s, visit: dict, **overrides) -> str:  # type: ignore[no-untyped-def]
    done = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, PRESENT, **overrides))
    assert done.status_code == 200, done.text
    return str(done.json()["result_id"])


def approve(s, visit: dict, **overrides) -> str:  # type: ignore[no-untyped-def]
    result_id = submit(s, visit, **overrides)
    ok = s.call("POST", f"/results/{result_id}/approve", {"approver"}, body={"version": 1})
    assert ok.status_code == 200, ok.text
    return result_id


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def test_each_step_of_a_visit_is_published_once_in_order(inspection_service):
    s = inspection_service
    settle(s)
    visit = dispatch(s, 1)
    dispatch(s, 1, (INSURANCE,), draw="d2")  # merged into the same visit: not opened again
    # the visit existed before the second dispatch arrived: wait until it took in the second task
    wait_for(lambda: len(s.visit_of(uscc(1))["tasks"]) == 2, 60, "the second task merged into the visit")
    assert steps(s, visit["visit_id"]) == [("opened", None)]
    notice = {"window_start": "2026-05-06", "window_end": "2026-05-08", "materials": ["工资表"], "contact": "王五"}
    assert s.call("POST", f"/visits/{visit['visit_id']}/notices", {"planner"}, body=notice).status_code == 200
    visit = s.visit_of(uscc(1))
    result_id = submit(s, visit)
    back = {"version": 1, "opinion": "请补充检查情况"}
    assert s.call("POST", f"/results/{result_id}/return", {"approver"}, body=back).status_code == 200
    again = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, PRESENT))
    assert again.status_code == 200, again.text
    assert s.call("POST", f"/results/{result_id}/approve", {"approver"}, body={"version": 2}).status_code == 200
    assert [status for status, _ in steps(s, visit["visit_id"])] == [
        "opened",
        "started",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    [approved] = [e for e in s.outbox("inspection.visit_status_changed") if e.payload["status"] == "approved"]
    assert approved.payload["inspected_on"] == "2026-05-06" and approved.payload["region_code"] == COUNTY_A
    assert len(approved.payload["task_ids"]) == 2 and approved.subject == visit["visit_id"]
    assert s.call("GET", f"/visits/{visit['visit_id']}", {"planner"}).json()["status"] == "approved"


def test_a_field_entry_first_starts_the_visit(inspection_service):
    s = inspection_service
    visit = dispatch(s, 2)
    entry = {"client_id": "phone-9:0001", "visit_id": visit["visit_id"], "form": form(visit, PRESENT)}
    answer = s.as_inspector(A, "POST", "/field/batches", {"entries": [entry]})
    assert answer.json()["answers"][0]["status"] == "accepted", answer.text
    assert steps(s, visit["visit_id"]) == [("opened", None), ("started", None), ("submitted", None)]


def test_a_visit_that_cannot_be_inspected_is_closed_with_its_reason_and_nothing_more_is_done_in_it(
    inspection_service,
):
    s = inspection_service
    visit = dispatch(s, 3)
    path = f"/visits/{visit['visit_id']}/closure"
    assert s.as_inspector(A, "POST", path, {"reason": "x"}).status_code == 403
    blank = s.call("POST", path, {"planner"}, body={"reason": "  "})
    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "reason"
    closed = s.call("POST", path, {"planner"}, body={"reason": "企业已搬离登记住所，经核实无法联系"})
    assert closed.status_code == 200, closed.text
    assert steps(s, visit["visit_id"])[-1] == ("closed", "企业已搬离登记住所，经核实无法联系")
    again = s.call("POST", path, {"county_admin"}, body={"reason": "重复"})
    assert again.status_code == 409 and again.json()["code"] == "visit.closed"
    late = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, PRESENT))
    assert late.status_code == 409 and late.json()["code"] == "visit.closed"
    shown = s.call("GET", f"/visits/{visit['visit_id']}", {"planner"}).json()
    assert shown["status"] == "closed" and shown["closed"]["reason"].startswith("企业已搬离")
    [audited] = s.rows(
        "SELECT reason FROM inspection.audit_entry WHERE action = 'inspection.visit_close' AND outcome = 'ok'"
    )
    assert audited.reason.startswith("企业已搬离")
    # a closed visit owes no result: not overdue after the task's end
    overdue = s.call("GET", "/deadlines?on=2026-07-02", {"planner"}).json()["overdue"]
    assert visit["visit_id"] not in {o["subject_id"] for o in overdue}
    # the next dispatch of the same entity opens a new visit rather than reopening the closed one
    sent = assignment(3, [INSURANCE], [A, B], draw="d3")
    send(s.broker, envelope(sent, str(sent.assignment_id), COUNTY_A))
    wait_for(lambda: len(s.rows("SELECT 1 FROM inspection.visit WHERE uscc = :u", u=uscc(3))) == 2, 60, "seq 2")
    with pytest.raises(sa.exc.DBAPIError), s.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM inspection.visit_status"))


def test_a_voided_draw_withdraws_its_visits_and_keeps_what_other_draws_and_approvals_hold(inspection_service):
    s = inspection_service
    only = dispatch(s, 4, draw="void")
    shared = dispatch(s, 5, draw="void")
    dispatch(s, 5, (INSURANCE,), draw="kept")
    wait_for(lambda: len(s.visit_of(uscc(5))["tasks"]) == 2, 60, "the kept draw's task merged into the visit")
    done = dispatch(s, 6, draw="void")
    approve(s, done)
    event = envelope(draw_voided("void", [LABOUR]), "void", None)
    send(s.broker, event, event)  # redelivered: the inbox absorbs the second
    wait_for(lambda: steps(s, only["visit_id"])[-1:] == [("closed", "抽取结果已作废：抽取范围设置错误")], 60, "void")
    wait_for(lambda: s.rows("SELECT 1 FROM inspection.assignment_withdrawal WHERE visit_id = :v", v=shared["visit_id"]))
    kept = s.call("GET", f"/visits/{shared['visit_id']}", {"planner"}).json()
    assert [t["title"] for t in kept["tasks"]] == ["社保稽核专项"] and kept["status"] == "opened"
    assert len(kept["assignments"]) == 2  # every dispatch stays on record; one is withdrawn
    assert steps(s, done["visit_id"])[-1][0] == "approved"
    assert [e.payload["status"] for e in s.outbox("inspection.visit_status_changed")].count("closed") == 1
    assert len(s.rows("SELECT 1 FROM inspection.visit WHERE uscc IN (:a, :b)", a=uscc(4), b=uscc(5))) == 2
    extended = [e for e in s.outbox("inspection.visit_extended") if e.payload["visit_id"] == shared["visit_id"]]
    assert len(extended[-1].payload["task_ids"]) == 1 and len(extended[-1].payload["assignment_ids"]) == 1


def test_the_publication_record_of_an_approved_result_is_kept_once_with_its_receipt(inspection_service):
    s = inspection_service
    settle(s)
    public, hidden = dispatch(s, 7), dispatch(s, 8)
    pending = submit(s, public)
    early = s.call("POST", f"/results/{pending}/publication", {"planner"}, body={"public": True})
    assert early.status_code == 409 and early.json()["code"] == "publication.not_approved"
    assert s.call("POST", f"/results/{pending}/approve", {"approver"}, body={"version": 1}).status_code == 200
    assert s.as_inspector(A, "POST", f"/results/{pending}/publication", {"public": True}).status_code == 403
    done = s.call("POST", f"/results/{pending}/publication", {"planner"}, body={"public": True})
    assert done.status_code == 200, done.text
    record = done.json()
    canonical = json.dumps(record["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert record["content_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert record["content"]["entity_name"] == "杭州测试7号有限公司" and record["content"]["overall"] == "未发现问题"
    assert record["content"]["issuing_body"] == SETTINGS["issuing_body"]
    twice = s.call("POST", f"/results/{pending}/publication", {"planner"}, body={"public": True})
    assert twice.status_code == 409 and twice.json()["code"] == "publication.exists"
    [event] = s.outbox("inspection.result_published")
    assert (event.payload["result_id"], event.payload["public"], event.payload["content_sha256"]) == (
        pending,
        True,
        record["content_sha256"],
    )
    assert (
        s.call("GET", f"/results/{pending}", {"planner"}).json()["publication"]["content_sha256"]
        == (record["content_sha256"])
    )
    secret = approve(s, hidden, public=False)
    path = f"/results/{secret}/publication"
    refused = s.call("POST", path, {"approver"}, body={"public": True})
    assert refused.status_code == 409 and refused.json()["code"] == "publication.not_public"
    no_reason = s.call("POST", path, {"approver"}, body={"public": False})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "withheld_reason"
    why = "涉及国家秘密，依法不予公开"
    withheld = s.call("POST", path, {"approver"}, body={"public": False, "withheld_reason": why})
    assert withheld.status_code == 200, withheld.text
    assert withheld.json()["content"] == {
        "result_id": secret,
        "node": COUNTY_A,
        "withheld": True,
        "withheld_reason": why,
    }
    assert s.outbox("inspection.result_published")[-1].payload["withheld_reason"] == why
    with pytest.raises(sa.exc.DBAPIError), s.engine.begin() as connection:
        connection.execute(sa.text("UPDATE inspection.publication SET public = true"))


def test_publication_is_due_20_working_days_after_the_task_ends_and_met_by_the_publication_record(
    inspection_service,
):
    s = inspection_service
    settle(s)
    # the task ended on 2026-06-30; the results are approved today (after it): due on 2026-07-28 all the same
    published, unpublished = dispatch(s, 9), dispatch(s, 10)
    first, second = approve(s, published), approve(s, unpublished)
    assert s.call("POST", f"/results/{first}/publication", {"planner"}, body={"public": True}).status_code == 200
    due = s.call("GET", "/deadlines?on=2026-07-28", {"planner"}).json()
    assert [(r["subject_id"], r["due"], r["provisional"]) for r in due["reminders"] if r["kind"] == "publication"] == [
        (second, "2026-07-28", False)
    ]
    late = s.call("GET", "/deadlines?on=2026-07-29", {"planner"}).json()["overdue"]
    assert [o["subject_id"] for o in late if o["kind"] == "publication"] == [second]


def test_a_deadline_past_the_official_calendar_is_provisional_and_recounted_when_the_year_is_loaded(
    inspection_service, monkeypatch, tmp_path, request
):
    s = inspection_service
    monkeypatch.setenv(STORE_VAR, str(tmp_path))
    request.addfinalizer(default_calendar.cache_clear)
    december = task("年末专项", [("wages", "工资支付")], end=date(2026, 12, 20))
    visit = dispatch(s, 11, (december,))
    result_id = approve(s, visit)
    answer = s.call("GET", "/deadlines?on=2027-01-12", {"planner"})
    assert answer.status_code == 200, answer.text  # never calendar.not_covered
    [flag] = [r for r in answer.json()["reminders"] if r["subject_id"] == result_id]
    assert (flag["due"], flag["provisional"], flag["workdays_left"]) == ("2027-01-15", True, 3)
    ahead = s.call("POST", "/deadlines/run?on=2031-03-03", {"county_admin"})
    assert ahead.status_code == 400 and ahead.json()["code"] == "deadlines.future_date"  # nothing flagged ahead
    s.set_clock(datetime(2031, 3, 3, 1, 0, tzinfo=UTC))
    run = s.call("POST", "/deadlines/run?on=2031-03-03", {"county_admin"})
    assert run.status_code == 200, run.text
    assert run.json()["flagged"] == [
        {"subject_id": result_id, "kind": "publication", "due": "2027-01-15", "provisional": True}
    ]
    # the State Council's notice for 2027 is loaded (hypothetical dates): the same deadline, counted officially
    schedule = {"holidays": {"2027-01-01": "元旦", "2027-01-04": "元旦"}, "workdays": {"2027-01-09": "元旦调休"}}
    WorkdayStore(tmp_path).load_year(2027, schedule, loaded_by="admin@330000", source="国办发明电（测试数据）")
    [flag] = [
        r
        for r in s.call("GET", "/deadlines?on=2027-01-12", {"planner"}).json()["reminders"]
        if r["subject_id"] == result_id
    ]
    assert (flag["due"], flag["provisional"]) == ("2027-01-18", False)


def test_documents_name_the_issuing_body_with_a_number_per_node_and_year(inspection_service):
    s = inspection_service
    visit = dispatch(s, 12)
    notice = {"window_start": "2026-05-06", "window_end": "2026-05-08", "materials": ["工资表"], "contact": "王五"}
    path = f"/visits/{visit['visit_id']}/notices"
    missing = s.call("POST", path, {"planner"}, body=notice)
    assert missing.status_code == 409 and missing.json()["code"] == "settings.missing"
    assert s.call("PUT", f"/nodes/{COUNTY_A}/settings", {"planner"}, body=SETTINGS).status_code == 403
    bad = s.call("PUT", f"/nodes/{COUNTY_A}/settings", {"county_admin"}, body={**SETTINGS, "issuing_body": ""})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "issuing_body"
    settle(s)
    renamed = {**SETTINGS, "issuing_body": "杭州市上城区人力资源和社会保障局（测试）"}
    second = s.call("PUT", f"/nodes/{COUNTY_A}/settings", {"county_admin"}, body=renamed)
    assert second.json()["version"] == 2
    shown = s.call("GET", f"/nodes/{COUNTY_A}/settings", {"planner"}).json()
    assert [v["issuing_body"] for v in shown["versions"]] == [SETTINGS["issuing_body"], renamed["issuing_body"]]
    issued = s.call("POST", path, {"planner"}, body=notice)
    assert issued.status_code == 200, issued.text
    year = issued.json()["issued_on"][:4]
    assert issued.json()["number"] == f"上城人社监〔{year}〕第1号"
    pdf = s.call("GET", f"{path}/{issued.json()['notice_id']}.pdf", {"planner"}).content
    printed = text_of(pdf)
    for expected in (renamed["issuing_body"], f"上城人社监〔{year}〕第1号", "检查方式：实地核查", A.credential_no):
        assert expected in printed, expected
    assert "本机关" not in printed
    assert s.call("POST", path, {"planner"}, body=notice).json()["number"] == f"上城人社监〔{year}〕第2号"
    result_id = approve(s, s.visit_of(uscc(12)))
    record = text_of(s.call("GET", f"/results/{result_id}/versions/1/record.pdf", {"planner"}).content)
    assert f"编号：上城人社监〔{year}〕第3号" in record and renamed["issuing_body"] in record


def test_an_administrator_loads_a_years_schedule_over_http_and_it_is_audited(
    inspection_service, monkeypatch, tmp_path, request
):
    s = inspection_service
    request.addfinalizer(default_calendar.cache_clear)
    body = {
        "holidays": {"2027-01-01": "元旦", "2027-01-04": "元旦"},
        "workdays": {"2027-01-09": "元旦调休"},
        "source": "国办发明电（测试数据）",
    }
    monkeypatch.delenv(STORE_VAR, raising=False)
    nowhere = s.call("POST", "/calendar/years/2027", {"county_admin"}, body=body)
    assert nowhere.status_code == 409 and nowhere.json()["code"] == "calendar.store_not_configured"
    monkeypatch.setenv(STORE_VAR, str(tmp_path))
    assert s.call("POST", "/calendar/years/2027", {"planner"}, body=body).status_code == 403
    stray = s.call("POST", "/calendar/years/2027", {"county_admin"}, body={**body, "holidays": {"2028-01-01": "元旦"}})
    assert stray.status_code == 400 and stray.json()["code"] == "calendar.invalid"
    assert "不属于 2027 年" in stray.json()["message"]
    assert s.call("POST", "/calendar/years/1999", {"county_admin"}, body=body).status_code == 400
    loaded = s.call("POST", "/calendar/years/2027", {"county_admin"}, body=body, account="admin-wang")
    assert loaded.status_code == 200, loaded.text
    assert (loaded.json()["loaded_by"], loaded.json()["source"]) == ("admin-wang", "国办发明电（测试数据）")
    [audited] = s.rows(
        "SELECT actor, object_id, after_hash FROM inspection.audit_entry "
        "WHERE action = 'inspection.calendar_load' AND outcome = 'ok'"
    )
    assert (audited.actor, audited.object_id, audited.after_hash) == ("admin-wang", "2027", loaded.json()["sha256"])
    shown = s.call("GET", "/calendar/years", {"planner"}).json()
    assert 2027 in shown["official_years"] and [x["year"] for x in shown["loads"]] == [2027]
