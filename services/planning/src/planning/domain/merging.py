"""Merge candidates (合并安排): tasks of the same period with similar objects and methods (000 §三(六), 002 §三(一)).

Two tasks are candidates when they belong to the same node, are still being planned (draft or published), are not
already in the same draw group, and
- their periods overlap (start–end, both days included);
- the regions they draw from overlap (`Task.draw_regions`), else no entity could be in both;
- their objects are similar: a shared object type, or a shared tag;
- they share at least one method.
The planner decides: merge the tasks, or give them one draw group so that an entity is visited once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from hrss.contracts import Node
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.tasks import Task

PLANNING_STATES = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED})


@dataclass(frozen=True)
class MergeCandidate:
    """Two tasks the planner should consider merging, and why (in Chinese, for the planner)."""

    first: str
    second: str
    reason: str


def _regions(task: Task) -> tuple[Node, ...]:
    return tuple(Node(code) for code in task.draw_regions)


def _regions_overlap(a: Task, b: Task) -> bool:
    return any(x.contains(y) or y.contains(x) for x in _regions(a) for y in _regions(b))


def _reason(a: Task, b: Task) -> str | None:
    if a.node != b.node or a.start > b.end or b.start > a.end or not _regions_overlap(a, b):
        return None
    if a.draw_group is not None and a.draw_group == b.draw_group:
        return None
    methods = a.methods & b.methods
    types = a.object_types & b.object_types
    tags = set(a.scope.tags) & set(b.scope.tags)
    if not methods or not (types or tags):
        return None
    period = f"{max(a.start, b.start).isoformat()}至{min(a.end, b.end).isoformat()}"
    objects = (
        f"检查对象类型相同（{'、'.join(sorted(types))}）" if types else f"检查对象标签重叠（{'、'.join(sorted(tags))}）"
    )
    ways = "、".join(method.label for method in sorted(methods))
    return f"检查期间重叠（{period}）；{objects}；检查方式相同（{ways}）：建议合并安排或设为同一合并抽取组"


def merge_candidates(tasks: Iterable[Task]) -> list[MergeCandidate]:
    """Every pair of planning-stage tasks that should be considered for merging, in the order given."""
    active = [task for task in tasks if task.status in PLANNING_STATES]
    found = []
    for a, b in combinations(active, 2):
        if (reason := _reason(a, b)) is not None:
            found.append(MergeCandidate(a.task_id, b.task_id, reason))
    return found
