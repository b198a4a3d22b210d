"""From an event to its notifications: the announcements the rules make (routing.py), each rendered for every
audience by every channel its template uses and this deployment has, addressed from the contact directory, kept
once per (event, recipient, channel) and queued for the sender."""

from __future__ import annotations

from collections.abc import Iterable
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
    """Contacts and preferences as the repository gives them, looked up once per batch of events: `prefetch` asks
    for every inspector of a batch and their holders' preferences in two queries, not two per person."""

    def __init__(self, ctx: Context) -> None:
        self.repo = ctx.repo
        self._contacts: dict[str, list[Contact]] = {}
        self._wishes: dict[str, Preferences] = {}

    def prefetch(self, audiences: Iterable[str]) -> None:
        """Look up the inspectors among `audiences` not known yet, and the preferences of whoever they reach."""
        wanted = [a for a in dict.fromkeys(audiences) if a.startswith("inspector:") and a not in self._contacts]
        if not wanted:
            return
        found = self.repo.contacts_of_inspectors([a.partition(":")[2] for a in wanted])
        for audience in wanted:
            self._contacts[audience] = found.get(audience.partition(":")[2], [])
        reached = (c.holder for a in wanted for c in self._contacts[a])
        holders = [h for h in dict.fromkeys(reached) if h not in self._wishes]
        if holders:
            kept = self.repo.preferences_of(holders)
            for holder in holders:
                self._wishes[holder] = kept.get(holder) or Preferences(holder)

    def contacts(self, audience: str) -> list[Contact]:
        if audience not in self._contacts:
            self._contacts[audience] = _contacts(self.repo, audience)
        return self._contacts[audience]

    def wishes(self, holder: str) -> Preferences:
        if holder not in self._wishes:
            self._wishes[holder] = self.repo.preference(holder) or Preferences(holder)
        return self._wishes[holder]


class Teams:
    """The teams a batch of dispatches names, written in one statement: kept in order, and written before anything
    reads a team or keeps one otherwise, so that every event still sees what the events before it kept."""

    def __init__(self, repo: NotificationRepository) -> None:
        self.repo = repo
        self._waiting: list[dict[str, Any]] = []

    def keep(self, visit_id: str, node: str, uscc: str, name: str, team: list[dict[str, str]], due: Any) -> None:
        self._waiting.append(
            {"visit_id": visit_id, "node": node, "uscc": uscc, "entity_name": name, "inspectors": team, "due": due}
        )

    def flush(self) -> None:
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            self.repo.keep_visits(waiting)

    def visit(self, visit_id: str) -> dict[str, Any] | None:
        self.flush()
        return self.repo.visit(visit_id)


def receive(ctx: Context, event: BaseModel, event_id: str) -> int:
    """Keep the team an event names, then make and queue its notifications; how many were new."""
    return receive_many(ctx, [(event, event_id)])


def receive_many(ctx: Context, events: list[tuple[BaseModel, str]]) -> int:
    """`receive` for a batch of events in one transaction: the teams kept in one statement, the directory asked
    once for everyone the batch names, and all their notifications kept in one insert."""
    directory, teams = Directory(ctx), Teams(ctx.repo)
    announced: list[tuple[Announcement, str]] = []
    for event, event_id in events:
        watches.keep(ctx, event)  # overdue subjects and lent archives, for the daily job
        supervised = isinstance(event, Overdue) and watches.supervised_here(ctx, node_of(event))
        if not concerns_us(ctx, node_of(event)) and not supervised:
            continue
        _keep_team(ctx, event, teams)
        route = ROUTES.get(type(event))
        if route is None:
            continue
        key = team_key(event) if isinstance(event, NEEDS_TEAM) else None
        team = teams.visit(key) if key else None
        announced += [(watches.served_audiences(ctx, a), event_id) for a in route(event, team)]
    teams.flush()
    directory.prefetch(audience for announcement, _ in announced for audience in announcement.audiences)
    made: list[Notification] = []
    later: dict[str, datetime] = {}
    for announcement, event_id in announced:
        found, waits = render(ctx, announcement, event_id, directory)
        made += found
        later.update(waits)
    return ctx.repo.add(made, ctx.components.clock(), later)


def _keep_team(ctx: Context, event: BaseModel, teams: Teams) -> None:
    if isinstance(event, AssignmentDispatched):
        team = [{"inspector_id": str(m.inspector_id), "name": m.name} for m in event.team]
        end = max(t.end for t in event.tasks)
        teams.keep(str(event.assignment_id), event.target_node, event.uscc, event.name, team, end)
        return
    teams.flush()
    if isinstance(event, (VisitOpened, VisitExtended)):
        team = [{"inspector_id": str(i.inspector_id), "name": i.name} for i in event.inspectors]
        name = getattr(event, "entity_name", None)
        known = ctx.repo.visit(str(event.visit_id))
        name = name or (known or {}).get("entity_name") or event.uscc
        ctx.repo.keep_visit(str(event.visit_id), event.node, event.uscc, name, team, event.due)
        ctx.repo.watch(str(event.visit_id), event.node, event.due)  # its result is due by then (reminders)
    elif isinstance(event, (ResultSubmitted, ResultApproved, ResultReturned)):
        ctx.repo.result_in(str(event.visit_id), event.node, not isinstance(event, ResultReturned))


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
    one = _Maker(template, announcement, event_id, now)
    for audience in dict.fromkeys(announcement.audiences):
        if Channel.INBOX in channels and not audience.startswith("entity:"):
            made.append(one(audience, Channel.INBOX, None))
        reached = False
        for person in found_in.contacts(audience):
            wishes = found_in.wishes(person.holder)
            wait = wishes.quiet_until(now, template.mandatory)
            for channel, address in ((Channel.EMAIL, person.email), (Channel.SMS, person.mobile)):
                if channel in channels and address and wishes.wants(template.id, channel, template.mandatory):
                    made.append(one(person.holder, channel, address))
                    if wait is not None:
                        later[made[-1].id] = wait
                    reached = True
        if not reached and Channel.INBOX not in template.channels:
            made.append(one(audience, template.channels[0], None))
    return made, later


class _Maker:
    """The notifications of one announcement, its words rendered once per form (the SMS text; the whole body for
    the inbox and e-mail) rather than once per recipient and channel."""

    def __init__(self, template: Template, a: Announcement, event_id: str, now: datetime) -> None:
        self.template, self.a, self.event_id, self.now = template, a, event_id, now
        self._texts: dict[bool, tuple[str, str]] = {}

    def __call__(self, recipient: str, channel: Channel, address: str | None) -> Notification:
        short = channel is Channel.SMS
        if short not in self._texts:
            self._texts[short] = self.template.render(channel, self.a.params)
        subject, body = self._texts[short]
        t = self.template
        return Notification(
            id=model.notification_id(self.event_id, recipient, channel),
            event_id=self.event_id,
            kind=t.id,
            template_id=t.id,
            template_version=t.version,
            seed_section=t.seed_section,
            node=self.a.node,
            recipient=recipient,
            channel=channel,
            address=address,
            subject=subject,
            body=body,
            mandatory=t.mandatory,
            created_at=self.now,
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
