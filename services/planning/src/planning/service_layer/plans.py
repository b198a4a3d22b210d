"""Use cases of annual plans (年度抽查计划): draft, file with the level above, review, publish, adjust.

Each step loads the plan's latest version under a row lock, applies the domain rule, records the result as a new
record row, publishes the step's event through the outbox and writes the audit entry, all in one transaction.
Drafts are internal: creating and editing one is audited but publishes no event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.events import planning as events
from planning.domain import plan_events
from planning.domain.documents import plan_state
from planning.domain.errors import PlanExists, PlanNotFound, invalid_node
from planning.domain.plans import (
    Coverage,
    Plan,
    PlannedItem,
    accept_plan,
    adjust_plan,
    coverage,
    file_plan,
    new_plan,
    publish_plan,
    record_omission,
    return_plan,
    set_items,
)
from planning.service_layer.checklist import checklist_entries
from planning.service_layer.context import Context
from planning.service_layer.settings import effective_settings

_CONTRACTS: dict[type[plan_events.PlanEvent], type[Any]] = {
    plan_events.PlanFiled: events.PlanFiled,
    plan_events.PlanAccepted: events.PlanAccepted,
    plan_events.PlanReturned: events.PlanReturned,
    plan_events.PlanPublished: events.PlanPublished,
    plan_events.PlanAdjusted: events.PlanAdjusted,
}


def create_plan(ctx: Context, node_code: str, year: int) -> Plan:
    """Version 1 of `node`'s plan for `year`, an empty draft; one plan per node and year."""
    try:
        node = Node(node_code)
    except InvalidNodeCode as bad:
        raise invalid_node("node", bad) from None
    role = ctx.authorize(node)
    ctx.serving(node.code)
    existing = ctx.repo.plan_of(node.code, year)
    if existing is not None:
        raise PlanExists(node=node.code, year=year, plan_id=existing)
    plan = new_plan(str(uuid.uuid4()), node, year)
    at = ctx.components.clock()
    ctx.repo.save_plan(plan, "plan.create", ctx.actor, at, None)
    ctx.audit(role=role, action="plan.create", object_type="plan", object_id=plan.plan_id, node=node.code, version=1)
    return plan


def edit_plan(ctx: Context, plan_id: str, items: Iterable[PlannedItem], omissions: Iterable[tuple[str, str]]) -> Plan:
    """Replace the draft's items and its reasons for leaving items out."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    names = {entry.item_id: entry.name for entry in checklist_entries(ctx, plan.node)}
    edited = replace(set_items(plan, items, names), omissions=())
    for item_id, reason in omissions:
        edited = record_omission(edited, item_id, reason, names.get(item_id))
    ctx.repo.save_plan(edited, "plan.edit", ctx.actor, ctx.components.clock(), None)
    ctx.audit(
        role=role, action="plan.edit", object_type="plan", object_id=plan_id, node=plan.node.code, version=plan.version
    )
    return edited


def plan_coverage(ctx: Context, plan: Plan) -> Coverage:
    """What the plan covers of the list in force at its node."""
    return coverage(plan, checklist_entries(ctx, plan.node))


def _record(ctx: Context, role: str, action: str, plan: Plan, event: plan_events.PlanEvent, **extra: Any) -> None:
    ctx.repo.save_plan(plan, action, event.actor, event.at, event.reason)
    contract = _CONTRACTS[type(event)]
    payload = contract(
        plan=plan_state(plan),
        actor=events.Acting(user_id=event.actor.user_id, node=event.actor.node.code),
        at=event.at,
        reason=event.reason,
        **extra,
    )
    ctx.uow.publish(payload, subject=plan.plan_id, node=ctx.serving(plan.node.code))
    ctx.audit(
        role=role,
        action=action,
        object_type="plan",
        object_id=plan.plan_id,
        node=plan.node.code,
        version=plan.version,
        reason=event.reason,
        detail={"status": plan.status.value},
    )


def file(ctx: Context, plan_id: str, note: str | None) -> Plan:
    """File the draft with the parent node (a province plan is accepted on filing)."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    settings = effective_settings(ctx, plan.node).settings
    entries = checklist_entries(ctx, plan.node)
    filed, event = file_plan(plan, entries, settings, ctx.actor, ctx.components.clock(), note)
    extra = {
        "filed_with": event.filed_with.code if event.filed_with else None,
        "deadline": event.deadline,
        "late": event.late,
    }
    _record(ctx, role, "plan.file", filed, event, **extra)
    return filed


def accept(ctx: Context, plan_id: str, comment: str | None) -> Plan:
    """The parent node accepts the filed version (备案)."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    accepted, event = accept_plan(plan, ctx.actor, ctx.components.clock(), comment)
    _record(ctx, role, "plan.accept", accepted, event)
    return accepted


def send_back(ctx: Context, plan_id: str, comment: str) -> Plan:
    """The parent node returns the filed version with its comment."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    returned, event = return_plan(plan, ctx.actor, ctx.components.clock(), comment)
    _record(ctx, role, "plan.return", returned, event)
    return returned


def publish(ctx: Context, plan_id: str, note: str | None) -> Plan:
    """Make the accepted version public (公示)."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    published, event = publish_plan(plan, ctx.actor, ctx.components.clock(), note)
    _record(ctx, role, "plan.publish", published, event)
    return published


def adjust(ctx: Context, plan_id: str, reason: str) -> Plan:
    """Version n+1 as a draft, from a returned, accepted or published version."""
    plan = ctx.repo.load_plan(plan_id, for_update=True)
    role = ctx.authorize_found(plan.node, PlanNotFound(plan_id=plan_id))
    following, event = adjust_plan(plan, ctx.actor, ctx.components.clock(), reason)
    _record(ctx, role, "plan.adjust", following, event, from_version=event.from_version)
    return following
