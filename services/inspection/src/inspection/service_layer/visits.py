"""Assignments from the draw become visits (one per entity and period); team changes; the prior notice."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action
from hrss.contracts.events.draw import AssignmentDispatched, TaskPart, TeamChanged
from hrss.contracts.events.inspection import Inspector, NoticeIssued, VisitExtended, VisitOpened
from hrss.workdays import china_date
from inspection.domain import visits as rules
from inspection.domain.documents import Issuer, sha256
from inspection.domain.errors import FieldError, InvalidRecord, NoticeUnannounced, VisitNotFound
from inspection.domain.model import Notice, ReceivedAssignment, TeamChange, Visit
from inspection.domain.visits import Item, Member, Task
from inspection.service_layer import settings, steps
from inspection.service_layer.context import PLANNERS, Context


def task_from(part: TaskPart) -> Task:
    """A dispatched task as the visit keeps it; items without details keep their id as name."""
    details = {d.item_id: d for d in part.item_details}
    items = tuple(
        Item(d.item_id, d.item_version, d.name, tuple(d.methods), d.content, d.legal_basis)
        if (d := details.get(i))
        else Item(i, 1, i)
        for i in part.items
    )
    return Task(str(part.task_id), part.number, part.title, part.end, part.prior_notice, part.start, items)


def _members(raw: list[Any]) -> list[Member]:
    return [Member(str(m.inspector_id), m.credential_no, m.name) for m in raw]


def inspectors_of(team: list[Member]) -> list[Inspector]:
    """The team as the events name its inspectors."""
    return [Inspector(inspector_id=uuid.UUID(m.inspector_id), credential_no=m.credential_no, name=m.name) for m in team]


def receive_assignment(ctx: Context, event: AssignmentDispatched, event_id: str) -> str:
    """Merge the assignment into the open visit of its key, or open one; returns the visit id. Idempotent."""
    repo = ctx.repo
    assignment_id = str(event.assignment_id)
    known = repo.visit_of_assignment(assignment_id)
    if known is not None:
        return known
    node = event.target_node
    tasks = [task_from(t) for t in event.tasks]
    period = rules.period_of(tasks)
    team = _members(event.team)
    changed = repo.latest_team_change(assignment_id)
    if changed is not None:  # a team change that arrived before its dispatch
        team = [Member.from_dict(m) for m in changed]
    repo.lock_visit_key(node, event.uscc, period)
    # the row lock waits for a result being submitted to it, so a visit never takes tasks after its result
    latest = repo.latest_visit(node, event.uscc, period)
    has_result = latest is not None and repo.has_result(latest.visit_id)
    now = ctx.components.clock()
    record = event.registry_record.model_dump(mode="json") if event.registry_record else None
    # a closed visit (with a reason, or withdrawn by a voided draw) takes no more tasks either
    merging = latest is not None and not has_result and steps.closure(ctx, latest.visit_id) is None
    if latest is not None and merging:
        visit_id = latest.visit_id
        merged = rules.merge_tasks([Task.from_dict(t) for t in latest.tasks], tasks)
        teams = [[Member.from_dict(m) for m in t] for t in repo.current_teams(visit_id)]
        union = rules.union_team([[Member.from_dict(m) for m in latest.team], *teams, team])
        update_visit(ctx, visit_id, merged, union)
        assignments = [*repo.assignment_ids(visit_id), assignment_id]
        ctx.uow.publish(
            VisitExtended(
                visit_id=uuid.UUID(visit_id),
                node=node,
                uscc=event.uscc,
                task_ids=[uuid.UUID(t.task_id) for t in merged],
                assignment_ids=[uuid.UUID(a) for a in assignments],
                inspectors=inspectors_of(union),
                due=rules.due(merged),
                extended_at=now,
            ),
            subject=visit_id,
        )
    else:
        opened = Visit(
            visit_id=str(uuid.uuid4()),
            node=node,
            uscc=event.uscc,
            period=period,
            seq=(latest.seq + 1) if latest is not None else 1,
            entity_id=str(event.entity_id),
            entity_name=event.name,
            region_code=event.region_code,
            registry_record=record,
            tasks=[t.to_dict() for t in tasks],
            team=[m.to_dict() for m in team],
            inspector_ids=[m.inspector_id for m in team],
            due=rules.due(tasks),
            announced=rules.announced(tasks),
            opened_at=now,
        )
        visit_id = opened.visit_id
        repo.add_visit(opened)
        ctx.uow.publish(
            VisitOpened(
                visit_id=uuid.UUID(visit_id),
                node=node,
                uscc=event.uscc,
                entity_name=event.name,
                task_ids=[uuid.UUID(t.task_id) for t in tasks],
                assignment_ids=[event.assignment_id],
                inspectors=inspectors_of(team),
                due=rules.due(tasks),
                opened_at=now,
            ),
            subject=visit_id,
        )
        steps.record(ctx, opened, "opened", event_id=event_id)
    repo.add_assignment(
        ReceivedAssignment(
            assignment_id=assignment_id,
            visit_id=visit_id,
            draw_id=str(event.draw_id),
            event_id=event_id,
            tasks=[t.to_dict() for t in tasks],
            team=[m.model_dump(mode="json") for m in event.team],
            registry_record=record,
            dispatched_at=event.dispatched_at,
            received_at=now,
        ),
        [m.to_dict() for m in team],
    )
    ctx.audit(
        role="service",
        action="inspection.visit_merge" if merging else "inspection.visit_open",
        object_type="visit",
        object_id=visit_id,
        node=node,
        detail={"assignment_id": assignment_id, "draw_id": str(event.draw_id)},
        event_id=event_id,
    )
    return visit_id


def update_visit(ctx: Context, visit_id: str, tasks: list[Task], team: list[Member]) -> None:
    """The visit's tasks and team after a merge, a team change or a withdrawal, with what follows from them."""
    ctx.repo.update_visit(
        visit_id, [t.to_dict() for t in tasks], [m.to_dict() for m in team], rules.due(tasks), rules.announced(tasks)
    )


def change_team(ctx: Context, event: TeamChanged, event_id: str) -> None:
    """Record the change; if the assignment is known, its team and the visit's union team follow it."""
    repo = ctx.repo
    assignment_id = str(event.assignment_id)
    repo.add_team_change(
        TeamChange(
            assignment_id=assignment_id,
            event_id=event_id,
            replaced=event.replaced.model_dump(mode="json"),
            by=event.by.model_dump(mode="json"),
            team=[m.model_dump(mode="json") for m in event.team],
            reason=event.reason,
            approver=event.approver,
            changed_at=event.changed_at,
        )
    )
    visit_id = repo.visit_of_team(assignment_id)
    ctx.audit(
        role="service",
        action="inspection.team_change",
        object_type="assignment",
        object_id=assignment_id,
        node=event.target_node,
        reason=event.reason,
        detail={"replaced": event.replaced.credential_no, "by": event.by.credential_no, "approver": event.approver},
        event_id=event_id,
    )
    if visit_id is None:
        return  # the dispatch has not arrived; it will pick this team up
    team = _members(event.team)
    repo.set_team(assignment_id, [m.to_dict() for m in team])
    teams = [[Member.from_dict(m) for m in t] for t in repo.current_teams(visit_id)]
    current = repo.visit(visit_id, lock=True)
    assert current is not None
    union = rules.union_team(teams)
    tasks = [Task.from_dict(t) for t in current.tasks]
    update_visit(ctx, visit_id, tasks, union)
    ctx.uow.publish(
        VisitExtended(
            visit_id=uuid.UUID(visit_id),
            node=current.node,
            uscc=current.uscc,
            task_ids=[uuid.UUID(t.task_id) for t in tasks],
            assignment_ids=[uuid.UUID(a) for a in repo.assignment_ids(visit_id)],
            inspectors=inspectors_of(union),
            due=current.due,
            extended_at=ctx.components.clock(),
        ),
        subject=visit_id,
    )


def load(ctx: Context, visit_id: str, action: Action = Action.READ, roles: Any = None, lock: bool = False) -> Visit:
    """The visit, if the caller may see it (an inspector only their own); 404 for an unknown id.

    `lock`: hold the visit's row until commit, so that its result versions are numbered one at a time and an
    assignment merging into it waits."""
    row = ctx.repo.visit(visit_id, lock=lock)
    if row is None:
        raise VisitNotFound()
    ctx.authorize(row.node, roles, action, assignees=list(row.inspector_ids))
    return row


def issue_notice(
    ctx: Context, visit_id: str, window_start: date, window_end: date, materials: list[str], contact: str
) -> dict[str, Any]:
    """The prior notice (事先告知书): printed, kept, and announced to the notification service."""
    row = load(ctx, visit_id, Action.WRITE, PLANNERS, lock=True)
    role = ctx.authorize(row.node, PLANNERS, Action.WRITE, assignees=list(row.inspector_ids))
    steps.check_open(ctx, row)
    if not row.announced:
        raise NoticeUnannounced()
    tasks = [Task.from_dict(t) for t in row.tasks]
    start, end = rules.window(tasks)
    errors = []
    if window_end < window_start:
        errors.append(FieldError("window_end", "notice.window_reversed", "检查时间段的结束日期早于开始日期"))
    if start is not None and window_start < start:
        errors.append(FieldError("window_start", "notice.before_task", "检查时间早于抽查任务的开始日期"))
    if window_end > end:
        errors.append(FieldError("window_end", "notice.after_due", "检查时间晚于抽查任务的截止日期"))
    if errors:
        raise InvalidRecord(errors)
    team = [Member.from_dict(m) for m in row.team]
    issuing = settings.required(ctx, row.node)
    notice_id = str(uuid.uuid4())
    now = ctx.components.clock()
    today = china_date(now)
    issuer = Issuer(
        issuing.issuing_body, settings.number(ctx, issuing, "notice", notice_id, today), today, issuing.contact_phone
    )
    pdf = ctx.components.printer.notice_pdf(
        issuer,
        row.entity_name,
        row.uscc,
        tasks,
        team,
        (window_start, window_end),
        materials,
        contact,
        ctx.components.methods,
    )
    digest = sha256(pdf)
    ctx.repo.add_notice(
        Notice(
            notice_id=notice_id,
            visit_id=visit_id,
            window_start=window_start,
            window_end=window_end,
            materials=materials,
            contact=contact,
            pdf=pdf,
            pdf_sha256=digest,
            issued_by=ctx.principal.account_id,
            issued_at=now,
        )
    )
    ctx.uow.publish(
        NoticeIssued(
            notice_id=uuid.UUID(notice_id),
            visit_id=uuid.UUID(visit_id),
            node=row.node,
            uscc=row.uscc,
            entity_name=row.entity_name,
            window_start=window_start,
            window_end=window_end,
            items=[i.name for _, i in rules.checklist(tasks)],
            materials=materials,
            inspectors=inspectors_of(team),
            pdf_sha256=digest,
            issued_at=now,
        ),
        subject=visit_id,
    )
    steps.mark_started(ctx, row)
    ctx.audit(role=role, action="inspection.notice", object_type="visit", object_id=visit_id, node=row.node)
    return {
        "notice_id": notice_id,
        "visit_id": visit_id,
        "number": issuer.number,
        "issuing_body": issuer.body,
        "issued_on": today.isoformat(),
        "pdf_sha256": digest,
        "issued_at": now.isoformat(),
    }
