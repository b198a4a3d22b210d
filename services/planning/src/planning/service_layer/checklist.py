"""The registry's checklist as planning reads it: every published item version, kept from the registry's events.

A node's list in force is its own items plus those of the nodes above it (the registry's rule); an item in force
is at its latest version and not withdrawn. Plans are checked for coverage against it and tasks take their items
from it, at the version in force when the task is drafted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from hrss.contracts import Node
from hrss.contracts.events.registry import CheckItemChanged
from planning.domain.checklist import ItemInForce, item_for_task, lineage, list_order
from planning.domain.plan_coverage import ChecklistEntry
from planning.service_layer.context import Context

__all__ = ["ItemInForce", "apply_changes", "checklist_entries", "item_for_task", "items_in_force", "known_name"]


def apply_changes(ctx: Context, changes: Iterable[CheckItemChanged]) -> int:
    """Add the item versions not yet known (a version, once published, never changes); returns how many."""
    return ctx.repo.add_check_items(list(changes))


def items_in_force(ctx: Context, node: Node) -> list[ItemInForce]:
    """The items in force on `node`'s list, ordered by the node that keeps them (the highest first), then number."""
    return list_order(ctx.repo.items_in_force(lineage(node)))


def checklist_entries(ctx: Context, node: Node) -> list[ChecklistEntry]:
    """The node's list in force, as a plan's coverage check sees it."""
    return [item.entry for item in items_in_force(ctx, node)]


def known_name(ctx: Context, item_id: str) -> str | None:
    """The name of the item's latest version known to planning, at any node; None if no checklist holds it."""
    try:
        uuid.UUID(item_id)
    except ValueError:
        return None
    return ctx.repo.latest_item_name(item_id)
