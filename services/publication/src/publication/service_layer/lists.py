"""The checklist in force at each node (001 §二(四)) and the drawn lists (抽取结果, 004 §5.3), published like every
record: a new version with its receipt when the content changes, nothing edited in place.

- The checklist: each `registry.check_item_changed` is kept; the owning node's checklist (its items in force) is
  republished, by the process that keeps the node.
- A drawn list: per draw and inspecting node (the dispatch is addressed to the node that inspects, so each node
  publishes the entities it inspects: 谁检查、谁公开), once every entity the draw dispatched to the node
  (`draw.draw_completed`'s `dispatched`) has arrived (`draw.assignment_dispatched`), and only if one of the draw's
  tasks says so (planning's `publish_drawn_list`; a task not yet known here publishes nothing until it is).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from publication.domain import content as public
from publication.domain.records import RecordVersion
from publication.service_layer.context import Context
from publication.service_layer.publishing import keeps, publish


def checklist_id(node: str) -> str:
    """The record id of a node's checklist (one record per node; its versions are the list's changes)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hrss:publication:checklist:{node}"))


def drawn_list_id(draw_id: str, node: str) -> str:
    """The record id of a draw's drawn list at one inspecting node."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hrss:publication:drawn-list:{draw_id}:{node}"))


def note_check_item(ctx: Context, item: dict[str, Any], event_id: str) -> RecordVersion | None:
    """A checklist item's new version: the owning node's checklist in force, republished if it changed."""
    node = item["node"]
    if not keeps(ctx, node):
        return None
    ctx.repo.lock_chain(node)  # one item at a time per node: each version sees the items kept before it
    if not ctx.repo.add_check_item(str(item["item_id"]), int(item["version"]), node, item, event_id):
        return None
    body = public.checklist_content(node, ctx.repo.check_items(node))
    year = ctx.components.clock().year
    return publish(ctx, "checklist", checklist_id(node), node, None, year, body, event_id)


def note_draw(ctx: Context, draw: dict[str, Any], event_id: str) -> list[RecordVersion]:
    """A completed draw: kept by every process (its dispatches come to each inspecting node's own); the drawn list
    of each node kept here that has all its entities is published."""
    draw_id = str(draw["draw_id"])
    ctx.repo.add_draw(draw_id, draw["node"], [str(t) for t in draw["task_ids"]], draw, event_id)
    published = [publish_drawn_list(ctx, draw_id, node, event_id) for node in sorted(draw["dispatched"])]
    return [r for r in published if r is not None]


def note_dispatch(ctx: Context, dispatch: dict[str, Any], event_id: str) -> RecordVersion | None:
    """A drawn entity dispatched to the node that inspects it: kept; its drawn list published once complete."""
    node = dispatch["target_node"]
    if not keeps(ctx, node):
        return None
    draw_id = str(dispatch["draw_id"])
    ctx.repo.lock_chain(node)  # the draw and its dispatches come by different consumers: see keep_approved
    ctx.repo.add_dispatch(str(dispatch["assignment_id"]), draw_id, node, dispatch, event_id)
    return publish_drawn_list(ctx, draw_id, node, event_id)


def publish_drawn_list(ctx: Context, draw_id: str, node: str, event_id: str) -> RecordVersion | None:
    """The drawn list of a draw at a node, if the node is kept here, every dispatched entity is in, and a task of
    the draw publishes its drawn list; None otherwise (or when nothing changed)."""
    if not keeps(ctx, node):
        return None
    ctx.repo.lock_chain(node)
    draw = ctx.repo.draw(draw_id)
    if draw is None:
        return None
    dispatches = ctx.repo.dispatches(draw_id, node)
    if len(dispatches) < int(draw["dispatched"].get(node, 0)) or not dispatches:
        return None
    tasks = ctx.repo.tasks([str(t) for t in draw["task_ids"]])
    if not any(t.get("publish_drawn_list") for t in tasks.values()):
        return None
    c = ctx.components
    link = c.draw_verification.format(draw_id=draw_id)
    body = public.drawn_list_content(draw, node, dispatches, tasks, c.body_of(node), link)
    year = datetime.fromisoformat(str(draw["completed_at"])).year
    return publish(ctx, "drawn_list", drawn_list_id(draw_id, node), node, None, year, body, event_id)


def drawn_lists_of_task(ctx: Context, task_id: str, event_id: str) -> None:
    """A task learnt after its draw: the drawn lists of its draws, if it publishes them."""
    for draw_id in ctx.repo.draws_naming_task(task_id):
        draw = ctx.repo.draw(draw_id) or {}
        for node in sorted(draw.get("dispatched") or {}):
            publish_drawn_list(ctx, draw_id, node, event_id)
