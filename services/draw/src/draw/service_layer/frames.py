"""Building the frame of a draw from the read model: every entity in the tasks' draw regions, eligible or
excluded with a reason code, in its stratum (docs/draw-spec.md §4, §6.1); and the plan the draw applies."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from draw.adapters.orm import entity_view
from draw.domain_errors import Conflict
from hrss.contracts import Level, Node
from hrss.drawkit import DrawPlan, FrameEntry, ItemRule

STATUS_REASONS = {
    "suspended": "closed",
    "deregistered": "deregistered",
    "revoked": "deregistered",
    "moved_out": "moved_out",
}
SHARED_SCOPE = ("draw_regions", "scope", "grade_ratios", "exclude_inspected_within_months")


@dataclass(frozen=True)
class Located:
    """What the dispatch needs of a frame entity beyond its leaf."""

    name: str
    region_code: str


def check_group(tasks: Sequence[Mapping[str, Any]]) -> None:
    """Tasks drawn together share one frame, so they must share their scope, grade ratios and exclusions."""
    first = tasks[0]
    for task in tasks[1:]:
        differ = [f for f in SHARED_SCOPE if task[f] != first[f]]
        if differ:
            message = f"合并抽取组内任务的抽查范围须一致（{'、'.join(differ)} 不同）：请分别抽取或统一范围"
            raise Conflict("draw.group_scope_differs", message)


def _prefix(code: str) -> str:
    node = Node(code)
    return {Level.PROVINCE: code[:2], Level.CITY: code[:4], Level.COUNTY: code}[node.level]


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(day.day, last[month - 1]))


def _reason(row: Any, scope: Mapping[str, Any], cutoff: date | None) -> str:
    if row.status != "active":
        return STATUS_REASONS.get(row.status, "closed")
    if scope["object_types"] and row.object_type not in scope["object_types"]:
        return "out_of_object_types"
    if scope["tags"] and not set(scope["tags"]) & set(row.tags):
        return "not_in_tags"
    if scope["grades"] and row.credit_grade not in scope["grades"]:
        return "out_of_grades"
    if cutoff is not None and row.last_inspected is not None and row.last_inspected > cutoff:
        return "recently_inspected"
    return ""


def build_frame(session: Session, task: Mapping[str, Any], today: date) -> tuple[list[FrameEntry], dict[str, Located]]:
    """The frame of `task` (the first of its group; the group shares its scope) as of `today` (CST date)."""
    regions = [_prefix(code) for code in task["draw_regions"]]
    rows = session.execute(
        select(entity_view).where(or_(*(entity_view.c.region_code.like(p + "%") for p in regions)))
    ).all()
    months = task["exclude_inspected_within_months"]
    cutoff = _months_before(today, months) if months else None
    graded = {g["grade"] for g in task["grade_ratios"]}
    entries, located = [], {}
    for row in rows:
        reason = _reason(row, task["scope"], cutoff)
        grade = row.credit_grade if row.credit_grade in graded else "*"
        entries.append(
            FrameEntry(
                uscc=row.uscc,
                entity_id=row.entity_id,
                region_code=row.region_code,
                object_type=row.object_type,
                stratum=f"{row.region_code}|{row.object_type}|{grade}",
                eligible=not reason,
                reason=reason,
                salt=secrets.token_hex(16),
            )
        )
        located[row.uscc] = Located(row.name, row.region_code)
    return entries, located


def draw_plan(tasks: Sequence[Mapping[str, Any]], entries: Sequence[FrameEntry], batch_size: int) -> DrawPlan:
    """Every item of every task (`task_id:item_id`), at its exact ratio; grade ratios replace the fractions in the
    strata of their grade."""
    items = []
    for task in tasks:
        for item in task["items"]:
            ratio = item["ratio"]
            key = f"{task['task_id']}:{item['item_id']}"
            if ratio["kind"] == "fraction":
                items.append(ItemRule(key, Fraction(ratio["numerator"], ratio["denominator"])))
            else:
                items.append(ItemRule(key, None, int(ratio["minimum"])))
    grades = {g["grade"]: Fraction(g["numerator"], g["denominator"]) for g in tasks[0]["grade_ratios"]}
    fractions = {e.stratum: grades[e.stratum.rsplit("|", 1)[1]] for e in entries if not e.stratum.endswith("|*")}
    return DrawPlan(tuple(items), fractions, batch_size)


def target_node(task: Mapping[str, Any], region_code: str) -> str:
    """The node that inspects an entity (属地实施): the deepest implementing node whose territory holds it; for a
    node's own task, the node itself."""
    if not task["unified"]:
        return str(task["node"])
    region = Node(region_code)
    holders = [Node(code) for code in task["implementing_nodes"] if Node(code).contains(region)]
    return max(holders, key=lambda n: len(n.code.rstrip("0"))).code if holders else str(task["node"])
