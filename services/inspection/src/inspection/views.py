"""The read side: visits in scope, the pre-check data, a result with its whole review history, the PDFs."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from hrss.auth import scope_prefixes
from hrss.contracts import InvalidNodeCode, Node
from hrss.web import check_id
from inspection.adapters.orm import notice, result, result_version, review, visit, visit_assignment
from inspection.domain import visits as rules
from inspection.domain.errors import (
    InvalidDate,
    InvalidNode,
    InvalidVersion,
    InvalidYear,
    NoticeNotFound,
    ResultNotFound,
    ResultVersionNotFound,
)
from inspection.domain.visits import Task
from inspection.service_layer import publication, results, steps, visits
from inspection.service_layer.context import Context


def check_node(value: str | None) -> str | None:
    """A node code from a query parameter, or 400 naming what is wrong with it."""
    if value is None:
        return None
    try:
        return Node(value).code
    except InvalidNodeCode as bad:
        raise InvalidNode(problem=str(bad)) from None


def check_year(value: str) -> int:
    """A year in a path (2000–2100), or 400 naming it."""
    if not (value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100):
        raise InvalidYear()
    return int(value)


def check_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(name=name) from None


def _visit(row: Any, ctx: Context) -> dict[str, Any]:
    tasks = [Task.from_dict(t) for t in row.tasks]
    start, end = rules.window(tasks)
    result_id, version, status = results.state(ctx, str(row.visit_id))
    closed = steps.closure(ctx, str(row.visit_id))
    return {
        "visit_id": str(row.visit_id),
        "node": row.node,
        "uscc": row.uscc,
        "entity_name": row.entity_name,
        "region_code": row.region_code,
        "period": row.period,
        "seq": row.seq,
        "tasks": row.tasks,
        "team": row.team,
        "due": row.due.isoformat(),
        "window": {"start": start.isoformat() if start else None, "end": end.isoformat()},
        "prior_notice": row.announced,
        "result": {"result_id": result_id, "version": version, "status": str(status) if status else None},
        "status": steps.current_status(ctx, str(row.visit_id)),
        "closed": None
        if closed is None
        else {"reason": closed.reason, "by": closed.actor, "at": closed.at.isoformat()},
        "opened_at": row.opened_at.isoformat(),
    }


def visit_detail(ctx: Context, visit_id: str) -> dict[str, Any]:
    row = visits.load(ctx, check_id(visit_id, "visit_id"))
    found = _visit(row, ctx)
    found["assignments"] = [
        str(a)
        for a in ctx.uow.session.execute(
            sa.select(visit_assignment.c.assignment_id).where(visit_assignment.c.visit_id == row.visit_id)
        ).scalars()
    ]
    found["notices"] = [
        {"notice_id": str(n.notice_id), "pdf_sha256": n.pdf_sha256, "issued_at": n.issued_at.isoformat()}
        for n in ctx.uow.session.execute(
            sa.select(notice.c.notice_id, notice.c.pdf_sha256, notice.c.issued_at)
            .where(notice.c.visit_id == row.visit_id)
            .order_by(notice.c.issued_at)
        )
    ]
    return found


def visit_list(ctx: Context, limit: int = 200, mine: bool = False) -> dict[str, Any]:
    """Visits of the caller's subtree; an inspector with no other role (or anyone asking for `mine`) sees only the
    visits whose team they are on, by the registry inspector their account is linked to."""
    query = sa.select(visit).where(sa.or_(*[visit.c.node.like(p + "%") for p in scope_prefixes(ctx.principal)]))
    if ctx.principal.sees_only_own_assignments or mine:
        query = query.where(visit.c.inspector_ids.contains([ctx.principal.inspector_id or ""]))
    rows = ctx.uow.session.execute(query.order_by(visit.c.due, visit.c.uscc).limit(limit)).all()
    return {"visits": [_visit(r, ctx) for r in rows]}


def pre_check(ctx: Context, visit_id: str) -> dict[str, Any]:
    """预查比对: the registry record each draw froze, and what it suggests for the visit."""
    row = visits.load(ctx, check_id(visit_id, "visit_id"))
    records = [
        {"assignment_id": str(a.assignment_id), "draw_id": str(a.draw_id), "registry_record": a.registry_record}
        for a in ctx.uow.session.execute(sa.select(visit_assignment).where(visit_assignment.c.visit_id == row.visit_id))
    ]
    notes = []
    record = row.registry_record or {}
    if record.get("status") and record["status"] != "active":
        notes.append(f"登记状态为 {record['status']}：核实是否已注销或停业")
    if record.get("last_inspected"):
        notes.append(f"上次检查日期 {record['last_inspected']}：注意避免重复检查")
    if record.get("credit_grade") in ("C", "D"):
        notes.append(f"信用等级 {record['credit_grade']}：重点关注")
    return {
        "visit_id": str(row.visit_id),
        "uscc": row.uscc,
        "entity_name": row.entity_name,
        "region_code": row.region_code,
        "registry_record": row.registry_record,
        "records": records,
        "notes": notes,
    }


def notice_pdf(ctx: Context, visit_id: str, notice_id: str) -> bytes:
    row = visits.load(ctx, check_id(visit_id, "visit_id"))
    pdf = ctx.uow.session.execute(
        sa.select(notice.c.pdf).where(
            notice.c.visit_id == row.visit_id, notice.c.notice_id == check_id(notice_id, "notice_id")
        )
    ).scalar()
    if pdf is None:
        raise NoticeNotFound()
    return bytes(pdf)


def _head(ctx: Context, result_id: str) -> tuple[Any, Any]:
    head = ctx.uow.session.execute(
        sa.select(result).where(result.c.result_id == check_id(result_id, "result_id"))
    ).first()
    if head is None:
        raise ResultNotFound()
    return head, visits.load(ctx, str(head.visit_id))


def result_detail(ctx: Context, result_id: str) -> dict[str, Any]:
    """Every version with its decision and opinion, in order: the whole review history."""
    head, row = _head(ctx, result_id)
    session = ctx.uow.session
    decisions = {r.version: r for r in session.execute(sa.select(review).where(review.c.result_id == head.result_id))}
    versions = []
    for v in session.execute(
        sa.select(result_version).where(result_version.c.result_id == head.result_id).order_by(result_version.c.version)
    ):
        d = decisions.get(v.version)
        versions.append(
            {
                "version": v.version,
                "form": v.form,
                "inspectors": v.inspectors,
                "submitted_by": v.submitted_by,
                "submitted_at": v.submitted_at.isoformat(),
                "client_id": v.client_id,
                "review": None
                if d is None
                else {
                    "decision": "approved" if d.approved else "returned",
                    "opinion": d.opinion,
                    "reviewer": d.reviewer,
                    "decided_at": d.decided_at.isoformat(),
                    "record_sha256": d.record_sha256,
                },
            }
        )
    _, _, status = results.state(ctx, str(row.visit_id))
    return {
        "result_id": str(head.result_id),
        "visit_id": str(row.visit_id),
        "status": str(status),
        "versions": versions,
        "publication": publication.record_of(ctx, str(head.result_id)),
    }


def record_pdf(ctx: Context, result_id: str, version: str) -> bytes:
    """The filed record of an approved version, or the record of any other version printed now."""
    head, row = _head(ctx, result_id)
    try:
        number = int(version)
    except ValueError:
        raise InvalidVersion() from None
    session = ctx.uow.session
    filed = session.execute(
        sa.select(review.c.record_pdf).where(review.c.result_id == head.result_id, review.c.version == number)
    ).scalar()
    if filed is not None:
        return bytes(filed)
    v = session.execute(
        sa.select(result_version).where(
            result_version.c.result_id == head.result_id, result_version.c.version == number
        )
    ).first()
    if v is None:
        raise ResultVersionNotFound()
    return results.record_pdf(ctx, row, v)


def categories(ctx: Context) -> dict[str, Any]:
    c = ctx.components
    return {
        "categories": [{"code": x.code, "label": x.label, "problem": x.problem} for x in c.categories],
        "methods": [{"code": k, "label": v} for k, v in c.methods.items()],
    }
