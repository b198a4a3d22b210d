"""The publication service: results, task announcements and plans made public from the events of inspection and
planning, and the anonymous, read-only, cacheable and rate-limited public API over them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.auth import Action
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.db import Database, UnitOfWork
from hrss.observability.web import error_response
from hrss.search import PublicSearch
from hrss.web import ComponentProvider, HttpService, Wiring, json_response, read_http
from hrss.web.daily import DailyJobs
from publication import search_views, views
from publication.adapters.orm import metadata
from publication.adapters.repository import PublicationRepository
from publication.bootstrap import bootstrap
from publication.domain.content import REFUSED
from publication.domain.errors import RateLimited, SearchUnavailable
from publication.entrypoints.consumers import EventConsumers
from publication.entrypoints.openapi import OPENAPI
from publication.entrypoints.staff import StaffEndpoints
from publication.service_layer.commands import RunDeadlines
from publication.service_layer.components import Components
from publication.service_layer.context import AUDITORS, Context
from publication.service_layer.handlers import handle

CACHE = "public, max-age=60"


class PublicationService(EventConsumers, StaffEndpoints, HttpService, AuditCheckpoints, DailyJobs):
    name = "publication"
    context = Context
    object_type = "publication"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    def daily_jobs(self, ctx: Context, day: date) -> dict[str, Any]:
        """What the timer runs each day (hrss.web.daily): record missed publication deadlines (idempotent)."""
        return {"deadlines": handle(RunDeadlines(day), ctx)}

    # -- the public API (anonymous, read-only) ----------------------------------------------------

    def _public(self, request: Request, build: Callable[[PublicationRepository], Any]) -> Response:
        """`build(repository)` as JSON for anyone: rate-limited per address, with an ETag, cacheable for a minute."""
        wait = self.wiring.components.limiter.take(request.remote_addr or "-")
        if wait:
            refused = error_response(RateLimited(wait))
            refused.headers["Retry-After"] = str(wait)
            return refused
        response = json_response(build(self.wiring.components.repository(self.db)))
        tag = hashlib.sha256(response.get_data()).hexdigest()[:32]
        if tag in request.if_none_match:
            response = Response(status=304)
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE
        return response

    @read_http("GET", "/entities/<uscc>/results")
    def entity_results(self, request: Request, uscc: str) -> Response:
        return self._public(request, lambda repo: views.entity_results(repo, uscc))

    @read_http("GET", "/results")
    def list_results(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "result", request.args))

    @read_http("GET", "/refusals")
    def list_refusals(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "result", request.args, REFUSED))

    @read_http("GET", "/checklists")
    def list_checklists(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "checklist", request.args))

    @read_http("GET", "/checklists/<checklist_id>")
    def get_checklist(self, request: Request, checklist_id: str) -> Response:
        return self._public(request, lambda repo: views.record(repo, "checklist", checklist_id))

    @read_http("GET", "/nodes/<node>/checklist")
    def get_node_checklist(self, request: Request, node: str) -> Response:
        return self._public(request, lambda repo: views.node_checklist(repo, node))

    @read_http("GET", "/drawn-lists")
    def list_drawn_lists(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "drawn_list", request.args))

    @read_http("GET", "/drawn-lists/<list_id>")
    def get_drawn_list(self, request: Request, list_id: str) -> Response:
        return self._public(request, lambda repo: views.record(repo, "drawn_list", list_id))

    @read_http("GET", "/results/<result_id>")
    def get_result(self, request: Request, result_id: str) -> Response:
        return self._public(request, lambda repo: views.record(repo, "result", result_id))

    @read_http("GET", "/tasks")
    def list_tasks(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "task", request.args))

    @read_http("GET", "/tasks/<task_id>")
    def get_task(self, request: Request, task_id: str) -> Response:
        return self._public(request, lambda repo: views.record(repo, "task", task_id))

    @read_http("GET", "/plans")
    def list_plans(self, request: Request) -> Response:
        return self._public(request, lambda repo: views.listing(repo, "plan", request.args))

    @read_http("GET", "/plans/<plan_id>")
    def get_plan(self, request: Request, plan_id: str) -> Response:
        return self._public(request, lambda repo: views.record(repo, "plan", plan_id))

    @read_http("GET", "/nodes/<node>/receipts")
    def get_receipts(self, request: Request, node: str) -> Response:
        return self._public(request, lambda repo: views.receipts(repo, node, request.args))

    @read_http("GET", "/nodes/<node>/receipts/verification")
    def verify_receipts(self, request: Request, node: str) -> Response:
        return self._public(request, lambda repo: views.verification(repo, node))

    @read_http("GET", "/search")
    def search(self, request: Request) -> Response:
        return self._public(request, lambda repo: search_views.search(self._search(), request.args))

    @read_http("GET", "/suggest")
    def suggest(self, request: Request) -> Response:
        return self._public(request, lambda repo: search_views.suggest(self._search(), request.args))

    def _search(self) -> PublicSearch:
        index = self.wiring.components.search
        if index is None:
            raise SearchUnavailable()
        index.start()  # the template and first generation, once per process (a search may come before any write)
        return index.search

    # -- for auditors -------------------------------------------------------------------------

    @read_http("GET", "/withheld")
    def get_withheld(self, request: Request) -> Response:
        ctx = self._reader(request)
        node = views.check_node(request.args.get("node")) or ctx.principal.node.code
        ctx.authorize(node, AUDITORS, Action.READ)
        return json_response(views.withheld(ctx.repo, node))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
