"""Follow-ups of approved results with problems: opened, re-checked, closed; and the follow-up rate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action, scope_prefixes
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened
from inspection.domain import follow_ups as rules
from inspection.domain.errors import FieldError, FollowUpNotApproved, FollowUpNotFound, InvalidRecord, ResultNotFound
from inspection.domain.model import FollowUp, FollowUpStep
from inspection.service_layer import visits
from inspection.service_layer.context import FOLLOW_UP_ROLES, Context, node_prefix


def open_follow_up(
    ctx: Context, result_id: str, kind: rules.Kind, ordered_on: date, due: date | None, target: str | None, note: str
) -> dict[str, Any]:
    """A correction, a case, a transfer or a judicial referral of an approved result (the visit's node)."""
    head = ctx.repo.result(result_id)
    if head is None:
        raise ResultNotFound()
    if ctx.repo.approved_version(result_id) is None:
        visits.load(ctx, head.visit_id)
        raise FollowUpNotApproved()
    row = visits.load(ctx, head.visit_id, Action.WRITE, FOLLOW_UP_ROLES)
    role = ctx.authorize(row.node, FOLLOW_UP_ROLES, Action.WRITE, assignees=list(row.inspector_ids))
    rules.check_opening(kind, due, target, ordered_on)
    follow_up_id = str(uuid.uuid4())
    now = ctx.components.clock()
    ctx.repo.add_follow_up(
        FollowUp(
            follow_up_id=follow_up_id,
            result_id=result_id,
            visit_id=row.visit_id,
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
    """A re-check (passed or not) or the closing of a follow-up, in the order the rules allow."""
    head = ctx.repo.follow_up(follow_up_id)
    if head is None:
        raise FollowUpNotFound()
    row = visits.load(ctx, head.visit_id, Action.WRITE, FOLLOW_UP_ROLES)
    role = ctx.authorize(row.node, FOLLOW_UP_ROLES, Action.WRITE, assignees=list(row.inspector_ids))
    ctx.repo.lock_follow_up(follow_up_id)
    steps = [rules.Step(s.kind, s.on, s.passed) for s in ctx.repo.follow_up_steps(follow_up_id)]
    rules.check_step(rules.Kind(head.kind), steps, rules.Step(kind, on, passed))
    if kind == "recheck" and passed is None:
        raise InvalidRecord([FieldError("passed", "follow_up.passed_missing", "复查须写明是否合格")])
    now = ctx.components.clock()
    seq = len(steps) + 1
    ctx.repo.add_follow_up_step(FollowUpStep(follow_up_id, seq, kind, on, passed, note, ctx.principal.account_id, now))
    if kind == "closed":
        ctx.uow.publish(
            FollowUpClosed(
                follow_up_id=uuid.UUID(follow_up_id),
                result_id=uuid.UUID(head.result_id),
                node=head.node,
                outcome=note,
                closed_on=on,
                closed_at=now,
            ),
            subject=head.visit_id,
        )
    ctx.audit(
        role=role,
        action=f"inspection.follow_up_{kind}",
        object_type="follow_up",
        object_id=follow_up_id,
        node=head.node,
    )
    return {"follow_up_id": follow_up_id, "seq": seq, "kind": kind}


def follow_up_rate(ctx: Context, node: str | None) -> dict[str, Any]:
    """Approved results with a problem category, how many have a follow-up and how many are closed."""
    prefixes = scope_prefixes(ctx.principal)
    if node is not None:
        ctx.authorize(node, None, Action.READ)
        prefixes = (node_prefix(node),)
    problems = [
        result_id
        for result_id, form in ctx.repo.approved_forms(prefixes)
        if ctx.components.is_problem([form["overall"], *[i["category"] for i in form["items"]]])
    ]
    closed_by_result = ctx.repo.follow_ups_closed(problems)
    followed = set(closed_by_result)
    closed = {r for r, done in closed_by_result.items() if done}
    return {
        "problems": len(problems),
        "followed_up": len(followed),
        "closed": len(closed),
        "follow_up_rate": rules.rate(len(problems), len(followed)),
        "closure_rate": rules.rate(len(problems), len(closed)),
        "not_followed_up": sorted(set(problems) - followed),
    }
