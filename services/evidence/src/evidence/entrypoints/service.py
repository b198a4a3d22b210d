"""The evidence service: uploads and records of evidence, archives filed from approved results, amendments,
access approvals, audited reads under a grant, and the borrowing register."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from evidence import views
from evidence.adapters.orm import metadata
from evidence.bootstrap import bootstrap
from evidence.entrypoints import schemas
from evidence.entrypoints.openapi import OPENAPI
from evidence.entrypoints.plumbing import audited_read, body_errors
from evidence.service_layer import access, archives, uploads
from evidence.service_layer.commands import (
    DecideAccess,
    DecideAmendment,
    LendArchive,
    ProposeAmendment,
    ReadEvidence,
    ReadVersion,
    RequestAccess,
    ReturnArchive,
    SearchArchives,
    UploadEvidence,
)
from evidence.service_layer.components import Components
from evidence.service_layer.context import Context
from evidence.service_layer.handlers import handle, keep_visits
from hrss.auth import Principal
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.evidence import ArchiveAmended, ArchiveFiled
from hrss.contracts.events.inspection import ResultApproved, VisitExtended, VisitOpened, VisitStatusChanged
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, read_http, write_http

log = logging.getLogger(__name__)


def _body(request: Request) -> Any:
    """The raw body, streamed: werkzeug's length-limited stream, or for a chunked body (no Content-Length)
    the server's own de-chunking input, which werkzeug would hide as empty; the upload enforces the size limit."""
    if request.content_length is not None:
        return request.stream
    return request.environ["wsgi.input"]


class EvidenceService(HttpService, AuditCheckpoints):
    name = "evidence"
    context = Context
    object_type = "evidence"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    @consume(ResultApproved)
    def file_result(self, event: Received) -> None:
        """File (or amend) the visit's archive when its result is approved at a node this process serves."""
        approved: ResultApproved = event.payload  # type: ignore[assignment]
        handle(approved, self._as_service(), event_id=str(event.envelope.event_id))

    # one event per poll: OCR of a scanned archive takes seconds a page, and the consumer must poll again in time
    @consume(ArchiveFiled, batch_size=1)
    def index_filed(self, event: Received) -> None:
        """Our own filed archive into the archive index, after its transaction committed (indexing.py)."""
        handle(event.payload, self._as_service(), event_id=str(event.envelope.event_id))

    @consume(ArchiveAmended, batch_size=1)
    def index_amended(self, event: Received) -> None:
        """Our own amended archive (version n+1) into the archive index; an older version arriving late is stale."""
        handle(event.payload, self._as_service(), event_id=str(event.envelope.event_id))

    @consume(VisitOpened, batch=True)
    def apply_visits_opened(self, events: list[Received]) -> None:
        """Keep the visits opened at the nodes this process keeps, with their teams."""
        self._apply_visits(events)

    @consume(VisitExtended, batch=True)
    def apply_visits_extended(self, events: list[Received]) -> None:
        """Keep a visit's new team (the whole state)."""
        self._apply_visits(events)

    @consume(VisitStatusChanged, batch=True)
    def apply_visit_statuses(self, events: list[Received]) -> None:
        """Keep a visit's steps; `closed` ends its uploads."""
        self._apply_visits(events)

    def _apply_visits(self, events: list[Received]) -> None:
        pairs = [(str(e.envelope.event_id), e.payload) for e in events]
        kept = keep_visits(pairs, self._as_service())  # type: ignore[arg-type]
        if kept < len(pairs):
            log.debug("ignored %d visit events of nodes this process does not keep", len(pairs) - kept)

    # -- plumbing ---------------------------------------------------------------------------

    def _change(
        self, request: Request, action: str, kind: str, key: str, run: Callable[[Context], Any], status: int = 200
    ) -> Response:
        """`HttpService._write` with the body's own errors (size, a client that stops sending) and a corrupt
        stored object answered as the evidence service's refusals, and `status` (201 for what a write creates)."""

        def answer(ctx: Context) -> Response:
            result = body_errors(lambda: run(ctx))
            return result if isinstance(result, Response) else json_response(result, status)

        return self._write(request, action, key, answer, object_type=kind)

    def _read(self, request: Request, run: Callable[[Context], Any]) -> Response:
        return json_response(run(self._reader(request)))

    # -- evidence ---------------------------------------------------------------------------

    @write_http("POST", "/evidence", streams=True)  # bounded while streamed, by the node's upload limit
    def upload(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            q = schemas.parse_query(schemas.UploadQuery, dict(request.args.items()))
            request.max_content_length = ctx.components.settings.max_bytes
            spec = uploads.Upload(
                q.node, str(q.visit_id), q.kind, q.filename, q.task_id and str(q.task_id), q.item_id, q.checksum,
                q.algorithm, q.description,
            )  # fmt: skip
            return handle(UploadEvidence(spec, _body(request), request.content_length), ctx)

        return self._change(request, "evidence.upload", "evidence", request.args.get("visit_id", "-"), run, 201)

    @read_http("GET", "/evidence/<evidence_id>")
    def get_evidence(self, request: Request, evidence_id: str) -> Response:
        return self._read(request, lambda ctx: views.evidence(ctx, evidence_id))

    @read_http("GET", "/visits/<visit_id>/evidence")
    def visit_evidence(self, request: Request, visit_id: str) -> Response:
        return self._read(request, lambda ctx: views.visit_evidence(ctx, visit_id))

    @read_http("GET", "/quarantine")
    def quarantine(self, request: Request) -> Response:
        node, visit_id = request.args.get("node"), request.args.get("visit_id")
        return self._read(request, lambda ctx: views.quarantined(ctx, node, visit_id))

    # -- archives ---------------------------------------------------------------------------

    @read_http("GET", "/archives/search")
    def search_archives(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            q = schemas.parse_query(schemas.SearchQuery, dict(request.args.items()))
            return handle(SearchArchives(q.q, q.cursor, q.size), ctx)

        return self._read(request, run)

    @read_http("GET", "/archives/<archive_id>")
    def get_archive(self, request: Request, archive_id: str) -> Response:
        return self._read(request, lambda ctx: archives.archive_view(ctx, check_id(archive_id, "archive_id")))

    @read_http("GET", "/visits/<visit_id>/archive")
    def visit_archive(self, request: Request, visit_id: str) -> Response:
        return self._read(request, lambda ctx: views.visit_archive(ctx, visit_id))

    @write_http("POST", "/archives/<archive_id>/amendments")
    def propose_amendment(self, request: Request, archive_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(archive_id, "archive_id")
            b = schemas.parse(schemas.AmendmentBody, request.get_data())
            add, out = tuple(str(i) for i in b.add_evidence), tuple(str(i) for i in b.withdraw_evidence)
            return handle(ProposeAmendment(key, b.reason, b.content, add, out), ctx)

        return self._change(request, "archive.propose_amendment", "archive", archive_id, run, 201)

    @write_http("POST", "/amendments/<amendment_id>/decisions")
    def decide_amendment(self, request: Request, amendment_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(amendment_id, "amendment_id")
            b = schemas.parse(schemas.AmendmentDecisionBody, request.get_data())
            return handle(DecideAmendment(key, b.decision, b.comment), ctx)

        return self._change(request, "archive.decide_amendment", "amendment", amendment_id, run)

    # -- access -----------------------------------------------------------------------------

    @write_http("POST", "/archives/<archive_id>/access-requests")
    def request_access(self, request: Request, archive_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(archive_id, "archive_id")
            b = schemas.parse(schemas.AccessRequestBody, request.get_data())
            return handle(RequestAccess(key, tuple(b.versions), b.mode, b.purpose, b.valid_until), ctx)

        return self._change(request, "access.request", "archive", archive_id, run, 201)

    @read_http("GET", "/access-requests/<request_id>")
    def get_access_request(self, request: Request, request_id: str) -> Response:
        return self._read(request, lambda ctx: access.request_view(ctx, check_id(request_id, "request_id")))

    @write_http("POST", "/access-requests/<request_id>/decisions")
    def decide_access(self, request: Request, request_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(request_id, "request_id")
            b = schemas.parse(schemas.AccessDecisionBody, request.get_data())
            return handle(DecideAccess(key, b.position, b.decision, b.comment, b.approver_name), ctx)

        return self._change(request, "access.decide", "access_request", request_id, run)

    @write_http("GET", "/archives/<archive_id>/versions/<version>")
    def read_version(self, request: Request, archive_id: str, version: str) -> Response:
        given = request.args.get("grant_id")

        def run(principal: Principal) -> Any:
            key, number = check_id(archive_id, "archive_id"), views.check_version(version)
            grant = given and check_id(given, "grant_id")
            return handle(ReadVersion(key, number, grant or None), self._context(principal))

        auth = self.wiring.principal_from
        return audited_read(
            self.db, request, auth, self.trace_id, action="archive.read", object_type="archive",
            object_id=_auditable(archive_id), grant_id=_auditable(given), run=run,
        )  # fmt: skip

    @write_http("GET", "/archives/<archive_id>/versions/<version>/evidence/<evidence_id>")
    def read_evidence(self, request: Request, archive_id: str, version: int, evidence_id: str) -> Response:
        given = request.args.get("grant_id")

        def run(principal: Principal) -> Response:
            key, ev = check_id(archive_id, "archive_id"), check_id(evidence_id, "evidence_id")
            grant = given and check_id(given, "grant_id")
            command = ReadEvidence(key, views.check_version(version), ev, grant or None)
            row, chunks = handle(command, self._context(principal))
            return views.file_response(row, chunks)

        auth = self.wiring.principal_from
        return audited_read(
            self.db, request, auth, self.trace_id, action="evidence.read", object_type="evidence",
            object_id=_auditable(evidence_id), grant_id=_auditable(given), run=run,
        )  # fmt: skip

    # -- borrowing register -------------------------------------------------------------------

    @write_http("POST", "/grants/<grant_id>/borrowings")
    def borrow(self, request: Request, grant_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(grant_id, "grant_id")
            b = schemas.parse(schemas.BorrowBody, request.get_data())
            return handle(LendArchive(key, b.version, b.due_back, b.note), ctx)

        return self._change(request, "borrowing.lend", "grant", grant_id, run, 201)

    @write_http("POST", "/borrowings/<borrowing_id>/return")
    def give_back(self, request: Request, borrowing_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(borrowing_id, "borrowing_id")
            b = schemas.parse(schemas.ReturnBody, request.get_data())
            return handle(ReturnArchive(key, b.condition, b.note), ctx)

        return self._change(request, "borrowing.return", "borrowing", borrowing_id, run)

    @read_http("GET", "/borrowings")
    def borrowings(self, request: Request) -> Response:
        return self._read(request, lambda ctx: views.register(ctx, request.args.get("node")))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)


def _auditable(value: str | None) -> str | None:
    """A caller's id as the audit entry may record it: a UUID as given, anything else (NUL bytes, free text) as
    `-`. The request itself is refused with the field named (`hrss.web.check_id`), and that refusal is audited."""
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return "-"
