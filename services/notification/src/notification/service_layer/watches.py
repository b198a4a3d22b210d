"""What the daily job needs from the events besides visits: overdue subjects until the events that end them, and
lent archives until they come back. And which audiences this process tells: a supervising level's people are told
by the process that serves that level, so a federated county's overdue reaches the city's administrators in the
central deployment they read, and the county's own deployment tells only its own people."""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel

from hrss.bus.config import serves
from hrss.contracts import Node
from hrss.contracts.events.evidence import ArchiveLent, ArchiveReturned
from hrss.contracts.events.inspection import (
    FollowUpClosed,
    Overdue,
    ResultApproved,
    ResultPublished,
    ResultSubmitted,
    VisitStatusChanged,
)
from notification.service_layer.context import Context
from notification.service_layer.routing import Announcement


def concerns_us(ctx: Context, node: str) -> bool:
    """Whether this process notifies for `node` (the rule of `notifying.concerns_us`, which imports this module)."""
    served = tuple(Node(n) for n in ctx.uow.nodes)
    return serves(Node(node), served, tuple(Node(n) for n in ctx.components.delegated))


def chain(node: str) -> list[str]:
    """The node and every level above it, nearest first."""
    found: list[str] = []
    here: Node | None = Node(node)
    while here is not None:
        found.append(here.code)
        here = here.parent
    return found


def supervised_here(ctx: Context, node: str) -> bool:
    """Whether this process tells someone about `node`'s overdue: the node itself or a level above it is ours."""
    return any(concerns_us(ctx, n) for n in chain(node))


def served_audiences(ctx: Context, announcement: Announcement) -> Announcement:
    """The announcement without the role audiences at nodes another deployment serves (a person or inspector
    audience is told where the event's node is served, as before)."""
    kept = [a for a in announcement.audiences if not a.startswith("role:") or concerns_us(ctx, a.split(":")[1])]
    return replace(announcement, audiences=kept)


def _closes(event: BaseModel) -> tuple[str, str] | None:
    """The overdue subject (id, kind) an event ends, if any: a result entered (or a visit closed without one), a
    result's publication record, a correction's follow-up closed."""
    if isinstance(event, (ResultSubmitted, ResultApproved)):
        return str(event.visit_id), "result"
    if isinstance(event, VisitStatusChanged) and event.status == "closed":
        return str(event.visit_id), "result"
    if isinstance(event, ResultPublished):
        return str(event.result_id), "publication"
    if isinstance(event, FollowUpClosed):
        return str(event.follow_up_id), "correction"
    return None


def keep(ctx: Context, event: BaseModel) -> None:
    """Keep what the daily job watches from one event (of any node this process tells someone about)."""
    if isinstance(event, Overdue):
        if supervised_here(ctx, event.node):
            subject = str(event.subject_id)
            ctx.repo.keep_overdue(subject, event.kind, event.node, event.supervisor, event.due, event.detected_on)
        return
    closes = _closes(event)
    node = getattr(event, "node", None)
    if closes is not None and node and supervised_here(ctx, str(node)):
        ctx.repo.close_overdue(*closes)
    elif isinstance(event, (ArchiveLent, ArchiveReturned)) and concerns_us(ctx, event.node):
        lent = {
            "borrowing_id": str(event.borrowing_id),
            "archive_id": str(event.archive_id),
            "node": event.node,
            "uscc": event.uscc,
            "entity_name": event.entity_name,
            "version": event.version,
            "borrower": event.borrower,
            "due_back": event.due_back,
        }
        ctx.repo.keep_borrowing(lent, isinstance(event, ArchiveReturned))
