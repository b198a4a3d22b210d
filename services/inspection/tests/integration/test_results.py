"""Notice, record form, review with opinions kept, the printed PDFs and the approved result's event."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa
from inspection_testkit import CITY, COUNTY_A, COUNTY_B, SETTINGS, assignment, envelope, form, member, send, task, uscc
from pypdf import PdfReader

from hrss.contracts import registry
from hrss.contracts.events.inspection import ResultApproved

pytestmark = pytest.mark.integration

LABOUR = task("劳动用工专项", [("wages", "工资支付"), ("contracts", "劳动合同")])
A, B, C = member(1), member(2), member(3)
PRESENT = [str(A.inspector_id), str(B.inspector_id)]


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def visit(inspection_service):  # type: ignore[no-untyped-def]
    put = inspection_service.call("PUT", f"/nodes/{COUNTY_A}/settings", {"county_admin"}, body=SETTINGS)
    assert put.status_code == 200, put.text
    dispatch = assignment(1, [LABOUR], [A, B, C])
    send(inspection_service.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    return inspection_service.visit_of(uscc(1))


def test_the_prior_notice_names_items_window_materials_and_credential_numbers(inspection_service, visit):
    s = inspection_service
    body = {
        "window_start": "2026-05-06",
        "window_end": "2026-05-08",
        "materials": ["工资发放记录", "劳动合同文本"],
        "contact": "上城区人社局 0571-00000000",
    }
    issued = s.call("POST", f"/visits/{visit['visit_id']}/notices", {"planner"}, body=body)
    assert issued.status_code == 200, issued.text
    pdf = s.call("GET", f"/visits/{visit['visit_id']}/notices/{issued.json()['notice_id']}.pdf", {"planner"})
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == issued.json()["pdf_sha256"]
    printed = text_of(pdf.content)
    for expected in ("检查告知书", "杭州测试1号有限公司", "工资支付", "劳动合同", "工资发放记录", "2026年5月6日"):
        assert expected in printed
    for m in (A, B, C):
        assert m.credential_no in printed
    [event] = s.outbox("inspection.notice_issued")
    assert event.payload["items"] == ["工资支付", "劳动合同"] and len(event.payload["inspectors"]) == 3


def test_a_notice_outside_the_task_window_is_refused_with_its_fields(inspection_service, visit):
    body = {"window_start": "2026-03-01", "window_end": "2026-07-08", "materials": ["x"], "contact": "y"}
    answer = inspection_service.call("POST", f"/visits/{visit['visit_id']}/notices", {"planner"}, body=body)
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"window_start", "window_end"}


def test_a_record_with_one_inspector_and_no_signature_is_refused_naming_each_field(inspection_service, visit):
    s = inspection_service
    bad = form(visit, [str(A.inspector_id)], entity_signed=False)
    answer = s.as_inspector(A, "POST", f"/visits/{visit['visit_id']}/results", bad)
    assert answer.status_code == 400
    assert {e["code"] for e in answer.json()["errors"]} == {"record.too_few_inspectors", "record.refusal_note_missing"}
    assert s.rows("SELECT 1 FROM inspection.result_version") == []


def test_submit_return_resubmit_approve_keeps_every_version_and_opinion(inspection_service, visit):
    s = inspection_service
    path = f"/visits/{visit['visit_id']}/results"
    first = s.as_inspector(A, "POST", path, form(visit, [str(A.inspector_id), str(B.inspector_id)]))
    assert first.status_code == 200, first.text
    result_id = first.json()["result_id"]
    again = s.as_inspector(A, "POST", path, form(visit, [str(A.inspector_id), str(B.inspector_id)]))
    assert again.status_code == 409 and again.json()["code"] == "result.under_review"
    no_opinion = s.call("POST", f"/results/{result_id}/return", {"approver"}, body={"version": 1})
    assert no_opinion.status_code == 400
    returned = s.call(
        "POST",
        f"/results/{result_id}/return",
        {"approver"},
        body={"version": 1, "opinion": "劳动合同事项的检查情况未填写"},
    )
    assert returned.status_code == 200, returned.text
    corrected = form(visit, [str(A.inspector_id), str(C.inspector_id)], entity_signed=False, refusal_note="负责人拒签")
    corrected["items"][1].update(category="corrected", findings="3 人未签劳动合同，已责令改正")
    corrected["overall"] = "corrected"
    second = s.as_inspector(C, "POST", path, corrected)
    assert second.status_code == 200 and second.json()["version"] == 2
    stale = s.call("POST", f"/results/{result_id}/approve", {"approver"}, body={"version": 1})
    assert stale.status_code == 409
    approved = s.call("POST", f"/results/{result_id}/approve", {"approver"}, body={"version": 2, "opinion": "同意"})
    assert approved.status_code == 200, approved.text
    history = s.call("GET", f"/results/{result_id}", {"planner"}).json()
    assert history["status"] == "approved"
    assert [(v["version"], v["review"]["decision"], v["review"]["opinion"]) for v in history["versions"]] == [
        (1, "returned", "劳动合同事项的检查情况未填写"),
        (2, "approved", "同意"),
    ]
    pdf = s.call("GET", f"/results/{result_id}/versions/2/record.pdf", {"planner"}).content
    assert hashlib.sha256(pdf).hexdigest() == approved.json()["record_sha256"]
    printed = text_of(pdf)
    for expected in (
        "检查记录表",
        "杭州测试1号有限公司",
        uscc(1),
        "发现问题已责令改正",
        "负责人拒签",
        "3 人未签劳动合同",
    ):
        assert expected in printed
    assert A.credential_no in printed and C.credential_no in printed and B.credential_no not in printed
    [event] = s.outbox("inspection.result_approved")
    payload = registry.validate(event)
    assert isinstance(payload, ResultApproved)
    assert (
        payload.version == 2
        and payload.overall == "corrected"
        and payload.record.record_sha256 == hashlib.sha256(pdf).hexdigest()
    )
    assert [i.credential_no for i in payload.record.inspectors] == [A.credential_no, C.credential_no]
    assert [(i.item_name, i.category) for i in payload.items] == [("工资支付", "no_problem"), ("劳动合同", "corrected")]
    assert len(s.outbox("inspection.result_submitted")) == 2 and len(s.outbox("inspection.result_returned")) == 1
    after = s.as_inspector(A, "POST", path, form(visit, [str(A.inspector_id), str(B.inspector_id)]))
    assert after.status_code == 409 and after.json()["code"] == "result.approved"


def test_history_rows_cannot_be_updated_or_deleted(inspection_service, visit):
    s = inspection_service
    s.as_inspector(
        A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, [str(A.inspector_id), str(B.inspector_id)])
    )

    for statement in (
        "UPDATE inspection.result_version SET submitted_by = 'x'",
        "DELETE FROM inspection.result_version",
    ):
        with pytest.raises(sa.exc.DBAPIError), s.engine.begin() as connection:
            connection.execute(sa.text(statement))


def test_only_the_team_enters_results_and_other_counties_see_nothing(inspection_service, visit):
    s = inspection_service
    outsider = member(9)
    path = f"/visits/{visit['visit_id']}"
    assert s.as_inspector(outsider, "GET", path).status_code in (403, 404)
    body = form(visit, [str(A.inspector_id), str(B.inspector_id)])
    assert s.as_inspector(outsider, "POST", f"{path}/results", body).status_code in (403, 404)
    assert s.call("GET", path, {"planner"}, node=COUNTY_B).status_code in (403, 404)
    assert s.call("GET", path, {"city_admin"}, node=CITY).status_code == 200  # the supervising level
    assert s.call("POST", f"{path}/results", {"planner"}, body=body).status_code == 403
    mine = s.as_inspector(A, "GET", "/visits").json()["visits"]
    assert [v["visit_id"] for v in mine] == [visit["visit_id"]]
    assert s.as_inspector(outsider, "GET", "/visits").json()["visits"] == []
    assert s.call("GET", "/visits", {"planner"}, node=COUNTY_B).json()["visits"] == []


def test_a_team_member_cannot_review_the_teams_own_result(inspection_service, visit):
    s = inspection_service
    done = s.as_inspector(
        A, "POST", f"/visits/{visit['visit_id']}/results", form(visit, [str(A.inspector_id), str(B.inspector_id)])
    )
    answer = s.call(
        "POST",
        f"/results/{done.json()['result_id']}/approve",
        {"inspector", "approver"},
        body={"version": 1},
        inspector=str(B.inspector_id),
    )
    assert answer.status_code == 409 and answer.json()["code"] == "result.own_review"
