"""The inspection use cases on the fakes: events and commands handed to `handle_event` and `handle` as the
entrypoints hand them, against the in-memory repository and unit of work, asserting what is kept, what is
published, what is audited and what is refused with which code. Milliseconds each; the same rules run on
PostgreSQL and Kafka in tests/integration."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from inspection.adapters.forms import FormPrinter
from inspection.domain.follow_ups import Kind
from inspection.entrypoints.schemas import FormBody, parse_entry
from inspection.service_layer import follow_ups
from inspection.service_layer.commands import (
    AddFollowUpStep,
    CloseVisit,
    DecideResult,
    IssueNotice,
    OpenFollowUp,
    PublishResult,
    PutNodeSettings,
    SubmitFieldBatch,
    SubmitResult,
)
from inspection.service_layer.components import Components
from inspection.service_layer.context import Context
from inspection.service_layer.handlers import COMMAND_HANDLERS, EVENT_HANDLERS, handle, handle_event
from inspection_fakes import FakeInspectionRepository, repository_for
from inspection_testkit import COUNTY_A, NOW, SETTINGS, assignment, draw_voided, form, member, task, uscc

from hrss.audit import AuditRecord
from hrss.auth import Principal, Role
from hrss.contracts import Envelope, PlatformError
from hrss.contracts.events.draw import TeamChanged
from hrss.testing.fakes import FakeUnitOfWork

WAGES = task("劳动用工专项", [("wages", "工资支付")])
INSURANCE = task("社保稽核专项", [("insurance", "社会保险费缴纳")])
SECRET = task("暗访专项", [("hours", "工作时间")], notice=False)
WAGES_TASKS = [{"task_id": str(WAGES.task_id), "items": [{"item_id": "wages"}]}]
LATER = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)  # after the inspection dates the forms carry


class Inspection:
    """The inspection use cases over fakes: one fake unit of work per message, committed after it as the
    entrypoints and consumers commit (a refusal is not committed)."""

    def __init__(self) -> None:
        self.repo = FakeInspectionRepository()
        self.components = Components(repository=repository_for(self.repo), clock=lambda: LATER, printer=FormPrinter())
        self.published: list[Envelope] = []
        self.audited: list[AuditRecord] = []

    def _run(self, principal: Principal, work: Any) -> Any:
        uow = FakeUnitOfWork(service="inspection", nodes=(COUNTY_A,))
        answer = work(Context(uow, self.components, principal, "req-1"))
        uow.commit()
        self.published += uow.committed
        self.audited += [record for _, record in uow.audited]
        return answer

    def receive(self, payload: Any) -> Any:
        service = Principal.for_service("inspection", [COUNTY_A])
        return self._run(service, lambda ctx: handle_event(payload, str(uuid.uuid4()), ctx))

    def run(self, command: object, *roles: str, inspector: int | None = None) -> Any:
        """`command` by a person of the county with `roles`; `inspector`: the team member their account is linked to."""
        linked = str(member(inspector).inspector_id) if inspector is not None else None
        link = {"inspector_id": linked, "credential_no": member(inspector).credential_no} if linked else {}
        account = f"{roles[0]}-{inspector}@{COUNTY_A}"
        person = Principal(account, "某人", COUNTY_A, frozenset(Role(r) for r in roles), **link)  # type: ignore[arg-type]
        return self._run(person, lambda ctx: handle(command, ctx))

    def submit(self, visit_id: str, inspector: int, **overrides: Any) -> Any:
        """The visit's record form, all items without problem, submitted by the linked inspector."""
        visit = self.repo.visits[visit_id]
        present = [str(member(1).inspector_id), str(member(2).inspector_id)]
        body = FormBody.model_validate(form({"tasks": visit.tasks}, present, **overrides))
        return self.run(SubmitResult(visit_id, body.to_form()), "inspector", inspector=inspector)

    def types(self) -> list[str]:
        return [e.type for e in self.published]


def approved(s: Inspection, n: int = 1, **overrides: Any) -> tuple[str, str]:
    """(visit id, result id) of a visit of entity `n` whose result (with `overrides`) is approved."""
    visit_id = s.receive(assignment(n, [WAGES], [member(1), member(2)]))
    result_id = s.submit(visit_id, inspector=1, **overrides)["result_id"]
    s.run(DecideResult(result_id, 1, True, ""), "approver")
    return visit_id, result_id


@pytest.fixture
def s() -> Inspection:
    return Inspection()


def refused(code: str, work: Any) -> PlatformError:
    with pytest.raises(PlatformError) as caught:
        work()
    assert caught.value.code == code
    return caught.value


def test_every_command_and_event_has_a_handler() -> None:
    assert len(COMMAND_HANDLERS) == 11 and len(EVENT_HANDLERS) == 4


def test_a_dispatch_opens_a_visit_with_its_team_and_announces_it(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    [visit] = s.repo.visits.values()
    assert visit.visit_id == visit_id and visit.uscc == uscc(1) and visit.seq == 1 and visit.announced
    assert visit.inspector_ids == [str(member(1).inspector_id), str(member(2).inspector_id)]
    assert visit.due == date(2026, 6, 30)
    assert s.types() == ["inspection.visit_opened", "inspection.visit_status_changed"]
    assert s.repo.current_status(visit_id) == "opened"
    assert [(a.action, a.object_id) for a in s.audited] == [("inspection.visit_open", visit_id)]


def test_a_second_dispatch_of_the_entity_merges_into_its_open_visit(s: Inspection) -> None:
    first = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    second = s.receive(assignment(1, [INSURANCE], [member(2), member(3)], draw="d2"))
    assert second == first and len(s.repo.visits) == 1
    visit = s.repo.visits[first]
    assert [t["title"] for t in visit.tasks] == ["劳动用工专项", "社保稽核专项"]
    assert len(visit.team) == 3
    assert s.types()[-1] == "inspection.visit_extended"
    assert s.audited[-1].action == "inspection.visit_merge"


def test_a_redelivered_dispatch_changes_nothing(s: Inspection) -> None:
    dispatch = assignment(1, [WAGES], [member(1), member(2)])
    first = s.receive(dispatch)
    published, audited = len(s.published), len(s.audited)
    assert s.receive(dispatch) == first
    assert (len(s.published), len(s.audited), len(s.repo.visits)) == (published, audited, 1)


def test_a_visit_with_one_unannounced_task_is_unannounced_and_takes_no_notice(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES, SECRET], [member(1), member(2)]))
    assert not s.repo.visits[visit_id].announced
    s.run(PutNodeSettings(COUNTY_A, **SETTINGS), "county_admin")
    notice = IssueNotice(visit_id, date(2026, 5, 1), date(2026, 5, 8), ["工资表"], "张三")
    refused("notice.unannounced", lambda: s.run(notice, "planner"))
    assert s.repo.notices == []


def test_a_team_change_that_arrives_before_its_dispatch_is_applied_when_it_arrives(s: Inspection) -> None:
    dispatch = assignment(1, [WAGES], [member(1), member(2)])
    change = TeamChanged(
        assignment_id=dispatch.assignment_id,
        draw_id=dispatch.draw_id,
        uscc=dispatch.uscc,
        target_node=COUNTY_A,
        replaced=member(2),
        by=member(5),
        team=[member(1), member(5)],
        reason="回避",
        approver="approver@330102",
        changed_at=NOW,
    )
    s.receive(change)
    assert s.repo.visits == {} and s.audited[-1].action == "inspection.team_change"
    visit_id = s.receive(dispatch)
    assert s.repo.visits[visit_id].inspector_ids == [str(member(1).inspector_id), str(member(5).inspector_id)]


def test_a_notice_names_the_node_issuing_body_and_takes_its_next_number(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    notice = IssueNotice(visit_id, date(2026, 5, 1), date(2026, 5, 8), ["工资表"], "张三")
    refused("settings.missing", lambda: s.run(notice, "planner"))
    s.run(PutNodeSettings(COUNTY_A, **SETTINGS), "county_admin")
    first = s.run(notice, "planner")
    second = s.run(notice, "planner")
    assert first["issuing_body"] == SETTINGS["issuing_body"]
    assert (first["number"], second["number"]) == ("上城人社监〔2026〕第1号", "上城人社监〔2026〕第2号")
    assert len(s.repo.notices) == 2 and s.repo.notices[0].pdf.startswith(b"%PDF")
    assert s.repo.current_status(visit_id) == "started"
    assert [st.status for st in s.repo.steps].count("started") == 1
    assert "inspection.notice_issued" in s.types()


def test_a_notice_outside_the_task_window_is_refused_naming_its_fields(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    s.run(PutNodeSettings(COUNTY_A, **SETTINGS), "county_admin")
    late = IssueNotice(visit_id, date(2026, 3, 1), date(2026, 7, 8), [], "张三")
    error: Any = refused("record.invalid", lambda: s.run(late, "planner"))
    assert [e.code for e in error.errors] == ["notice.before_task", "notice.after_due"]


def test_closing_a_visit_needs_a_reason_and_happens_once(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    refused("visit.reason_missing", lambda: s.run(CloseVisit(visit_id, "  "), "planner"))
    assert s.run(CloseVisit(visit_id, "企业已注销"), "planner")["status"] == "closed"
    assert s.repo.closure(visit_id) is not None and s.repo.closure(visit_id).reason == "企业已注销"  # type: ignore[union-attr]
    again = refused("visit.closed", lambda: s.run(CloseVisit(visit_id, "再次关闭"), "planner"))
    assert again.message == "本次检查已关闭（企业已注销），不能再进行该操作"
    assert s.audited[-1].action == "inspection.visit_close" and s.audited[-1].reason == "企业已注销"


def test_a_result_is_submitted_returned_with_an_opinion_resubmitted_and_approved(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    first = s.submit(visit_id, inspector=1)
    result_id = first["result_id"]
    assert (first["version"], first["status"]) == (1, "submitted")
    refused("result.under_review", lambda: s.submit(visit_id, inspector=2))
    refused(
        "result.own_review",
        lambda: s.run(DecideResult(result_id, 1, False, "补充"), "approver", "inspector", inspector=2),
    )
    refused("review.opinion_missing", lambda: s.run(DecideResult(result_id, 1, False, " "), "approver"))
    returned = s.run(DecideResult(result_id, 1, False, "请补充工资表检查情况"), "approver")
    assert returned["status"] == "returned" and returned["record_sha256"] is None
    assert s.submit(visit_id, inspector=2)["version"] == 2
    refused("result.stale_version", lambda: s.run(DecideResult(result_id, 1, True, ""), "approver"))
    approved = s.run(DecideResult(result_id, 2, True, ""), "approver")
    assert approved["status"] == "approved" and len(approved["record_sha256"]) == 64
    assert s.repo.reviews[(result_id, 2)].record_pdf.startswith(b"%PDF")  # type: ignore[union-attr]
    assert "inspection.result_approved" in s.types()
    assert [st.status for st in s.repo.steps if st.visit_id == visit_id] == [
        "opened", "started", "submitted", "returned", "submitted", "approved",
    ]  # fmt: skip
    assert [a.action for a in s.audited][-1] == "inspection.approve"
    refused("result.approved", lambda: s.submit(visit_id, inspector=1))
    refused("visit.approved", lambda: s.run(CloseVisit(visit_id, "企业已注销"), "planner"))


def test_only_the_visit_team_submits_its_result(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    refused("access.not_assigned", lambda: s.submit(visit_id, inspector=7))
    assert s.repo.results == {} and s.repo.versions == {}


def test_a_dispatch_after_a_result_opens_the_next_visit_of_the_key(s: Inspection) -> None:
    first = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    s.submit(first, inspector=1)
    second = s.receive(assignment(1, [INSURANCE], [member(1), member(2)], draw="d2"))
    assert second != first and s.repo.visits[second].seq == 2


def test_only_planners_and_administrators_close_a_known_visit(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    refused("access.role_required", lambda: s.run(CloseVisit(visit_id, "企业已注销"), "approver"))
    refused("visit.not_found", lambda: s.run(CloseVisit(str(uuid.uuid4()), "企业已注销"), "planner"))


def test_a_dispatch_after_a_closed_visit_opens_the_next_visit_of_the_key(s: Inspection) -> None:
    first = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    s.run(CloseVisit(first, "企业已注销"), "planner")
    second = s.receive(assignment(1, [INSURANCE], [member(1), member(2)], draw="d2"))
    assert second != first and s.repo.visits[second].seq == 2


def test_a_voided_draw_closes_its_own_visits_and_keeps_what_another_draw_holds(s: Inspection) -> None:
    alone = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    shared = s.receive(assignment(2, [WAGES], [member(1), member(2)]))
    s.receive(assignment(2, [INSURANCE], [member(3), member(4)], draw="d2"))
    closed = s.receive(draw_voided("d1", [WAGES]))
    assert closed == [alone]
    assert s.repo.closure(alone) is not None and s.repo.closure(shared) is None
    kept = s.repo.visits[shared]
    assert [t["title"] for t in kept.tasks] == ["社保稽核专项"]
    assert kept.inspector_ids == [str(member(3).inspector_id), str(member(4).inspector_id)]
    assert sorted(s.types()[-2:]) == ["inspection.visit_extended", "inspection.visit_status_changed"]
    assert s.receive(draw_voided("d1", [WAGES])) == []  # a redelivered void withdraws nothing again


def test_a_correction_is_rechecked_before_it_is_closed_and_counts_in_the_rates(s: Inspection) -> None:
    _, clean = approved(s, 1)
    problem_items = [{**i, "category": "corrected"} for i in form({"tasks": WAGES_TASKS}, [])["items"]]
    _, problem = approved(s, 2, overall="corrected", items=problem_items)
    order = OpenFollowUp(problem, Kind.CORRECTION, date(2026, 5, 10), None, None, "责令限期改正")
    error: Any = refused("follow_up.due_missing", lambda: s.run(order, "approver"))
    assert [e.field for e in error.errors] == ["due"]
    opened = s.run(
        OpenFollowUp(problem, Kind.CORRECTION, date(2026, 5, 10), date(2026, 6, 10), None, "限期改正"), "approver"
    )
    follow_up_id = opened["follow_up_id"]
    close = AddFollowUpStep(follow_up_id, "closed", date(2026, 6, 11), None, "已整改")
    refused("follow_up.recheck_required", lambda: s.run(close, "approver"))
    refused(
        "follow_up.passed_missing",
        lambda: s.run(AddFollowUpStep(follow_up_id, "recheck", date(2026, 6, 11), None, ""), "approver"),
    )
    assert s.run(AddFollowUpStep(follow_up_id, "recheck", date(2026, 6, 11), True, "复查合格"), "approver")["seq"] == 1
    assert s.run(close, "approver")["seq"] == 2
    refused("follow_up.closed", lambda: s.run(close, "approver"))
    assert "inspection.follow_up_closed" in s.types()
    uow = FakeUnitOfWork(service="inspection", nodes=(COUNTY_A,))
    reader = Principal("admin@" + COUNTY_A, "管理员", COUNTY_A, frozenset({Role.COUNTY_ADMIN}))
    rate = follow_ups.follow_up_rate(Context(uow, s.components, reader, None), None)
    assert (rate["problems"], rate["followed_up"], rate["closed"]) == (1, 1, 1) and clean not in rate["not_followed_up"]


def test_a_follow_up_waits_for_the_approval(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    result_id = s.submit(visit_id, inspector=1)["result_id"]
    order = OpenFollowUp(result_id, Kind.TRANSFER, date(2026, 5, 10), None, "市场监管局", "")
    refused("follow_up.not_approved", lambda: s.run(order, "approver"))
    refused(
        "result.not_found",
        lambda: s.run(OpenFollowUp(str(uuid.uuid4()), Kind.TRANSFER, date(2026, 5, 10), None, "x", ""), "approver"),
    )


def test_an_approved_result_is_published_once_with_the_receipt_of_what_was_shown(s: Inspection) -> None:
    s.run(PutNodeSettings(COUNTY_A, **SETTINGS), "county_admin")
    _, result_id = approved(s)
    refused("publication.reason_with_public", lambda: s.run(PublishResult(result_id, True, "涉密"), "planner"))
    record = s.run(PublishResult(result_id, True, None), "planner")
    assert record["public"] and record["content"]["issuing_body"] == SETTINGS["issuing_body"]
    assert record["content"]["items"] == [{"item": "工资支付", "result": "未发现问题"}]
    assert len(record["content_sha256"]) == 64
    refused("publication.exists", lambda: s.run(PublishResult(result_id, False, "依法不予公开"), "planner"))
    assert s.types()[-1] == "inspection.result_published" and s.audited[-1].action == "inspection.publish"


def test_a_result_marked_not_public_can_only_be_withheld_with_a_reason(s: Inspection) -> None:
    _, result_id = approved(s, public=False)
    refused("publication.not_public", lambda: s.run(PublishResult(result_id, True, None), "planner"))
    refused("publication.reason_missing", lambda: s.run(PublishResult(result_id, False, " "), "planner"))
    record = s.run(PublishResult(result_id, False, "涉及个人隐私"), "planner")
    assert record["content"] == {
        "result_id": result_id,
        "node": COUNTY_A,
        "withheld": True,
        "withheld_reason": "涉及个人隐私",
    }
    assert s.audited[-1].action == "inspection.withhold"


def test_a_field_batch_answers_each_entry_and_a_retry_never_duplicates(s: Inspection) -> None:
    visit_id = s.receive(assignment(1, [WAGES], [member(1), member(2)]))
    present = [str(member(1).inspector_id), str(member(2).inspector_id)]
    good = {"client_id": "phone-0001", "visit_id": visit_id, "form": form({"tasks": WAGES_TASKS}, present)}
    other = s.receive(assignment(2, [WAGES], [member(1), member(2)]))
    bad = {"client_id": "phone-0002", "visit_id": other, "form": form({"tasks": WAGES_TASKS}, present[:1])}
    batch = SubmitFieldBatch([good, bad], parse_entry)
    first = s.run(batch, "inspector", inspector=1)["answers"]
    assert [a["status"] for a in first] == ["accepted", "refused"]
    assert [e["field"] for e in first[1]["errors"]] == ["present"]
    assert list(s.repo.field_submissions) == ["phone-0001"] and len(s.repo.versions) == 1
    assert [(a.action, str(a.outcome)) for a in s.audited[-2:]] == [
        ("inspection.submit", "ok"),
        ("inspection.field_entry", "refused"),
    ]
    again = s.run(SubmitFieldBatch([good], parse_entry), "inspector", inspector=1)["answers"]
    assert again == first[:1] and len(s.repo.versions) == 1
    changed = {**good, "form": {**good["form"], "remarks": "改过"}}
    [reused] = s.run(SubmitFieldBatch([changed], parse_entry), "inspector", inspector=1)["answers"]
    assert (reused["status"], reused["code"]) == ("refused", "field.client_id_reused")


def test_deadlines_are_run_for_today_or_a_past_day_never_ahead_of_time() -> None:
    from inspection.service_layer.commands import RunDeadlines

    s = Inspection()
    s.components.clock = lambda: datetime(2026, 5, 10, 17, 0, tzinfo=UTC)  # 2026-05-11 01:00 in Beijing
    with pytest.raises(PlatformError) as ahead:
        s.run(RunDeadlines(date(2026, 5, 12)), "county_admin")
    assert ahead.value.code == "deadlines.future_date" and "2026-05-11" in ahead.value.message
    assert s.published == [] and s.audited == []
    assert s.run(RunDeadlines(date(2026, 5, 11)), "county_admin")["newly_overdue"] == 0  # today in CST
    assert s.run(RunDeadlines(None), "county_admin")["on"] == "2026-05-11"


def test_the_daily_timer_runs_the_deadlines_for_its_day_as_the_service() -> None:
    from inspection.entrypoints.service import InspectionService

    s = Inspection()
    s.components.clock = lambda: datetime(2026, 5, 10, 17, 0, tzinfo=UTC)  # 2026-05-11 01:00 in Beijing
    service = Principal.for_service("inspection", [COUNTY_A])
    answer = s._run(service, lambda ctx: InspectionService.daily_jobs(None, ctx, date(2026, 5, 8)))  # type: ignore[arg-type]
    assert answer["deadlines"]["on"] == "2026-05-08" and answer["deadlines"]["newly_overdue"] == 0
    timers = [e for e in getattr(InspectionService.run_daily_jobs, "nameko_entrypoints", ()) if hasattr(e, "interval")]
    assert timers and timers[0].interval == 60
