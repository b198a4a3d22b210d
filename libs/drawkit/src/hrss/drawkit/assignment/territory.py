"""Which node inspects an entity (属地实施, docs/draw-assignment.md §1): territories of six-digit region codes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def _width(node: str) -> int:
    """How many leading digits of a region code a node's territory fixes: 2 for a province (`xx0000`), 4 for a
    city (`xxxx00`), 6 for a county; the deeper the node, the wider."""
    return 2 if node.endswith("0000") else 4 if node.endswith("00") else 6


def holds(node: str, region_code: str) -> bool:
    """True if the territory of `node` holds the region `region_code` (six-digit codes; the rule of
    hrss.contracts.Node.contains, restated here because the verifier uses the standard library only)."""
    width = _width(node)
    return region_code == node if width == 6 else region_code[:width] == node[:width]


def territorial_node(task: Mapping[str, Any], region_code: str) -> str:
    """The node that inspects an entity of `region_code` for `task` (属地实施, docs/draw-assignment.md §1): for a
    unified task, the deepest of its implementing nodes whose territory holds the region (the task's own node if
    none does); for a node's own task, that node."""
    if not task.get("unified"):
        return str(task["node"])
    holders = [str(n) for n in task.get("implementing_nodes", ()) if holds(str(n), region_code)]
    return max(holders, key=_width, default=str(task["node"]))


def pick_node(tasks: Sequence[Mapping[str, Any]], items: Iterable[str], region_code: str) -> str:
    """The node that inspects a pick of tasks drawn jointly: `territorial_node` of the first task whose items
    (`<task_id>:<item_id>`) it was drawn for, else of the first task."""
    wanted = list(items)
    for task in tasks:
        if any(item.startswith(f"{task['task_id']}:") for item in wanted):
            return territorial_node(task, region_code)
    return territorial_node(tasks[0], region_code)
