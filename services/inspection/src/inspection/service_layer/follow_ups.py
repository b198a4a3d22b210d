"""Follow-ups of approved results with problems: opened, re-checked, closed; and the follow-up rate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from hrss.auth import Action, scope_prefixes
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened
from inspection.adapters.orm import follow_up, follow_up_step, result, result_version, review, visit
from inspection.domain import follow_ups as rules
from inspection.domain.errors import FieldError, FollowUpNotApproved, FollowUpNotFound, InvalidRecord, ResultNotFound
from inspection.service_layer import visits
from inspection.service_layer.context import FOLLOW_UP_ROLES, Context, node_prefix


def _approved_version(ctx: Context, result_id: str) -> Any:
    return ctx.uow.session.execute(
        sa.select(result_version.c.form, result.c.visit_id)
        .select_from(
            result.join(result_version, result_version.c.result_id == result.c.result_id).join(
                review,
                sa.and_(review.c.result_id == result_version.c.result_id, review.c.version == result_version.c.version),
            )
        )
        .where(result.c.result_id == result_id, review.c.approved.is_(True))
    ).first()


def open_follow_up(
    ctx: Context, result_id: str, kind: rules.Kind, ordered_on: date, due: date | None, target: str | None, note: str
) -> dict[str, Any]:
    approved = _approved_version(ctx, result_id)
    if approved is None:
        exists = ctx.uow.session.execute(sa.select(result.c.visit_id).where(result.c.result_id == result_id)).scalar()
        if exists is None:
            raise ResultNotFound()
        visits.load(ctx, str(exists))
        raise FollowUpNotApproved()
    row = visits.load(ctx, str(approved.visit_id), Action.WRITE, FOLLOW_UP_ROLES)
    role = ctx.authorize(row.node, FOLLOW_UP_ROLES, Action.WRITE, assignees=list(row.inspector_ids))
    rules.check_opening(kind, due, target, ordered_on)
    follow_up_id = str(uuid.uuid4())
    now = ctx.components.clock()
    ctx.uow.session.execute(
        sa.insert(follow_up).values(
            follow_up_id=follow_up_id,
            result_id=result_id,
            visit_id=str(row.visit_id),
            node=row.node,
            uscc=row.uscc,
            kind=str(kind),
            ordered_on=ordered_on,
            due=due,
            target=target,
            note=note,
            opened_by=ctx.principal.account_id,
            opened_at=now,
        )
    )
    ctx.uow.publish(
        FollowUpOpened(
            follow_up_id=uuid.UUID(follow_up_id),
            result_id=uuid.UUID(result_id),
            node=row.node,
            uscc=row.uscc,
            kind=str(kind),  # type: ignore[arg-type]
            due=due,
            target=target,
            opened_at=now,
        ),
        subject=str(row.visit_id),
    )
    ctx.audit(role=role, action="inspection.follow_up", object_type="follow_up", object_id=follow_up_id, node=row.node)
    return {"follow_up_id": follow_up_id, "kind": str(kind), "due": due.isoformat() if due else None}


def add_step(ctx: Context, follow_up_id: str, kind: str, on: date, passed: bool | None, note: str) -> dict[str, Any]:
    session = ctx.uow.session
    head = session.execute(sa.select(follow_up).where(follow_up.c.follow_up_id == follow_up_id)).first()
    if head is None:
        raise FollowUpNotFound()
    row = visits.load(ctx, str(head.visit_id), Action.WRITE, FOLLOW_UP_ROLES)
    role = ctx.authorize(row.node, FOLLOW_UP_ROLES, Action.WRITE, assignees=list(row.inspector_ids))
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"follow_up:{follow_up_id}"))))
    steps = [
        rules.Step(s.kind, s.on, s.passed)
        for s in session.execute(
            sa.select(follow_up_step)
            .where(follow_up_step.c.follow_up_id == follow_up_id)
            .order_by(follow_up_step.c.seq)
        )
    ]
    rules.check_step(rules.Kind(head.kind), steps, rules.Step(kind, on, passed))
    if kind == "recheck" and passed is None:
        raise InvalidRecord([FieldError("passed", "follow_up.passed_missing", "复查须写明是否合格")])
    now = ctx.components.clock()
    session.execute(
        sa.insert(follow_up_step).values(
            follow_up_id=follow_up_id,
            seq=len(steps) + 1,
            kind=kind,
            on=on,
            passed=passed,
            note=note,
            by=ctx.principal.account_id,
            at=now,
        )
    )
    if kind == "closed":
        ctx.uow.publish(
            FollowUpClosed(
                follow_up_id=uuid.UUID(follow_up_id),
                result_id=uuid.UUID(str(head.result_id)),
                node=head.node,
                outcome=note,
                closed_on=on,
                closed_at=now,
            ),
            subject=str(head.visit_id),
        )
    ctx.audit(
        role=role,
        action=f"inspection.follow_up_{kind}",
        object_type="follow_up",
        object_id=follow_up_id,
        node=head.node,
    )
    return {"follow_up_id": follow_up_id, "seq": len(steps) + 1, "kind": kind}


def follow_up_rate(ctx: Context, node: str | None) -> dict[str, Any]:
    """Approved results with a problem category, how many have a follow-up and how many are closed."""
    prefixes = scope_prefixes(ctx.principal)
    if node is not None:
        ctx.authorize(node, None, Action.READ)
        prefixes = (node_prefix(node),)
    session = ctx.uow.session
    approved = (
        sa.select(result.c.result_id, result_version.c.form, visit.c.node)
        .select_from(
            result.join(visit, visit.c.visit_id == result.c.visit_id)
            .join(result_version, result_version.c.result_id == result.c.result_id)
            .join(
                review,
                sa.and_(review.c.result_id == result_version.c.result_id, review.c.version == result_version.c.version),
            )
        )
        .where(review.c.approved.is_(True), sa.or_(*[visit.c.node.like(p + "%") for p in prefixes]))
    )
    problems = [
        str(r.result_id)
        for r in session.execute(approved)
        if ctx.components.is_problem([r.form["overall"], *[i["category"] for i in r.form["items"]]])
    ]
    followed: set[str] = set()
    closed: set[str] = set()
    if problems:
        for r in session.execute(
            sa.select(follow_up.c.result_id, sa.func.bool_and(follow_up_step.c.kind.isnot(None)).label("any"))
            .select_from(
                follow_up.outerjoin(
                    follow_up_step,
                    sa.and_(
                        follow_up_step.c.follow_up_id == follow_up.c.follow_up_id, follow_up_step.c.kind == "closed"
                    ),
                )
            )
            .where(follow_up.c.result_id.in_(problems))
            .group_by(follow_up.c.result_id)
        ):
            followed.add(str(r.result_id))
            if r.any:
                closed.add(str(r.result_id))
    return {
        "problems": len(problems),
        "followed_up": len(followed),
        "closed": len(closed),
        "follow_up_rate": rules.rate(len(problems), len(followed)),
        "closure_rate": rules.rate(len(problems), len(closed)),
        "not_followed_up": sorted(set(problems) - followed),
    }
