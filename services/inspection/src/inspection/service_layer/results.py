"""Results: submitted by the visit's inspectors (谁检查、谁录入), returned with an opinion or approved; the record
printed and its hash filed; `inspection.result_approved` carries everything the archive needs."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action
from hrss.contracts.events.inspection import (
    Inspector,
    ItemResult,
    RecordForm,
    ResultApproved,
    ResultReturned,
    ResultSubmitted,
)
from hrss.workdays import china_date
from inspection.domain import review as flow
from inspection.domain import visits as rules
from inspection.domain.documents import UNSET, Issuer, sha256
from inspection.domain.errors import FieldError, InvalidRecord, OwnReview, ResultNotFound
from inspection.domain.model import ResultHead, ResultVersion, Review
from inspection.domain.records import Form, check_form, form_to_dict
from inspection.domain.visits import Member, Task
from inspection.service_layer import settings, steps, visits
from inspection.service_layer.context import INSPECTORS, REVIEWERS, Context


def state(ctx: Context, visit_id: str) -> tuple[str | None, int, flow.Status | None]:
    """(result id, latest version, status) of the visit's result; (None, 0, None) before the first submission."""
    found = ctx.repo.result_state(visit_id)
    if found is None:
        return None, 0, None
    decisions = [] if found.approved is None else [flow.Decision(found.latest, found.approved)]
    return found.result_id, found.latest, flow.status(found.latest, decisions)


def submit(ctx: Context, visit_id: str, form: Form, client_id: str | None = None) -> dict[str, Any]:
    """A new version of the visit's result, checked against its tasks, items and team."""
    row = visits.load(ctx, visit_id, Action.WRITE, INSPECTORS, lock=True)
    role = ctx.authorize(row.node, INSPECTORS, Action.WRITE, assignees=list(row.inspector_ids))
    team = [Member.from_dict(m) for m in row.team]
    if not ctx.principal.is_on_team([m.inspector_id for m in team]):
        raise InvalidRecord([FieldError("present", "result.not_in_team", "只有本次检查组成员可以录入检查结果")])
    steps.check_open(ctx, row)
    result_id, latest, current = state(ctx, visit_id)
    flow.check_can_submit(current)
    tasks = [Task.from_dict(t) for t in row.tasks]
    start, _ = rules.window(tasks)
    c = ctx.components
    now = c.clock()
    present = check_form(form, tasks, team, c.categories, c.methods, start, china_date(now))
    if result_id is None:
        result_id = str(uuid.uuid4())
        ctx.repo.add_result(ResultHead(result_id, visit_id, row.node, now))
    version = latest + 1
    ctx.repo.add_result_version(
        ResultVersion(
            result_id=result_id,
            version=version,
            form=form_to_dict(form),
            inspectors=[m.to_dict() for m in present],
            submitted_by=ctx.principal.account_id,
            submitted_at=now,
            client_id=client_id,
        )
    )
    ctx.uow.publish(
        ResultSubmitted(
            result_id=uuid.UUID(result_id),
            visit_id=uuid.UUID(visit_id),
            node=row.node,
            version=version,
            submitted_by=ctx.principal.account_id,
            submitted_at=now,
        ),
        subject=visit_id,
    )
    steps.mark_started(ctx, row)
    steps.record(ctx, row, "submitted")
    ctx.audit(
        role=role, action="inspection.submit", object_type="result", object_id=result_id, node=row.node, version=version
    )
    return {"result_id": result_id, "visit_id": visit_id, "version": version, "status": str(flow.Status.SUBMITTED)}


def load_result(ctx: Context, result_id: str) -> ResultHead:
    """The result, else 404 `result.not_found` (who may see it is the visit's to say)."""
    head = ctx.repo.result(result_id)
    if head is None:
        raise ResultNotFound()
    return head


def decide(ctx: Context, result_id: str, version: int, approve: bool, opinion: str) -> dict[str, Any]:
    """Return the latest version with an opinion, or approve it; either is kept for good."""
    head = load_result(ctx, result_id)
    row = visits.load(ctx, str(head.visit_id), Action.WRITE, REVIEWERS, lock=True)
    role = ctx.authorize(row.node, REVIEWERS, Action.WRITE)
    if ctx.principal.is_on_team(row.inspector_ids):
        raise OwnReview()
    steps.check_open(ctx, row)
    _, latest, current = state(ctx, str(row.visit_id))
    assert current is not None
    flow.check_can_decide(current, version, latest)
    if not approve and not opinion.strip():
        raise InvalidRecord([FieldError("opinion", "review.opinion_missing", "退回须写明审核意见")])
    now = ctx.components.clock()
    filed = ctx.repo.result_version(result_id, version)
    assert filed is not None  # the latest version, checked above
    pdf = record_pdf(ctx, row, filed, filing=True) if approve else None
    digest = sha256(pdf) if pdf is not None else None
    ctx.repo.add_review(
        Review(
            result_id=result_id,
            version=version,
            approved=approve,
            opinion=opinion,
            reviewer=ctx.principal.account_id,
            decided_at=now,
            record_pdf=pdf,
            record_sha256=digest,
        )
    )
    if approve:
        assert digest is not None
        ctx.uow.publish(
            approved_event(row, filed, result_id, digest, ctx.principal.account_id, now),
            subject=str(row.visit_id),
            target_node=row.node,
        )
        steps.record(ctx, row, "approved", inspected_on=date.fromisoformat(filed.form["inspected_on"]))
    else:
        ctx.uow.publish(
            ResultReturned(
                result_id=uuid.UUID(result_id),
                visit_id=uuid.UUID(str(row.visit_id)),
                node=row.node,
                version=version,
                opinion=opinion,
                reviewer=ctx.principal.account_id,
                returned_at=now,
            ),
            subject=str(row.visit_id),
        )
        steps.record(ctx, row, "returned")
    action = "inspection.approve" if approve else "inspection.return"
    ctx.audit(role=role, action=action, object_type="result", object_id=result_id, node=row.node, version=version)
    status = flow.Status.APPROVED if approve else flow.Status.RETURNED
    return {"result_id": result_id, "version": version, "status": str(status), "record_sha256": digest}


def approved_event(row: Any, filed: Any, result_id: str, digest: str, reviewer: str, now: Any) -> ResultApproved:
    tasks = [Task.from_dict(t) for t in row.tasks]
    items = {(t.task_id, i.item_id): (i, t) for t, i in rules.checklist(tasks)}
    form = filed.form
    return ResultApproved(
        result_id=uuid.UUID(result_id),
        visit_id=uuid.UUID(str(row.visit_id)),
        node=row.node,
        version=filed.version,
        uscc=row.uscc,
        entity_name=row.entity_name,
        region_code=row.region_code,
        task_ids=[uuid.UUID(t.task_id) for t in tasks],
        overall=form["overall"],
        items=[
            ItemResult(
                task_id=uuid.UUID(line["task_id"]),
                item_id=line["item_id"],
                item_version=items[(line["task_id"], line["item_id"])][0].item_version,
                item_name=items[(line["task_id"], line["item_id"])][0].name,
                category=line["category"],
                findings=line["findings"],
                methods=line["methods"],
            )
            for line in form["items"]
        ],
        record=RecordForm(
            inspected_on=form["inspected_on"],
            inspectors=[
                Inspector(inspector_id=uuid.UUID(m["inspector_id"]), credential_no=m["credential_no"], name=m["name"])
                for m in filed.inspectors
            ],
            entity_signed=form["entity_signed"],
            refusal_note=form["refusal_note"],
            methods=form["methods"],
            record_sha256=digest,
        ),
        public=form["public"],
        reviewer=reviewer,
        approved_at=now,
    )


def record_pdf(ctx: Context, row: Any, filed: Any, filing: bool = False) -> bytes:
    """The printed inspection record (检查记录表) of one result version. When `filing` (at approval) it gets the
    node's next document number and today's date; otherwise it prints the number it was filed under, if any."""
    c = ctx.components
    key = f"{filed.result_id}:{filed.version}"
    issuing = settings.current(ctx, row.node)
    if filing and issuing is not None:
        today = china_date(c.clock())
        issuer = Issuer(issuing.issuing_body, settings.number(ctx, issuing, "record", key, today), today)
    elif (numbered := settings.number_of(ctx, "record", key)) is not None:
        issuer = Issuer(numbered.issuing_body, numbered.number, numbered.issued_on)
    else:  # no settings yet: the record is still filed (approval is never refused for it), marked as such
        issuer = Issuer(issuing.issuing_body if issuing is not None else UNSET, None, None)

    def label(code: str) -> str:
        category = c.category(code)
        return category.label if category else code

    return c.printer.record_pdf(issuer, row, filed.version, filed.form, filed.inspectors, label, c.methods)
