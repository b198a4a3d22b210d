"""From an event to its notifications: the announcements the rules make (routing.py), each rendered for every
audience by every channel its template uses and this deployment has, addressed from the contact directory, kept
once per (event, recipient, channel) and queued for the sender."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from hrss.bus.config import serves
from hrss.contracts import Node
from hrss.contracts.events.draw import AssignmentDispatched, TeamChanged
from hrss.contracts.events.inspection import (
    Overdue,
    ResultApproved,
    ResultReturned,
    ResultSubmitted,
    VisitExtended,
    VisitOpened,
)
from notification.domain import model
from notification.domain.model import Channel, Contact, Notification
from notification.domain.preferences import Preferences
from notification.domain.templates import TEMPLATES, Template
from notification.service_layer import watches
from notification.service_layer.context import Context
from notification.service_layer.routing import ROUTES, Announcement, node_of, team_key

if TYPE_CHECKING:
    from notification.adapters.repository import NotificationRepository


def concerns_us(ctx: Context, node: str) -> bool:
    """Whether this process notifies for `node`: in a served subtree and not in a delegated one (a federated
    county's own notification service tells its people)."""
    served = tuple(Node(n) for n in ctx.uow.nodes)
    return serves(Node(node), served, tuple(Node(n) for n in ctx.components.delegated))


NEEDS_TEAM = (TeamChanged, ResultSubmitted, ResultReturned, ResultApproved)  # routes that read the kept team


class Directory:
    """Contacts and preferences as the repository gives them, looked up once per batch of events."""

    def __init__(self, ctx: Context) -> None:
        self.repo = ctx.repo
        self._contacts: dict[str, list[Contact]] = {}
        self._wishes: dict[str, Preferences] = {}

    def contacts(self, audience: str) -> list[Contact]:
        if audience not in self._contacts:
            self._contacts[audience] = _contacts(self.repo, audience)
        return self._contacts[audience]

    def wishes(self, holder: str) -> Preferences:
        if holder not in self._wishes:
            self._wishes[holder] = self.repo.preference(holder) or Preferences(holder)
        return self._wishes[holder]


def receive(ctx: Context, event: BaseModel, event_id: str) -> int:
    """Keep the team an event names, then make and queue its notifications; how many were new."""
    return receive_many(ctx, [(event, event_id)])


def receive_many(ctx: Context, events: list[tuple[BaseModel, str]]) -> int:
    """`receive` for a batch of events in one transaction: one insert of all their notifications."""
    directory = Directory(ctx)
    made: list[Notification] = []
    later: dict[str, datetime] = {}
    for event, event_id in events:
        watches.keep(ctx, event)  # overdue subjects and lent archives, for the daily job
        supervised = isinstance(event, Overdue) and watches.supervised_here(ctx, node_of(event))
        if not concerns_us(ctx, node_of(event)) and not supervised:
            continue
        _keep_team(ctx, event)
        route = ROUTES.get(type(event))
        if route is None:
            continue
        key = team_key(event) if isinstance(event, NEEDS_TEAM) else None
        team = ctx.repo.visit(key) if key else None
        for announcement in route(event, team):
            announcement = watches.served_audiences(ctx, announcement)
            found, waits = render(ctx, announcement, event_id, directory)
            made += found
            later.update(waits)
    return ctx.repo.add(made, ctx.components.clock(), later)


def _keep_team(ctx: Context, event: BaseModel) -> None:
    if isinstance(event, (VisitOpened, VisitExtended)):
        team = [{"inspector_id": str(i.inspector_id), "name": i.name} for i in event.inspectors]
        name = getattr(event, "entity_name", None)
        known = ctx.repo.visit(str(event.visit_id))
        name = name or (known or {}).get("entity_name") or event.uscc
        ctx.repo.keep_visit(str(event.visit_id), event.node, event.uscc, name, team, event.due)
        ctx.repo.watch(str(event.visit_id), event.node, event.due)  # its result is due by then (reminders)
    elif isinstance(event, (ResultSubmitted, ResultApproved, ResultReturned)):
        ctx.repo.result_in(str(event.visit_id), event.node, not isinstance(event, ResultReturned))
    elif isinstance(event, AssignmentDispatched):
        team = [{"inspector_id": str(m.inspector_id), "name": m.name} for m in event.team]
        end = max(t.end for t in event.tasks)
        ctx.repo.keep_visit(str(event.assignment_id), event.target_node, event.uscc, event.name, team, end)


def _contacts(repo: NotificationRepository, audience: str) -> list[Contact]:
    kind, _, rest = audience.partition(":")
    if kind == "inspector":
        return repo.contacts_of_inspector(rest)
    if kind == "role":
        node, _, role = rest.partition(":")
        return repo.contacts_with_role(node, role)
    found = repo.contact(audience)
    return [found] if found else []


def render(
    ctx: Context, announcement: Announcement, event_id: str, directory: Directory | None = None
) -> tuple[list[Notification], dict[str, datetime]]:
    """Every notification of one announcement: the inbox of each staff audience, and e-mail and SMS to each
    person (or entity) the directory can reach, as their preferences allow; and when those in their quiet hours
    become due. An audience with no inbox that nobody can reach is recorded as one failed notification, so that an
    administrator sees who was not told."""
    template = TEMPLATES[announcement.template_id]
    channels = [c for c in template.channels if c is Channel.INBOX or c in ctx.components.channels]
    made: list[Notification] = []
    later: dict[str, datetime] = {}
    now = ctx.components.clock()
    found_in = directory or Directory(ctx)
    for audience in dict.fromkeys(announcement.audiences):
        if Channel.INBOX in channels and not audience.startswith("entity:"):
            made.append(_one(ctx, template, announcement, event_id, audience, Channel.INBOX, None))
        reached = False
        for person in found_in.contacts(audience):
            wishes = found_in.wishes(person.holder)
            wait = wishes.quiet_until(now, template.mandatory)
            for channel, address in ((Channel.EMAIL, person.email), (Channel.SMS, person.mobile)):
                if channel in channels and address and wishes.wants(template.id, channel, template.mandatory):
                    one = _one(ctx, template, announcement, event_id, person.holder, channel, address)
                    made.append(one)
                    if wait is not None:
                        later[one.id] = wait
                    reached = True
        if not reached and Channel.INBOX not in template.channels:
            made.append(_one(ctx, template, announcement, event_id, audience, template.channels[0], None))
    return made, later


def _one(
    ctx: Context,
    template: Template,
    a: Announcement,
    event_id: str,
    recipient: str,
    channel: Channel,
    address: str | None,
) -> Notification:
    subject, body = template.render(channel, a.params)
    return Notification(
        id=model.notification_id(event_id, recipient, channel),
        event_id=event_id,
        kind=template.id,
        template_id=template.id,
        template_version=template.version,
        seed_section=template.seed_section,
        node=a.node,
        recipient=recipient,
        channel=channel,
        address=address,
        subject=subject,
        body=body,
        mandatory=template.mandatory,
        created_at=ctx.components.clock(),
    )


def describe(template_id: str) -> dict[str, Any]:
    t = TEMPLATES[template_id]
    return {
        "id": t.id,
        "version": t.version,
        "seed_section": t.seed_section,
        "channels": [str(c) for c in t.channels],
        "mandatory": t.mandatory,
    }
