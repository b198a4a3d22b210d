"""The notification service: the events of draw, inspection and identity become notifications (consumed exactly
once), kept per recipient and channel and sent by the sender (entrypoints/sender.py); the inbox, the contact
directory and the failed deliveries over HTTP."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Request, Response

from hrss.auth import Action
from hrss.auth.roles import ADMIN_ROLES
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import AssignmentDispatched, TeamChanged
from hrss.contracts.events.identity import EnrolmentReset
from hrss.contracts.events.inspection import (
    NoticeIssued,
    Overdue,
    ResultApproved,
    ResultReturned,
    ResultSubmitted,
    VisitExtended,
    VisitOpened,
)
from hrss.contracts.uscc import check_uscc
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, parse, read_http, write_http
from hrss.web.daily import DailyJobs
from notification import views
from notification.adapters.orm import metadata
from notification.bootstrap import bootstrap
from notification.domain.errors import invalid
from notification.entrypoints.account_consumers import AccountConsumers
from notification.entrypoints.evidence_consumers import EvidenceAndDeadlineConsumers
from notification.entrypoints.openapi import OPENAPI
from notification.entrypoints.schemas import ContactBody, EntityContactBody, PreferencesBody
from notification.service_layer import handlers
from notification.service_layer.commands import (
    KeepEntityContact,
    KeepMyContact,
    KeepMyPreferences,
    MarkRead,
    NotifyMany,
    RunEscalations,
    RunReminders,
)
from notification.service_layer.components import Components
from notification.service_layer.context import Context


class NotificationService(HttpService, AuditCheckpoints, DailyJobs, EvidenceAndDeadlineConsumers, AccountConsumers):
    name = "notification"
    context = Context
    object_type = "notification"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- from draw, inspection and identity -------------------------------------------------------

    @consume(AssignmentDispatched, batch=True)
    def receive_assignment(self, events: list[Received]) -> None:
        """A draw dispatches thousands at once: each partition batch is made in one insert."""
        many = NotifyMany([(e.payload, str(e.envelope.event_id)) for e in events])
        handlers.handle(many, self._as_service())

    @consume(TeamChanged)
    def receive_team_change(self, event: Received) -> None:
        self._receive(event)

    @consume(VisitOpened)
    def receive_visit(self, event: Received) -> None:
        self._receive(event)

    @consume(VisitExtended)
    def receive_visit_extended(self, event: Received) -> None:
        self._receive(event)

    @consume(NoticeIssued)
    def receive_notice(self, event: Received) -> None:
        self._receive(event)

    @consume(ResultSubmitted)
    def receive_submitted(self, event: Received) -> None:
        self._receive(event)

    @consume(ResultReturned)
    def receive_returned(self, event: Received) -> None:
        self._receive(event)

    @consume(ResultApproved)
    def receive_approved(self, event: Received) -> None:
        self._receive(event)

    @consume(Overdue)
    def receive_overdue(self, event: Received) -> None:
        self._receive(event)

    @consume(EnrolmentReset)
    def receive_reset(self, event: Received) -> None:
        self._receive(event)

    def _receive(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())

    def daily_jobs(self, ctx: Context, day: date) -> dict[str, object]:
        """What the timer runs each day (hrss.web.daily): the reminders, then the escalation."""
        return {
            "reminders": handlers.handle(RunReminders(day), ctx),
            "escalations": handlers.handle(RunEscalations(day), ctx),
        }

    # -- people: the inbox and their contact ------------------------------------------------------

    @read_http("GET", "/inbox")
    def get_inbox(self, request: Request) -> Response:
        return json_response(views.inbox(self._reader(request), request.args))

    @read_http("GET", "/inbox/unread-count")
    def get_unread(self, request: Request) -> Response:
        return json_response(views.unread_count(self._reader(request)))

    @write_http("POST", "/inbox/<notification_id>/read")
    def read(self, request: Request, notification_id: str) -> Response:
        key = check_id(notification_id, "notification_id")
        return self._write(request, "notification.read", key, lambda ctx: handlers.handle(MarkRead(key), ctx))

    @read_http("GET", "/contacts/me")
    def get_my_contact(self, request: Request) -> Response:
        return json_response(views.my_contact(self._reader(request)))

    @write_http("PUT", "/contacts/me")
    def put_my_contact(self, request: Request) -> Response:
        def run(ctx: Context) -> object:
            body = parse(ContactBody, request.get_data())
            return handlers.handle(KeepMyContact(body.email, body.mobile), ctx)

        return self._write(request, "contact.keep", "me", run, object_type="contact")

    @write_http("PUT", "/entities/<uscc>/contact")
    def put_entity_contact(self, request: Request, uscc: str) -> Response:
        def run(ctx: Context) -> object:
            body = parse(EntityContactBody, request.get_data())
            try:
                code = check_uscc(uscc)
            except ValueError:
                raise invalid("uscc", "request.invalid_uscc", "uscc 不是有效的统一社会信用代码") from None
            return handlers.handle(KeepEntityContact(code, body.node, body.email, body.mobile), ctx)

        return self._write(request, "contact.keep", uscc[:18], run, object_type="contact")

    @read_http("GET", "/preferences/me")
    def get_my_preferences(self, request: Request) -> Response:
        return json_response(views.my_preferences(self._reader(request)))

    @write_http("PUT", "/preferences/me")
    def put_my_preferences(self, request: Request) -> Response:
        def run(ctx: Context) -> object:
            body = parse(PreferencesBody, request.get_data())
            return handlers.handle(KeepMyPreferences(body.channels, body.quiet_start, body.quiet_end), ctx)

        return self._write(request, "preference.keep", "me", run, object_type="preference")

    # -- administrators ---------------------------------------------------------------------------

    @read_http("GET", "/deliveries/failed")
    def get_failed(self, request: Request) -> Response:
        ctx = self._reader(request)
        node = views.check_node(request.args.get("node")) or ctx.principal.node
        ctx.authorize(node, ADMIN_ROLES, Action.READ)
        return json_response(views.failed(ctx, node, request.args))

    @write_http("POST", "/reminders/run")
    def run_reminders(self, request: Request) -> Response:
        def run(ctx: Context) -> object:
            return handlers.handle(RunReminders(views.check_date(request.args.get("on"), "on")), ctx)

        return self._write(request, "reminders.run", "-", run)

    @write_http("POST", "/escalations/run")
    def run_escalations(self, request: Request) -> Response:
        def run(ctx: Context) -> object:
            return handlers.handle(RunEscalations(views.check_date(request.args.get("on"), "on")), ctx)

        return self._write(request, "escalations.run", "-", run)

    @read_http("GET", "/templates")
    def get_templates(self, request: Request) -> Response:
        self._reader(request)
        return json_response(views.templates())

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
