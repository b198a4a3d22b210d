"""The read side: plans, tasks, their histories, coverage, merge candidates and settings, scoped by node.

A caller reads the plans and tasks of its own node and the nodes below; a task is also readable by the nodes that
implement it (a county sees the province's unified task it takes part in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hrss.auth import Action, Principal, check_access, in_scope, scope_prefixes
from hrss.contracts import InvalidNodeCode, Node
from hrss.web import check_id
from planning.adapters.orm import plan_current, plan_record, task_current, task_record
from planning.domain.documents import plan_document, plan_from, task_from
from planning.domain.errors import (
    FieldError,
    InvalidRecord,
    PlanNotFound,
    SettingsOutOfScope,
    TaskNotFound,
    invalid_node,
    required,
)
from planning.domain.plan_coverage import Coverage
from planning.domain.plans import Plan, PlanStatus, coverage
from planning.domain.task_lifecycle import TRANSITIONS, TaskStatus
from planning.domain.task_progress import progress
from planning.domain.task_progress import totals as progress_totals
from planning.domain.tasks import Task
from planning.service_layer.checklist import checklist_entries, items_in_force
from planning.service_layer.context import Context
from planning.service_layer.settings import effective_settings
from planning.service_layer.tasks import OVERRIDE, candidates, visible

MAX_PAGE = 500


def node_param(args: Mapping[str, str], name: str = "node", required: bool = False) -> Node | None:
    value = args.get(name)
    if not value:
        if required:
            raise InvalidRecord([FieldError(name, "field.required", f"请指定 {name}")])
        return None
    try:
        return Node(value)
    except InvalidNodeCode as bad:
        raise invalid_node(name, bad) from None


def int_param(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = args.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidRecord([FieldError(name, "request.invalid_number", f"{name} 应为 {low}–{high} 之间的整数")])
    return int(value)


def _choice(args: Mapping[str, str], name: str, allowed: set[str]) -> str | None:
    value = args.get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise InvalidRecord(
            [FieldError(name, "field.choice", f"{name} 取值无效（可选：{'、'.join(sorted(allowed))}）")]
        )
    return value


def _scoped(column: Any, principal: Principal) -> Any:
    return or_(*(column.like(prefix + "%") for prefix in scope_prefixes(principal)))


# -- plans ---------------------------------------------------------------------------------


def coverage_view(report: Coverage, plan: Plan) -> dict[str, Any]:
    return {
        "complete": report.complete,
        "applicable": len(report.applicable),
        "missing": [
            {
                "item_id": e.item_id,
                "item_version": e.item_version,
                "name": e.name,
                "omission_reason": (o.reason if (o := plan.omission_for(e.item_id)) else None),
                "unified": e.unified_at(plan.node.level),
            }
            for e in report.missing
        ],
        # items implemented only below this node: planned here as unified tasks (上级统一抽取), dispatched below
        "unified": [
            {"item_id": e.item_id, "name": e.name, "levels": [level.value for level in e.levels]}
            for e in report.unified
        ],
        "outdated": [
            {"item_id": item.item_id, "planned_version": item.item_version, "current_version": entry.item_version}
            for item, entry in report.outdated
        ],
        "not_applicable": [item.item_id for item in report.not_applicable],
        "unknown_version": [
            {"item_id": item.item_id, "planned_version": item.item_version, "current_version": entry.item_version}
            for item, entry in report.unknown_version
        ],
    }


def plan_view(plan: Plan, document: dict[str, Any]) -> dict[str, Any]:
    parent = plan.node.parent
    return {**document, "status_label": plan.status.label, "filed_with": parent.code if parent else None}


def _visible_plan(ctx: Context, plan_id: str) -> Plan:
    """The plan's latest version if the caller's scope holds its node; else `PlanNotFound`, as for an unknown id."""
    key = check_id(plan_id, "plan_id")
    found = ctx.repo.load_plan(key)
    if not in_scope(ctx.principal, found.node):
        raise PlanNotFound(plan_id=key)
    return found


def plan(ctx: Context, plan_id: str) -> dict[str, Any]:
    """A plan's latest version, its coverage of the list in force and the deadline of its node."""
    found = _visible_plan(ctx, plan_id)
    settings = effective_settings(ctx, found.node).settings
    report = coverage(found, checklist_entries(ctx, found.node))
    return {
        **plan_view(found, plan_document(found)),
        "deadline": settings.plan_due(found.year).isoformat(),
        "coverage": coverage_view(report, found),
    }


def plans(ctx: Context, args: Mapping[str, str]) -> dict[str, Any]:
    """Plans in the caller's scope; `parent=<node>` lists the plans filed with that node (its review queue)."""
    session, principal = ctx.uow.session, ctx.principal
    query = select(plan_current.c.document).where(_scoped(plan_current.c.node, principal))
    if (node := node_param(args)) is not None:
        query = query.where(plan_current.c.node == node.code)
    if (parent := node_param(args, "parent")) is not None:
        query = query.where(plan_current.c.parent == parent.code)
    if (year := int_param(args, "year", 2000, 2100)) is not None:
        query = query.where(plan_current.c.year == year)
    if (status := _choice(args, "status", {s.value for s in PlanStatus})) is not None:
        query = query.where(plan_current.c.status == status)
    limit = int_param(args, "limit", 1, MAX_PAGE) or 100
    rows = session.execute(query.order_by(plan_current.c.year.desc(), plan_current.c.node).limit(limit)).scalars()
    return {"items": [plan_view(plan_from(d), d) for d in rows]}


def plan_history(ctx: Context, plan_id: str) -> dict[str, Any]:
    """Every record of a plan, oldest first: each version in each state, with who, when and why."""
    session = ctx.uow.session
    found = _visible_plan(ctx, plan_id)
    rows = session.execute(
        select(plan_record).where(plan_record.c.plan_id == found.plan_id).order_by(plan_record.c.id)
    ).all()
    return {"plan_id": found.plan_id, "records": [_record(r) for r in rows]}


def _record(row: Any) -> dict[str, Any]:
    return {
        "action": row.action,
        "status": row.status,
        "actor": row.actor,
        "actor_node": row.actor_node,
        "at": row.at.isoformat(),
        "reason": row.reason,
        "document": row.document,
    }


# -- tasks ---------------------------------------------------------------------------------


def task_view(task: Task, document: dict[str, Any]) -> dict[str, Any]:
    return {
        **document,
        "status_label": task.status.label,
        "next_statuses": sorted(s.value for s in TRANSITIONS[task.status]),
        "items": [
            {**item, "ratio_label": i.ratio.label} for item, i in zip(document["items"], task.items, strict=True)
        ],
    }


def _visible_task(ctx: Context, task_id: str) -> Task:
    """The task if the caller sees it (`tasks.visible`); else `TaskNotFound`, as for an unknown id."""
    key = check_id(task_id, "task_id")
    found, _ = ctx.repo.load_task(key)
    if not visible(ctx.principal, found):
        raise TaskNotFound(task_id=key)
    return found


def task(ctx: Context, task_id: str) -> dict[str, Any]:
    """The task, with the steps after the draw that an administrator recorded by hand (人工变更), if any."""
    found = _visible_task(ctx, task_id)
    session = ctx.uow.session
    row = session.execute(  # the document as stored: its KPI facts as derived when it was saved
        select(task_current.c.document).where(task_current.c.task_id == found.task_id)
    ).scalar_one()
    overrides = session.execute(
        select(task_record)
        .where(task_record.c.task_id == found.task_id, task_record.c.action == OVERRIDE)
        .order_by(task_record.c.revision)
    ).all()
    return {
        **task_view(task_from(row), row),
        "overrides": [
            {"status": r.status, "actor": r.actor, "at": r.at.isoformat(), "reason": r.reason} for r in overrides
        ],
    }


def task_progress(ctx: Context, task_id: str) -> dict[str, Any]:
    """The task's visits per implementing node, from the draw's and the inspecting nodes' events; each caller sees
    the rows of the nodes in its scope (a county its own; the province every one) and their totals."""
    principal = ctx.principal
    found = _visible_task(ctx, task_id)
    facts = ctx.repo.task_facts(found.task_id)
    rows = [r for r in progress(facts, (n.code for n in found.implementing_nodes)) if in_scope(principal, r.node)]
    return {
        "task_id": found.task_id,
        "number": found.number,
        "status": found.status.value,
        "status_label": found.status.label,
        "nodes": [r.as_dict() for r in rows],
        "totals": progress_totals(rows),
    }


def tasks(ctx: Context, args: Mapping[str, str]) -> dict[str, Any]:
    """Tasks of the caller's scope, and tasks from above that nodes of its scope implement."""
    session, principal = ctx.uow.session, ctx.principal
    implemented_here = or_(
        *(
            task_current.c.implementing_nodes.any(code)  # type: ignore[arg-type]
            for code in _implementing_codes(session, principal)
        )
    )
    query = select(task_current.c.document).where(or_(_scoped(task_current.c.node, principal), implemented_here))
    if (node := node_param(args)) is not None:
        query = query.where(task_current.c.node == node.code)
    if (implementing := node_param(args, "implementing")) is not None:
        query = query.where(task_current.c.implementing_nodes.any(implementing.code))  # type: ignore[arg-type]
    if (year := int_param(args, "year", 2000, 2100)) is not None:
        query = query.where(task_current.c.year == year)
    if (status := _choice(args, "status", {s.value for s in TaskStatus})) is not None:
        query = query.where(task_current.c.status == status)
    limit = int_param(args, "limit", 1, MAX_PAGE) or 100
    rows = session.execute(query.order_by(task_current.c.start.desc(), task_current.c.task_id).limit(limit)).scalars()
    return {"items": [task_view(task_from(d), d) for d in rows]}


def _implementing_codes(session: Session, principal: Principal) -> list[str]:
    """The implementing node codes of unified tasks that lie in the caller's scope."""
    rows = session.execute(
        select(task_current.c.implementing_nodes).where(task_current.c.unified.is_(True)).distinct()
    ).scalars()
    return sorted({code for codes in rows for code in codes if in_scope(principal, code)}) or ["-"]


def task_history(ctx: Context, task_id: str) -> dict[str, Any]:
    key = _visible_task(ctx, task_id).task_id
    rows = ctx.uow.session.execute(
        select(task_record).where(task_record.c.task_id == key).order_by(task_record.c.revision)
    ).all()
    return {
        "task_id": key,
        "records": [
            {**_record(r), "revision": r.revision, "from_status": r.from_status, "override": r.action == OVERRIDE}
            for r in rows
        ],
    }


# -- settings and the list in force ------------------------------------------------------------


def settings(ctx: Context, node_code: str) -> dict[str, Any]:
    principal = ctx.principal
    node = node_param({"node": node_code}, required=True)
    assert node is not None
    if not in_scope(principal, node) and not any(node.contains(root) for root in principal.served):
        raise SettingsOutOfScope(node=node.code)
    return effective_settings(ctx, node).to_dict()


def checklist(ctx: Context, args: Mapping[str, str]) -> dict[str, Any]:
    """The list in force at a node, as planning knows it from the registry's events."""
    principal = ctx.principal
    node = node_param(args, required=True)
    assert node is not None
    check_access(principal, Action.READ, node)
    return {
        "node": node.code,
        "items": [
            {
                "item_id": i.item_id,
                "version": i.version,
                "node": i.node,
                "line": i.line.value if i.line else None,
                "number": i.spec.number,
                "name": i.spec.name,
                "category": i.spec.category.value,
                "ratio": i.spec.ratio.label,
                "levels": [level.value for level in i.spec.levels],
            }
            for i in items_in_force(ctx, node)
        ],
    }


def merge_candidates(ctx: Context, args: Mapping[str, str]) -> dict[str, Any]:
    """Pairs of the node's planning-stage tasks of a year that the planner should consider merging."""
    principal = ctx.principal
    node = node_param(args, required=True)
    assert node is not None
    check_access(principal, Action.READ, node)
    year = int_param(args, "year", 2000, 2100)
    if year is None:
        raise required("year")
    pairs, by_id = candidates(ctx, node, year)
    return {
        "items": [
            {
                "tasks": [
                    {"task_id": t.task_id, "title": t.title, "number": t.number}
                    for t in (by_id[pair.first], by_id[pair.second])
                ],
                "reason": pair.reason,
            }
            for pair in pairs
        ]
    }
